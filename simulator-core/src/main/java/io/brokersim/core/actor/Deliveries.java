package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.ChannelCredit;
import io.brokersim.core.model.DeliveryTags;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueType;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.model.Return;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ConsumerTimeouts;
import io.brokersim.core.profile.DirectReplyTo;
import io.brokersim.core.profile.QueueTypes;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The consuming half of a channel: consumers (queue consumers and the direct reply-to consumer), delivery
 * tags and unacked deliveries, prefetch and the channel's shared credit, acks, rejects and recover, consumer
 * acknowledgement timeouts (the channel's periodic check, and what it does when a queue times a delivery out:
 * semantics §10), and the fault boundaries {@code delivered} and {@code ack-received}.
 */
final class Deliveries {

  /**
   * An unacked delivery: the queue that holds it and its id there, when it was delivered, and the consumer
   * timeout the channel applies to it (-1 for none).
   */
  record Unacked(ActorRef<QueueActor.Command> queue, String queueName, long deliveryId, Message message,
      String consumerTag, long deliveredAtNanos, long timeoutMillis) {}

  private record ConsumerInfo(String queue, ActorRef<QueueActor.Command> queueRef, boolean noAck) {}

  /** How deliveries are settled; the queue's side of each kind is {@link QueueActor.SettleKind}. */
  private final ChannelActor channel;
  private final Vhost vhost;
  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final RandomSource random;
  private final DeliveryTags<Unacked> tags = new DeliveryTags<>();
  private final Map<String, ConsumerInfo> consumers = new LinkedHashMap<>();
  private final ChannelCredit credit = new ChannelCredit();
  private Integer prefetch;
  private boolean slowedDown;
  /** Which queue hears first the next time shared credit frees up. */
  private int creditTurn;
  /** Reply consumer tag → its reply name; the last entry is the current one (LavinMQ may hold several). */
  private final Map<String, String> replyConsumers = new LinkedHashMap<>();
  private String replyTag;
  private String replyName;
  /** The consumer timeout this channel applies to each queue's deliveries (a queue's spec never changes). */
  private final Map<ActorRef<QueueActor.Command>, Long> timeoutOfQueue = new LinkedHashMap<>();
  /** Whether a consumer timeout check is scheduled. */
  private boolean checkScheduled;
  /** Deliveries a queue took back after a consumer timeout, whose tags the client may still settle (§10.3). */
  private final Set<Released> released = new HashSet<>();

  private record Released(ActorRef<QueueActor.Command> queue, long deliveryId) {}

  Deliveries(ChannelActor channel, Vhost vhost) {
    this.channel = channel;
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.profile = broker.profile();
    this.random = broker.random().fork("consumer-tags/" + channel.id());
  }

  /** The reply name of the current reply consumer, or null. */
  String replyName() {
    return replyName;
  }

  /** Consumers of this channel: queue consumers and the direct reply-to one. */
  int consumerCount() {
    return consumers.size() + replyConsumers.size();
  }

  /** Deliveries waiting for the client's ack. */
  int unackedCount() {
    return tags.outstandingCount();
  }

  /** What a queue needs to know about this channel to attach a consumer. */
  VhostActor.ChannelInfo info() {
    int p = prefetch != null ? prefetch : profile.defaultConsumerPrefetch();
    return new VhostActor.ChannelInfo(channel.id(), channel.connectionId(), p, channel.cancelNotify(), credit,
        channel.access().permissions());
  }

  // ------------------------------------------------------------------------ consumers

  /**
   * {@code basic.consume}: a reply consumer is set up here (§1.2); a queue consumer is asked of the queue.
   * Returns the request to await, or null when answered (or refused) already.
   */
  ClientMethod consume(ClientMethod.BasicConsume c) {
    if (profile.isReplyPseudoName(c.queue())) {
      return consumeReplies(c);
    }
    if (profile.isReplyName(c.queue())) {
      var e = profile.consumeOnReplyNameError(c.queue(), broker.vhost(), c.queue().equals(replyName));
      if (e.isPresent()) {
        channel.raise(e.get());
        return null;
      }
    }
    String tag = c.consumerTag();
    if (tag == null || tag.isEmpty()) {
      tag = newTag();
    } else if (consumers.containsKey(tag)) {
      var reuse = profile.consumerTagReuse(tag);
      if (reuse.isPresent()) {
        channel.raise(reuse.get());
        return null;
      }
    }
    return new ClientMethod.BasicConsume(c.queue(), tag, c.noLocal(), c.noAck(), c.exclusive(), c.noWait(),
        c.arguments());
  }

  private String newTag() {
    String tag;
    do {
      tag = random.name("amq.ctag-", profile.generatedConsumerTagBytes());
    } while (consumers.containsKey(tag) || replyConsumers.containsKey(tag));
    return tag;
  }

  /**
   * A direct reply-to consumer (§1.2): no-ack only, not a queue consumer, registered under a reply name.
   * The registry must know the name before {@code consume-ok}, after which the client may publish with it.
   */
  private ClientMethod consumeReplies(ClientMethod.BasicConsume c) {
    if (!c.noAck()) {
      channel.raise(profile.replyConsumerMustBeNoAck());
      return null;
    }
    String tag = c.consumerTag();
    if (tag != null && !tag.isEmpty() && consumers.containsKey(tag) && profile.consumerTagReuse(tag).isPresent()) {
      channel.raise(profile.consumerTagReuse(tag).get());
      return null;
    }
    if (replyTag != null && !profile.allowsSecondReplyConsumer()) {
      channel.raise(profile.replyConsumerAlreadySet());
      return null;
    }
    if (tag == null || tag.isEmpty()) {
      tag = newTag();
    }
    String name = DirectReplyTo.replyName(profile, tag, random);
    replyTag = tag;
    replyName = name;
    replyConsumers.put(tag, name);
    vhost.replyRegistry().tell(new ReplyToRegistryActor.Register(name, new ReplyNames.Live(channel.self(),
        channel.id(), channel.connectionId(), tag, channel.clientName()), channel.self()));
    broker.trace().record(new TraceEvent.ConsumerAdded(c.queue(), channel.id(), tag, true, 0));
    return new ClientMethod.BasicConsume(c.queue(), tag, c.noLocal(), true, false, c.noWait(), c.arguments());
  }

  /** The reply consumer's name is registered: the client may now use it. */
  void replyRegistered(ClientMethod.BasicConsume c) {
    if (!c.noWait()) {
      channel.send(new Outbound.BasicConsumeOk(c.consumerTag()));
    }
  }

  /** A queue attached the consumer the channel asked for. */
  void consumerAttached(ChannelActor.ConsumerAttached a) {
    consumers.put(a.consumerTag(), new ConsumerInfo(a.queue(), a.queueRef(), a.noAck()));
    channel.useQueue(a.queueRef());
    if (slowedDown) {
      a.queueRef().tell(new QueueActor.SetBlocked(channel.id(), true));
    }
    if (!a.noWait()) {
      channel.send(new Outbound.BasicConsumeOk(a.consumerTag()));
    }
  }

  /**
   * {@code basic.cancel}: the reply consumer's name dies at once (§1.8) — the registry confirms before
   * {@code cancel-ok}, so a probe after it finds the name gone; a queue consumer is cancelled by its queue,
   * which answers after its last delivery (§4.2). Returns true when the channel must await the answer.
   */
  boolean cancel(ClientMethod.BasicCancel c) {
    String name = replyConsumers.remove(c.consumerTag());
    if (name != null) {
      if (c.consumerTag().equals(replyTag)) {
        replyTag = null;
        replyName = null;
      }
      broker.trace().record(new TraceEvent.ConsumerCancelled(BrokerProfile.RABBITMQ_REPLY_TO, channel.id(),
          c.consumerTag(), "client"));
      vhost.replyRegistry().tell(new ReplyToRegistryActor.Unregister(name,
          "the requester cancelled its reply consumer '" + c.consumerTag() + "' on " + channel.id(), channel.self()));
      return true;
    }
    ConsumerInfo info = consumers.get(c.consumerTag());
    if (info == null) {
      // Cancelling an unknown tag is not an error (semantics §4.2).
      if (!c.noWait()) {
        channel.send(new Outbound.BasicCancelOk(c.consumerTag()));
      }
      return false;
    }
    info.queueRef().tell(new QueueActor.CancelConsumer(channel.id(), c.consumerTag(), c.noWait(), channel.self()));
    return true;
  }

  /** The awaited answer to a cancel arrived. */
  void cancelled(ClientMethod.BasicCancel c) {
    consumers.remove(c.consumerTag());
  }

  /** A reply-consumer cancel was confirmed by the registry. */
  void replyUnregistered(ClientMethod.BasicCancel c) {
    if (!c.noWait()) {
      channel.send(new Outbound.BasicCancelOk(c.consumerTag()));
    }
  }

  /** A queue cancelled one of this channel's consumers (queue deleted, fault). */
  void serverCancel(ChannelActor.ServerCancel c) {
    if (consumers.remove(c.consumerTag()) != null && (!profile.cancelNotifyNeedsCapability() || channel.cancelNotify())) {
      channel.send(new Outbound.BasicCancel(c.consumerTag()));
    }
  }

  /** The channel is closing: every consumer and unacked delivery goes (the queues requeue them). */
  void clear() {
    tags.drain();
    consumers.clear();
    released.clear();
  }

  /** Forgets the reply consumers; true if there were any (the registry must then be told). */
  boolean clearReplyConsumers() {
    if (replyConsumers.isEmpty()) {
      return false;
    }
    replyConsumers.clear();
    replyTag = null;
    replyName = null;
    return true;
  }

  // ------------------------------------------------------------------------ deliveries

  /** A delivery from a queue; with {@code withFaults} the delivered boundary applies first. */
  void deliver(ChannelActor.Deliver d, boolean withFaults) {
    if (withFaults) {
      FaultDecision f = FaultPoints.decide(broker, Boundary.DELIVERED, d.message(), d.queue(), d.consumerTag(),
          channel.connectionId(), channel.clientName(), channel.id());
      if (!f.isEmpty() && deliveredFaults(f, d)) {
        return;
      }
    }
    Unacked u = unacked(d.queueRef(), d.queue(), d.deliveryId(), d.message(), d.consumerTag());
    long tag = tags.next(u, !d.noAck());
    if (!d.noAck()) {
      scheduleTimeoutCheck(u);
    }
    Message m = d.message();
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), d.queue(), channel.id(), d.consumerTag(), tag,
        d.redelivered(), d.noAck()));
    channel.send(new Outbound.BasicDeliver(d.consumerTag(), tag, d.redelivered(), m.exchange(), m.routingKey(),
        m.properties(), m.body()));
  }

  /** Applies the delivered decision; true when it took the delivery. */
  private boolean deliveredFaults(FaultDecision f, ChannelActor.Deliver d) {
    Message m = d.message();
    FaultPoints.recordAndApplyElsewhere(vhost, f, channel.site(d.queue()), m.msgId());
    if (f.cancelRule() != null) {
      d.queueRef().tell(new QueueActor.ServerCancelConsumer(channel.id(), d.consumerTag(), f.cancelRule()));
    }
    if (f.close() != null) {
      // The delivery is not handed over; the queue requeues it when the channel's release reaches it.
      channel.faultClose(f.close());
      return true;
    }
    if (f.dropRule() != null) {
      // The deliver frame is lost: the queue still counts it as unacked by this channel.
      if (d.noAck()) {
        broker.trace().record(new TraceEvent.Discarded(m.msgId(), d.queue(), "fault", f.dropRule()));
      }
      return true;
    }
    if (f.delay() != null) {
      channel.schedule(f.delay(), new ChannelActor.DelayedDeliver(d));
      return true;
    }
    if (f.crashRule() != null) {
      // The consumer receives the message, then dies before it can ack.
      deliver(d, false);
      channel.faultClose(new FaultDecision.Close(io.brokersim.core.fault.Effect.Kind.CRASH_CONSUMER, 0, null,
          f.crashRule()));
      return true;
    }
    return false;
  }

  /** A {@code basic.get} answer from a queue. */
  void getResult(ChannelActor.GetResult g) {
    channel.useQueue(g.queueRef());
    Unacked u = unacked(g.queueRef(), g.queue(), g.deliveryId(), g.message(), null);
    long tag = tags.next(u, !g.noAck());
    if (!g.noAck()) {
      scheduleTimeoutCheck(u);
    }
    Message m = g.message();
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), g.queue(), channel.id(), null, tag, g.redelivered(),
        g.noAck()));
    channel.send(new Outbound.BasicGetOk(tag, g.redelivered(), m.exchange(), m.routingKey(), g.messageCount(),
        m.properties(), m.body()));
  }

  /** A direct reply for this channel's reply consumer (§1.5), or a drop with the reason. */
  void directReply(ChannelActor.DirectReply r) {
    Message m = r.message();
    String current = replyConsumers.get(r.consumerTag());
    if (current == null || !current.equals(r.replyName())) {
      broker.trace().record(new TraceEvent.ReplyDropped(m.msgId(), r.replyName(),
          "the requester cancelled its reply consumer before the reply arrived"));
      return;
    }
    long tag = switch (profile.replyDeliveryTag()) {
      case NEXT -> tags.next(null, false);
      case NEXT_WITHOUT_INCREMENT -> tags.peekNext();
      case ALWAYS_ONE -> 1L;
    };
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), "reply:" + r.replyName(), channel.id(), r.consumerTag(),
        tag, false, true));
    channel.send(new Outbound.BasicDeliver(r.consumerTag(), tag, false, m.exchange(), m.routingKey(), m.properties(),
        m.body()));
  }

  // ------------------------------------------------------------------------ acks

  /** How a settle treats its deliveries. */
  void settle(long tag, boolean multiple, QueueActor.SettleKind kind, MethodRef method, String methodName) {
    List<DeliveryTags.Tagged<Unacked>> settled = tags.settle(tag, multiple);
    if (settled == null) {
      channel.raise(profile.unknownDeliveryTag(method, tag));
      return;
    }
    List<DeliveryTags.Tagged<Unacked>> now = new ArrayList<>(settled.size());
    for (DeliveryTags.Tagged<Unacked> t : settled) {
      Duration delay = kind == QueueActor.SettleKind.ACK ? ackFault(t.target()) : null;
      if (delay == null) {
        now.add(t);
      } else if (!delay.isNegative()) {
        channel.schedule(delay, new ChannelActor.DelayedSettle(List.of(t), kind, methodName));
      }
      // a negative delay: the ack was lost on its way; the queue still counts the delivery as unacked
    }
    Transaction tx = channel.transaction();
    if (tx != null) {
      // Held until tx.commit (§3.9): the tags are settled on the channel, the queues hear at commit.
      tx.hold(new Transaction.HeldSettle(now, kind, methodName));
    } else {
      applySettle(now, kind, methodName);
    }
  }

  /** A rolled-back transaction's acks: the deliveries are unacked again under their tags. */
  void restore(List<DeliveryTags.Tagged<Unacked>> settled) {
    tags.restore(settled);
  }

  /** Traces and sends settlements to their queues, giving shared prefetch credit back first. */
  void applySettle(List<DeliveryTags.Tagged<Unacked>> settled, QueueActor.SettleKind kind, String methodName) {
    if (settled.isEmpty()) {
      return;
    }
    Map<ActorRef<QueueActor.Command>, List<Long>> byQueue = new LinkedHashMap<>();
    int consumerDeliveries = 0;
    for (DeliveryTags.Tagged<Unacked> t : settled) {
      Unacked u = t.target();
      if (u.consumerTag() != null) {
        consumerDeliveries++;
      }
      byQueue.computeIfAbsent(u.queue(), q -> new ArrayList<>()).add(u.deliveryId());
      if (released.remove(new Released(u.queue(), u.deliveryId()))) {
        // The queue took it back after a consumer timeout: settling the tag only tells the queue (§10.3).
        continue;
      }
      if (kind == QueueActor.SettleKind.ACK) {
        broker.trace().record(new TraceEvent.Acked(u.message().msgId(), u.queueName(), channel.id(), t.tag()));
      } else {
        broker.trace().record(new TraceEvent.Rejected(u.message().msgId(), u.queueName(), channel.id(), t.tag(),
            kind == QueueActor.SettleKind.REQUEUE, methodName));
      }
    }
    // Give shared credit back before the queues hear of the settle, so none waits for credit in vain, and
    // wake the parked queues in turn before the settles go out: the settled queue must not be first every time.
    if (consumerDeliveries > 0 && credit.release(consumerDeliveries)) {
      redispatch(settled.get(settled.size() - 1).target().queue());
    }
    for (Map.Entry<ActorRef<QueueActor.Command>, List<Long>> e : byQueue.entrySet()) {
      e.getKey().tell(new QueueActor.Settle(channel.id(), toArray(e.getValue()), kind, returnOf(methodName),
          methodName));
    }
  }

  /** What a requeue by this method counts as (§9.4). */
  private static Return returnOf(String methodName) {
    return switch (methodName) {
      case "basic.reject" -> Return.REJECT;
      case "basic.recover" -> Return.RECOVER;
      default -> Return.NACK;
    };
  }

  /**
   * Fault rules at ack-received for one delivery: null to settle now, a delay, or a negative duration
   * when the ack is lost (dropped, or the channel/connection closes instead).
   */
  private Duration ackFault(Unacked u) {
    FaultDecision f = FaultPoints.decide(broker, Boundary.ACK_RECEIVED, u.message(), u.queueName(), u.consumerTag(),
        channel.connectionId(), channel.clientName(), channel.id());
    if (f.isEmpty()) {
      return null;
    }
    FaultPoints.recordAndApplyElsewhere(vhost, f, channel.site(u.queueName()), u.message().msgId());
    FaultDecision.Close close = f.close() != null ? f.close() : f.crashRule() == null ? null
        : new FaultDecision.Close(io.brokersim.core.fault.Effect.Kind.CRASH_CONSUMER, 0, null, f.crashRule());
    if (close != null) {
      channel.faultClose(close);
      return Duration.ofNanos(-1);
    }
    return f.dropRule() != null ? Duration.ofNanos(-1) : f.delay();
  }

  /**
   * Tells every queue with a consumer of this channel that shared credit has room, in turn: after a settle,
   * starting with the queue after the one just served (it goes last); otherwise one queue further each time.
   * Freed credit so goes round the queues instead of to the first every time (RabbitMQ's limiter wakes its
   * blocked queues in a varying order).
   */
  private void redispatch(ActorRef<QueueActor.Command> justServed) {
    List<ActorRef<QueueActor.Command>> queues = new ArrayList<>(consumerQueues());
    if (queues.isEmpty()) {
      return;
    }
    int served = justServed == null ? -1 : queues.indexOf(justServed);
    int start = served >= 0 ? served + 1 : creditTurn++;
    for (int i = 0; i < queues.size(); i++) {
      queues.get(Math.floorMod(start + i, queues.size())).tell(new QueueActor.CreditAvailable(channel.id()));
    }
  }

  private static long[] toArray(List<Long> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  // ------------------------------------------------------------------------ consumer timeouts

  /** An unacked delivery made now, with the consumer timeout this channel applies to its queue. */
  private Unacked unacked(ActorRef<QueueActor.Command> queueRef, String queue, long deliveryId, Message m,
      String consumerTag) {
    long timeout = timeoutOfQueue.computeIfAbsent(queueRef, ref -> channelTimeoutMillis(queue, ref));
    return new Unacked(queueRef, queue, deliveryId, m, consumerTag, broker.now(), timeout);
  }

  /**
   * The consumer timeout this channel checks for deliveries of {@code queue} (§10.2): -1 when the profile leaves
   * it to the queue or to nobody, or the queue has none.
   */
  private long channelTimeoutMillis(String queue, ActorRef<QueueActor.Command> ref) {
    RoutingSnapshot.QueueNode<QueueHandle> node = vhost.topology().current().queue(queue);
    if (node == null || !node.handle().ref().equals(ref)) {
      return -1; // deleted since: nothing of it to time out
    }
    QueueType type = QueueTypes.typeOf(profile, node.spec().arguments());
    if (ConsumerTimeouts.evaluation(profile, type) != ConsumerTimeouts.Evaluation.CHANNEL) {
      return -1;
    }
    return ConsumerTimeouts.channelTimeoutMillis(profile, node.spec().arguments(), broker.consumerTimeouts());
  }

  /**
   * Schedules the next check of the unacked deliveries, if {@code u} has a consumer timeout and none is scheduled:
   * on the broker's check interval, counted from the start of the run (RabbitMQ's channel tick, LavinMQ's
   * consumer-timeout loop).
   */
  private void scheduleTimeoutCheck(Unacked u) {
    if (checkScheduled || u.timeoutMillis() < 0) {
      return;
    }
    long interval = broker.consumerTimeouts().checkIntervalMillis() * 1_000_000L;
    long now = broker.now();
    checkScheduled = true;
    channel.scheduleCheck(Duration.ofNanos(interval - Math.floorMod(now, interval)),
        ChannelActor.ConsumerTimeoutCheck.INSTANCE);
  }

  /**
   * The periodic check (§10.2): RabbitMQ looks at the channel's oldest unacked delivery, LavinMQ at the oldest one
   * of each queue; one past its consumer timeout closes the channel with 406, which requeues every unacked
   * delivery ("consumer-timeout" in the trace).
   */
  void checkTimeouts() {
    checkScheduled = false;
    long now = broker.now();
    Set<ActorRef<QueueActor.Command>> seen = new LinkedHashSet<>();
    for (Unacked u : tags.outstanding()) {
      if (!seen.add(u.queue())) {
        continue;
      }
      if (ConsumerTimeouts.overdue(u.deliveredAtNanos(), now, u.timeoutMillis())) {
        channel.raise(ConsumerTimeouts.channelClosed(profile, channel.number(), u.timeoutMillis()),
            "consumer-timeout");
        return;
      }
      if (ConsumerTimeouts.checksOldestOnly(profile)) {
        break;
      }
    }
    for (Unacked u : tags.outstanding()) {
      if (u.timeoutMillis() >= 0) {
        scheduleTimeoutCheck(u);
        return;
      }
    }
  }

  /**
   * A quorum queue took deliveries back after their consumer timeout (RabbitMQ 4.3, §10.3): their tags stay
   * valid, settling them only tells the queue; the consumer gets {@code basic.cancel} if its client has the
   * {@code consumer_cancel_notify} capability, otherwise (and for {@code basic.get}) the channel closes with 406.
   */
  void consumerTimedOut(ChannelActor.ConsumerTimedOut t) {
    for (long id : t.deliveryIds()) {
      released.add(new Released(t.queueRef(), id));
    }
    String tag = t.consumerTag();
    if (tag != null && consumers.containsKey(tag) && (!profile.cancelNotifyNeedsCapability() || channel.cancelNotify())) {
      broker.trace().record(new TraceEvent.ConsumerCancelled(t.queue(), channel.id(), tag, "server"));
      channel.send(new Outbound.BasicCancel(tag));
    } else {
      channel.raise(ConsumerTimeouts.releasedWithoutCancel(channel.number()), "consumer-timeout");
    }
  }

  /** {@code basic.qos} (§4.5). */
  void qos(ClientMethod.BasicQos q) {
    if (q.prefetchSize() != 0) {
      channel.raise(profile.prefetchSizeError(q.prefetchSize()));
      return;
    }
    if (q.global() && profile.globalQos() == BrokerProfile.GlobalQos.SHARED_PER_CHANNEL) {
      // A limit shared by every consumer of the channel, taken by the queues from the credit.
      boolean wasFull = !credit.available();
      credit.setLimit(q.prefetchCount());
      if (wasFull && credit.available()) {
        redispatch(null);
      }
      channel.send(new Outbound.BasicQosOk());
      return;
    }
    prefetch = q.prefetchCount();
    if (profile.qosUpdatesExistingConsumers()) {
      for (ActorRef<QueueActor.Command> ref : consumerQueues()) {
        ref.tell(new QueueActor.SetPrefetch(channel.id(), q.prefetchCount()));
      }
    }
    channel.send(new Outbound.BasicQosOk());
  }

  private Set<ActorRef<QueueActor.Command>> consumerQueues() {
    Set<ActorRef<QueueActor.Command>> out = new LinkedHashSet<>();
    for (ConsumerInfo c : consumers.values()) {
      out.add(c.queueRef());
    }
    return out;
  }

  /** Backpressure from the front end: stop or resume deliveries to this channel's consumers. */
  void backpressure(boolean slowDown) {
    if (slowDown != slowedDown) {
      slowedDown = slowDown;
      for (ActorRef<QueueActor.Command> ref : consumerQueues()) {
        ref.tell(new QueueActor.SetBlocked(channel.id(), slowedDown));
      }
    }
  }

  /** {@code basic.recover} (§4.4). */
  void recover(ClientMethod.BasicRecover r) {
    if (!r.requeue() && !profile.recoverWithoutRequeueSupported()) {
      channel.raise(profile.recoverRequeueFalseNotImplemented(MethodRef.BASIC_RECOVER));
      return;
    }
    List<Unacked> all = new ArrayList<>();
    for (DeliveryTags.Tagged<Unacked> t : tags.drain()) {
      all.add(t.target());
    }
    released.clear();
    if (r.requeue()) {
      boolean wasFull = credit.release((int) all.stream().filter(u -> u.consumerTag() != null).count());
      Map<ActorRef<QueueActor.Command>, List<Long>> byQueue = new LinkedHashMap<>();
      for (Unacked u : all) {
        byQueue.computeIfAbsent(u.queue(), q -> new ArrayList<>()).add(u.deliveryId());
      }
      for (Map.Entry<ActorRef<QueueActor.Command>, List<Long>> e : byQueue.entrySet()) {
        e.getKey().tell(new QueueActor.Settle(channel.id(), toArray(e.getValue()), QueueActor.SettleKind.REQUEUE,
            Return.RECOVER, "basic.recover"));
      }
      if (wasFull) {
        redispatch(null);
      }
    } else {
      // LavinMQ: redeliver to the original consumer with redelivered=true and a new delivery tag.
      for (Unacked old : all) {
        // Delivered again now: its consumer timeout counts from this delivery.
        Unacked u = new Unacked(old.queue(), old.queueName(), old.deliveryId(), old.message(), old.consumerTag(),
            broker.now(), old.timeoutMillis());
        long tag = tags.next(u, true);
        scheduleTimeoutCheck(u);
        Message m = u.message();
        broker.trace().record(new TraceEvent.Delivered(m.msgId(), u.queueName(), channel.id(), u.consumerTag(), tag,
            true, false));
        if (u.consumerTag() != null) {
          channel.send(new Outbound.BasicDeliver(u.consumerTag(), tag, true, m.exchange(), m.routingKey(),
              m.properties(), m.body()));
        }
      }
    }
    channel.send(new Outbound.BasicRecoverOk());
  }
}
