package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Binding;
import io.brokersim.core.model.BindingTable;
import io.brokersim.core.model.Destination;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.ExchangeType;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.ReservedNames;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.DeadLettering;
import io.brokersim.core.profile.QueueArguments;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One virtual host: the registries of exchanges and queues, the topology (bindings, including the
 * default exchange's implicit ones), exclusive-queue ownership, and routing.
 *
 * <p>Routing is done here, over the whole exchange graph at once, so that exchange-to-exchange
 * bindings are followed atomically and a queue reached by two paths gets one copy. Exchanges are
 * therefore model objects owned by this actor rather than actors of their own: a publish costs one hop
 * (channel → vhost → queues), and no exchange can be deleted under a message in flight.
 */
public final class BrokerActor extends AbstractBehavior<BrokerActor.Command> {

  /** Messages the virtual host understands. */
  public interface Command {}

  /** Opens a connection; the sink learns the connection actor through {@link ClientSink#connectionOpened}. */
  public record Connect(String clientName, String user, boolean cancelNotify, ClientSink sink) implements Command {}

  /** Who asks: the channel's trace id, its connection, the prefetch new consumers get, and capabilities. */
  public record ChannelInfo(String channelId, String connectionId, int prefetch, boolean cancelNotify,
      io.brokersim.core.model.ChannelCredit credit) {}

  /**
   * A channel method that needs the registries (declare, bind, delete, purge, consume, get, exchange
   * operations). The answer goes to {@code channel}; queues bounce it back here if they were deleted.
   */
  public record ChannelRequest(ClientMethod method, ChannelInfo info, ActorRef<ChannelActor.Command> channel)
      implements Command {}

  /**
   * A publish to route. {@code seq} > 0 when the publisher uses confirms. {@code precheck} is an error the
   * channel found (reply-to, expiration) that applies only if the exchange exists, as the brokers check
   * the exchange first (§1.3). {@code replyInterceptDone} marks a publish the reply-to registry sent back
   * for normal routing.
   */
  public record Route(Message message, boolean mandatory, boolean immediate, long seq, String channelId,
      ActorRef<ChannelActor.Command> channel, AmqpError precheck, boolean replyInterceptDone, String note)
      implements Command {

    public Route(Message message, boolean mandatory, boolean immediate, long seq, String channelId,
        ActorRef<ChannelActor.Command> channel, AmqpError precheck, boolean replyInterceptDone) {
      this(message, mandatory, immediate, seq, channelId, channel, precheck, replyInterceptDone, null);
    }

    /** Sent back by the reply-to registry for normal routing; {@code why} explains a later drop. */
    Route withReplyInterceptDone(String why) {
      return new Route(message, mandatory, immediate, seq, channelId, channel, precheck, true, why);
    }
  }

  /** A queue deleted itself (auto-delete, client delete, expiry); remove it if it is still the registered one. */
  public record QueueRemoved(String queue, ActorRef<QueueActor.Command> ref) implements Command {}

  /** A queue gained or lost a consumer able to take a message now (LavinMQ's immediate flag, §3.2). */
  public record QueueReadiness(String queue, ActorRef<QueueActor.Command> ref, boolean ready) implements Command {}

  /** Pauses or resumes deliveries of a queue (a fault effect). */
  public record PauseQueue(String queue, boolean paused) implements Command {}

  /**
   * Broker restart (a fault effect): every connection is cut; once all are gone, non-durable and
   * exclusive queues are deleted, transient messages are lost, non-durable exchanges vanish, and durable
   * queues keep their persistent messages.
   */
  public record Restart(String rule) implements Command {}

  private record DelayedEnqueue(List<String> queues, Message message, long seq,
      ActorRef<ChannelActor.Command> confirmTo) implements Command {}

  /** A connection ended: its exclusive queues go with it. */
  public record ConnectionGone(String connectionId) implements Command {}

  /** Collects the live copies of every queue ({@code msgId@queue}), for the fate-ledger check. */
  public record ReportLive(Consumer<List<String>> callback) implements Command {}

  private static final class ExchangeEntry {
    final ExchangeSpec spec;
    final BindingTable<Destination> bindings;

    ExchangeEntry(ExchangeSpec spec) {
      this.spec = spec;
      this.bindings = BindingTable.create(spec.type());
    }
  }

  private record QueueEntry(QueueSpec spec, ActorRef<QueueActor.Command> ref) {}

  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final RandomSource names;
  private final Map<String, ExchangeEntry> exchanges = new LinkedHashMap<>();
  private final Map<String, QueueEntry> queues = new LinkedHashMap<>();
  private final Set<String> readyQueues = new LinkedHashSet<>();
  private final Map<String, ActorRef<ConnectionActor.Command>> connectionRefs = new LinkedHashMap<>();
  private final Map<String, String> clientNames = new LinkedHashMap<>();
  private String restartingFor;
  private final ActorRef<ReplyToRegistryActor.Command> replyTo;
  private long connections;
  private long queueActors;

  public static Behavior<Command> create(BrokerContext broker) {
    return Behaviors.setup(ctx -> new BrokerActor(ctx, broker));
  }

  private BrokerActor(ActorContext<Command> ctx, BrokerContext broker) {
    super(ctx);
    this.broker = broker;
    this.profile = broker.profile();
    this.names = broker.random().fork("queue-names");
    this.replyTo = ctx.spawn(ReplyToRegistryActor.create(broker, ctx.getSelf()), "reply-to-registry");
    for (ReservedNames.PredeclaredExchange e : ReservedNames.predeclaredExchanges()) {
      exchanges.put(e.name(), new ExchangeEntry(new ExchangeSpec(e.name(), e.type(), true, false, false, null)));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Route.class, this::onRoute)
        .onMessage(ChannelRequest.class, this::onChannelRequest)
        .onMessage(Connect.class, this::onConnect)
        .onMessage(QueueRemoved.class, this::onQueueRemoved)
        .onMessage(ConnectionGone.class, this::onConnectionGone)
        .onMessage(QueueReadiness.class, this::onQueueReadiness)
        .onMessage(PauseQueue.class, this::onPauseQueue)
        .onMessage(Restart.class, this::onRestart)
        .onMessage(DelayedEnqueue.class, this::onDelayedEnqueue)
        .onMessage(ReportLive.class, this::onReportLive)
        .build();
  }

  // ---------------------------------------------------------------- connections

  private Behavior<Command> onConnect(Connect m) {
    String id = "conn-" + (++connections);
    ActorRef<ConnectionActor.Command> ref = getContext().spawn(
        ConnectionActor.create(broker, getContext().getSelf(), replyTo, id, m.clientName(), m.cancelNotify(), m.sink()),
        id);
    connectionRefs.put(id, ref);
    clientNames.put(id, m.clientName());
    broker.trace().record(new TraceEvent.ConnectionOpened(id, m.clientName(), m.user(), broker.vhost()));
    m.sink().connectionOpened(id, ref);
    return this;
  }

  private Behavior<Command> onQueueReadiness(QueueReadiness m) {
    QueueEntry q = queues.get(m.queue());
    if (q != null && q.ref().equals(m.ref())) {
      if (m.ready()) {
        readyQueues.add(m.queue());
      } else {
        readyQueues.remove(m.queue());
      }
    }
    return this;
  }

  private Behavior<Command> onPauseQueue(PauseQueue m) {
    QueueEntry q = m.queue() == null ? null : queues.get(m.queue());
    if (q != null) {
      q.ref().tell(new QueueActor.Pause(m.paused()));
    }
    return this;
  }

  private Behavior<Command> onRestart(Restart m) {
    if (restartingFor != null) {
      return this;
    }
    restartingFor = m.rule();
    for (ActorRef<ConnectionActor.Command> c : connectionRefs.values()) {
      c.tell(new ConnectionActor.Cut("broker restart (fault rule '" + m.rule() + "')"));
    }
    maybeFinishRestart();
    return this;
  }

  /** Once every connection is gone (their unacked messages requeued), the restart takes the state down. */
  private void maybeFinishRestart() {
    if (restartingFor == null || !connectionRefs.isEmpty()) {
      return;
    }
    String rule = restartingFor;
    restartingFor = null;
    for (QueueEntry q : queues.values()) {
      q.ref().tell(new QueueActor.Restart(rule));
    }
    for (ExchangeEntry x : List.copyOf(exchanges.values())) {
      if (!x.spec.durable() && exchanges.get(x.spec.name()) == x) {
        removeExchange(x.spec.name());
      }
    }
  }

  private Behavior<Command> onConnectionGone(ConnectionGone m) {
    connectionRefs.remove(m.connectionId());
    clientNames.remove(m.connectionId());
    for (QueueEntry q : queues.values()) {
      if (q.spec().exclusive() && m.connectionId().equals(q.spec().ownerConnection())) {
        q.ref().tell(new QueueActor.DeleteInternal("exclusive-owner-closed"));
      }
    }
    maybeFinishRestart();
    return this;
  }

  // ---------------------------------------------------------------- routing

  private Behavior<Command> onRoute(Route m) {
    Message msg = m.message();
    String exchange = msg.exchange();
    boolean defaultExchange = ReservedNames.isDefaultExchange(exchange);
    ExchangeEntry named = defaultExchange ? null : exchanges.get(exchange);
    if (!defaultExchange && named == null) {
      return refusePublish(m, profile.exchangeNotFound(MethodRef.BASIC_PUBLISH, exchange, broker.vhost()));
    }
    if (named != null && named.spec.internal()) {
      return refusePublish(m, profile.internalExchangePublish(exchange, broker.vhost()));
    }
    if (m.precheck() != null) {
      return refusePublish(m, m.precheck());
    }
    if (!m.replyInterceptDone() && m.channel() != null && profile.isReplyName(msg.routingKey())
        && (defaultExchange || profile.interceptsRepliesOnAnyExchange())) {
      replyTo.tell(new ReplyToRegistryActor.Deliver(m));
      return this;
    }
    List<QueueEntry> targets;
    if (defaultExchange) {
      QueueEntry q = queues.get(msg.routingKey());
      targets = q == null ? List.of() : List.of(q);
    } else {
      targets = route(named, msg);
    }
    if (m.immediate()) {
      // LavinMQ (§3.2): unless some matched queue has a consumer ready now, the message goes nowhere and
      // comes back as 313 NO_CONSUMERS, mandatory or not; otherwise it goes to every matched queue.
      boolean anyReady = false;
      for (QueueEntry q : targets) {
        anyReady |= readyQueues.contains(q.spec().name());
      }
      if (!anyReady) {
        broker.trace().record(new TraceEvent.Routed(msg.msgId(), exchange, msg.routingKey(), List.of()));
        m.channel().tell(new ChannelActor.Routed(m.seq(), msg, 0, m.mandatory(), true));
        return this;
      }
    }
    boolean deadLetter = m.channel() == null;
    if (deadLetter && !targets.isEmpty()) {
      List<QueueEntry> kept = new ArrayList<>(targets.size());
      for (QueueEntry q : targets) {
        if (!DeadLettering.isCycle(msg, q.spec().name())) {
          kept.add(q);
        }
      }
      if (kept.isEmpty()) {
        broker.trace().record(new TraceEvent.Routed(msg.msgId(), exchange, msg.routingKey(), List.of()));
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "unroutable",
            "dead-letter cycle: the message already died in every target queue without a rejection"));
        return this;
      }
      targets = kept;
    }
    List<String> names = new ArrayList<>(targets.size());
    for (QueueEntry q : targets) {
      names.add(q.spec().name());
    }
    broker.trace().record(new TraceEvent.Routed(msg.msgId(), exchange, msg.routingKey(), names));
    // Tell the channel first: its confirm bookkeeping then always sees the routing result before the
    // queues' acceptances, whatever thread runs which actor.
    boolean wantsResult = !deadLetter && (m.seq() > 0 || (m.mandatory() && targets.isEmpty()));
    if (wantsResult) {
      m.channel().tell(new ChannelActor.Routed(m.seq(), msg, targets.size(), m.mandatory(), false));
    }
    if (targets.isEmpty() && !m.mandatory()) {
      broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "unroutable",
          m.note() != null ? m.note()
              : "no binding of exchange '" + exchange + "' matched routing key '" + msg.routingKey() + "'"));
    }
    ActorRef<ChannelActor.Command> confirmTo = m.seq() > 0 ? m.channel() : null;
    if (broker.faults().watches(Boundary.ROUTED) && applyRoutedFaults(m, targets, confirmTo)) {
      return this;
    }
    for (QueueEntry q : targets) {
      q.ref().tell(new QueueActor.Enqueue(msg, confirmTo, m.seq()));
    }
    return this;
  }

  /**
   * Fault rules at routed (the routing result is already traced). Returns true if they took over the
   * delivery to the queues (dropped, delayed or duplicated). Closing the publisher's channel or
   * connection — the dead reply channel — happens after the queues got the request.
   */
  private boolean applyRoutedFaults(Route m, List<QueueEntry> targets, ActorRef<ChannelActor.Command> confirmTo) {
    Message msg = m.message();
    String firstQueue = targets.isEmpty() ? null : targets.get(0).spec().name();
    String connectionId = m.channel() == null ? null : connectionOf(m.channelId());
    List<FaultInjector.Fired> fired = FaultPoints.check(broker, Boundary.ROUTED, msg, firstQueue, null, connectionId,
        connectionId == null ? null : clientNames.get(connectionId), m.channelId());
    if (fired.isEmpty()) {
      return false;
    }
    boolean drop = false;
    Duration delay = null;
    int copies = 0;
    for (FaultInjector.Fired f : fired) {
      for (Effect e : f.effects()) {
        if (e instanceof Effect.Drop) {
          FaultPoints.record(broker, f, e, m.channelId(), msg.msgId(), null);
          for (QueueEntry q : targets) {
            broker.trace().record(new TraceEvent.Discarded(msg.msgId(), q.spec().name(), "fault", f.rule().name()));
          }
          drop = true;
        } else if (e instanceof Effect.Delay d) {
          FaultPoints.record(broker, f, e, m.channelId(), msg.msgId(), null);
          delay = delay == null ? d.delay() : delay.plus(d.delay());
        } else if (e instanceof Effect.Duplicate d) {
          for (int k = 1; k <= d.copies(); k++) {
            FaultPoints.record(broker, f, e, m.channelId(), msg.msgId(), msg.msgId() + "~dup" + (copies + k));
          }
          copies += d.copies();
        } else if (e instanceof Effect.CloseChannel || e instanceof Effect.CloseConnection
            || e instanceof Effect.CutConnection) {
          if (m.channel() == null) {
            FaultPoints.ignored(broker, f, e, Boundary.ROUTED, "dead letter", msg.msgId());
          } else {
            String target = e instanceof Effect.CloseChannel ? m.channelId() : connectionOf(m.channelId());
            FaultPoints.record(broker, f, e, target, msg.msgId(), null);
            m.channel().tell(new ChannelActor.FaultClose(e, f.rule().name()));
          }
        } else if (e instanceof Effect.PauseQueue pq) {
          String q = pq.queue() == null ? firstQueue : pq.queue();
          FaultPoints.record(broker, f, e, q, msg.msgId(), null);
          getContext().getSelf().tell(new PauseQueue(q, pq.paused()));
        } else if (e instanceof Effect.RestartBroker) {
          FaultPoints.record(broker, f, e, "broker", msg.msgId(), null);
          getContext().getSelf().tell(new Restart(f.rule().name()));
        } else {
          FaultPoints.ignored(broker, f, e, Boundary.ROUTED, m.channelId(), msg.msgId());
        }
      }
    }
    if (drop) {
      if (m.seq() > 0 && m.channel() != null) {
        m.channel().tell(new ChannelActor.PublishDropped(m.seq()));
      }
      return true;
    }
    List<String> names = new ArrayList<>(targets.size());
    for (QueueEntry q : targets) {
      names.add(q.spec().name());
    }
    if (delay != null) {
      getContext().scheduleOnce(delay, getContext().getSelf(), new DelayedEnqueue(names, msg, m.seq(), confirmTo));
    } else {
      enqueue(names, msg, m.seq(), confirmTo);
    }
    for (int k = 1; k <= copies; k++) {
      Message dup = new Message(msg.msgId() + "~dup" + k, msg.exchange(), msg.routingKey(), msg.properties(),
          msg.body());
      enqueue(names, dup, 0, null);
    }
    return true;
  }

  private static String connectionOf(String channelId) {
    int slash = channelId == null ? -1 : channelId.indexOf('/');
    return slash < 0 ? channelId : channelId.substring(0, slash);
  }

  private Behavior<Command> onDelayedEnqueue(DelayedEnqueue m) {
    enqueue(m.queues(), m.message(), m.seq(), m.confirmTo());
    return this;
  }

  /** Hands a message to queues by name; a queue deleted meanwhile records the loss. */
  private void enqueue(List<String> names, Message msg, long seq, ActorRef<ChannelActor.Command> confirmTo) {
    for (String n : names) {
      QueueEntry q = queues.get(n);
      if (q == null) {
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), n, "queue-deleted",
            "queue '" + n + "' was deleted while the message was delayed"));
        if (confirmTo != null) {
          confirmTo.tell(new ChannelActor.EnqueueResult(seq, true));
        }
      } else {
        q.ref().tell(new QueueActor.Enqueue(msg, confirmTo, seq));
      }
    }
  }

  private Behavior<Command> refusePublish(Route m, AmqpError error) {
    if (m.channel() == null) {
      // A dead letter to a missing exchange is dropped silently by the brokers (§5.4); we record it.
      broker.trace().record(new TraceEvent.Discarded(m.message().msgId(), null, "unroutable",
          "dead-letter exchange '" + m.message().exchange() + "' does not exist"));
      return this;
    }
    broker.trace().record(new TraceEvent.Discarded(m.message().msgId(), null, "unroutable", error.text()));
    m.channel().tell(new ChannelActor.PublishFailed(m.seq(), error));
    return this;
  }

  /** Follows the exchange graph from {@code start}; each queue appears once, in first-reached order. */
  private List<QueueEntry> route(ExchangeEntry start, Message msg) {
    Map<String, Object> headers = msg.properties().headers();
    List<Destination> first = start.bindings.route(msg.routingKey(), headers);
    boolean simple = true;
    for (Destination d : first) {
      if (!d.queue()) {
        simple = false;
        break;
      }
    }
    if (simple) {
      List<QueueEntry> out = new ArrayList<>(first.size());
      for (Destination d : first) {
        QueueEntry q = queues.get(d.name());
        if (q != null) {
          out.add(q);
        }
      }
      return out;
    }
    Set<String> visited = new LinkedHashSet<>();
    Set<String> queueNames = new LinkedHashSet<>();
    ArrayDeque<ExchangeEntry> work = new ArrayDeque<>();
    visited.add(start.spec.name());
    work.add(start);
    boolean firstRound = true;
    while (!work.isEmpty()) {
      ExchangeEntry x = work.poll();
      List<Destination> ds = firstRound ? first : x.bindings.route(msg.routingKey(), headers);
      firstRound = false;
      for (Destination d : ds) {
        if (d.queue()) {
          queueNames.add(d.name());
        } else if (visited.add(d.name())) {
          ExchangeEntry next = exchanges.get(d.name());
          if (next != null) {
            work.add(next);
          }
        }
      }
    }
    List<QueueEntry> out = new ArrayList<>(queueNames.size());
    for (String n : queueNames) {
      QueueEntry q = queues.get(n);
      if (q != null) {
        out.add(q);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- channel requests

  private Behavior<Command> onChannelRequest(ChannelRequest r) {
    ClientMethod m = r.method();
    if (m instanceof ClientMethod.QueueDeclare d) {
      queueDeclare(r, d);
    } else if (m instanceof ClientMethod.BasicConsume c) {
      withQueue(r, c.queue(), MethodRef.BASIC_CONSUME, q -> q.ref().tell(new QueueActor.Forwarded(r)));
    } else if (m instanceof ClientMethod.BasicGet g) {
      var volatileGet = profile.isReplyName(g.queue()) ? profile.getOnReplyNameError(g.queue(), broker.vhost())
          : java.util.Optional.<AmqpError>empty();
      if (volatileGet.isPresent()) {
        fail(r, volatileGet.get());
      } else {
        withQueue(r, g.queue(), MethodRef.BASIC_GET, q -> q.ref().tell(new QueueActor.Forwarded(r)));
      }
    } else if (m instanceof ClientMethod.QueuePurge p) {
      withQueue(r, p.queue(), MethodRef.QUEUE_PURGE, q -> q.ref().tell(new QueueActor.Forwarded(r)));
    } else if (m instanceof ClientMethod.QueueDelete d) {
      queueDelete(r, d);
    } else if (m instanceof ClientMethod.QueueBind b) {
      queueBind(r, b);
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      queueUnbind(r, u);
    } else if (m instanceof ClientMethod.ExchangeDeclare d) {
      exchangeDeclare(r, d);
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      exchangeDelete(r, d);
    } else if (m instanceof ClientMethod.ExchangeBind b) {
      exchangeBind(r, b.destination(), b.source(), b.routingKey(), b.arguments(), b.noWait(), true);
    } else if (m instanceof ClientMethod.ExchangeUnbind u) {
      exchangeBind(r, u.destination(), u.source(), u.routingKey(), u.arguments(), u.noWait(), false);
    } else {
      fail(r, AmqpError.of(ReplyCode.INTERNAL_ERROR, MethodRef.NONE, "unexpected request " + m.getClass().getSimpleName()));
    }
    return this;
  }

  private static void reply(ChannelRequest r, Outbound ok) {
    r.channel().tell(new ChannelActor.Reply(ok, null, null));
  }

  private static void fail(ChannelRequest r, AmqpError error) {
    r.channel().tell(new ChannelActor.Reply(null, error, null));
  }

  private void withQueue(ChannelRequest r, String name, MethodRef method, Consumer<QueueEntry> action) {
    QueueEntry q = queues.get(name);
    if (q == null) {
      fail(r, profile.queueNotFound(method, name, broker.vhost()));
    } else if (lockedFor(q, r.info().connectionId())) {
      fail(r, profile.exclusiveLocked(method, name, broker.vhost()));
    } else {
      action.accept(q);
    }
  }

  private static boolean lockedFor(QueueEntry q, String connectionId) {
    return q.spec().exclusive() && !q.spec().ownerConnection().equals(connectionId);
  }

  private void queueDeclare(ChannelRequest r, ClientMethod.QueueDeclare d) {
    String name = d.queue();
    if (profile.isReplyPseudoName(name)) {
      // The pseudo-queue always "exists" (§1.7); RabbitMQ reports one consumer, LavinMQ none.
      Outbound ok = d.noWait() ? null : new Outbound.QueueDeclareOk(name, 0, profile.pseudoNameDeclareConsumerCount());
      r.channel().tell(new ChannelActor.Reply(ok, null, name));
      return;
    }
    if (profile.isReplyName(name)
        || (profile.isRabbitMq() && name.startsWith(BrokerProfile.RABBITMQ_REPLY_TO))) {
      // Any declare of a reply name is a liveness probe, whatever its flags (§1.7).
      replyTo.tell(new ReplyToRegistryActor.Probe(r, name));
      return;
    }
    QueueEntry existing = name.isEmpty() ? null : queues.get(name);
    if (existing != null) {
      existing.ref().tell(new QueueActor.Forwarded(r));
      return;
    }
    if (d.passive()) {
      fail(r, profile.queueNotFound(MethodRef.QUEUE_DECLARE, name, broker.vhost()));
      return;
    }
    if (!name.isEmpty() && ReservedNames.hasReservedPrefix(name)) {
      fail(r, profile.reservedPrefix(MethodRef.QUEUE_DECLARE, "queue", name));
      return;
    }
    AmqpError argError = QueueArguments.validate(profile, name, broker.vhost(), d.arguments());
    if (argError != null) {
      fail(r, argError);
      return;
    }
    if (profile.refusesTransientNonExclusiveQueues() && !d.durable() && !d.exclusive()) {
      fail(r, profile.transientNonExclusiveRefused());
      return;
    }
    if (name.isEmpty()) {
      do {
        name = names.name("amq.gen-", profile.generatedQueueNameBytes());
      } while (queues.containsKey(name));
    }
    boolean durable = d.durable() && !(d.exclusive() && profile.exclusiveQueuesAreTransient());
    QueueSpec spec = new QueueSpec(name, durable, d.exclusive(), d.autoDelete(), d.arguments(),
        d.exclusive() ? r.info().connectionId() : null);
    ActorRef<QueueActor.Command> ref = getContext().spawn(
        QueueActor.create(broker, getContext().getSelf(), spec), "queue-" + (++queueActors));
    queues.put(name, new QueueEntry(spec, ref));
    broker.trace().record(new TraceEvent.QueueDeclared(name, durable, d.exclusive(), d.autoDelete(),
        spec.ownerConnection()));
    r.channel().tell(new ChannelActor.Reply(d.noWait() ? null : new Outbound.QueueDeclareOk(name, 0, 0), null, name));
  }

  private void queueDelete(ChannelRequest r, ClientMethod.QueueDelete d) {
    QueueEntry q = queues.get(d.queue());
    if (q == null) {
      // Deleting a queue that does not exist is idempotent in both brokers (reference §3.5).
      reply(r, d.noWait() ? null : new Outbound.QueueDeleteOk(0));
    } else if (lockedFor(q, r.info().connectionId())) {
      fail(r, profile.exclusiveLocked(MethodRef.QUEUE_DELETE, d.queue(), broker.vhost()));
    } else {
      q.ref().tell(new QueueActor.Forwarded(r));
    }
  }

  private void queueBind(ChannelRequest r, ClientMethod.QueueBind b) {
    if (ReservedNames.isDefaultExchange(b.exchange())) {
      fail(r, profile.defaultExchangeRefused(MethodRef.QUEUE_BIND));
      return;
    }
    if (profile.isReplyName(b.queue()) && profile.bindToReplyNameError(MethodRef.QUEUE_BIND).isPresent()) {
      fail(r, profile.bindToReplyNameError(MethodRef.QUEUE_BIND).get());
      return;
    }
    QueueEntry q = queues.get(b.queue());
    if (q == null) {
      fail(r, profile.queueNotFound(MethodRef.QUEUE_BIND, b.queue(), broker.vhost()));
      return;
    }
    ExchangeEntry x = exchanges.get(b.exchange());
    if (x == null) {
      fail(r, profile.exchangeNotFound(MethodRef.QUEUE_BIND, b.exchange(), broker.vhost()));
      return;
    }
    if (lockedFor(q, r.info().connectionId())) {
      fail(r, profile.exclusiveLocked(MethodRef.QUEUE_BIND, b.queue(), broker.vhost()));
      return;
    }
    if (x.spec.type() == ExchangeType.HEADERS) {
      var bad = BindingTable.validateHeadersBindingArgs(b.arguments());
      if (bad.isPresent()) {
        fail(r, AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_BIND, bad.get()));
        return;
      }
    }
    if (x.bindings.add(new Binding<>(Destination.queue(b.queue()), b.routingKey(), b.arguments()))) {
      broker.trace().record(new TraceEvent.Bound(b.exchange(), b.queue(), "queue", b.routingKey()));
    }
    reply(r, b.noWait() ? null : new Outbound.QueueBindOk());
  }

  private void queueUnbind(ChannelRequest r, ClientMethod.QueueUnbind u) {
    if (ReservedNames.isDefaultExchange(u.exchange())) {
      fail(r, profile.defaultExchangeRefused(MethodRef.QUEUE_UNBIND));
      return;
    }
    if (profile.isReplyName(u.queue()) && profile.bindToReplyNameError(MethodRef.QUEUE_UNBIND).isPresent()) {
      fail(r, profile.bindToReplyNameError(MethodRef.QUEUE_UNBIND).get());
      return;
    }
    QueueEntry q = queues.get(u.queue());
    ExchangeEntry x = exchanges.get(u.exchange());
    if (q == null) {
      if (profile.isLavinMq()) {
        reply(r, new Outbound.QueueUnbindOk());
      } else {
        fail(r, profile.queueNotFound(MethodRef.QUEUE_UNBIND, u.queue(), broker.vhost()));
      }
      return;
    }
    if (x == null) {
      if (profile.isLavinMq()) {
        reply(r, new Outbound.QueueUnbindOk());
      } else {
        fail(r, profile.exchangeNotFound(MethodRef.QUEUE_UNBIND, u.exchange(), broker.vhost()));
      }
      return;
    }
    if (lockedFor(q, r.info().connectionId())) {
      fail(r, profile.exclusiveLocked(MethodRef.QUEUE_UNBIND, u.queue(), broker.vhost()));
      return;
    }
    if (x.bindings.remove(new Binding<>(Destination.queue(u.queue()), u.routingKey(), u.arguments()))) {
      broker.trace().record(new TraceEvent.Unbound(u.exchange(), u.queue(), "queue", u.routingKey()));
      autoDeleteExchangeIfUnused(x);
    }
    reply(r, new Outbound.QueueUnbindOk());
  }

  private void exchangeDeclare(ChannelRequest r, ClientMethod.ExchangeDeclare d) {
    String name = d.exchange();
    if (ReservedNames.isDefaultExchange(name)) {
      fail(r, profile.defaultExchangeRefused(MethodRef.EXCHANGE_DECLARE));
      return;
    }
    ExchangeEntry existing = exchanges.get(name);
    if (d.passive()) {
      if (existing == null) {
        fail(r, profile.exchangeNotFound(MethodRef.EXCHANGE_DECLARE, name, broker.vhost()));
      } else {
        reply(r, d.noWait() ? null : new Outbound.ExchangeDeclareOk());
      }
      return;
    }
    if (existing == null && ReservedNames.hasReservedPrefix(name)) {
      fail(r, profile.reservedPrefix(MethodRef.EXCHANGE_DECLARE, "exchange", name));
      return;
    }
    var type = ExchangeType.fromWireName(d.type());
    if (type.isEmpty()) {
      fail(r, AmqpError.of(ReplyCode.COMMAND_INVALID, MethodRef.EXCHANGE_DECLARE,
          "unknown exchange type '" + d.type() + "'"));
      return;
    }
    if (existing != null) {
      var diff = existing.spec.firstDifference(d.type(), d.durable(), d.autoDelete(), d.internal());
      if (diff.isPresent()) {
        fail(r, profile.inequivalentExchange(name, broker.vhost(), diff.get().argument(), diff.get().received(),
            diff.get().current()));
        return;
      }
      reply(r, d.noWait() ? null : new Outbound.ExchangeDeclareOk());
      return;
    }
    exchanges.put(name, new ExchangeEntry(new ExchangeSpec(name, type.get(), d.durable(), d.autoDelete(), d.internal(),
        d.arguments())));
    broker.trace().record(new TraceEvent.ExchangeDeclared(name, d.type(), d.durable(), d.autoDelete(), d.internal()));
    reply(r, d.noWait() ? null : new Outbound.ExchangeDeclareOk());
  }

  private void exchangeDelete(ChannelRequest r, ClientMethod.ExchangeDelete d) {
    String name = d.exchange();
    if (ReservedNames.isDefaultExchange(name)) {
      fail(r, profile.defaultExchangeRefused(MethodRef.EXCHANGE_DELETE));
      return;
    }
    if (ReservedNames.hasReservedPrefix(name)) {
      fail(r, profile.systemExchangeDelete(name, broker.vhost()));
      return;
    }
    ExchangeEntry x = exchanges.get(name);
    if (x == null) {
      reply(r, d.noWait() ? null : new Outbound.ExchangeDeleteOk());
      return;
    }
    if (d.ifUnused() && !x.bindings.isEmpty()) {
      fail(r, profile.exchangeInUse(name, broker.vhost()));
      return;
    }
    removeExchange(name);
    reply(r, d.noWait() ? null : new Outbound.ExchangeDeleteOk());
  }

  private void removeExchange(String name) {
    exchanges.remove(name);
    broker.trace().record(new TraceEvent.ExchangeDeleted(name));
    for (ExchangeEntry other : List.copyOf(exchanges.values())) {
      if (other.bindings.removeDestination(Destination.exchange(name)) > 0) {
        autoDeleteExchangeIfUnused(other);
      }
    }
  }

  private void exchangeBind(ChannelRequest r, String destination, String source, String routingKey,
      Map<String, Object> args, boolean noWait, boolean bind) {
    MethodRef method = bind ? MethodRef.EXCHANGE_BIND : MethodRef.EXCHANGE_UNBIND;
    if (ReservedNames.isDefaultExchange(source) || ReservedNames.isDefaultExchange(destination)) {
      fail(r, profile.defaultExchangeRefused(method));
      return;
    }
    ExchangeEntry src = exchanges.get(source);
    ExchangeEntry dst = exchanges.get(destination);
    if (dst == null) {
      fail(r, profile.exchangeNotFound(method, destination, broker.vhost()));
      return;
    }
    if (src == null) {
      fail(r, profile.exchangeNotFound(method, source, broker.vhost()));
      return;
    }
    Binding<Destination> binding = new Binding<>(Destination.exchange(destination), routingKey, args);
    if (bind) {
      if (src.bindings.add(binding)) {
        broker.trace().record(new TraceEvent.Bound(source, destination, "exchange", routingKey));
      }
      reply(r, noWait ? null : new Outbound.ExchangeBindOk());
    } else {
      if (src.bindings.remove(binding)) {
        broker.trace().record(new TraceEvent.Unbound(source, destination, "exchange", routingKey));
        autoDeleteExchangeIfUnused(src);
      }
      reply(r, noWait ? null : new Outbound.ExchangeUnbindOk());
    }
  }

  /** An auto-delete exchange goes when its last binding (as a source) is removed. */
  private void autoDeleteExchangeIfUnused(ExchangeEntry x) {
    if (x.spec.autoDelete() && x.bindings.isEmpty() && exchanges.get(x.spec.name()) == x) {
      removeExchange(x.spec.name());
    }
  }

  // ---------------------------------------------------------------- queue lifecycle

  private Behavior<Command> onQueueRemoved(QueueRemoved m) {
    QueueEntry q = queues.get(m.queue());
    if (q != null && q.ref().equals(m.ref())) {
      queues.remove(m.queue());
      readyQueues.remove(m.queue());
      for (ExchangeEntry x : List.copyOf(exchanges.values())) {
        if (x.bindings.removeDestination(Destination.queue(m.queue())) > 0) {
          autoDeleteExchangeIfUnused(x);
        }
      }
    }
    m.ref().tell(QueueActor.Stop.INSTANCE);
    return this;
  }

  private Behavior<Command> onReportLive(ReportLive m) {
    List<QueueEntry> all = List.copyOf(queues.values());
    if (all.isEmpty()) {
      m.callback().accept(List.of());
      return this;
    }
    // Queues answer from their own actors; under the live runtime those run on several threads.
    List<String> live = new ArrayList<>();
    int[] remaining = {all.size()};
    for (QueueEntry q : all) {
      q.ref().tell(new QueueActor.ReportLive(part -> {
        boolean done;
        synchronized (live) {
          live.addAll(part);
          done = --remaining[0] == 0;
        }
        if (done) {
          m.callback().accept(live);
        }
      }));
    }
    return this;
  }
}
