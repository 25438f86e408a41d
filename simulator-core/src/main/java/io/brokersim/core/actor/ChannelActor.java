package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.ChannelCredit;
import io.brokersim.core.model.DeliveryTags;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.NameValidation;
import io.brokersim.core.model.PublishConfirms;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ExpirationRule;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One AMQP channel: consumer tags, delivery tags and unacked deliveries, publisher confirms, mandatory
 * returns and channel errors.
 *
 * <p>Methods are handled one at a time in arrival order, as a broker's channel process does: while a
 * method waits for the virtual host or a queue to answer, later methods are stashed, so replies reach
 * the client in request order and a publish after a declare sees the declared queue.
 *
 * <p>On close the channel asks every queue it used to requeue the channel's unacked deliveries and
 * drop its consumers, and stops only when each has confirmed (or has stopped), so a delivery still in
 * flight is never stranded.
 */
public final class ChannelActor extends AbstractBehavior<ChannelActor.Command> {

  /** Messages a channel understands: {@link ClientMethod}s from the client and the records below. */
  public interface Command {}

  /** A synchronous answer from the vhost or a queue: a method for the client, or an error. */
  public record Reply(Outbound ok, AmqpError error, String declaredQueue) implements Command {}

  public record ConsumerAttached(String consumerTag, String queue, ActorRef<QueueActor.Command> queueRef,
      boolean noAck, boolean noWait) implements Command {}

  public record Deliver(String queue, ActorRef<QueueActor.Command> queueRef, String consumerTag, long deliveryId,
      Message message, boolean redelivered, boolean noAck) implements Command {}

  public record GetResult(String queue, ActorRef<QueueActor.Command> queueRef, long deliveryId, Message message,
      boolean redelivered, boolean noAck, int messageCount) implements Command {}

  /**
   * The routing result of a publish (sent when the publisher needs it: confirms, mandatory, immediate).
   * {@code noConsumers} means LavinMQ's immediate check failed: return 313 whatever mandatory says.
   */
  public record Routed(long seq, Message message, int queues, boolean mandatory, boolean noConsumers)
      implements Command {}

  /** A queue accepted (or refused) a message of publish {@code seq}. */
  public record EnqueueResult(long seq, boolean accepted) implements Command {}

  /** The vhost refused a publish (unknown or internal exchange). */
  public record PublishFailed(long seq, AmqpError error) implements Command {}

  /** A queue cancelled one of this channel's consumers (queue deleted). */
  public record ServerCancel(String consumerTag, String queue) implements Command {}

  /** A queue or the reply-to registry finished releasing this closing channel (or it stopped). */
  public record Released(ActorRef<?> from) implements Command {}

  /** A direct reply for this channel's reply consumer (reference §1.5). */
  public record DirectReply(String replyName, String consumerTag, Message message) implements Command {}

  /** What happened to a reply this channel published to a reply name: returned or not (§1.6). */
  public record ReplyOutcome(long seq, Message message, boolean returnIt) implements Command {}

  /**
   * Backpressure from the front end: while {@code slowDown} is true the channel's consumers get no new
   * deliveries (the client's socket is not keeping up); false resumes them. Nothing is dropped.
   */
  public record Backpressure(boolean slowDown) implements Command {}

  /** A fault rule elsewhere (routed, reply-resolved) closes or cuts this channel or its connection. */
  public record FaultClose(Effect effect, String rule) implements Command {}

  /** A fault rule dropped this channel's publish {@code seq} after routing: nack it under confirms. */
  public record PublishDropped(long seq) implements Command {}

  private record DelayedRoute(BrokerActor.Route route) implements Command {}

  private record DelayedDeliver(Deliver deliver) implements Command {}

  private record DelayedSettle(List<DeliveryTags.Tagged<Unacked>> settled, QueueActor.SettleKind kind,
      String methodName) implements Command {}

  /** The connection is closing: clean up without telling the client. */
  public record Shutdown(String reason) implements Command {}

  private record Unacked(ActorRef<QueueActor.Command> queue, String queueName, long deliveryId, Message message,
      String consumerTag) {}

  private record ConsumerInfo(String queue, ActorRef<QueueActor.Command> queueRef, boolean noAck) {}

  private enum Phase { OPEN, CLOSING, RELEASING }

  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final ActorRef<BrokerActor.Command> vhost;
  private final ActorRef<ReplyToRegistryActor.Command> replyRegistry;
  private final ActorRef<ConnectionActor.Command> connection;
  private final ClientSink sink;
  private final String connectionId;
  private final String clientName;
  private final int number;
  private final String channelId;
  private final boolean cancelNotify;
  private final AtomicReference<String> lastQueue;
  private final RandomSource random;

  private final DeliveryTags<Unacked> tags = new DeliveryTags<>();
  private final Map<String, ConsumerInfo> consumers = new LinkedHashMap<>();
  private final Set<ActorRef<QueueActor.Command>> queuesUsed = new LinkedHashSet<>();
  private final ArrayDeque<ClientMethod> stash = new ArrayDeque<>();
  private ClientMethod awaiting;
  private PublishConfirms confirms;
  private Integer prefetch;
  private final ChannelCredit credit = new ChannelCredit();
  private long published;
  private Phase phase = Phase.OPEN;
  private boolean closeHandshakeDone;
  private boolean slowedDown;
  private final Set<ActorRef<?>> pendingReleases = new LinkedHashSet<>();
  /** Reply consumer tag → its reply name; the last entry is the current one (LavinMQ may hold several). */
  private final Map<String, String> replyConsumers = new LinkedHashMap<>();
  private String replyTag;
  private String replyName;

  public static Behavior<Command> create(BrokerContext broker, ActorRef<BrokerActor.Command> vhost,
      ActorRef<ReplyToRegistryActor.Command> replyRegistry, ActorRef<ConnectionActor.Command> connection,
      ClientSink sink, String connectionId, String clientName, int number, boolean cancelNotify,
      AtomicReference<String> lastQueue) {
    return Behaviors.setup(ctx -> new ChannelActor(ctx, broker, vhost, replyRegistry, connection, sink, connectionId,
        clientName, number, cancelNotify, lastQueue));
  }

  private ChannelActor(ActorContext<Command> ctx, BrokerContext broker, ActorRef<BrokerActor.Command> vhost,
      ActorRef<ReplyToRegistryActor.Command> replyRegistry, ActorRef<ConnectionActor.Command> connection,
      ClientSink sink, String connectionId, String clientName, int number, boolean cancelNotify,
      AtomicReference<String> lastQueue) {
    super(ctx);
    this.clientName = clientName;
    this.broker = broker;
    this.profile = broker.profile();
    this.vhost = vhost;
    this.replyRegistry = replyRegistry;
    this.connection = connection;
    this.sink = sink;
    this.connectionId = connectionId;
    this.number = number;
    this.channelId = connectionId + "/ch-" + number;
    this.cancelNotify = cancelNotify;
    this.lastQueue = lastQueue;
    this.random = broker.random().fork("consumer-tags/" + channelId);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(ClientMethod.class, this::onClientMethod)
        .onMessage(Reply.class, this::onReply)
        .onMessage(ConsumerAttached.class, this::onConsumerAttached)
        .onMessage(GetResult.class, this::onGetResult)
        .onMessage(Routed.class, this::onRouted)
        .onMessage(EnqueueResult.class, this::onEnqueueResult)
        .onMessage(PublishFailed.class, this::onPublishFailed)
        .onMessage(ServerCancel.class, this::onServerCancel)
        .onMessage(Released.class, this::onReleased)
        .onMessage(DirectReply.class, this::onDirectReply)
        .onMessage(ReplyOutcome.class, this::onReplyOutcome)
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(Backpressure.class, this::onBackpressure)
        .onMessage(FaultClose.class, this::onFaultClose)
        .onMessage(PublishDropped.class, this::onPublishDropped)
        .onMessage(DelayedRoute.class, d -> {
          vhost.tell(d.route());
          return this;
        })
        .onMessage(DelayedDeliver.class, d -> deliver(d.deliver(), false))
        .onMessage(DelayedSettle.class, d -> {
          if (phase == Phase.OPEN) {
            applySettle(d.settled(), d.kind(), d.methodName());
          }
          return this;
        })
        .build();
  }

  // ------------------------------------------------------------ client methods

  private Behavior<Command> onClientMethod(ClientMethod m) {
    if (phase != Phase.OPEN) {
      return whileClosing(m);
    }
    if (awaiting != null) {
      stash.addLast(m);
      return this;
    }
    handle(m);
    return afterHandling();
  }

  /** After a server close only close and close-ok count (reference §0.2). */
  private Behavior<Command> whileClosing(ClientMethod m) {
    if (m instanceof ClientMethod.ChannelCloseOk || m instanceof ClientMethod.ChannelClose) {
      if (m instanceof ClientMethod.ChannelClose && phase == Phase.CLOSING) {
        sink.send(number, new Outbound.ChannelCloseOk());
      }
      closeHandshakeDone = true;
      return maybeStop();
    }
    return this;
  }

  private Behavior<Command> afterHandling() {
    return phase == Phase.OPEN ? this : maybeStop();
  }

  private void handle(ClientMethod m) {
    if (m instanceof ClientMethod.BasicPublish p) {
      publish(p);
    } else if (m instanceof ClientMethod.BasicAck a) {
      settle(a.deliveryTag(), a.multiple(), QueueActor.SettleKind.ACK, MethodRef.BASIC_ACK, "basic.ack");
    } else if (m instanceof ClientMethod.BasicNack n) {
      settle(n.deliveryTag(), n.multiple(), n.requeue() ? QueueActor.SettleKind.REQUEUE : QueueActor.SettleKind.DISCARD,
          MethodRef.BASIC_NACK, "basic.nack");
    } else if (m instanceof ClientMethod.BasicReject r) {
      settle(r.deliveryTag(), false, r.requeue() ? QueueActor.SettleKind.REQUEUE : QueueActor.SettleKind.DISCARD,
          MethodRef.BASIC_REJECT, "basic.reject");
    } else if (m instanceof ClientMethod.BasicConsume c) {
      consume(c);
    } else if (m instanceof ClientMethod.BasicCancel c) {
      cancel(c);
    } else if (m instanceof ClientMethod.BasicQos q) {
      qos(q);
    } else if (m instanceof ClientMethod.BasicRecover r) {
      recover(r);
    } else if (m instanceof ClientMethod.ConfirmSelect c) {
      if (confirms == null) {
        confirms = new PublishConfirms();
      }
      if (!c.noWait()) {
        sink.send(number, new Outbound.ConfirmSelectOk());
      }
    } else if (m instanceof ClientMethod.TxSelect || m instanceof ClientMethod.TxCommit
        || m instanceof ClientMethod.TxRollback) {
      raise(AmqpError.of(ReplyCode.NOT_IMPLEMENTED, txMethod(m),
          "transactions (tx.*) are not simulated by brokersim"));
    } else if (m instanceof ClientMethod.ChannelFlow f) {
      if (f.active()) {
        sink.send(number, new Outbound.ChannelFlowOk(true));
      } else {
        raise(AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.CHANNEL_FLOW, "active=false"));
      }
    } else if (m instanceof ClientMethod.ChannelClose) {
      broker.trace().record(new TraceEvent.ChannelClosed(channelId, 200, "client close", 0, 0, "client"));
      sink.send(number, new Outbound.ChannelCloseOk());
      closeHandshakeDone = true;
      release("channel-closed");
    } else if (m instanceof ClientMethod.ChannelCloseOk) {
      // Unexpected while open: nothing to acknowledge.
    } else {
      request(m);
    }
  }

  private static MethodRef txMethod(ClientMethod m) {
    if (m instanceof ClientMethod.TxSelect) {
      return MethodRef.TX_SELECT;
    }
    return m instanceof ClientMethod.TxCommit ? MethodRef.TX_COMMIT : MethodRef.TX_ROLLBACK;
  }

  /** Sends a registry method to the vhost and waits for its answer. */
  private void request(ClientMethod m) {
    ClientMethod named = checkNames(m);
    if (named == null) {
      return;
    }
    ClientMethod resolved = resolveEmptyQueueName(named);
    if (resolved == null) {
      return;
    }
    awaiting = resolved;
    vhost.tell(new BrokerActor.ChannelRequest(resolved, info(), getContext().getSelf()));
  }

  private BrokerActor.ChannelInfo info() {
    int p = prefetch != null ? prefetch : profile.defaultConsumerPrefetch();
    return new BrokerActor.ChannelInfo(channelId, connectionId, p, cancelNotify, credit);
  }

  /**
   * Entity-name rules (reference §3.4): RabbitMQ strips CR and LF from queue and exchange names;
   * LavinMQ accepts printable ASCII only; no name may exceed 255 bytes. Returns the method with its
   * names normalised, or null after raising 406.
   */
  private ClientMethod checkNames(ClientMethod m) {
    java.util.function.UnaryOperator<String> q = n -> n;
    if (profile.isRabbitMq()) {
      q = n -> n == null ? null : NameValidation.stripCrLf(n);
    }
    ClientMethod out = m;
    if (m instanceof ClientMethod.QueueDeclare d) {
      out = new ClientMethod.QueueDeclare(q.apply(d.queue()), d.passive(), d.durable(), d.exclusive(), d.autoDelete(),
          d.noWait(), d.arguments());
    } else if (m instanceof ClientMethod.QueueBind b) {
      out = new ClientMethod.QueueBind(q.apply(b.queue()), q.apply(b.exchange()), b.routingKey(), b.noWait(),
          b.arguments());
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      out = new ClientMethod.QueueUnbind(q.apply(u.queue()), q.apply(u.exchange()), u.routingKey(), u.arguments());
    } else if (m instanceof ClientMethod.QueuePurge pu) {
      out = new ClientMethod.QueuePurge(q.apply(pu.queue()), pu.noWait());
    } else if (m instanceof ClientMethod.QueueDelete d) {
      out = new ClientMethod.QueueDelete(q.apply(d.queue()), d.ifUnused(), d.ifEmpty(), d.noWait());
    } else if (m instanceof ClientMethod.ExchangeDeclare d) {
      out = new ClientMethod.ExchangeDeclare(q.apply(d.exchange()), d.type(), d.passive(), d.durable(), d.autoDelete(),
          d.internal(), d.noWait(), d.arguments());
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      out = new ClientMethod.ExchangeDelete(q.apply(d.exchange()), d.ifUnused(), d.noWait());
    }
    String queue = queueOf(out);
    String exchange = exchangeOf(out);
    if (queue != null && !validName(queue)) {
      raise(profile.invalidName(methodOf(out), "queue"));
      return null;
    }
    if (exchange != null && !validName(exchange)) {
      raise(profile.invalidName(methodOf(out), "exchange"));
      return null;
    }
    return out;
  }

  private boolean validName(String name) {
    return NameValidation.fitsShortString(name) && (profile.isRabbitMq() || NameValidation.isPrintableAscii(name));
  }

  private static String exchangeOf(ClientMethod m) {
    if (m instanceof ClientMethod.ExchangeDeclare d) {
      return d.exchange();
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      return d.exchange();
    } else if (m instanceof ClientMethod.QueueBind b) {
      return b.exchange();
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return u.exchange();
    }
    return null;
  }

  /** The empty-queue-name shortcut (reference §2.1): the most recently declared queue. */
  private ClientMethod resolveEmptyQueueName(ClientMethod m) {
    String q = queueOf(m);
    if (q == null || !q.isEmpty() || m instanceof ClientMethod.QueueDeclare) {
      return m;
    }
    String last = lastQueue.get();
    if (last == null) {
      if (profile.isRabbitMq()) {
        raise(profile.noPreviouslyDeclaredQueue(methodOf(m)));
        return null;
      }
      return m;
    }
    if (m instanceof ClientMethod.QueueBind b) {
      return new ClientMethod.QueueBind(last, b.exchange(), b.routingKey().isEmpty() ? last : b.routingKey(),
          b.noWait(), b.arguments());
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return new ClientMethod.QueueUnbind(last, u.exchange(), u.routingKey(), u.arguments());
    } else if (m instanceof ClientMethod.QueuePurge p) {
      return new ClientMethod.QueuePurge(last, p.noWait());
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return new ClientMethod.QueueDelete(last, d.ifUnused(), d.ifEmpty(), d.noWait());
    } else if (m instanceof ClientMethod.BasicGet g) {
      return new ClientMethod.BasicGet(last, g.noAck());
    } else if (m instanceof ClientMethod.BasicConsume c) {
      return new ClientMethod.BasicConsume(last, c.consumerTag(), c.noLocal(), c.noAck(), c.exclusive(), c.noWait(),
          c.arguments());
    }
    return m;
  }

  private static String queueOf(ClientMethod m) {
    if (m instanceof ClientMethod.QueueDeclare d) {
      return d.queue();
    } else if (m instanceof ClientMethod.QueueBind b) {
      return b.queue();
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return u.queue();
    } else if (m instanceof ClientMethod.QueuePurge p) {
      return p.queue();
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return d.queue();
    } else if (m instanceof ClientMethod.BasicGet g) {
      return g.queue();
    } else if (m instanceof ClientMethod.BasicConsume c) {
      return c.queue();
    }
    return null;
  }

  private static MethodRef methodOf(ClientMethod m) {
    if (m instanceof ClientMethod.QueueDeclare) {
      return MethodRef.QUEUE_DECLARE;
    } else if (m instanceof ClientMethod.QueueBind) {
      return MethodRef.QUEUE_BIND;
    } else if (m instanceof ClientMethod.QueueUnbind) {
      return MethodRef.QUEUE_UNBIND;
    } else if (m instanceof ClientMethod.QueuePurge) {
      return MethodRef.QUEUE_PURGE;
    } else if (m instanceof ClientMethod.QueueDelete) {
      return MethodRef.QUEUE_DELETE;
    } else if (m instanceof ClientMethod.BasicGet) {
      return MethodRef.BASIC_GET;
    } else if (m instanceof ClientMethod.BasicConsume) {
      return MethodRef.BASIC_CONSUME;
    } else if (m instanceof ClientMethod.BasicPublish) {
      return MethodRef.BASIC_PUBLISH;
    } else if (m instanceof ClientMethod.ExchangeDeclare) {
      return MethodRef.EXCHANGE_DECLARE;
    } else if (m instanceof ClientMethod.ExchangeDelete) {
      return MethodRef.EXCHANGE_DELETE;
    }
    return MethodRef.NONE;
  }

  // ------------------------------------------------------------ publish

  private void publish(ClientMethod.BasicPublish p) {
    if (p.immediate() && profile.immediateHandling() == BrokerProfile.ImmediateHandling.CONNECTION_ERROR_540) {
      raise(profile.immediateNotImplemented());
      return;
    }
    BasicProperties props = p.properties() == null ? BasicProperties.EMPTY : p.properties();
    AmqpError replyError = null;
    if (profile.isReplyPseudoName(props.replyTo())) {
      // Direct reply-to (§1.3): the pseudo name becomes this channel's reply name, or the publish fails.
      if (replyName == null) {
        replyError = profile.replyConsumerMissing();
      } else {
        props = props.withReplyTo(replyName);
      }
    }
    AmqpError expirationError = ExpirationRule.validate(profile, props);
    AmqpError precheck = profile.checksReplyToBeforeExpiration()
        ? (replyError != null ? replyError : expirationError)
        : (expirationError != null ? expirationError : replyError);
    String msgId = channelId + "#" + (++published);
    Message msg = new Message(msgId, p.exchange(), p.routingKey(), props, p.body());
    long seq = confirms == null ? 0 : confirms.nextSeq();
    broker.trace().record(new TraceEvent.Published(msgId, channelId, p.exchange(), p.routingKey(), p.mandatory(),
        p.immediate(), props.correlationId(), props.replyTo(), props.messageId(), msg.bodySize()));
    BrokerActor.Route route = new BrokerActor.Route(msg, p.mandatory(), p.immediate(), seq, channelId,
        getContext().getSelf(), precheck, false);
    if (precheck == null && applyPublishFaults(route)) {
      return;
    }
    vhost.tell(route);
    if (precheck != null) {
      // This publish will close the channel (after the vhost has checked the exchange, which comes
      // first): handle nothing after it until then, as a broker's channel process would not.
      awaiting = p;
    }
  }

  /**
   * Fault rules at publish-received. Returns true if they consumed the publish (dropped, delayed, or
   * the channel/connection is being closed instead).
   */
  private boolean applyPublishFaults(BrokerActor.Route route) {
    List<FaultInjector.Fired> fired = FaultPoints.check(broker, Boundary.PUBLISH_RECEIVED, route.message(), null,
        null, connectionId, clientName, channelId);
    if (fired.isEmpty()) {
      return false;
    }
    Message msg = route.message();
    boolean consumed = false;
    int duplicates = 0;
    String discardedBy = null;
    Duration delay = null;
    for (FaultInjector.Fired f : fired) {
      for (Effect e : f.effects()) {
        if (e instanceof Effect.Drop d) {
          FaultPoints.record(broker, f, e, channelId, msg.msgId(), null);
          discardedBy = discardedBy == null ? f.rule().name() : discardedBy;
          consumed = true;
        } else if (e instanceof Effect.Delay d) {
          FaultPoints.record(broker, f, e, channelId, msg.msgId(), null);
          delay = delay == null ? d.delay() : delay.plus(d.delay());
        } else if (e instanceof Effect.Duplicate d) {
          for (int k = 1; k <= d.copies(); k++) {
            String dupId = msg.msgId() + "~dup" + (++duplicates);
            FaultPoints.record(broker, f, e, channelId, msg.msgId(), dupId);
            Message dup = new Message(dupId, msg.exchange(), msg.routingKey(), msg.properties(), msg.body());
            vhost.tell(new BrokerActor.Route(dup, route.mandatory(), route.immediate(), 0, channelId,
                getContext().getSelf(), null, false));
          }
        } else if (e instanceof Effect.CloseChannel c) {
          FaultPoints.record(broker, f, e, channelId, msg.msgId(), null);
          discardedBy = discardedBy == null ? f.rule().name() : discardedBy;
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.CloseConnection c) {
          FaultPoints.record(broker, f, e, connectionId, msg.msgId(), null);
          discardedBy = discardedBy == null ? f.rule().name() : discardedBy;
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.CutConnection c) {
          FaultPoints.record(broker, f, e, connectionId, msg.msgId(), null);
          discardedBy = discardedBy == null ? f.rule().name() : discardedBy;
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.PauseQueue pq) {
          FaultPoints.record(broker, f, e, pq.queue(), msg.msgId(), null);
          vhost.tell(new BrokerActor.PauseQueue(pq.queue(), pq.paused()));
        } else if (e instanceof Effect.RestartBroker r) {
          FaultPoints.record(broker, f, e, "broker", msg.msgId(), null);
          vhost.tell(new BrokerActor.Restart(f.rule().name()));
        } else {
          FaultPoints.ignored(broker, f, e, Boundary.PUBLISH_RECEIVED, channelId, msg.msgId());
        }
      }
    }
    if (consumed) {
      broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "fault", discardedBy));
      if (confirms != null && route.seq() > 0) {
        confirms.routed(route.seq(), 0);
        confirms.nack(route.seq());
        flushConfirms();
      }
      return true;
    }
    if (delay != null) {
      getContext().scheduleOnce(delay, getContext().getSelf(), new DelayedRoute(route));
      return true;
    }
    return false;
  }

  /** Applies a close ordered by a fault rule to this channel or its connection. */
  private void faultClose(Effect e, String rule) {
    if (e instanceof Effect.CloseChannel c) {
      raise(FaultPoints.closeError(c.code(), c.text(), rule, false), "fault", "closed by fault rule '" + rule + "'");
    } else if (e instanceof Effect.CloseConnection c) {
        connection.tell(new ConnectionActor.ForceClose(FaultPoints.closeError(c.code(), c.text(), rule, true), "fault"));
        closeHandshakeDone = true;
        release("connection closed by fault rule '" + rule + "'");
      } else if (e instanceof Effect.CutConnection c) {
      cutConnection("fault rule '" + rule + "' cut the connection");
    } else if (e instanceof Effect.CrashConsumer c) {
      cutConnection("fault rule '" + rule + "': the consumer crashed before its ack");
    } else {
      throw new IllegalArgumentException("not a close: " + e);
    }
  }

  /** The client is gone: nothing it sent after this point reaches the broker; the connection cleans up. */
  private void cutConnection(String reason) {
    connection.tell(new ConnectionActor.Cut(reason));
    phase = Phase.CLOSING;
    stash.clear();
    awaiting = null;
  }

  private Behavior<Command> onFaultClose(FaultClose f) {
    if (phase == Phase.OPEN) {
      faultClose(f.effect(), f.rule());
    }
    return afterHandling();
  }

  private Behavior<Command> onPublishDropped(PublishDropped d) {
    if (phase == Phase.OPEN && confirms != null && d.seq() > 0) {
      confirms.routed(d.seq(), 0);
      confirms.nack(d.seq());
      flushConfirms();
    }
    return this;
  }

  private Behavior<Command> onReplyOutcome(ReplyOutcome o) {
    if (phase != Phase.OPEN) {
      return this;
    }
    if (o.returnIt()) {
      Message m = o.message();
      sink.send(number, new Outbound.BasicReturn(312, "NO_ROUTE", m.exchange(), m.routingKey(), m.properties(),
          m.body()));
      broker.trace().record(new TraceEvent.Returned(m.msgId(), channelId, 312, "NO_ROUTE"));
    }
    if (confirms != null && o.seq() > 0) {
      confirms.routed(o.seq(), 0);
      flushConfirms();
    }
    return this;
  }

  private Behavior<Command> onRouted(Routed r) {
    if (phase != Phase.OPEN) {
      if (r.noConsumers() || (r.queues() == 0 && r.mandatory())) {
        broker.trace().record(new TraceEvent.Discarded(r.message().msgId(), null, "unroutable",
            "mandatory and unroutable, but the publishing channel " + channelId + " closed before the return"));
      }
      return this;
    }
    if (r.noConsumers() || (r.queues() == 0 && r.mandatory())) {
      Message m = r.message();
      int code = r.noConsumers() ? 313 : 312;
      String text = r.noConsumers() ? "NO_CONSUMERS" : "NO_ROUTE";
      // basic.return precedes the confirm of the same publish (reference §3.1).
      sink.send(number, new Outbound.BasicReturn(code, text, m.exchange(), m.routingKey(), m.properties(), m.body()));
      broker.trace().record(new TraceEvent.Returned(m.msgId(), channelId, code, text));
    }
    if (confirms != null && r.seq() > 0) {
      confirms.routed(r.seq(), r.queues());
      flushConfirms();
    }
    return this;
  }

  private Behavior<Command> onEnqueueResult(EnqueueResult r) {
    if (phase == Phase.OPEN && confirms != null) {
      confirms.queueResult(r.seq(), r.accepted());
      flushConfirms();
    }
    return this;
  }

  private void flushConfirms() {
    for (PublishConfirms.Confirm c : confirms.release()) {
      sink.send(number, c.ack() ? new Outbound.BasicAck(c.seq(), c.multiple()) : new Outbound.BasicNack(c.seq(),
          c.multiple()));
      broker.trace().record(new TraceEvent.ConfirmSent(channelId, c.seq(), c.multiple(), c.ack()));
    }
  }

  private Behavior<Command> onPublishFailed(PublishFailed f) {
    if (phase == Phase.OPEN) {
      raise(f.error());
    }
    return afterHandling();
  }

  // ------------------------------------------------------------ consumers and deliveries

  private void consume(ClientMethod.BasicConsume c) {
    if (profile.isReplyPseudoName(c.queue())) {
      consumeReplies(c);
      return;
    }
    if (profile.isReplyName(c.queue())) {
      var e = profile.consumeOnReplyNameError(c.queue(), broker.vhost(), c.queue().equals(replyName));
      if (e.isPresent()) {
        raise(e.get());
        return;
      }
    }
    String tag = c.consumerTag();
    if (tag == null || tag.isEmpty()) {
      do {
        tag = random.name("amq.ctag-", profile.generatedConsumerTagBytes());
      } while (consumers.containsKey(tag));
    } else if (consumers.containsKey(tag)) {
      var reuse = profile.consumerTagReuse(tag);
      if (reuse.isPresent()) {
        raise(reuse.get());
        return;
      }
    }
    request(new ClientMethod.BasicConsume(c.queue(), tag, c.noLocal(), c.noAck(), c.exclusive(), c.noWait(),
        c.arguments()));
  }

  /** A direct reply-to consumer (§1.2): no-ack only, not a queue consumer, registered under a reply name. */
  private void consumeReplies(ClientMethod.BasicConsume c) {
    if (!c.noAck()) {
      raise(profile.replyConsumerMustBeNoAck());
      return;
    }
    String tag = c.consumerTag();
    if (tag != null && !tag.isEmpty() && consumers.containsKey(tag) && profile.consumerTagReuse(tag).isPresent()) {
      raise(profile.consumerTagReuse(tag).get());
      return;
    }
    if (replyTag != null && !profile.allowsSecondReplyConsumer()) {
      raise(profile.replyConsumerAlreadySet());
      return;
    }
    if (tag == null || tag.isEmpty()) {
      tag = random.name("amq.ctag-", profile.generatedConsumerTagBytes());
    }
    // RabbitMQ: an opaque, unguessable suffix (>= 128 bits); LavinMQ: the consumer tag itself (§1.3).
    String name = profile.isLavinMq()
        ? profile.replyNamePrefix() + tag
        : profile.replyNamePrefix() + random.name("", 9) + "." + random.base64(16);
    replyTag = tag;
    replyName = name;
    replyConsumers.put(tag, name);
    replyRegistry.tell(new ReplyToRegistryActor.Register(name, getContext().getSelf(), channelId, tag, clientName));
    broker.trace().record(new TraceEvent.ConsumerAdded(c.queue(), channelId, tag, true, 0));
    if (!c.noWait()) {
      sink.send(number, new Outbound.BasicConsumeOk(tag));
    }
  }

  private Behavior<Command> onDirectReply(DirectReply r) {
    Message m = r.message();
    String current = replyConsumers.get(r.consumerTag());
    if (phase != Phase.OPEN || current == null || !current.equals(r.replyName())) {
      String why = phase != Phase.OPEN ? "the requester's channel " + channelId + " closed before the reply arrived"
          : "the requester cancelled its reply consumer before the reply arrived";
      broker.trace().record(new TraceEvent.ReplyDropped(m.msgId(), r.replyName(), why));
      return this;
    }
    long tag = switch (profile.replyDeliveryTag()) {
      case NEXT -> tags.next(null, false);
      case NEXT_WITHOUT_INCREMENT -> tags.peekNext();
      case ALWAYS_ONE -> 1L;
    };
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), "reply:" + r.replyName(), channelId, r.consumerTag(),
        tag, false, true));
    sink.send(number, new Outbound.BasicDeliver(r.consumerTag(), tag, false, m.exchange(), m.routingKey(),
        m.properties(), m.body()));
    return this;
  }

  private Behavior<Command> onConsumerAttached(ConsumerAttached a) {
    if (phase != Phase.OPEN) {
      // The channel closed while the consume was in flight: let the queue drop the consumer.
      releaseQueue(a.queueRef(), "channel-closed");
      return this;
    }
    consumers.put(a.consumerTag(), new ConsumerInfo(a.queue(), a.queueRef(), a.noAck()));
    queuesUsed.add(a.queueRef());
    if (slowedDown) {
      a.queueRef().tell(new QueueActor.SetBlocked(channelId, true));
    }
    if (!a.noWait()) {
      sink.send(number, new Outbound.BasicConsumeOk(a.consumerTag()));
    }
    return replyDone();
  }

  private void cancel(ClientMethod.BasicCancel c) {
    String name = replyConsumers.remove(c.consumerTag());
    if (name != null) {
      // The reply name dies at once: later replies are dropped and probes answer 404 (§1.8).
      replyRegistry.tell(new ReplyToRegistryActor.Unregister(name,
          "the requester cancelled its reply consumer '" + c.consumerTag() + "' on " + channelId));
      if (c.consumerTag().equals(replyTag)) {
        replyTag = null;
        replyName = null;
      }
      broker.trace().record(new TraceEvent.ConsumerCancelled(BrokerProfile.RABBITMQ_REPLY_TO, channelId,
          c.consumerTag(), "client"));
      if (!c.noWait()) {
        sink.send(number, new Outbound.BasicCancelOk(c.consumerTag()));
      }
      return;
    }
    ConsumerInfo info = consumers.get(c.consumerTag());
    if (info == null) {
      // Cancelling an unknown tag is not an error (reference §4.2).
      if (!c.noWait()) {
        sink.send(number, new Outbound.BasicCancelOk(c.consumerTag()));
      }
      return;
    }
    awaiting = c;
    info.queueRef().tell(new QueueActor.CancelConsumer(channelId, c.consumerTag(), c.noWait(), getContext().getSelf()));
  }

  private Behavior<Command> onDeliver(Deliver d) {
    return deliver(d, true);
  }

  private Behavior<Command> deliver(Deliver d, boolean withFaults) {
    if (phase == Phase.OPEN && withFaults && applyDeliverFaults(d)) {
      return afterHandling();
    }
    if (phase != Phase.OPEN) {
      // Ack-mode deliveries are requeued by the queue when it processes this channel's release;
      // no-ack deliveries were settled on sending, so they end here, with a recorded reason.
      if (d.noAck()) {
        broker.trace().record(new TraceEvent.Discarded(d.message().msgId(), d.queue(), "consumer-gone",
            "no-ack delivery reached channel " + channelId + " after it closed"));
      }
      return this;
    }
    long tag = tags.next(new Unacked(d.queueRef(), d.queue(), d.deliveryId(), d.message(), d.consumerTag()), !d.noAck());
    Message m = d.message();
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), d.queue(), channelId, d.consumerTag(), tag,
        d.redelivered(), d.noAck()));
    sink.send(number, new Outbound.BasicDeliver(d.consumerTag(), tag, d.redelivered(), m.exchange(), m.routingKey(),
        m.properties(), m.body()));
    return this;
  }

  /** Fault rules at delivered. Returns true if they consumed the delivery. */
  private boolean applyDeliverFaults(Deliver d) {
    List<FaultInjector.Fired> fired = FaultPoints.check(broker, Boundary.DELIVERED, d.message(), d.queue(),
        d.consumerTag(), connectionId, clientName, channelId);
    if (fired.isEmpty()) {
      return false;
    }
    Message m = d.message();
    boolean consumed = false;
    boolean crash = false;
    String crashRule = null;
    Duration delay = null;
    for (FaultInjector.Fired f : fired) {
      for (Effect e : f.effects()) {
        if (e instanceof Effect.Drop x) {
          // The deliver frame is lost: the queue still counts it as unacked for this channel.
          FaultPoints.record(broker, f, e, channelId, m.msgId(), null);
          if (d.noAck()) {
            broker.trace().record(new TraceEvent.Discarded(m.msgId(), d.queue(), "fault", f.rule().name()));
          }
          consumed = true;
        } else if (e instanceof Effect.Delay x) {
          FaultPoints.record(broker, f, e, channelId, m.msgId(), null);
          delay = delay == null ? x.delay() : delay.plus(x.delay());
        } else if (e instanceof Effect.CancelConsumer x) {
          FaultPoints.record(broker, f, e, channelId, m.msgId(), null);
          d.queueRef().tell(new QueueActor.ServerCancelConsumer(channelId, d.consumerTag(), f.rule().name()));
        } else if (e instanceof Effect.CrashConsumer x) {
          FaultPoints.record(broker, f, e, connectionId, m.msgId(), null);
          crash = true;
          crashRule = f.rule().name();
        } else if (e instanceof Effect.CloseChannel x) {
          FaultPoints.record(broker, f, e, channelId, m.msgId(), null);
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.CloseConnection x) {
          FaultPoints.record(broker, f, e, connectionId, m.msgId(), null);
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.CutConnection x) {
          FaultPoints.record(broker, f, e, connectionId, m.msgId(), null);
          consumed = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.PauseQueue pq) {
          FaultPoints.record(broker, f, e, pq.queue() == null ? d.queue() : pq.queue(), m.msgId(), null);
          vhost.tell(new BrokerActor.PauseQueue(pq.queue() == null ? d.queue() : pq.queue(), pq.paused()));
        } else if (e instanceof Effect.RestartBroker r) {
          FaultPoints.record(broker, f, e, "broker", m.msgId(), null);
          vhost.tell(new BrokerActor.Restart(f.rule().name()));
        } else {
          FaultPoints.ignored(broker, f, e, Boundary.DELIVERED, channelId, m.msgId());
        }
      }
    }
    if (consumed) {
      return true;
    }
    if (delay != null) {
      getContext().scheduleOnce(delay, getContext().getSelf(), new DelayedDeliver(d));
      return true;
    }
    if (crash) {
      // The consumer receives the message, then dies before it can ack.
      deliver(d, false);
      faultClose(new Effect.CrashConsumer(), crashRule);
      return true;
    }
    return false;
  }

  private Behavior<Command> onGetResult(GetResult g) {
    queuesUsed.add(g.queueRef());
    if (phase != Phase.OPEN) {
      if (g.noAck()) {
        broker.trace().record(new TraceEvent.Discarded(g.message().msgId(), g.queue(), "consumer-gone",
            "basic.get answer reached channel " + channelId + " after it closed"));
      } else {
        releaseQueue(g.queueRef(), "channel-closed");
      }
      return this;
    }
    long tag = tags.next(new Unacked(g.queueRef(), g.queue(), g.deliveryId(), g.message(), null), !g.noAck());
    Message m = g.message();
    broker.trace().record(new TraceEvent.Delivered(m.msgId(), g.queue(), channelId, null, tag, g.redelivered(),
        g.noAck()));
    sink.send(number, new Outbound.BasicGetOk(tag, g.redelivered(), m.exchange(), m.routingKey(), g.messageCount(),
        m.properties(), m.body()));
    return replyDone();
  }

  private Behavior<Command> onBackpressure(Backpressure b) {
    if (phase == Phase.OPEN && b.slowDown() != slowedDown) {
      slowedDown = b.slowDown();
      for (ActorRef<QueueActor.Command> ref : consumerQueues()) {
        ref.tell(new QueueActor.SetBlocked(channelId, slowedDown));
      }
    }
    return this;
  }

  private Behavior<Command> onServerCancel(ServerCancel c) {
    if (consumers.remove(c.consumerTag()) != null && phase == Phase.OPEN) {
      if (!profile.cancelNotifyNeedsCapability() || cancelNotify) {
        sink.send(number, new Outbound.BasicCancel(c.consumerTag()));
      }
    }
    return this;
  }

  private void settle(long tag, boolean multiple, QueueActor.SettleKind kind, MethodRef method, String methodName) {
    List<DeliveryTags.Tagged<Unacked>> settled = tags.settle(tag, multiple);
    if (settled == null) {
      raise(profile.unknownDeliveryTag(method, tag));
      return;
    }
    List<DeliveryTags.Tagged<Unacked>> now = new ArrayList<>(settled.size());
    for (DeliveryTags.Tagged<Unacked> t : settled) {
      Duration delay = kind == QueueActor.SettleKind.ACK ? ackFault(t.target()) : null;
      if (delay == null) {
        now.add(t);
      } else if (!delay.isNegative()) {
        getContext().scheduleOnce(delay, getContext().getSelf(), new DelayedSettle(List.of(t), kind, methodName));
      }
      // a negative delay: the ack was lost on its way; the queue still counts the delivery as unacked
    }
    applySettle(now, kind, methodName);
  }

  /** Traces and sends settlements to their queues, giving shared prefetch credit back first. */
  private void applySettle(List<DeliveryTags.Tagged<Unacked>> settled, QueueActor.SettleKind kind, String methodName) {
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
      if (kind == QueueActor.SettleKind.ACK) {
        broker.trace().record(new TraceEvent.Acked(u.message().msgId(), u.queueName(), channelId, t.tag()));
      } else {
        broker.trace().record(new TraceEvent.Rejected(u.message().msgId(), u.queueName(), channelId, t.tag(),
            kind == QueueActor.SettleKind.REQUEUE, methodName));
      }
    }
    // Give shared credit back before the queues hear of the settle, so none waits for credit in vain.
    boolean wasFull = consumerDeliveries > 0 && credit.release(consumerDeliveries);
    for (Map.Entry<ActorRef<QueueActor.Command>, List<Long>> e : byQueue.entrySet()) {
      e.getKey().tell(new QueueActor.Settle(channelId, toArray(e.getValue()), kind, methodName));
    }
    if (wasFull) {
      redispatch();
    }
  }

  /**
   * Fault rules at ack-received for one delivery: null to settle now, a delay, or a negative duration
   * when the ack is lost (dropped, or the channel/connection closes instead).
   */
  private Duration ackFault(Unacked u) {
    if (!broker.faults().watches(Boundary.ACK_RECEIVED)) {
      return null;
    }
    Duration delay = null;
    boolean lost = false;
    String msgId = u.message().msgId();
    for (FaultInjector.Fired f : FaultPoints.check(broker, Boundary.ACK_RECEIVED, u.message(), u.queueName(),
        u.consumerTag(), connectionId, clientName, channelId)) {
      for (Effect e : f.effects()) {
        if (e instanceof Effect.Drop) {
          FaultPoints.record(broker, f, e, channelId, msgId, null);
          lost = true;
        } else if (e instanceof Effect.Delay d) {
          FaultPoints.record(broker, f, e, channelId, msgId, null);
          delay = delay == null ? d.delay() : delay.plus(d.delay());
        } else if (e instanceof Effect.CloseChannel || e instanceof Effect.CloseConnection
            || e instanceof Effect.CutConnection || e instanceof Effect.CrashConsumer) {
          FaultPoints.record(broker, f, e, e instanceof Effect.CloseChannel ? channelId : connectionId, msgId, null);
          lost = true;
          faultClose(e, f.rule().name());
        } else if (e instanceof Effect.RestartBroker) {
          FaultPoints.record(broker, f, e, "broker", msgId, null);
          vhost.tell(new BrokerActor.Restart(f.rule().name()));
        } else {
          FaultPoints.ignored(broker, f, e, Boundary.ACK_RECEIVED, channelId, msgId);
        }
      }
    }
    return lost ? Duration.ofNanos(-1) : delay;
  }

  /** Lets every queue with a consumer of this channel try again (credit became available). */
  private void redispatch() {
    for (ActorRef<QueueActor.Command> ref : consumerQueues()) {
      ref.tell(new QueueActor.SetBlocked(channelId, slowedDown));
    }
  }

  private static long[] toArray(List<Long> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  private void qos(ClientMethod.BasicQos q) {
    if (q.prefetchSize() != 0) {
      raise(profile.prefetchSizeError(q.prefetchSize()));
      return;
    }
    if (q.global() && profile.globalQos() == BrokerProfile.GlobalQos.SHARED_PER_CHANNEL) {
      // A limit shared by every consumer of the channel (§4.5), checked by the queues through the credit.
      boolean wasFull = !credit.available();
      credit.setLimit(q.prefetchCount());
      if (wasFull && credit.available()) {
        redispatch();
      }
      sink.send(number, new Outbound.BasicQosOk());
      return;
    }
    prefetch = q.prefetchCount();
    if (profile.qosUpdatesExistingConsumers()) {
      for (ActorRef<QueueActor.Command> ref : consumerQueues()) {
        ref.tell(new QueueActor.SetPrefetch(channelId, q.prefetchCount()));
      }
    }
    sink.send(number, new Outbound.BasicQosOk());
  }

  private Set<ActorRef<QueueActor.Command>> consumerQueues() {
    Set<ActorRef<QueueActor.Command>> out = new LinkedHashSet<>();
    for (ConsumerInfo c : consumers.values()) {
      out.add(c.queueRef());
    }
    return out;
  }

  private void recover(ClientMethod.BasicRecover r) {
    if (!r.requeue() && !profile.recoverWithoutRequeueSupported()) {
      raise(profile.recoverRequeueFalseNotImplemented(MethodRef.BASIC_RECOVER));
      return;
    }
    List<Unacked> all = new ArrayList<>();
    for (DeliveryTags.Tagged<Unacked> t : tags.drain()) {
      all.add(t.target());
    }
    if (r.requeue()) {
      boolean wasFull = credit.release((int) all.stream().filter(u -> u.consumerTag() != null).count());
      Map<ActorRef<QueueActor.Command>, List<Long>> byQueue = new LinkedHashMap<>();
      for (Unacked u : all) {
        byQueue.computeIfAbsent(u.queue(), q -> new ArrayList<>()).add(u.deliveryId());
      }
      for (Map.Entry<ActorRef<QueueActor.Command>, List<Long>> e : byQueue.entrySet()) {
        e.getKey().tell(new QueueActor.Settle(channelId, toArray(e.getValue()), QueueActor.SettleKind.REQUEUE,
            "basic.recover"));
      }
      if (wasFull) {
        redispatch();
      }
    } else {
      // LavinMQ: redeliver to the original consumer with redelivered=true and a new delivery tag.
      for (Unacked u : all) {
        long tag = tags.next(u, true);
        Message m = u.message();
        broker.trace().record(new TraceEvent.Delivered(m.msgId(), u.queueName(), channelId, u.consumerTag(), tag, true,
            false));
        if (u.consumerTag() != null) {
          sink.send(number, new Outbound.BasicDeliver(u.consumerTag(), tag, true, m.exchange(), m.routingKey(),
              m.properties(), m.body()));
        }
      }
    }
    sink.send(number, new Outbound.BasicRecoverOk());
  }

  // ------------------------------------------------------------ replies

  private Behavior<Command> onReply(Reply r) {
    if (phase != Phase.OPEN) {
      return this;
    }
    ClientMethod asked = awaiting;
    if (r.error() != null) {
      awaiting = null;
      raise(r.error());
      return afterHandling();
    }
    if (r.declaredQueue() != null) {
      lastQueue.set(r.declaredQueue());
    }
    if (asked instanceof ClientMethod.BasicCancel c) {
      consumers.remove(c.consumerTag());
    }
    if (r.ok() != null) {
      sink.send(number, r.ok());
    }
    return replyDone();
  }

  /** The awaited answer arrived: handle stashed methods until one waits again. */
  private Behavior<Command> replyDone() {
    awaiting = null;
    while (awaiting == null && phase == Phase.OPEN && !stash.isEmpty()) {
      handle(stash.pollFirst());
    }
    return afterHandling();
  }

  // ------------------------------------------------------------ errors and close

  /** Turns an error into a close: a channel close here, a connection close through the connection. */
  private void raise(AmqpError e) {
    raise(e, "server", "channel-error");
  }

  private void raise(AmqpError e, String initiator, String reason) {
    if (phase != Phase.OPEN) {
      return;
    }
    if (e.connectionScope()) {
      broker.trace().record(new TraceEvent.ChannelClosed(channelId, e.replyCode(), e.text(), e.classId(),
          e.methodId(), initiator));
      connection.tell(new ConnectionActor.ChannelError(number, e));
      // Release now (requeue unacked, drop consumers); the connection's Shutdown then finds nothing to do.
      closeHandshakeDone = true;
      release("connection-error");
      return;
    }
    broker.trace().record(new TraceEvent.ChannelClosed(channelId, e.replyCode(), e.text(), e.classId(), e.methodId(),
        initiator));
    sink.send(number, new Outbound.ChannelClose(e));
    release(reason);
    phase = Phase.CLOSING;
  }

  private Behavior<Command> onShutdown(Shutdown s) {
    if (phase == Phase.OPEN) {
      String initiator = switch (s.reason()) {
        case "connection-closed" -> "client";
        case "connection-lost" -> "transport";
        default -> "server";
      };
      broker.trace().record(new TraceEvent.ChannelClosed(channelId, 320, "its connection closed (" + s.reason() + ")",
          0, 0, initiator));
    }
    closeHandshakeDone = true;
    if (phase != Phase.RELEASING || pendingReleases.isEmpty()) {
      release(s.reason());
    }
    phase = Phase.RELEASING;
    return maybeStop();
  }

  /** Asks every queue this channel used to requeue its deliveries and drop its consumers. */
  private void release(String reason) {
    phase = Phase.RELEASING;
    stash.clear();
    awaiting = null;
    tags.drain();
    consumers.clear();
    if (confirms != null && confirms.outstanding() > 0) {
      confirms = null;
    }
    for (ActorRef<QueueActor.Command> q : queuesUsed) {
      releaseQueue(q, reason);
    }
    queuesUsed.clear();
    if (!replyConsumers.isEmpty()) {
      replyConsumers.clear();
      replyTag = null;
      replyName = null;
      if (pendingReleases.add(replyRegistry)) {
        replyRegistry.tell(new ReplyToRegistryActor.ReleaseChannel(channelId,
            "the requester's channel closed (" + reason + ")", getContext().getSelf()));
        getContext().watchWith(replyRegistry, new Released(replyRegistry));
      }
    }
  }

  private void releaseQueue(ActorRef<QueueActor.Command> q, String reason) {
    if (pendingReleases.add(q)) {
      q.tell(new QueueActor.ChannelGone(channelId, reason, getContext().getSelf()));
      getContext().watchWith(q, new Released(q));
    }
  }

  private Behavior<Command> onReleased(Released r) {
    if (pendingReleases.remove(r.from())) {
      getContext().unwatch(r.from());
    }
    return maybeStop();
  }

  private Behavior<Command> maybeStop() {
    if (phase != Phase.OPEN && closeHandshakeDone && pendingReleases.isEmpty()) {
      connection.tell(new ConnectionActor.ChannelTerminated(number, getContext().getSelf()));
      return Behaviors.stopped();
    }
    return this;
  }
}
