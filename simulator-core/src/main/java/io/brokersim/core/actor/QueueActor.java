package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Expiration;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueConsumer;
import io.brokersim.core.model.QueueFeatures;
import io.brokersim.core.model.QueueLimits;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.QueueState;
import io.brokersim.core.model.QueuedMessage;
import io.brokersim.core.model.Return;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ConsumerTimeouts;
import io.brokersim.core.profile.DeadLettering;
import io.brokersim.core.profile.QueueArguments;
import io.brokersim.core.profile.QueueTypes;
import io.brokersim.core.profile.TopologyRules;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One queue. The rules live in {@link QueueState}, {@link QueueLimits} and the {@link QueueFeatures} its type
 * and profile give it ({@link QueueTypes}); this actor owns the consumers'
 * channel references, takes messages straight from publishing channels, sends deliveries, answers
 * declares/purges/deletes that need the queue's counts, dead-letters through the routing snapshot, and
 * records trace events. Deleting itself, it leaves the routing snapshot (with its bindings and any
 * auto-delete exchange they kept alive) before it answers; after that it discards late messages with a
 * recorded reason and bounces requests back to the vhost, which re-resolves the name.
 */
public final class QueueActor extends AbstractBehavior<QueueActor.Command> {

  /** Messages a queue understands. */
  public interface Command {}

  /**
   * A routed message for queue {@code queue}. {@code confirmTo} is non-null when the publisher wants a
   * confirm for {@code seq}.
   */
  public record Enqueue(String queue, Message message, ActorRef<ChannelActor.Command> confirmTo, long seq)
      implements Command {}

  /**
   * A channel request for this queue: redeclare, consume, get, purge or delete. The channel sends it here
   * itself (found in the routing snapshot), behind its earlier publishes to this queue; if this queue was
   * deleted meanwhile, it goes to the vhost, which resolves the name again.
   */
  public record Forwarded(VhostActor.ChannelRequest request) implements Command {}

  public record CancelConsumer(String channelId, String consumerTag, boolean noWait,
      ActorRef<ChannelActor.Command> replyTo) implements Command {}

  /** How deliveries are settled. */
  public enum SettleKind { ACK, REQUEUE, DISCARD }

  /**
   * Settles deliveries of this queue; {@code why} says what a {@link SettleKind#REQUEUE} was (it decides whether
   * the return counts towards the delivery limit, §9.4) and {@code reason} names the client method for the trace.
   */
  public record Settle(String channelId, long[] deliveryIds, SettleKind kind, Return why, String reason)
      implements Command {}

  /**
   * A channel closed: requeue every unacked delivery made to it, drop its consumers, then tell the
   * channel it is released.
   */
  public record ChannelGone(String channelId, String reason, ActorRef<ChannelActor.Command> replyTo)
      implements Command {}

  /** A channel's client cannot keep up (or caught up again): stop or resume deliveries to its consumers. */
  public record SetBlocked(String channelId, boolean blocked) implements Command {}

  /**
   * The channel's shared (global) prefetch credit has room again: its consumers here that found it full
   * may try once more. Channels send this to their queues in turn, so freed credit goes round the queues.
   */
  public record CreditAvailable(String channelId) implements Command {}

  /** LavinMQ: {@code basic.qos} changes the prefetch of a channel's existing consumers. */
  public record SetPrefetch(String channelId, int prefetch) implements Command {}

  /** Deletion not asked by a client (exclusive owner gone, expiry); {@code reason} goes to the trace. */
  public record DeleteInternal(String reason) implements Command {}

  /** Stops or resumes deliveries to consumers (a fault effect); {@code basic.get} still works. */
  public record Pause(boolean paused) implements Command {}

  /** A fault rule cancels a consumer: server-initiated {@code basic.cancel}. */
  public record ServerCancelConsumer(String channelId, String consumerTag, String rule) implements Command {}

  /** Broker restart: a non-durable queue is lost; a durable one keeps only its persistent messages. */
  public record Restart(String rule) implements Command {}

  private record DelayedEnqueue(Enqueue enqueue) implements Command {}

  /** Reports the live copies ({@code msgId@queue}) to the callback, for the fate-ledger check. */
  public record ReportLive(Consumer<List<String>> callback) implements Command {}

  /** Sent by the vhost once the queue has left the routing snapshot. */
  public enum Stop implements Command { INSTANCE }

  /** Asks the queue to describe itself (counts, consumers) for a {@link BrokerView}. */
  public record Inspect(ActorRef<Inspected> replyTo) implements Command {}

  /** A queue's answer to {@link Inspect}. */
  public record Inspected(ActorRef<Command> queue, BrokerView.Queue view) {}

  /**
   * Purges the ready messages on behalf of an operator (the management API's
   * {@code DELETE /api/queues/vhost/name/contents}), not a client: no channel, no exclusivity check.
   */
  public record Purge(String reason, ActorRef<Purged> replyTo) implements Command {}

  /** The answer to {@link Purge}: how many messages went, or {@code found = false} if the queue was deleted. */
  public record Purged(String queue, boolean found, int messages) {}

  private enum ExpiryTick implements Command { INSTANCE }

  private enum LeaseExpired implements Command { INSTANCE }

  /** A delivery's consumer timeout is due (RabbitMQ 4.3 quorum queues, §10.3). */
  private enum TimeoutTick implements Command { INSTANCE }

  /** Time to try routing the held at-least-once dead letters again (§9.5). */
  private enum DeadLetterRetry implements Command { INSTANCE }

  private final Vhost vhost;
  private final BrokerContext broker;
  private final QueueSpec spec;
  private final QueueLimits limits;
  private final QueueFeatures features;
  private final AtomicBoolean ready;
  private final QueueState<ActorRef<ChannelActor.Command>> state;
  private final TimerScheduler<Command> timers;
  /** Channels holding unacked {@code basic.get} deliveries, which a consumer timeout must tell (§10.3). */
  private final Map<String, ActorRef<ChannelActor.Command>> getChannels = new LinkedHashMap<>();
  private long expiryTimerAt = Long.MAX_VALUE;
  private long timeoutTimerAt = Long.MAX_VALUE;
  /** A quorum queue over its length limit with {@code reject-publish} refuses publishes (§9.6). */
  private boolean refusingPublishes;
  private final DeadLetterPublisher deadLetters;
  private boolean paused;
  /** Messages this queue sent itself for later (fault delays, duplicates); it stops only when none is left. */
  private int delayed;

  /** A queue actor; it keeps {@code ready} (its handle's readiness flag) up to date for LavinMQ's immediate. */
  public static Behavior<Command> create(Vhost vhost, QueueSpec spec, AtomicBoolean ready) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new QueueActor(ctx, vhost, spec, ready, timers)));
  }

  private QueueActor(ActorContext<Command> ctx, Vhost vhost, QueueSpec spec, AtomicBoolean ready,
      TimerScheduler<Command> timers) {
    super(ctx);
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.spec = spec;
    this.limits = QueueTypes.limits(broker.profile(), spec);
    this.features = QueueTypes.features(broker.profile(), spec, broker.consumerTimeouts());
    this.state = new QueueState<>(features);
    this.deadLetters = new DeadLetterPublisher(vhost, spec.name(), ctx.getSelf().path().name(), limits, features,
        state);
    this.ready = ready;
    this.timers = timers;
    renewLease();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, m -> enqueue(m, true))
        .onMessage(DelayedEnqueue.class, m -> {
          delayed--;
          return enqueue(m.enqueue(), false);
        })
        .onMessage(Pause.class, this::onPause)
        .onMessage(ServerCancelConsumer.class, this::onServerCancelConsumer)
        .onMessage(Restart.class, this::onRestart)
        .onMessage(Settle.class, this::onSettle)
        .onMessage(Forwarded.class, this::onForwarded)
        .onMessage(CancelConsumer.class, this::onCancelConsumer)
        .onMessage(ChannelGone.class, this::onChannelGone)
        .onMessage(SetPrefetch.class, this::onSetPrefetch)
        .onMessage(SetBlocked.class, this::onSetBlocked)
        .onMessage(CreditAvailable.class, m -> {
          state.creditAvailable(m.channelId());
          dispatch();
          return this;
        })
        .onMessage(DeleteInternal.class, m -> deleteNow(m.reason()))
        .onMessage(ReportLive.class, this::onReportLive)
        .onMessage(Inspect.class, this::onInspect)
        .onMessage(Purge.class, this::onPurge)
        .onMessageEquals(ExpiryTick.INSTANCE, this::onExpiryTick)
        .onMessageEquals(LeaseExpired.INSTANCE, this::onLeaseExpired)
        .onMessageEquals(TimeoutTick.INSTANCE, this::onTimeoutTick)
        .onMessageEquals(DeadLetterRetry.INSTANCE, this::onDeadLetterRetry)
        .build();
  }

  private String name() {
    return spec.name();
  }

  /** {@code x-expires} (§5.3): any use restarts the idle lease. */
  private void renewLease() {
    if (limits.expiresMillis() > 0) {
      timers.startSingleTimer(LeaseExpired.INSTANCE, LeaseExpired.INSTANCE, Duration.ofMillis(limits.expiresMillis()));
    }
  }

  private Behavior<Command> onLeaseExpired() {
    if (!state.hasConsumers()) {
      return deleteNow("expires"); // messages of an expired queue are not dead-lettered (§5.3)
    }
    renewLease();
    return this;
  }

  /** Ends a message's life in this queue for {@code reason} (dropped or dead-lettered, §5.4, §9.4–§9.5). */
  private void retire(QueuedMessage e, DeadLettering.Reason reason, String detail) {
    if (deadLetters.retire(e, reason, detail)) {
      armDeadLetterRetry();
    }
  }

  private void armDeadLetterRetry() {
    if (!timers.isTimerActive(DeadLetterRetry.INSTANCE)) {
      timers.startSingleTimer(DeadLetterRetry.INSTANCE, DeadLetterRetry.INSTANCE,
          Duration.ofMillis(QueueTypes.AT_LEAST_ONCE_RETRY_MILLIS));
    }
  }

  /** The held dead letters get another chance; those that still cannot be routed wait for the next one. */
  private Behavior<Command> onDeadLetterRetry() {
    if (deadLetters.retryHeld()) {
      armDeadLetterRetry();
    }
    dispatch();
    return this;
  }

  /** What the trace says when a message passed the delivery limit. */
  private String overLimitDetail(QueuedMessage e) {
    return "delivered " + e.returns() + " times, " + e.deliveryCount() + " of them failed: more than the delivery "
        + "limit of " + features.deliveryLimit() + " (x-delivery-limit)";
  }

  /** A delivery came back: requeued (traced with {@code reason}), or retired when it passed the delivery limit. */
  private void returned(QueueState.Returned r, String reason) {
    if (r.overLimit()) {
      retire(r.entry(), DeadLettering.Reason.DELIVERY_LIMIT, overLimitDetail(r.entry()));
    } else {
      broker.trace().record(new TraceEvent.Requeued(r.entry().message().msgId(), name(), reason));
    }
  }

  // ---------------------------------------------------------------------------- messages in

  private Behavior<Command> enqueue(Enqueue m, boolean withFaults) {
    if (withFaults && broker.faults().watches(Boundary.ENQUEUED) && applyEnqueueFaults(m)) {
      return this;
    }
    if (refuses(m.message())) {
      // x-overflow reject-publish (§5.4, §9.6): refused, and nacked under confirms.
      if (limits.overflow() == QueueLimits.Overflow.REJECT_PUBLISH_DLX && limits.deadLetters()) {
        retire(new QueuedMessage(m.message(), 0, Long.MAX_VALUE), DeadLettering.Reason.MAXLEN,
            "queue '" + name() + "' is full (x-overflow reject-publish-dlx)");
      } else {
        broker.trace().record(new TraceEvent.Discarded(m.message().msgId(), name(), "overflow",
            "queue '" + name() + "' is full (x-overflow " + (features.blockingRejectPublish()
                ? "reject-publish: a quorum queue over its limit refuses publishes until it is under 80% of it)"
                : limits.overflow() == QueueLimits.Overflow.REJECT_PUBLISH ? "reject-publish)"
                : "reject-publish-dlx, no dead-letter exchange)")));
      }
      if (m.confirmTo() != null) {
        m.confirmTo().tell(new ChannelActor.EnqueueResult(m.seq(), false));
      }
      return this;
    }
    long now = broker.now();
    long expiresAt = Expiration.expiresAt(now, Expiration.messageTtlMillis(m.message().properties()),
        limits.messageTtlMillis());
    state.enqueue(m.message(), expiresAt);
    broker.trace().record(new TraceEvent.Enqueued(m.message().msgId(), name(), state.readyCount()));
    if (m.confirmTo() != null) {
      m.confirmTo().tell(new ChannelActor.EnqueueResult(m.seq(), true));
    }
    dispatch(now); // one clock reading per decision: a message with TTL 0 meets a ready consumer
    enforceLength();
    return this;
  }

  /**
   * The length limit after messages came in: by default (drop-head) the oldest ready messages make room
   * (dead-lettered as maxlen), after a requeue too, which counts toward the limit (RabbitMQ's maybe_drop_head);
   * a quorum queue with reject-publish takes the message that passes its limit and refuses the following ones
   * (§9.6); other reject-publish queues only refuse new messages.
   */
  private void enforceLength() {
    if (features.blockingRejectPublish()) {
      refusingPublishes |= limits.overLimit(state.lengthForLimit(), state.bytesForLimit());
    } else if (!limits.rejectPublish()) {
      while (limits.overLimit(state.readyCount(), state.readyBytes())) {
        retire(state.dropHead(), DeadLettering.Reason.MAXLEN, "x-max-length reached (drop-head)");
      }
    }
  }

  /** True when a length limit refuses {@code m} (x-overflow reject-publish or reject-publish-dlx). */
  private boolean refuses(Message m) {
    if (features.blockingRejectPublish()) {
      return refusingPublishes;
    }
    return limits.rejectPublish() && limits.wouldOverflow(state.readyCount(), state.readyBytes(), m.bodySize());
  }

  /** Fault rules at enqueued. Returns true if they took the message (dropped or delayed). */
  private boolean applyEnqueueFaults(Enqueue m) {
    Message msg = m.message();
    FaultDecision d = FaultPoints.decide(broker, Boundary.ENQUEUED, msg, name(), null, null, null, null);
    FaultPoints.recordAndApplyElsewhere(vhost, d, new FaultDecision.Site(name(), null, null, name()), msg.msgId());
    if (d.dropRule() != null) {
      broker.trace().record(new TraceEvent.Discarded(msg.msgId(), name(), "fault", d.dropRule()));
      if (m.confirmTo() != null) {
        m.confirmTo().tell(new ChannelActor.EnqueueResult(m.seq(), false));
      }
      return true;
    }
    for (int k = 1; k <= d.duplicateRules().size(); k++) {
      delayed++;
      getContext().getSelf().tell(new DelayedEnqueue(new Enqueue(name(), msg.withId(FaultDecision.duplicateId(msg.msgId(), k)),
          null, 0)));
    }
    if (d.delay() != null) {
      delayed++;
      getContext().scheduleOnce(d.delay(), getContext().getSelf(), new DelayedEnqueue(m));
      return true;
    }
    return false;
  }

  private Behavior<Command> onSettle(Settle m) {
    boolean requeued = false;
    for (long id : m.deliveryIds()) {
      switch (m.kind()) {
        case ACK -> state.ack(id);
        case REQUEUE -> {
          QueueState.Returned r = state.giveBack(id, m.why());
          if (r != null) {
            requeued |= !r.overLimit();
            returned(r, m.reason());
          }
        }
        case DISCARD -> {
          QueuedMessage e = state.ack(id);
          if (e != null) {
            retire(e, DeadLettering.Reason.REJECTED, m.reason());
          }
        }
      }
    }
    if (requeued) {
      enforceLength();
    }
    // Settling deliveries a consumer timeout took back lets the consumer have messages again (§10.3).
    state.settledAfterTimeout(m.channelId(), m.deliveryIds());
    dispatch();
    return this;
  }

  // ---------------------------------------------------------------------------- deliveries

  private void dispatch() {
    dispatch(broker.now());
  }

  /**
   * Delivers what can be delivered at {@code now}, then expires what reached the head past its TTL.
   * Messages strictly past their expiry are never delivered, wherever they were when it passed; one due
   * exactly now may still go to a ready consumer, which is what expiration "0" means (semantics §5.1), and
   * expires right after otherwise.
   */
  private void dispatch(long now) {
    expire(now - 1);
    if (!paused) {
      for (QueueState.Delivery<ActorRef<ChannelActor.Command>> d
          : state.deliverReady(now, e -> retire(e, DeadLettering.Reason.EXPIRED, "expired"))) {
        QueueConsumer<ActorRef<ChannelActor.Command>> c = d.consumer();
        c.handle().tell(new ChannelActor.Deliver(name(), getContext().getSelf(), c.tag(), d.deliveryId(),
            features.deliveryHeaders().annotate(d.entry().message(), d.entry(), c.noAck()), d.redelivered(),
            c.noAck()));
      }
    }
    expire(now);
    armExpiryTimer(now);
    armTimeoutTimer(now);
    if (refusingPublishes && limits.belowSoftLimit(state.lengthForLimit(), state.bytesForLimit())) {
      refusingPublishes = false;
    }
    reportReadiness();
  }

  /** Publishes whether a consumer could take a message now (only LavinMQ's immediate flag reads it). */
  private void reportReadiness() {
    if (broker.profile().immediateHandling() == BrokerProfile.ImmediateHandling.RETURN_313) {
      ready.set(state.hasReadyConsumer());
    }
  }

  private void expire(long now) {
    for (QueuedMessage e : state.expireHead(now)) {
      retire(e, DeadLettering.Reason.EXPIRED, "expired");
    }
  }

  private void armExpiryTimer(long now) {
    QueuedMessage head = state.peek();
    long due = head == null ? Long.MAX_VALUE : head.expiresAtNanos();
    if (due == expiryTimerAt) {
      return;
    }
    expiryTimerAt = due;
    if (due == Long.MAX_VALUE) {
      timers.cancel(ExpiryTick.INSTANCE);
    } else {
      timers.startSingleTimer(ExpiryTick.INSTANCE, ExpiryTick.INSTANCE, Duration.ofNanos(Math.max(0, due - now)));
    }
  }

  /** Arms the consumer timeout of the earliest overdue delivery (RabbitMQ 4.3 quorum queues, §10.3). */
  private void armTimeoutTimer(long now) {
    long due = state.nextDeadline();
    if (due == timeoutTimerAt) {
      return;
    }
    timeoutTimerAt = due;
    if (due == Long.MAX_VALUE) {
      timers.cancel(TimeoutTick.INSTANCE);
    } else {
      timers.startSingleTimer(TimeoutTick.INSTANCE, TimeoutTick.INSTANCE, Duration.ofNanos(Math.max(0, due - now)));
    }
  }

  /**
   * Consumer timeouts are due: the queue takes the overdue deliveries back and tells their channels, which
   * cancel the consumer or close (§10.3).
   */
  private Behavior<Command> onTimeoutTick() {
    timeoutTimerAt = Long.MAX_VALUE;
    for (QueueState.TimedOut<ActorRef<ChannelActor.Command>> t : state.timeOut(broker.now())) {
      for (QueueState.Returned r : t.returned()) {
        returned(r, "consumer-timeout");
      }
      QueueConsumer<ActorRef<ChannelActor.Command>> c = t.consumer();
      ActorRef<ChannelActor.Command> channel = c != null ? c.handle() : getChannels.get(t.channelId());
      if (channel != null) {
        channel.tell(new ChannelActor.ConsumerTimedOut(name(), getContext().getSelf(), c == null ? null : c.tag(),
            t.deliveryIds()));
      }
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onExpiryTick() {
    expiryTimerAt = Long.MAX_VALUE;
    dispatch();
    return this;
  }

  private Behavior<Command> onPause(Pause m) {
    paused = m.paused();
    dispatch();
    return this;
  }

  private Behavior<Command> onSetBlocked(SetBlocked m) {
    state.setBlockedOf(m.channelId(), m.blocked());
    dispatch();
    return this;
  }

  private Behavior<Command> onSetPrefetch(SetPrefetch m) {
    state.setPrefetchOf(m.channelId(), m.prefetch());
    dispatch();
    return this;
  }

  // ---------------------------------------------------------------------------- consumers

  private void addConsumer(VhostActor.ChannelRequest r, ClientMethod.BasicConsume c) {
    renewLease();
    BrokerProfile profile = broker.profile();
    boolean sharedPrefetch = profile.globalQos() == BrokerProfile.GlobalQos.SHARED_PER_CHANNEL
        && r.info().credit().limit() > 0;
    AmqpError badArgs = QueueTypes.consumeError(profile, features.type(), name(), broker.vhost(), c.arguments(),
        sharedPrefetch);
    if (badArgs != null) {
      fail(r, badArgs);
      return;
    }
    boolean exclusive = c.exclusive() && features.exclusiveConsumeEnforced();
    if (QueueTypes.exclusiveConsumeRefused(features, exclusive, state.hasConsumers(), state.hasExclusiveConsumer())) {
      fail(r, profile.exclusiveConsumerConflict(name(), broker.vhost()));
      return;
    }
    String channelId = r.info().channelId();
    int prefetch = r.info().prefetch();
    long timeoutMillis = ConsumerTimeouts.evaluation(profile, features.type()) == ConsumerTimeouts.Evaluation.QUEUE
        ? ConsumerTimeouts.queueTimeoutMillis(profile, spec.arguments(), c.arguments(), broker.consumerTimeouts())
        : -1;
    state.addConsumer(new QueueConsumer<>(r.channel(), channelId, c.consumerTag(), c.noAck(), exclusive, prefetch,
        r.info().credit(), profile.globalQosBlocksNoAck(), QueueArguments.consumerPriority(c.arguments()),
        timeoutMillis));
    broker.trace().record(new TraceEvent.ConsumerAdded(name(), channelId, c.consumerTag(), c.noAck(), prefetch));
    r.channel().tell(new ChannelActor.ConsumerAttached(c.consumerTag(), name(), getContext().getSelf(), c.noAck(),
        c.noWait()));
    dispatch();
  }

  private Behavior<Command> onCancelConsumer(CancelConsumer m) {
    QueueConsumer<ActorRef<ChannelActor.Command>> removed = state.removeConsumer(m.channelId(), m.consumerTag());
    Behavior<Command> next = this;
    if (removed != null) {
      broker.trace().record(new TraceEvent.ConsumerCancelled(name(), m.channelId(), m.consumerTag(), "client"));
      renewLease();
      // Auto-delete happens before the client sees cancel-ok (§2.3).
      next = afterConsumerLeft();
    }
    // The queue answers so that cancel-ok cannot overtake deliveries already sent (semantics §4.2).
    answerCancel(m);
    return next;
  }

  private static void answerCancel(CancelConsumer m) {
    if (m.replyTo() != null) {
      m.replyTo().tell(new ChannelActor.Reply(m.noWait() ? null : new Outbound.BasicCancelOk(m.consumerTag()), null,
          null));
    }
  }

  private Behavior<Command> onServerCancelConsumer(ServerCancelConsumer m) {
    QueueConsumer<ActorRef<ChannelActor.Command>> c = state.removeConsumer(m.channelId(), m.consumerTag());
    if (c == null) {
      return this;
    }
    broker.trace().record(new TraceEvent.ConsumerCancelled(name(), m.channelId(), m.consumerTag(), "fault"));
    c.handle().tell(new ChannelActor.ServerCancel(m.consumerTag(), name()));
    return afterConsumerLeft();
  }

  private Behavior<Command> onChannelGone(ChannelGone m) {
    getChannels.remove(m.channelId());
    for (QueueState.Returned r : state.giveBackChannel(m.channelId())) {
      returned(r, m.reason());
    }
    enforceLength();
    List<QueueConsumer<ActorRef<ChannelActor.Command>>> gone = state.removeConsumersOf(m.channelId());
    for (QueueConsumer<ActorRef<ChannelActor.Command>> c : gone) {
      broker.trace().record(new TraceEvent.ConsumerCancelled(name(), m.channelId(), c.tag(), m.reason()));
    }
    Behavior<Command> next = this;
    if (!gone.isEmpty()) {
      renewLease();
      next = afterConsumerLeft();
    } else {
      dispatch();
    }
    m.replyTo().tell(new ChannelActor.Released(getContext().getSelf()));
    return next;
  }

  /** An auto-delete queue goes when its last consumer does (§2.3); otherwise the others get the messages. */
  private Behavior<Command> afterConsumerLeft() {
    if (spec.autoDelete() && state.everHadConsumer() && !state.hasConsumers()) {
      return deleteNow("auto-delete");
    }
    dispatch();
    return this;
  }

  // ---------------------------------------------------------------------------- control plane

  private Behavior<Command> onForwarded(Forwarded f) {
    VhostActor.ChannelRequest r = f.request();
    ClientMethod m = r.method();
    if (m instanceof ClientMethod.QueueDeclare d) {
      redeclare(r, d);
      return this;
    }
    if (TopologyRules.lockedFor(spec, r.info().connectionId())) {
      fail(r, broker.profile().exclusiveLocked(ControlMethods.methodOf(m), name(), broker.vhost()));
      return this;
    }
    if (m instanceof ClientMethod.BasicConsume c) {
      addConsumer(r, c);
    } else if (m instanceof ClientMethod.BasicGet g) {
      get(r, g);
    } else if (m instanceof ClientMethod.QueuePurge p) {
      purge(r, p);
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return delete(r, d);
    }
    return this;
  }

  private static void reply(VhostActor.ChannelRequest r, Outbound ok) {
    r.channel().tell(new ChannelActor.Reply(ok, null, null));
  }

  private static void fail(VhostActor.ChannelRequest r, AmqpError error) {
    r.channel().tell(new ChannelActor.Reply(null, error, null));
  }

  private void redeclare(VhostActor.ChannelRequest r, ClientMethod.QueueDeclare d) {
    renewLease();
    if (TopologyRules.lockedFor(spec, r.info().connectionId())) {
      fail(r, broker.profile().exclusiveLocked(MethodRef.QUEUE_DECLARE, name(), broker.vhost()));
      return;
    }
    if (!d.passive()) {
      AmqpError err = redeclareError(d);
      if (err != null) {
        fail(r, err);
        return;
      }
    }
    Outbound ok = d.noWait() ? null : new Outbound.QueueDeclareOk(name(), state.readyCount(), state.consumerCount());
    r.channel().tell(new ChannelActor.Reply(ok, null, name()));
  }

  private AmqpError redeclareError(ClientMethod.QueueDeclare d) {
    boolean wantDurable = d.durable() && !(d.exclusive() && broker.profile().exclusiveQueuesAreTransient());
    if (spec.exclusive() != d.exclusive()) {
      return spec.exclusive()
          ? broker.profile().exclusiveLocked(MethodRef.QUEUE_DECLARE, name(), broker.vhost())
          : broker.profile().notAnExclusiveQueue(name(), broker.vhost());
    }
    return spec.firstDifference(wantDurable, d.autoDelete(), d.arguments(), broker.profile().isRabbitMq(),
            broker.profile().rabbitMajor() >= 4)
        .map(diff -> broker.profile().inequivalentQueue(name(), broker.vhost(), diff.argument(), diff.received(),
            diff.current()))
        .orElse(null);
  }

  private void get(VhostActor.ChannelRequest r, ClientMethod.BasicGet g) {
    renewLease();
    if (features.singleActiveConsumer() && !features.basicGetWithSingleActive()) {
      fail(r, QueueTypes.basicGetWithSingleActiveConsumer(broker.profile(), name(), broker.vhost()));
      return;
    }
    long now = broker.now();
    expire(now);
    QueueState.Delivery<ActorRef<ChannelActor.Command>> d = state.get(r.info().channelId(), g.noAck(), now,
        features.consumerTimeoutMillis());
    if (d == null) {
      reply(r, new Outbound.BasicGetEmpty());
    } else {
      if (!g.noAck()) {
        getChannels.put(r.info().channelId(), r.channel());
      }
      r.channel().tell(new ChannelActor.GetResult(name(), getContext().getSelf(), d.deliveryId(),
          features.deliveryHeaders().annotate(d.entry().message(), d.entry(), g.noAck()), d.redelivered(), g.noAck(),
          state.readyCount()));
    }
    dispatch();
  }

  private void purge(VhostActor.ChannelRequest r, ClientMethod.QueuePurge p) {
    List<QueuedMessage> purged = state.purge();
    for (QueuedMessage e : purged) {
      broker.trace().record(new TraceEvent.Discarded(e.message().msgId(), name(), "purged", "queue.purge"));
    }
    if (features.purgeDropsPendingDeadLetters()) {
      // RabbitMQ 4.3: a purge also drops the at-least-once dead letters waiting for a route (§9.5).
      for (QueueState.PendingDeadLetter d : state.takePendingDeadLetters()) {
        broker.trace().record(new TraceEvent.Discarded(d.entry().message().msgId(), name(), "purged",
            "queue.purge of a dead letter held for at-least-once dead-lettering"));
      }
    }
    reply(r, p.noWait() ? null : new Outbound.QueuePurgeOk(purged.size()));
    dispatch();
  }

  private Behavior<Command> delete(VhostActor.ChannelRequest r, ClientMethod.QueueDelete d) {
    if (d.ifUnused() && state.hasConsumers()) {
      fail(r, broker.profile().queueInUse(name(), broker.vhost()));
      return this;
    }
    if (d.ifEmpty() && state.readyCount() > 0) {
      fail(r, broker.profile().queueNotEmpty(name(), broker.vhost()));
      return this;
    }
    int readyCount = state.readyCount();
    Behavior<Command> deleted = deleteNow("client");
    reply(r, d.noWait() ? null : new Outbound.QueueDeleteOk(readyCount));
    return deleted;
  }

  private Behavior<Command> onRestart(Restart m) {
    if (!spec.durable() || spec.exclusive()) {
      return deleteNow("restart");
    }
    for (QueuedMessage e : state.removeReady(e -> !e.message().properties().persistent())) {
      broker.trace().record(new TraceEvent.Discarded(e.message().msgId(), name(), "fault", m.rule()));
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onReportLive(ReportLive m) {
    List<String> live = new ArrayList<>();
    for (QueuedMessage e : state.readySnapshot()) {
      live.add(e.message().msgId() + "@" + name());
    }
    for (QueueState.Unacked<ActorRef<ChannelActor.Command>> u : state.unacked().values()) {
      live.add(u.entry().message().msgId() + "@" + name());
    }
    for (QueueState.PendingDeadLetter d : state.pendingDeadLetters()) {
      live.add(d.entry().message().msgId() + "@" + name());
    }
    m.callback().accept(live);
    return this;
  }

  private Behavior<Command> onInspect(Inspect m) {
    List<BrokerView.Consumer> consumers = new ArrayList<>();
    for (QueueConsumer<ActorRef<ChannelActor.Command>> c : state.consumers()) {
      consumers.add(new BrokerView.Consumer(name(), c.channelId(), c.tag(), c.noAck(), c.exclusive(), c.prefetch(),
          c.priority(), c.unacked()));
    }
    m.replyTo().tell(new Inspected(getContext().getSelf(), new BrokerView.Queue(name(), spec.durable(),
        spec.exclusive(), spec.autoDelete(), spec.arguments(), spec.ownerConnection(), state.readyCount(),
        state.unackedCount(), state.readyBytes(), paused, consumers)));
    return this;
  }

  private Behavior<Command> onPurge(Purge m) {
    List<QueuedMessage> purged = state.purge();
    for (QueuedMessage e : purged) {
      broker.trace().record(new TraceEvent.Discarded(e.message().msgId(), name(), "purged", m.reason()));
    }
    armExpiryTimer(broker.now());
    m.replyTo().tell(new Purged(name(), true, purged.size()));
    return this;
  }

  // ---------------------------------------------------------------------------- deletion

  /**
   * Deletes the queue: server-cancels consumers, discards every message, leaves the routing snapshot (its
   * bindings and the auto-delete exchanges they kept go with it), and tells the vhost, which stops it.
   * Returns the behaviour of a deleted queue.
   */
  private Behavior<Command> deleteNow(String reason) {
    for (QueueConsumer<ActorRef<ChannelActor.Command>> c : state.consumers()) {
      broker.trace().record(new TraceEvent.ConsumerCancelled(name(), c.channelId(), c.tag(), "server"));
      c.handle().tell(new ChannelActor.ServerCancel(c.tag(), name()));
    }
    List<QueuedMessage> lost = state.clear();
    for (QueuedMessage e : lost) {
      broker.trace().record(new TraceEvent.Discarded(e.message().msgId(), name(), "queue-deleted", reason));
    }
    timers.cancelAll();
    ready.set(false);
    broker.trace().record(new TraceEvent.QueueDeleted(name(), reason, lost.size()));
    ActorRef<Command> self = getContext().getSelf();
    vhost.topology().apply(s -> {
      RoutingSnapshot.QueueNode<QueueHandle> mine = s.queue(name());
      return mine != null && mine.handle().ref().equals(self) ? s.withoutQueue(name())
          : new RoutingSnapshot.Change<>(s, false, List.of());
    });
    vhost.actor().tell(new VhostActor.QueueRemoved(name(), self));
    return deleted(false);
  }

  /**
   * A deleted queue, until the vhost stops it (and it has no delayed message of its own pending): late
   * messages are discarded with the reason recorded (and confirmed to their publisher), requests go back to
   * the vhost, a closing channel is released at once.
   */
  private Behavior<Command> deleted(boolean stopRequested) {
    return Behaviors.receive(Command.class)
        .onMessage(Enqueue.class, m -> {
          discardLate(m);
          return Behaviors.same();
        })
        .onMessage(DelayedEnqueue.class, m -> {
          delayed--;
          discardLate(m.enqueue());
          return stopRequested && delayed == 0 ? Behaviors.stopped() : Behaviors.same();
        })
        .onMessage(Forwarded.class, f -> {
          vhost.actor().tell(f.request());
          return Behaviors.same();
        })
        .onMessage(CancelConsumer.class, m -> {
          answerCancel(m);
          return Behaviors.same();
        })
        .onMessage(ChannelGone.class, m -> {
          m.replyTo().tell(new ChannelActor.Released(getContext().getSelf()));
          return Behaviors.same();
        })
        .onMessage(ReportLive.class, m -> {
          m.callback().accept(List.of());
          return Behaviors.same();
        })
        .onMessage(Purge.class, m -> {
          m.replyTo().tell(new Purged(name(), false, 0));
          return Behaviors.same();
        })
        .onMessageEquals(Stop.INSTANCE, () -> delayed == 0 ? Behaviors.stopped() : deleted(true))
        .onAnyMessage(m -> Behaviors.same()) // settles, pauses, timers: nothing left to act on
        .build();
  }

  private void discardLate(Enqueue m) {
    broker.trace().record(new TraceEvent.Discarded(m.message().msgId(), name(), "queue-deleted",
        "routed to queue '" + name() + "' while it was being deleted"));
    if (m.confirmTo() != null) {
      m.confirmTo().tell(new ChannelActor.EnqueueResult(m.seq(), true));
    }
  }
}
