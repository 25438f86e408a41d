package io.brokersim.core.actor;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One client connection: its channels and the close cascade. A connection error or a client close
 * shuts every channel down (each requeues its unacked deliveries); once all have released their
 * queues the vhost is told, which deletes the connection's exclusive queues.
 */
public final class ConnectionActor extends AbstractBehavior<ConnectionActor.Command> {

  /** Messages a connection understands. */
  public interface Command {}

  /** {@code channel.open} for channel {@code number}. */
  public record OpenChannel(int number) implements Command {}

  /** Client-initiated {@code connection.close}. */
  public record Close(int replyCode, String replyText) implements Command {}

  /** The client's answer to a server-initiated {@code connection.close}. */
  public enum CloseOk implements Command { INSTANCE }

  /** The transport died (or a fault cut it): no handshake, no frames. */
  public record Cut(String reason) implements Command {}

  /** A server-initiated close from outside the connection (a fault, a broker shutdown, the front end). */
  public record ForceClose(AmqpError error, String initiator) implements Command {}

  /** A channel raised a connection-level error. */
  public record ChannelError(int number, AmqpError error) implements Command {}

  /** A channel's close handshake with the client is over: its number may be opened again. */
  public record NumberFree(int number, ActorRef<ChannelActor.Command> ref) implements Command {}

  /**
   * The front end read the client's channel.close-ok answering a close the server sent: the channel hears it,
   * and its number is free at once, so a channel.open right behind it (in the same read) opens a new channel.
   */
  public record ChannelCloseOk(int number) implements Command {}

  /**
   * The front end ends a channel without a close handshake (LavinMQ closes a channel quietly when the client
   * sends a channel.close-ok nobody asked for): nothing is sent, the channel releases what it holds as for a
   * client close, and its number is free at once.
   */
  public record EndChannelQuietly(int number, String reason) implements Command {}

  /** A channel finished closing. */
  public record ChannelTerminated(int number, ActorRef<ChannelActor.Command> ref) implements Command {}

  /** Asks the connection to describe itself and name its open channels, for a {@link BrokerView}. */
  public record Inspect(ActorRef<Inspected> replyTo) implements Command {}

  /** A connection's answer to {@link Inspect}: itself, and its open channels in number order. */
  public record Inspected(ActorRef<Command> connection, BrokerView.Connection view,
      List<ActorRef<ChannelActor.Command>> channels) {}

  private final Vhost vhost;
  private final BrokerContext broker;
  private final String id;
  private final ConnectionInfo info;
  private final ClientSink sink;
  private final Map<Integer, ActorRef<ChannelActor.Command>> channels = new LinkedHashMap<>();
  /** Channels whose number is free again but which are still releasing their queues. */
  private final Set<ActorRef<ChannelActor.Command>> retiring = new LinkedHashSet<>();
  private final AtomicReference<String> connectionLastQueue = new AtomicReference<>();
  private long channelActors;
  /** How many times each channel number was opened: a reopened number is a new channel with its own id. */
  private final Map<Integer, Integer> incarnations = new LinkedHashMap<>();
  /** Where a network client comes from (null in process), and when it connected; for {@link Inspect} only. */
  private final ClientOrigin origin;
  private final long connectedAtMillis;

  static Behavior<Command> create(Vhost vhost, ConnectionInfo info, ClientSink sink, ClientOrigin origin) {
    return Behaviors.setup(ctx -> new ConnectionActor(ctx, vhost, info, sink, origin));
  }

  private ConnectionActor(ActorContext<Command> ctx, Vhost vhost, ConnectionInfo info, ClientSink sink,
      ClientOrigin origin) {
    super(ctx);
    this.info = info;
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.id = info.id();
    this.sink = sink;
    this.origin = origin;
    this.connectedAtMillis = broker.wallClock().getAsLong();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(OpenChannel.class, this::onOpenChannel)
        .onMessage(Close.class, this::onClose)
        .onMessageEquals(CloseOk.INSTANCE, () -> this) // no close of ours to acknowledge
        .onMessage(Cut.class, this::onCut)
        .onMessage(ForceClose.class, m -> serverClose(m.error(), m.initiator()))
        .onMessage(ChannelError.class, m -> serverClose(m.error(), "server"))
        .onMessage(ChannelTerminated.class, this::onChannelTerminated)
        .onMessage(NumberFree.class, this::onNumberFree)
        .onMessage(ChannelCloseOk.class, m -> freeing(m.number(), new ClientMethod.ChannelCloseOk()))
        .onMessage(EndChannelQuietly.class, m -> freeing(m.number(), new ChannelActor.EndQuietly(m.reason())))
        .onMessage(Inspect.class, m -> inspect(m, false))
        .build();
  }

  private Behavior<Command> inspect(Inspect m, boolean closing) {
    List<ActorRef<ChannelActor.Command>> open = new ArrayList<>();
    new TreeMap<>(channels).forEach((number, ref) -> open.add(ref));
    m.replyTo().tell(new Inspected(getContext().getSelf(), new BrokerView.Connection(id, info.clientName(),
        info.user(), origin, connectedAtMillis, open.size(), closing), open));
    return Behaviors.same();
  }

  private Behavior<Command> onOpenChannel(OpenChannel m) {
    if (channels.containsKey(m.number())) {
      return serverClose(AmqpError.of(ReplyCode.CHANNEL_ERROR, MethodRef.CHANNEL_OPEN, "second 'channel.open' seen"),
          "server");
    }
    int max = broker.profile().serverChannelMax();
    if (m.number() < 1 || m.number() > max) {
      return serverClose(AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CHANNEL_OPEN,
          "number of channels opened (" + (channels.size() + 1) + ") has reached the negotiated channel_max (" + max
              + ")"), "server");
    }
    AtomicReference<String> lastQueue = broker.profile().lastQueueScope() == BrokerProfile.LastQueueScope.CONNECTION
        ? connectionLastQueue
        : new AtomicReference<>();
    String channelId = channelId(id, m.number(), incarnations.merge(m.number(), 1, Integer::sum));
    ActorRef<ChannelActor.Command> ref = getContext().spawn(
        ChannelActor.create(vhost, getContext().getSelf(), sink, info, channelId, m.number(), lastQueue),
        "ch-" + m.number() + "-" + (++channelActors));
    channels.put(m.number(), ref);
    broker.trace().record(new TraceEvent.ChannelOpened(channelId));
    // open-ok first: once the sink knows the channel it may hand it pipelined methods, whose answers
    // (from other threads under the live runtime) must not overtake the open-ok.
    sink.send(m.number(), new Outbound.ChannelOpenOk());
    sink.channelOpened(m.number(), channelId, ref);
    return this;
  }

  /**
   * The trace id of a channel: {@code conn-1/ch-3} the first time number 3 is opened on {@code conn-1},
   * {@code conn-1/ch-3.2} the second, and so on, so message ids and consumer tags never collide when a
   * client reuses a channel number.
   */
  static String channelId(String connectionId, int number, int incarnation) {
    return connectionId + "/ch-" + number + (incarnation == 1 ? "" : "." + incarnation);
  }

  private Behavior<Command> onClose(Close m) {
    broker.trace().record(new TraceEvent.ConnectionClosed(id, m.replyCode(), m.replyText(), "client"));
    return closing("connection-closed", false, false, true);
  }

  private Behavior<Command> onCut(Cut m) {
    broker.trace().record(new TraceEvent.ConnectionClosed(id, 0, m.reason(), "transport"));
    return closing("connection-lost", false, true, false);
  }

  private Behavior<Command> serverClose(AmqpError error, String initiator) {
    broker.trace().record(new TraceEvent.ConnectionClosed(id, error.replyCode(), error.text(), initiator));
    sink.send(0, new Outbound.ConnectionClose(error));
    return closing("connection-error", true, false, false);
  }

  private Behavior<Command> onChannelTerminated(ChannelTerminated m) {
    if (m.ref().equals(channels.get(m.number()))) {
      channels.remove(m.number());
    }
    retiring.remove(m.ref());
    return this;
  }

  /** Hands {@code command} to channel {@code number} and frees the number now, before the channel answers. */
  private Behavior<Command> freeing(int number, ChannelActor.Command command) {
    ActorRef<ChannelActor.Command> ref = channels.get(number);
    if (ref != null) {
      ref.tell(command);
      onNumberFree(new NumberFree(number, ref));
    }
    return this;
  }

  private Behavior<Command> onNumberFree(NumberFree m) {
    if (m.ref().equals(channels.get(m.number()))) {
      channels.remove(m.number());
      retiring.add(m.ref());
    }
    return this;
  }

  /**
   * The closing phase: every channel is told to shut down (each requeues its unacked deliveries); the
   * connection ends when all have released their queues and the close handshake, if any, is over.
   * {@code waitingCloseOk}: a server close awaits the client's close-ok; {@code abrupt}: the transport is
   * gone (a cut), so nothing more is sent; {@code clientClosed}: the client asked, so it gets close-ok.
   */
  private Behavior<Command> closing(String reason, boolean waitingCloseOk, boolean abrupt, boolean clientClosed) {
    for (ActorRef<ChannelActor.Command> ch : channels.values()) {
      ch.tell(new ChannelActor.Shutdown(reason));
    }
    for (ActorRef<ChannelActor.Command> ch : retiring) {
      ch.tell(new ChannelActor.Shutdown(reason));
    }
    return closingPhase(waitingCloseOk, abrupt, clientClosed);
  }

  private Behavior<Command> closingPhase(boolean waitingCloseOk, boolean abrupt, boolean clientClosed) {
    if (channels.isEmpty() && retiring.isEmpty() && !waitingCloseOk) {
      vhost.actor().tell(new VhostActor.ConnectionGone(id));
      if (clientClosed && !abrupt) {
        sink.send(0, new Outbound.ConnectionCloseOk());
      }
      sink.connectionTerminated(abrupt);
      return Behaviors.stopped();
    }
    return Behaviors.receive(Command.class)
        .onMessageEquals(CloseOk.INSTANCE, () -> closingPhase(false, abrupt, clientClosed))
        .onMessage(Cut.class, c -> closingPhase(false, true, clientClosed))
        .onMessage(ChannelTerminated.class, m -> {
          onChannelTerminated(m);
          return closingPhase(waitingCloseOk, abrupt, clientClosed);
        })
        .onMessage(NumberFree.class, m -> {
          onNumberFree(m);
          return Behaviors.same();
        })
        .onMessage(Inspect.class, m -> inspect(m, true))
        .onAnyMessage(m -> Behaviors.same()) // opens, closes and errors after the close: nothing to do
        .build();
  }
}
