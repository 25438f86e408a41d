package io.brokersim.core.actor;

import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.DeliveryTags;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.DirectReplyTo;
import io.brokersim.core.profile.EntityNames;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * One AMQP channel. Methods are handled one at a time in arrival order, as a broker's channel process
 * handles them, in three phases, each its own behaviour:
 *
 * <ul>
 *   <li><b>open</b> — methods are handled at once. A publish is routed right here against the routing
 *       snapshot ({@link Publisher}); acks, rejects and qos act on this channel's deliveries
 *       ({@link Deliveries}).</li>
 *   <li><b>awaiting</b> — a control-plane method (declare, bind, consume, get, cancel, …) waits for the
 *       actor that owns the entity to answer; later methods are stashed (a bounded stash) and handled in
 *       order once it has, so answers reach the client in request order and a publish after a declare sees
 *       the declared queue.</li>
 *   <li><b>closing</b> — after a server-initiated close only {@code channel.close}/{@code close-ok} count;
 *       the channel asks every queue it used to requeue its unacked deliveries and drop its consumers, and
 *       stops when each has confirmed, so no delivery in flight is stranded.</li>
 * </ul>
 */
public final class ChannelActor {

  /** Messages a channel understands: {@link ClientMethod}s from the client and the records below. */
  public interface Command {}

  /** A synchronous answer from the vhost, an exchange or a queue: a method for the client, or an error. */
  public record Reply(Outbound ok, AmqpError error, String declaredQueue) implements Command {}

  public record ConsumerAttached(String consumerTag, String queue, ActorRef<QueueActor.Command> queueRef,
      boolean noAck, boolean noWait) implements Command {}

  public record Deliver(String queue, ActorRef<QueueActor.Command> queueRef, String consumerTag, long deliveryId,
      Message message, boolean redelivered, boolean noAck) implements Command {}

  public record GetResult(String queue, ActorRef<QueueActor.Command> queueRef, long deliveryId, Message message,
      boolean redelivered, boolean noAck, int messageCount) implements Command {}

  /** A queue accepted (or refused) its copy of publish {@code seq}. */
  public record EnqueueResult(long seq, boolean accepted) implements Command {}

  /** A queue cancelled one of this channel's consumers (queue deleted, fault). */
  public record ServerCancel(String consumerTag, String queue) implements Command {}

  /**
   * A queue took deliveries back because their consumer timeout passed ({@code consumerTag} null for
   * {@code basic.get}s; RabbitMQ 4.3 quorum queues, semantics §10.3).
   */
  public record ConsumerTimedOut(String queue, ActorRef<QueueActor.Command> queueRef, String consumerTag,
      List<Long> deliveryIds) implements Command {}

  /** Time to check this channel's unacknowledged deliveries against their consumer timeout (semantics §10.2). */
  enum ConsumerTimeoutCheck implements Command { INSTANCE }

  /** A queue or the reply-to registry finished releasing this closing channel (or it stopped). */
  public record Released(ActorRef<?> from) implements Command {}

  /** A direct reply for this channel's reply consumer (semantics §1.5), sent by the responder's channel. */
  public record DirectReply(String replyName, String consumerTag, Message message) implements Command {}

  /** The reply-to registry registered or buried one of this channel's reply names. */
  public record RegistryDone(String replyName) implements Command {}

  /**
   * Backpressure from the front end: while {@code slowDown} is true the channel's consumers get no new
   * deliveries (the client's socket is not keeping up); false resumes them. Nothing is dropped.
   */
  public record Backpressure(boolean slowDown) implements Command {}

  /** A fault rule elsewhere (another channel's reply-resolved boundary) closes or cuts this channel. */
  public record FaultClose(FaultDecision.Close close) implements Command {}

  /**
   * The front end found a channel error in what the client sent (a frame the core never sees as a method):
   * the channel closes with it exactly as for an error of its own, in order with its other output.
   */
  public record RaiseError(AmqpError error) implements Command {}

  /**
   * The front end ended this channel without a close handshake (see {@link ConnectionActor.EndChannelQuietly}):
   * released as for a client close, nothing sent.
   */
  public record EndQuietly(String reason) implements Command {}

  /** The connection is closing: clean up without telling the client. */
  public record Shutdown(String reason) implements Command {}

  /** Asks the channel to describe itself, for a {@link BrokerView}. */
  public record Inspect(ActorRef<Inspected> replyTo) implements Command {}

  /** A channel's answer to {@link Inspect}. */
  public record Inspected(ActorRef<Command> channel, BrokerView.Channel view) {}

  record DelayedRoute(Message message, boolean mandatory, boolean immediate, long seq) implements Command {}

  record DelayedReply(Message message, boolean mandatory, long seq) implements Command {}

  record DelayedDeliver(Deliver deliver) implements Command {}

  record DelayedSettle(List<DeliveryTags.Tagged<Deliveries.Unacked>> settled, QueueActor.SettleKind kind,
      String methodName) implements Command {}

  /** How many methods a client may pipeline behind one that awaits its answer. */
  static final int STASH_CAPACITY = 100_000;

  private final ActorContext<Command> ctx;
  private final StashBuffer<Command> stash;
  private final Vhost vhost;
  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final ActorRef<ConnectionActor.Command> connection;
  private final ClientSink sink;
  private final ConnectionInfo owner;
  private final String connectionId;
  private final String clientName;
  private final int number;
  private final String channelId;
  private final boolean cancelNotify;
  private final AtomicReference<String> lastQueue;
  private final Publisher publisher;
  private final Deliveries deliveries;
  private final AccessChecks access;
  private final Set<ActorRef<QueueActor.Command>> queuesUsed = new LinkedHashSet<>();
  private final Set<ActorRef<?>> pendingReleases = new LinkedHashSet<>();
  private final Behavior<Command> open;
  private final Behavior<Command> awaiting;
  private final Behavior<Command> closing;
  /** The behaviour the current message leaves the channel in (a helper may close the channel mid-method). */
  private Behavior<Command> phase;
  /** The method whose answer the awaiting phase waits for. */
  private ClientMethod awaited;
  private boolean closeHandshakeDone;
  private boolean released;
  /** A commit the channel awaited has just been answered (set inside {@link #committed()}). */
  private boolean commitDone;
  /** Messages scheduled for later (fault delays) not yet handled. */
  private int delayed;

  /** A channel numbered {@code number} on its connection, known to the trace as {@code channelId}. */
  static Behavior<Command> create(Vhost vhost, ActorRef<ConnectionActor.Command> connection, ClientSink sink,
      ConnectionInfo owner, String channelId, int number, AtomicReference<String> lastQueue) {
    return Behaviors.setup(ctx -> Behaviors.withStash(STASH_CAPACITY, stash -> new ChannelActor(ctx, stash, vhost,
        connection, sink, owner, channelId, number, lastQueue).open));
  }

  private ChannelActor(ActorContext<Command> ctx, StashBuffer<Command> stash, Vhost vhost,
      ActorRef<ConnectionActor.Command> connection, ClientSink sink, ConnectionInfo owner, String channelId,
      int number, AtomicReference<String> lastQueue) {
    this.ctx = ctx;
    this.stash = stash;
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.profile = broker.profile();
    this.connection = connection;
    this.sink = sink;
    this.owner = owner;
    this.connectionId = owner.id();
    this.clientName = owner.clientName();
    this.number = number;
    this.channelId = channelId;
    this.cancelNotify = owner.cancelNotify();
    this.lastQueue = lastQueue;
    this.access = new AccessChecks(profile, owner.permissions(), vhost);
    this.publisher = new Publisher(this, vhost);
    this.deliveries = new Deliveries(this, vhost);
    this.open = live(Behaviors.receive(Command.class).onMessage(ClientMethod.class, this::onMethod));
    this.awaiting = live(Behaviors.receive(Command.class)
        .onMessage(ClientMethod.class, this::onMethodWhileAwaiting)
        .onMessage(Reply.class, this::onReply)
        .onMessage(ConsumerAttached.class, this::onConsumerAttached)
        .onMessage(GetResult.class, this::onGetResult)
        .onMessage(RegistryDone.class, this::onRegistryDone));
    this.closing = closingBehavior();
    this.phase = open;
  }

  /** The handlers the open and awaiting phases share: the channel is live for its client in both. */
  private Behavior<Command> live(BehaviorBuilder<Command> b) {
    return b
        .onMessage(Deliver.class, d -> {
          deliveries.deliver(d, true);
          return next();
        })
        .onMessage(DelayedDeliver.class, d -> {
          delayed--;
          deliveries.deliver(d.deliver(), false);
          return next();
        })
        .onMessage(EnqueueResult.class, r -> {
          publisher.queueResult(r.seq(), r.accepted());
          return next();
        })
        .onMessage(DirectReply.class, r -> {
          deliveries.directReply(r);
          return Behaviors.same();
        })
        .onMessage(ServerCancel.class, c -> {
          deliveries.serverCancel(c);
          return Behaviors.same();
        })
        .onMessage(ConsumerTimedOut.class, t -> {
          deliveries.consumerTimedOut(t);
          return next();
        })
        .onMessageEquals(ConsumerTimeoutCheck.INSTANCE, () -> {
          deliveries.checkTimeouts();
          return next();
        })
        .onMessage(Backpressure.class, b2 -> {
          deliveries.backpressure(b2.slowDown());
          return Behaviors.same();
        })
        .onMessage(DelayedRoute.class, d -> {
          delayed--;
          publisher.route(d.message(), d.mandatory(), d.immediate(), d.seq(), null, true);
          return next();
        })
        .onMessage(DelayedReply.class, d -> {
          delayed--;
          publisher.delayedReply(d.message(), d.mandatory(), d.seq(), true);
          return next();
        })
        .onMessage(DelayedSettle.class, d -> {
          delayed--;
          deliveries.applySettle(d.settled(), d.kind(), d.methodName());
          return Behaviors.same();
        })
        .onMessage(FaultClose.class, f -> {
          faultClose(f.close());
          return next();
        })
        .onMessage(RaiseError.class, e -> {
          raise(e.error());
          return next();
        })
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(EndQuietly.class, this::onEndQuietly)
        .onMessage(Released.class, r -> Behaviors.same())
        .onMessage(Inspect.class, this::onInspect)
        .build();
  }

  private Behavior<Command> onInspect(Inspect m) {
    m.replyTo().tell(new Inspected(ctx.getSelf(), new BrokerView.Channel(channelId, connectionId, number,
        owner.user(), deliveries.consumerCount(), deliveries.unackedCount(), deliveries.info().prefetch(),
        publisher.confirming(), publisher.transaction() != null, phase == closing)));
    return Behaviors.same();
  }

  private Behavior<Command> closingBehavior() {
    return Behaviors.receive(Command.class)
        .onMessage(ClientMethod.class, this::onMethodWhileClosing)
        .onMessage(Deliver.class, d -> {
          // Ack-mode deliveries are requeued by the queue when it processes this channel's release;
          // no-ack deliveries were settled on sending, so they end here, with a recorded reason.
          discardNoAck(d);
          return Behaviors.same();
        })
        .onMessage(DelayedDeliver.class, d -> {
          delayed--;
          discardNoAck(d.deliver());
          return maybeStop();
        })
        .onMessage(DelayedSettle.class, d -> {
          delayed--; // the queue requeues what the channel held when its release reaches it
          return maybeStop();
        })
        .onMessage(GetResult.class, g -> {
          if (g.noAck()) {
            broker.trace().record(new TraceEvent.Discarded(g.message().msgId(), g.queue(), "consumer-gone",
                "basic.get answer reached channel " + channelId + " after it closed"));
          } else {
            releaseQueue(g.queueRef(), "channel-closed");
          }
          return Behaviors.same();
        })
        .onMessage(ConsumerAttached.class, a -> {
          releaseQueue(a.queueRef(), "channel-closed"); // the consume was in flight when the channel closed
          return Behaviors.same();
        })
        .onMessage(DirectReply.class, r -> {
          broker.trace().record(new TraceEvent.ReplyDropped(r.message().msgId(), r.replyName(),
              "the requester's channel " + channelId + " closed before the reply arrived"));
          return Behaviors.same();
        })
        .onMessage(DelayedRoute.class, d -> {
          delayed--;
          publisher.route(d.message(), d.mandatory(), d.immediate(), d.seq(), null, false);
          return maybeStop();
        })
        .onMessage(DelayedReply.class, d -> {
          delayed--;
          publisher.delayedReply(d.message(), d.mandatory(), d.seq(), false);
          return maybeStop();
        })
        .onMessage(Shutdown.class, s -> {
          closeHandshakeDone = true;
          if (!released) {
            release(s.reason()); // a cut left the channel closing without having released its queues
          }
          return maybeStop();
        })
        .onMessage(EndQuietly.class, this::onEndQuietly)
        .onMessage(Released.class, this::onReleased)
        .onMessage(Inspect.class, this::onInspect)
        .onAnyMessage(m -> Behaviors.same()) // replies, confirms, cancels: nobody to tell
        .build();
  }

  // ------------------------------------------------------------ accessors for Publisher and Deliveries

  String id() {
    return channelId;
  }

  String connectionId() {
    return connectionId;
  }

  String clientName() {
    return clientName;
  }

  boolean cancelNotify() {
    return cancelNotify;
  }

  /** The authenticated user of the channel's connection. */
  String user() {
    return owner.user();
  }

  /** What this channel's user may do, checked per method (semantics §13). */
  AccessChecks access() {
    return access;
  }

  ActorRef<Command> self() {
    return ctx.getSelf();
  }

  Deliveries deliveries() {
    return deliveries;
  }

  /** The channel's open transaction, or null when it is not transactional. */
  Transaction transaction() {
    return publisher.transaction();
  }

  /** Every publish of a commit was accepted by its queues: the awaited commit-ok goes out. */
  void committed() {
    if (awaited instanceof ClientMethod.TxCommit) {
      send(new Outbound.TxCommitOk());
      commitDone = true;
    }
  }

  /** Sends a method to the client on this channel. */
  void send(Outbound method) {
    sink.send(number, method);
  }

  /** Sends this channel a message later; the channel does not stop before it has handled it. */
  void schedule(Duration delay, Command message) {
    delayed++;
    ctx.scheduleOnce(delay, ctx.getSelf(), message);
  }

  /** Sends this channel a message later, without holding its stop for it (a periodic check). */
  void scheduleCheck(Duration delay, Command message) {
    ctx.scheduleOnce(delay, ctx.getSelf(), message);
  }

  /** The channel's number on its connection, as error texts name it. */
  int number() {
    return number;
  }

  /** Closes the channel with {@code e}; its unacked deliveries are requeued with {@code reason} in the trace. */
  void raise(AmqpError e, String reason) {
    raise(e, "server", reason);
  }

  /** Where this channel's fault events happen, for naming targets. */
  FaultDecision.Site site(String queue) {
    return new FaultDecision.Site(channelId, channelId, connectionId, queue);
  }

  /** The channel now holds deliveries of (or a consumer on) this queue: release it on close. */
  void useQueue(ActorRef<QueueActor.Command> queue) {
    queuesUsed.add(queue);
  }

  // ------------------------------------------------------------ client methods

  private Behavior<Command> onMethod(ClientMethod m) {
    handle(m);
    return next();
  }

  /** The behaviour after a message: the phase it left the channel in, or stopped if closing is complete. */
  private Behavior<Command> next() {
    if (commitDone) {
      commitDone = false;
      return answered();
    }
    return phase == closing ? maybeStop() : phase;
  }

  private Behavior<Command> onMethodWhileAwaiting(ClientMethod m) {
    if (stash.isFull()) {
      raise(AmqpError.of(ReplyCode.RESOURCE_ERROR, MethodRef.NONE, "more than " + STASH_CAPACITY
          + " methods pipelined behind one awaiting its answer on channel " + number));
      return next();
    }
    stash.stash(m);
    return Behaviors.same();
  }

  /** After a server close only close and close-ok count (semantics §0.2). */
  private Behavior<Command> onMethodWhileClosing(ClientMethod m) {
    if (m instanceof ClientMethod.ChannelCloseOk || m instanceof ClientMethod.ChannelClose) {
      boolean answer = m instanceof ClientMethod.ChannelClose && !closeHandshakeDone;
      clientHandshakeDone();
      if (answer) {
        send(new Outbound.ChannelCloseOk());
      }
      return maybeStop();
    }
    return Behaviors.same();
  }

  /**
   * The client's side of the close handshake is over: its channel number is free for a new channel at
   * once, even while this one still releases its queues. The connection hears it before the client can
   * (before close-ok is sent), so a channel.open of the same number that follows finds it free.
   */
  private void clientHandshakeDone() {
    if (!closeHandshakeDone) {
      closeHandshakeDone = true;
      connection.tell(new ConnectionActor.NumberFree(number, ctx.getSelf()));
    }
  }

  private void handle(ClientMethod m) {
    if (m instanceof ClientMethod.BasicPublish p) {
      publisher.publish(p);
    } else if (m instanceof ClientMethod.BasicAck a) {
      deliveries.settle(a.deliveryTag(), a.multiple(), QueueActor.SettleKind.ACK, MethodRef.BASIC_ACK, "basic.ack");
    } else if (m instanceof ClientMethod.BasicNack n) {
      deliveries.settle(n.deliveryTag(), n.multiple(),
          n.requeue() ? QueueActor.SettleKind.REQUEUE : QueueActor.SettleKind.DISCARD, MethodRef.BASIC_NACK,
          "basic.nack");
    } else if (m instanceof ClientMethod.BasicReject r) {
      deliveries.settle(r.deliveryTag(), false,
          r.requeue() ? QueueActor.SettleKind.REQUEUE : QueueActor.SettleKind.DISCARD, MethodRef.BASIC_REJECT,
          "basic.reject");
    } else if (m instanceof ClientMethod.BasicConsume c) {
      // The reply pseudo-queue never reaches request(): LavinMQ checks read on its name here (semantics §13).
      AmqpError denied = profile.isReplyPseudoName(c.queue()) ? access.control(c) : null;
      ClientMethod asked = denied == null ? deliveries.consume(c) : null;
      if (denied != null) {
        raise(denied);
      }
      if (asked != null && profile.isReplyPseudoName(c.queue())) {
        await(asked); // the registry answers
      } else if (asked != null) {
        request(asked);
      }
    } else if (m instanceof ClientMethod.BasicCancel c) {
      if (deliveries.cancel(c)) {
        await(c);
      }
    } else if (m instanceof ClientMethod.BasicQos q) {
      deliveries.qos(q);
    } else if (m instanceof ClientMethod.BasicRecover r) {
      deliveries.recover(r);
    } else if (m instanceof ClientMethod.ConfirmSelect c) {
      if (!publisher.selectConfirms()) {
        raise(profile.txConfirmConflict(true));
      } else if (!c.noWait()) {
        send(new Outbound.ConfirmSelectOk());
      }
    } else if (m instanceof ClientMethod.TxSelect) {
      if (publisher.selectTransactions()) {
        send(new Outbound.TxSelectOk());
      } else {
        raise(profile.txConfirmConflict(false));
      }
    } else if (m instanceof ClientMethod.TxCommit) {
      if (publisher.transaction() == null) {
        raise(profile.notTransactional(MethodRef.TX_COMMIT));
      } else if (publisher.commit()) {
        await(m); // commit-ok once the queues accepted what was held
      } else {
        send(new Outbound.TxCommitOk());
      }
    } else if (m instanceof ClientMethod.TxRollback) {
      if (publisher.transaction() == null) {
        raise(profile.notTransactional(MethodRef.TX_ROLLBACK));
      } else {
        publisher.rollback();
        send(new Outbound.TxRollbackOk());
      }
    } else if (m instanceof ClientMethod.ChannelFlow f) {
      if (f.active()) {
        send(new Outbound.ChannelFlowOk(true));
      } else {
        raise(AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.CHANNEL_FLOW, "active=false"));
      }
    } else if (m instanceof ClientMethod.ChannelClose) {
      broker.trace().record(new TraceEvent.ChannelClosed(channelId, 200, "client close", 0, 0, "client"));
      clientHandshakeDone();
      send(new Outbound.ChannelCloseOk());
      release("channel-closed");
    } else if (m instanceof ClientMethod.ChannelCloseOk) {
      // Unexpected while open: nothing to acknowledge.
    } else if (m instanceof ClientMethod.QueueDeclare d && profile.isReplyPseudoName(EntityNames.normalise(profile,
        d.queue()))) {
      // The pseudo-queue always "exists" (§1.7); RabbitMQ reports one consumer, LavinMQ none.
      lastQueue.set(d.queue());
      if (!d.noWait()) {
        send(new Outbound.QueueDeclareOk(d.queue(), 0, profile.pseudoNameDeclareConsumerCount()));
      }
    } else if (m instanceof ClientMethod.QueueDeclare d && DirectReplyTo.isProbe(profile, d.queue())) {
      probe(d.queue());
    } else {
      request(m);
    }
  }

  /** A liveness probe of a reply name (§1.7), answered from the live names at once. */
  private void probe(String name) {
    if (vhost.replyNames().live(name) != null) {
      lastQueue.set(name);
      send(new Outbound.QueueDeclareOk(name, 0, 1));
    } else {
      raise(profile.replyNameNotFound(name, broker.vhost()));
    }
  }

  /** Sends a control-plane method to the vhost and waits for the owner's answer. */
  private void request(ClientMethod m) {
    var prepared = ControlMethods.prepare(profile, m, lastQueue.get());
    if (!prepared.isOk()) {
      // A name was invalid, or the empty-queue shortcut had nothing to refer to (§2.1).
      raise(prepared.errorOrNull());
      return;
    }
    ClientMethod named = prepared.value();
    AmqpError denied = access.control(named);
    if (denied != null) {
      raise(denied);
      return;
    }
    await(named);
    VhostActor.ChannelRequest r = new VhostActor.ChannelRequest(named, deliveries.info(), ctx.getSelf());
    // A request for an existing queue goes to the queue itself, behind this channel's publishes to it,
    // so a declare-ok, get or purge after a publish counts the published message (as on the brokers).
    String queue = named instanceof ClientMethod.QueueDeclare || named instanceof ClientMethod.BasicConsume
        || named instanceof ClientMethod.BasicGet || named instanceof ClientMethod.QueuePurge
        || named instanceof ClientMethod.QueueDelete ? ControlMethods.queueOf(named) : null;
    var node = queue == null || queue.isEmpty() ? null : vhost.topology().current().queue(queue);
    if (node != null) {
      node.handle().ref().tell(new QueueActor.Forwarded(r));
    } else {
      vhost.actor().tell(r);
    }
  }

  private void await(ClientMethod m) {
    awaited = m;
    phase = awaiting;
  }

  // ------------------------------------------------------------ answers to awaited methods

  private Behavior<Command> onReply(Reply r) {
    if (r.error() != null) {
      raise(r.error());
      return next();
    }
    if (r.declaredQueue() != null) {
      lastQueue.set(r.declaredQueue());
    }
    if (awaited instanceof ClientMethod.BasicCancel c) {
      deliveries.cancelled(c);
    }
    if (r.ok() != null) {
      send(r.ok());
    }
    return answered();
  }

  private Behavior<Command> onConsumerAttached(ConsumerAttached a) {
    deliveries.consumerAttached(a);
    return answered();
  }

  private Behavior<Command> onGetResult(GetResult g) {
    deliveries.getResult(g);
    return answered();
  }

  private Behavior<Command> onRegistryDone(RegistryDone r) {
    if (awaited instanceof ClientMethod.BasicConsume c) {
      deliveries.replyRegistered(c);
    } else if (awaited instanceof ClientMethod.BasicCancel c) {
      deliveries.replyUnregistered(c);
    }
    return answered();
  }

  /** The awaited answer arrived: the stashed methods are handled in order, until one awaits again. */
  private Behavior<Command> answered() {
    awaited = null;
    if (phase == awaiting) {
      phase = open;
    }
    return phase == open ? stash.unstashAll(open) : next();
  }

  // ------------------------------------------------------------ errors and close

  /** Turns an error into a close: a channel close here, a connection close through the connection. */
  void raise(AmqpError e) {
    raise(e, "server", "channel-error");
  }

  private void raise(AmqpError e, String initiator, String reason) {
    if (phase == closing) {
      return;
    }
    broker.trace().record(new TraceEvent.ChannelClosed(channelId, e.replyCode(), e.text(), e.classId(), e.methodId(),
        initiator));
    if (e.connectionScope()) {
      connection.tell(new ConnectionActor.ChannelError(number, e));
      // Release now (requeue unacked, drop consumers); the connection's Shutdown then finds nothing to do.
      closeHandshakeDone = true;
      release("connection-error");
      return;
    }
    send(new Outbound.ChannelClose(e));
    release(reason);
  }

  /** Applies a close ordered by a fault rule to this channel or its connection. */
  void faultClose(FaultDecision.Close c) {
    if (phase == closing) {
      return;
    }
    String rule = c.rule();
    if (c.kind() == Effect.Kind.CLOSE_CHANNEL) {
      raise(FaultPoints.closeError(c, false), "fault", "closed by fault rule '" + rule + "'");
    } else if (c.kind() == Effect.Kind.CLOSE_CONNECTION) {
      connection.tell(new ConnectionActor.ForceClose(FaultPoints.closeError(c, true), "fault"));
      closeHandshakeDone = true;
      release("connection closed by fault rule '" + rule + "'");
    } else {
      // A cut or a crash: the client is gone, nothing it sent after this point reaches the broker.
      connection.tell(new ConnectionActor.Cut(c.kind() == Effect.Kind.CRASH_CONSUMER
          ? "fault rule '" + rule + "': the consumer crashed before its ack"
          : "fault rule '" + rule + "' cut the connection"));
      stash.clear();
      phase = closing;
    }
  }

  private Behavior<Command> onEndQuietly(EndQuietly e) {
    if (phase != closing) {
      broker.trace().record(new TraceEvent.ChannelClosed(channelId, 200, e.reason(), 0, 0, "client"));
      release("channel-closed");
    }
    closeHandshakeDone = true;
    return maybeStop();
  }

  private Behavior<Command> onShutdown(Shutdown s) {
    String initiator = switch (s.reason()) {
      case "connection-closed" -> "client";
      case "connection-lost" -> "transport";
      default -> "server";
    };
    broker.trace().record(new TraceEvent.ChannelClosed(channelId, 320, "its connection closed (" + s.reason() + ")",
        0, 0, initiator));
    closeHandshakeDone = true;
    release(s.reason());
    return maybeStop();
  }

  /** Asks every queue this channel used to requeue its deliveries and drop its consumers; then closing. */
  private void release(String reason) {
    phase = closing;
    released = true;
    stash.clear();
    awaited = null;
    deliveries.clear();
    publisher.forgetConfirms();
    for (ActorRef<QueueActor.Command> q : queuesUsed) {
      releaseQueue(q, reason);
    }
    queuesUsed.clear();
    if (deliveries.clearReplyConsumers() && pendingReleases.add(vhost.replyRegistry())) {
      vhost.replyRegistry().tell(new ReplyToRegistryActor.ReleaseChannel(channelId,
          "the requester's channel closed (" + reason + ")", ctx.getSelf()));
      ctx.watchWith(vhost.replyRegistry(), new Released(vhost.replyRegistry()));
    }
  }

  private void releaseQueue(ActorRef<QueueActor.Command> q, String reason) {
    if (pendingReleases.add(q)) {
      q.tell(new QueueActor.ChannelGone(channelId, reason, ctx.getSelf()));
      ctx.watchWith(q, new Released(q));
    }
  }

  private Behavior<Command> onReleased(Released r) {
    if (pendingReleases.remove(r.from())) {
      ctx.unwatch(r.from());
    }
    return maybeStop();
  }

  private Behavior<Command> maybeStop() {
    if (closeHandshakeDone && released && pendingReleases.isEmpty() && delayed == 0) {
      connection.tell(new ConnectionActor.ChannelTerminated(number, ctx.getSelf()));
      return Behaviors.stopped();
    }
    return closing;
  }

  private void discardNoAck(Deliver d) {
    if (d.noAck()) {
      broker.trace().record(new TraceEvent.Discarded(d.message().msgId(), d.queue(), "consumer-gone",
          "no-ack delivery reached channel " + channelId + " after it closed"));
    }
  }
}
