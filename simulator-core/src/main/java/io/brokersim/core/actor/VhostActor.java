package io.brokersim.core.actor;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BindingTable;
import io.brokersim.core.model.ChannelCredit;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.ExchangeType;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.ReservedNames;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.BrokerProfile;
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

/**
 * One virtual host: the registry side of the control plane. It creates exchanges, queues and connections,
 * resolves control-plane requests for exchanges (and for queues a channel did not find) to the actor that
 * owns the entity, deletes a closed connection's exclusive queues and runs the broker-restart fault. It is
 * never on the path of a message: channels route publishes against the routing snapshot themselves and
 * hand messages — and their requests for existing queues, so these stay behind their publishes — straight
 * to the queues.
 */
public final class VhostActor extends AbstractBehavior<VhostActor.Command> {

  /** Messages the virtual host understands. */
  public interface Command {}

  /**
   * Opens a connection; the sink learns the connection actor through {@link ClientSink#connectionOpened}.
   * {@code origin} says where a network client comes from (null for an in-process one); {@code permissions}
   * are what the user may do in this vhost (semantics §13).
   */
  public record Connect(String clientName, String user, boolean cancelNotify, ClientSink sink, ClientOrigin origin,
      Permissions permissions) implements Command {
    public Connect {
      permissions = permissions == null ? Permissions.ALL : permissions.forUser(user);
    }

    /** A connection whose user may do everything. */
    public Connect(String clientName, String user, boolean cancelNotify, ClientSink sink, ClientOrigin origin) {
      this(clientName, user, cancelNotify, sink, origin, null);
    }

    /** An in-process connection. */
    public Connect(String clientName, String user, boolean cancelNotify, ClientSink sink) {
      this(clientName, user, cancelNotify, sink, null, null);
    }
  }

  /**
   * Who asks: the channel's trace id, its connection, the prefetch new consumers get, the channel's shared
   * credit, whether that credit also holds back no-ack consumers (RabbitMQ 3.x), and what its user may do.
   */
  public record ChannelInfo(String channelId, String connectionId, int prefetch, boolean cancelNotify,
      ChannelCredit credit, Permissions permissions) {}

  /**
   * A channel method that needs an entity's owner (declare, bind, delete, purge, consume, get). The answer
   * goes to {@code channel}; owners that were deleted meanwhile bounce it back here.
   */
  public record ChannelRequest(ClientMethod method, ChannelInfo info, ActorRef<ChannelActor.Command> channel)
      implements Command {}

  /** A queue deleted itself and left the routing snapshot: stop its actor once it has what we sent it. */
  public record QueueRemoved(String queue, ActorRef<QueueActor.Command> ref) implements Command {}

  /** An exchange left the routing snapshot: stop its actor once it has what we sent it. */
  public record ExchangeRemoved(String exchange, ExchangeHandle handle) implements Command {}

  /**
   * Broker restart in the vhost where the fault fired; it tells the broker's other vhosts with
   * {@code fromPeer} set, so they restart too and pass it on no further.
   */
  public record Restart(String rule, boolean fromPeer) implements Command {
    public Restart(String rule) {
      this(rule, false);
    }
  }

  /** A connection ended: its exclusive queues go with it. */
  public record ConnectionGone(String connectionId) implements Command {}

  /** Collects the live copies of every queue ({@code msgId@queue}), for the fate-ledger check. */
  public record ReportLive(Consumer<List<String>> callback) implements Command {}

  /**
   * Asks for a {@link BrokerView} of this vhost: the routing snapshot's exchanges and bindings, and what every
   * queue, connection and channel says about itself. Actors that have not answered after {@code timeout} (of the
   * runtime's clock) are left out.
   */
  public record Inspect(Duration timeout, ActorRef<BrokerView> replyTo) implements Command {}

  /** An operator purges queue {@code queue} (see {@link QueueActor.Purge}); a missing queue answers not found. */
  public record PurgeQueue(String queue, String reason, ActorRef<QueueActor.Purged> replyTo) implements Command {}

  /**
   * An operator closes connection {@code connectionId} with {@code error} (a server-initiated
   * {@code connection.close}); the answer says whether the connection existed.
   */
  public record CloseConnection(String connectionId, AmqpError error, String initiator, ActorRef<Boolean> replyTo)
      implements Command {}

  private final Vhost vhost;
  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final Topology topology;
  private final RandomSource names;
  private final Map<String, ActorRef<ConnectionActor.Command>> connections = new LinkedHashMap<>();
  private String restartingFor;
  private long queueActors;
  private long exchangeActors;
  private long inspectors;

  /** A broker with this one vhost. */
  public static Behavior<Command> create(BrokerContext broker) {
    return create(broker, List.of());
  }

  /**
   * The guardian of a broker: the default vhost ({@code broker.vhost()}), which creates the other vhosts,
   * {@code moreVhosts}, as its children (each with its own topology, predeclared exchanges, queues and reply
   * names) and registers them all in {@code broker.vhosts()}.
   */
  public static Behavior<Command> create(BrokerContext broker, List<String> moreVhosts) {
    return Behaviors.setup(ctx -> {
      VhostActor self = new VhostActor(ctx, broker);
      Map<String, ActorRef<Command>> all = new LinkedHashMap<>();
      all.put(broker.vhost(), ctx.getSelf());
      int n = 0;
      for (String name : moreVhosts) {
        all.put(name, ctx.spawn(Behaviors.setup(c -> new VhostActor(c, broker.forVhost(name))),
            DeadLetters.VHOST_PREFIX + (++n)));
      }
      broker.vhosts().register(all);
      return self;
    });
  }

  private VhostActor(ActorContext<Command> ctx, BrokerContext broker) {
    super(ctx);
    this.broker = broker;
    this.profile = broker.profile();
    this.names = broker.random().fork("queue-names");
    this.topology = new Topology(broker, ctx.getSelf());
    ReplyNames replyNames = new ReplyNames(10_000);
    ActorRef<ReplyToRegistryActor.Command> registry =
        ctx.spawn(ReplyToRegistryActor.create(replyNames), "reply-to-registry");
    this.vhost = new Vhost(broker, ctx.getSelf(), registry, topology, replyNames);
    ctx.spawn(DeadLetters.create(vhost), "dead-letters");
    createExchange(new ExchangeSpec(ReservedNames.DEFAULT_EXCHANGE, ExchangeType.DIRECT, true, false, false, null));
    for (ReservedNames.PredeclaredExchange e : ReservedNames.predeclaredExchanges()) {
      createExchange(new ExchangeSpec(e.name(), e.type(), true, false, false, null));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ChannelRequest.class, this::onChannelRequest)
        .onMessage(Connect.class, this::onConnect)
        .onMessage(QueueRemoved.class, this::onQueueRemoved)
        .onMessage(ExchangeRemoved.class, this::onExchangeRemoved)
        .onMessage(ConnectionGone.class, this::onConnectionGone)
        .onMessage(Restart.class, this::onRestart)
        .onMessage(ReportLive.class, this::onReportLive)
        .onMessage(Inspect.class, this::onInspect)
        .onMessage(PurgeQueue.class, this::onPurgeQueue)
        .onMessage(CloseConnection.class, this::onCloseConnection)
        .build();
  }

  private RoutingSnapshot<ExchangeHandle, QueueHandle> snapshot() {
    return topology.current();
  }

  // ---------------------------------------------------------------- connections

  private Behavior<Command> onConnect(Connect m) {
    String id = broker.vhosts().nextConnectionId();
    ActorRef<ConnectionActor.Command> ref = getContext().spawn(
        ConnectionActor.create(vhost, new ConnectionInfo(id, m.clientName(), m.user(), m.cancelNotify(),
            m.permissions()), m.sink(), m.origin()),
        id);
    connections.put(id, ref);
    broker.trace().record(new TraceEvent.ConnectionOpened(id, m.clientName(), m.user(), broker.vhost()));
    m.sink().connectionOpened(id, ref);
    return this;
  }

  private Behavior<Command> onConnectionGone(ConnectionGone m) {
    connections.remove(m.connectionId());
    for (RoutingSnapshot.QueueNode<QueueHandle> q : snapshot().queues()) {
      if (q.spec().exclusive() && m.connectionId().equals(q.spec().ownerConnection())) {
        q.handle().ref().tell(new QueueActor.DeleteInternal("exclusive-owner-closed"));
      }
    }
    maybeFinishRestart();
    return this;
  }

  private Behavior<Command> onRestart(Restart m) {
    if (restartingFor != null) {
      return this;
    }
    restartingFor = m.rule();
    if (!m.fromPeer()) {
      // A broker restart takes every vhost down, not only the one whose client triggered the fault.
      for (ActorRef<Command> other : broker.vhosts().actors()) {
        if (!other.equals(getContext().getSelf())) {
          other.tell(new Restart(m.rule(), true));
        }
      }
    }
    for (ActorRef<ConnectionActor.Command> c : connections.values()) {
      c.tell(new ConnectionActor.Cut("broker restart (fault rule '" + m.rule() + "')"));
    }
    maybeFinishRestart();
    return this;
  }

  /** Once every connection is gone (their unacked messages requeued), the restart takes the state down. */
  private void maybeFinishRestart() {
    if (restartingFor == null || !connections.isEmpty()) {
      return;
    }
    String rule = restartingFor;
    restartingFor = null;
    for (RoutingSnapshot.QueueNode<QueueHandle> q : snapshot().queues()) {
      q.handle().ref().tell(new QueueActor.Restart(rule));
    }
    for (RoutingSnapshot.ExchangeNode<ExchangeHandle> x : List.copyOf(snapshot().exchanges())) {
      if (!x.spec().durable()) {
        topology.apply(s -> s.exchange(x.name()) != null && s.exchange(x.name()).handle().equals(x.handle())
            ? s.withoutExchange(x.name()) : new RoutingSnapshot.Change<>(s, false, List.of()));
      }
    }
  }

  // ---------------------------------------------------------------- entity lifecycle

  private void createExchange(ExchangeSpec spec) {
    ActorRef<ExchangeActor.Command> ref =
        getContext().spawn(ExchangeActor.create(vhost, spec.name()), "exchange-" + (++exchangeActors));
    ExchangeHandle handle = new ExchangeHandle(ref);
    topology.add(s -> s.withExchange(new RoutingSnapshot.ExchangeNode<>(spec, BindingTable.create(spec.type()),
        handle, profile.alternateExchange(spec))));
  }

  private Behavior<Command> onQueueRemoved(QueueRemoved m) {
    // Everything this actor forwarded to the queue is already in its mailbox, ahead of the stop.
    m.ref().tell(QueueActor.Stop.INSTANCE);
    return this;
  }

  private Behavior<Command> onExchangeRemoved(ExchangeRemoved m) {
    m.handle().ref().tell(ExchangeActor.Stop.INSTANCE);
    return this;
  }

  private Behavior<Command> onReportLive(ReportLive m) {
    List<RoutingSnapshot.QueueNode<QueueHandle>> all = List.copyOf(snapshot().queues());
    if (all.isEmpty()) {
      m.callback().accept(List.of());
      return this;
    }
    // Queues answer from their own actors; under the live runtime those run on several threads.
    List<String> live = new ArrayList<>();
    int[] remaining = {all.size()};
    for (RoutingSnapshot.QueueNode<QueueHandle> q : all) {
      q.handle().ref().tell(new QueueActor.ReportLive(part -> {
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

  // ---------------------------------------------------------------- operators

  private Behavior<Command> onInspect(Inspect m) {
    getContext().spawn(Inspector.create(broker.vhost(), snapshot(), List.copyOf(connections.values()), m.timeout(),
        m.replyTo()), "inspector-" + (++inspectors));
    return this;
  }

  private Behavior<Command> onPurgeQueue(PurgeQueue m) {
    RoutingSnapshot.QueueNode<QueueHandle> q = snapshot().queue(m.queue());
    if (q == null) {
      m.replyTo().tell(new QueueActor.Purged(m.queue(), false, 0));
    } else {
      q.handle().ref().tell(new QueueActor.Purge(m.reason(), m.replyTo()));
    }
    return this;
  }

  private Behavior<Command> onCloseConnection(CloseConnection m) {
    ActorRef<ConnectionActor.Command> c = connections.get(m.connectionId());
    if (c != null) {
      c.tell(new ConnectionActor.ForceClose(m.error(), m.initiator()));
    }
    m.replyTo().tell(c != null);
    return this;
  }

  // ---------------------------------------------------------------- channel requests

  private Behavior<Command> onChannelRequest(ChannelRequest r) {
    ClientMethod m = r.method();
    if (m instanceof ClientMethod.QueueDeclare d) {
      queueDeclare(r, d);
    } else if (m instanceof ClientMethod.BasicConsume c) {
      withQueue(r, c.queue(), MethodRef.BASIC_CONSUME);
    } else if (m instanceof ClientMethod.BasicGet g) {
      var volatileGet = profile.isReplyName(g.queue()) ? profile.getOnReplyNameError(g.queue(), broker.vhost())
          : java.util.Optional.<AmqpError>empty();
      if (volatileGet.isPresent()) {
        fail(r, volatileGet.get());
      } else {
        withQueue(r, g.queue(), MethodRef.BASIC_GET);
      }
    } else if (m instanceof ClientMethod.QueuePurge p) {
      withQueue(r, p.queue(), MethodRef.QUEUE_PURGE);
    } else if (m instanceof ClientMethod.QueueDelete d) {
      queueDelete(r, d);
    } else if (m instanceof ClientMethod.QueueBind b) {
      toExchange(r, b.exchange(), () -> TopologyRules.queueBind(profile, broker.vhost(), snapshot(),
          r.info().connectionId(), b.queue(), b.exchange(), b.arguments()));
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      toExchange(r, u.exchange(), () -> unbindAnswer(r, TopologyRules.queueUnbind(profile, broker.vhost(), snapshot(),
          r.info().connectionId(), u.queue(), u.exchange(), ExchangeActor.queueBinding(u.queue(), u.routingKey(),
              u.arguments())), new Outbound.QueueUnbindOk()));
    } else if (m instanceof ClientMethod.ExchangeDeclare d) {
      exchangeDeclare(r, d);
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      exchangeDelete(r, d);
    } else if (m instanceof ClientMethod.ExchangeBind b) {
      toExchange(r, b.source(), () -> TopologyRules.exchangeBind(profile, broker.vhost(), snapshot(), b.destination(),
          b.source()));
    } else if (m instanceof ClientMethod.ExchangeUnbind u) {
      toExchange(r, u.source(), () -> unbindAnswer(r, TopologyRules.exchangeUnbind(profile, snapshot(), u.destination(),
          u.source()), u.noWait() ? null : new Outbound.ExchangeUnbindOk()));
    } else {
      fail(r, AmqpError.of(ReplyCode.INTERNAL_ERROR, MethodRef.NONE, "unexpected request " + m.getClass().getSimpleName()));
    }
    return this;
  }

  /** Answers an unbind that has nothing to remove; returns the error to send instead, or null. */
  private static AmqpError unbindAnswer(ChannelRequest r, TopologyRules.Unbind d, Outbound ok) {
    if (d.action() == TopologyRules.UnbindAction.REFUSE) {
      return d.error();
    }
    reply(r, ok);
    return null;
  }

  static void reply(ChannelRequest r, Outbound ok) {
    r.channel().tell(new ChannelActor.Reply(ok, null, null));
  }

  static void fail(ChannelRequest r, AmqpError error) {
    r.channel().tell(new ChannelActor.Reply(null, error, null));
  }

  /**
   * Hands a request to the exchange's actor, which checks and applies it against the snapshot it owns a
   * part of; when the exchange does not exist the same checks give the error ({@code check} answers it,
   * or answers the client itself and returns null).
   */
  private void toExchange(ChannelRequest r, String exchange, java.util.function.Supplier<AmqpError> check) {
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = snapshot().exchange(exchange);
    if (x != null && !x.isDefault()) {
      x.handle().ref().tell(new ExchangeActor.Forwarded(r));
      return;
    }
    AmqpError e = check.get();
    if (e != null) {
      fail(r, e);
    }
  }

  /** A request for a queue the channel did not find, or found deleted: 404, or the queue that has the name now. */
  private void withQueue(ChannelRequest r, String name, MethodRef method) {
    RoutingSnapshot.QueueNode<QueueHandle> q = snapshot().queue(name);
    if (q == null) {
      fail(r, profile.queueNotFound(method, name, broker.vhost()));
    } else {
      q.handle().ref().tell(new QueueActor.Forwarded(r));
    }
  }

  private void queueDeclare(ChannelRequest r, ClientMethod.QueueDeclare d) {
    String name = d.queue();
    RoutingSnapshot.QueueNode<QueueHandle> existing = name.isEmpty() ? null : snapshot().queue(name);
    if (existing != null) {
      existing.handle().ref().tell(new QueueActor.Forwarded(r));
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
    // Arguments, queue type and the properties it allows, in the broker's order (semantics §9.2).
    AmqpError declareError = QueueTypes.declareError(profile, broker.vhost(), name, d.durable(), d.exclusive(),
        d.autoDelete(), d.arguments());
    if (declareError != null) {
      fail(r, declareError);
      return;
    }
    if (name.isEmpty()) {
      do {
        name = names.name("amq.gen-", profile.generatedQueueNameBytes());
      } while (snapshot().queue(name) != null);
      // Both brokers check configure on the name they generated (semantics §13).
      AmqpError denied = AccessChecks.serverNamedQueue(profile, r.info().permissions(), broker.vhost(), name, d);
      if (denied != null) {
        fail(r, denied);
        return;
      }
    }
    boolean durable = d.durable() && !(d.exclusive() && profile.exclusiveQueuesAreTransient());
    QueueSpec spec = new QueueSpec(name, durable, d.exclusive(), d.autoDelete(), d.arguments(),
        d.exclusive() ? r.info().connectionId() : null);
    AtomicBoolean ready = new AtomicBoolean();
    ActorRef<QueueActor.Command> ref = getContext().spawn(QueueActor.create(vhost, spec, ready),
        "queue-" + (++queueActors));
    QueueHandle handle = new QueueHandle(ref, ready);
    topology.add(s -> s.withQueue(new RoutingSnapshot.QueueNode<>(spec, handle)));
    broker.trace().record(new TraceEvent.QueueDeclared(name, durable, d.exclusive(), d.autoDelete(),
        spec.ownerConnection()));
    r.channel().tell(new ChannelActor.Reply(d.noWait() ? null : new Outbound.QueueDeclareOk(name, 0, 0), null, name));
  }

  private void queueDelete(ChannelRequest r, ClientMethod.QueueDelete d) {
    RoutingSnapshot.QueueNode<QueueHandle> q = snapshot().queue(d.queue());
    if (q == null) {
      // Deleting a queue that does not exist is idempotent in both brokers (semantics §3.5).
      reply(r, d.noWait() ? null : new Outbound.QueueDeleteOk(0));
    } else {
      q.handle().ref().tell(new QueueActor.Forwarded(r));
    }
  }

  private void exchangeDeclare(ChannelRequest r, ClientMethod.ExchangeDeclare d) {
    String name = d.exchange();
    if (ReservedNames.isDefaultExchange(name)) {
      fail(r, profile.defaultExchangeRefused(MethodRef.EXCHANGE_DECLARE));
      return;
    }
    RoutingSnapshot.ExchangeNode<ExchangeHandle> existing = snapshot().exchange(name);
    if (existing != null) {
      existing.handle().ref().tell(new ExchangeActor.Forwarded(r));
      return;
    }
    if (d.passive()) {
      fail(r, profile.exchangeNotFound(MethodRef.EXCHANGE_DECLARE, name, broker.vhost()));
      return;
    }
    if (ReservedNames.hasReservedPrefix(name)) {
      fail(r, profile.reservedPrefix(MethodRef.EXCHANGE_DECLARE, "exchange", name));
      return;
    }
    var type = ExchangeType.fromWireName(d.type());
    if (type.isEmpty()) {
      fail(r, AmqpError.of(ReplyCode.COMMAND_INVALID, MethodRef.EXCHANGE_DECLARE,
          "unknown exchange type '" + d.type() + "'"));
      return;
    }
    AmqpError badArgs = QueueArguments.validateExchange(profile, name, broker.vhost(), d.arguments());
    if (badArgs != null) {
      fail(r, badArgs);
      return;
    }
    createExchange(new ExchangeSpec(name, type.get(), d.durable(), d.autoDelete(), d.internal(), d.arguments()));
    broker.trace().record(new TraceEvent.ExchangeDeclared(name, d.type(), d.durable(), d.autoDelete(), d.internal()));
    reply(r, d.noWait() ? null : new Outbound.ExchangeDeclareOk());
  }

  private void exchangeDelete(ChannelRequest r, ClientMethod.ExchangeDelete d) {
    String name = d.exchange();
    if (ReservedNames.isDefaultExchange(name)) {
      fail(r, profile.defaultExchangeRefused(MethodRef.EXCHANGE_DELETE));
    } else if (ReservedNames.hasReservedPrefix(name)) {
      fail(r, profile.systemExchangeDelete(name, broker.vhost()));
    } else {
      RoutingSnapshot.ExchangeNode<ExchangeHandle> x = snapshot().exchange(name);
      if (x == null) {
        reply(r, d.noWait() ? null : new Outbound.ExchangeDeleteOk());
      } else {
        x.handle().ref().tell(new ExchangeActor.Forwarded(r));
      }
    }
  }
}
