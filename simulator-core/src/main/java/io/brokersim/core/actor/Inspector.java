package io.brokersim.core.actor;

import io.brokersim.core.model.Destination;
import io.brokersim.core.model.RoutingSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Answers one {@link VhostActor.Inspect}: asks every queue and connection of the vhost (and every channel a
 * connection names) to describe itself, collects the answers, and replies with one {@link BrokerView} once all
 * have answered, or when the time-out passes (then without the missing ones, marked incomplete). It watches
 * whom it asked, so an actor that stops meanwhile is simply left out. One short-lived actor per request, so no
 * broker actor ever waits for another; message adapters and a timer, no ask, so it runs unchanged under the
 * deterministic runtime.
 */
final class Inspector extends AbstractBehavior<Inspector.Command> {

  interface Command {}

  private record QueueAnswer(QueueActor.Inspected answer) implements Command {}

  private record ConnectionAnswer(ConnectionActor.Inspected answer) implements Command {}

  private record ChannelAnswer(ChannelActor.Inspected answer) implements Command {}

  private record Gone(ActorRef<?> ref) implements Command {}

  private enum Deadline implements Command { INSTANCE }

  private final String vhost;
  private final RoutingSnapshot<ExchangeHandle, QueueHandle> snapshot;
  private final ActorRef<BrokerView> replyTo;
  private final ActorRef<ChannelActor.Inspected> channelAnswers;
  /** Every actor asked, in the order its answer appears in the view; null until it answers. */
  private final Map<ActorRef<?>, Object> answers = new LinkedHashMap<>();
  private final List<ActorRef<ConnectionActor.Command>> connections;
  private final Map<ActorRef<ConnectionActor.Command>, List<ActorRef<ChannelActor.Command>>> channelsOf =
      new LinkedHashMap<>();
  private int waiting;
  private boolean someGone;

  static Behavior<Command> create(String vhost, RoutingSnapshot<ExchangeHandle, QueueHandle> snapshot,
      List<ActorRef<ConnectionActor.Command>> connections, Duration timeout, ActorRef<BrokerView> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Inspector(ctx, timers, vhost, snapshot, connections, timeout, replyTo).start()));
  }

  private Inspector(ActorContext<Command> ctx, TimerScheduler<Command> timers, String vhost,
      RoutingSnapshot<ExchangeHandle, QueueHandle> snapshot, List<ActorRef<ConnectionActor.Command>> connections,
      Duration timeout, ActorRef<BrokerView> replyTo) {
    super(ctx);
    this.vhost = vhost;
    this.snapshot = snapshot;
    this.connections = List.copyOf(connections);
    this.replyTo = replyTo;
    this.channelAnswers = ctx.messageAdapter(ChannelActor.Inspected.class, ChannelAnswer::new);
    timers.startSingleTimer(Deadline.INSTANCE, Deadline.INSTANCE, timeout);
  }

  private Behavior<Command> start() {
    ActorRef<QueueActor.Inspected> queueAnswers = getContext().messageAdapter(QueueActor.Inspected.class,
        QueueAnswer::new);
    ActorRef<ConnectionActor.Inspected> connectionAnswers =
        getContext().messageAdapter(ConnectionActor.Inspected.class, ConnectionAnswer::new);
    for (RoutingSnapshot.QueueNode<QueueHandle> q : snapshot.queues()) {
      ask(q.handle().ref());
      q.handle().ref().tell(new QueueActor.Inspect(queueAnswers));
    }
    for (ActorRef<ConnectionActor.Command> c : connections) {
      ask(c);
      c.tell(new ConnectionActor.Inspect(connectionAnswers));
    }
    return finishIfDone();
  }

  private void ask(ActorRef<?> ref) {
    answers.put(ref, null);
    waiting++;
    getContext().watchWith(ref, new Gone(ref));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueAnswer.class, a -> answered(a.answer().queue(), a.answer().view()))
        .onMessage(ConnectionAnswer.class, this::onConnection)
        .onMessage(ChannelAnswer.class, a -> answered(a.answer().channel(), a.answer().view()))
        .onMessage(Gone.class, this::onGone)
        .onMessageEquals(Deadline.INSTANCE, () -> finish(false))
        .build();
  }

  private Behavior<Command> onConnection(ConnectionAnswer a) {
    ConnectionActor.Inspected c = a.answer();
    if (answers.containsKey(c.connection()) && answers.get(c.connection()) == null) {
      channelsOf.put(c.connection(), c.channels());
      for (ActorRef<ChannelActor.Command> ch : c.channels()) {
        ask(ch);
        ch.tell(new ChannelActor.Inspect(channelAnswers));
      }
    }
    return answered(c.connection(), c.view());
  }

  private Behavior<Command> answered(ActorRef<?> from, Object view) {
    if (answers.containsKey(from) && answers.get(from) == null) {
      answers.put(from, view);
      getContext().unwatch(from);
      waiting--;
    }
    return finishIfDone();
  }

  private Behavior<Command> onGone(Gone g) {
    if (answers.containsKey(g.ref()) && answers.get(g.ref()) == null) {
      answers.remove(g.ref());
      waiting--;
      someGone = true;
    }
    return finishIfDone();
  }

  private Behavior<Command> finishIfDone() {
    return waiting == 0 ? finish(true) : this;
  }

  private Behavior<Command> finish(boolean everyoneAnswered) {
    List<BrokerView.Queue> queues = new ArrayList<>();
    for (RoutingSnapshot.QueueNode<QueueHandle> q : snapshot.queues()) {
      if (answers.get(q.handle().ref()) instanceof BrokerView.Queue view) {
        queues.add(view);
      }
    }
    List<BrokerView.Connection> conns = new ArrayList<>();
    List<BrokerView.Channel> channels = new ArrayList<>();
    for (ActorRef<ConnectionActor.Command> c : connections) {
      if (answers.get(c) instanceof BrokerView.Connection view) {
        conns.add(view);
      }
      for (ActorRef<ChannelActor.Command> ch : channelsOf.getOrDefault(c, List.of())) {
        if (answers.get(ch) instanceof BrokerView.Channel view) {
          channels.add(view);
        }
      }
    }
    replyTo.tell(new BrokerView(vhost, snapshot.version(), exchanges(snapshot), bindings(snapshot), queues, conns,
        channels, everyoneAnswered && !someGone));
    return Behaviors.stopped();
  }

  /** Every exchange of the snapshot, in declaration order. */
  static List<BrokerView.Exchange> exchanges(RoutingSnapshot<?, ?> snapshot) {
    List<BrokerView.Exchange> out = new ArrayList<>();
    for (RoutingSnapshot.ExchangeNode<?> x : snapshot.exchanges()) {
      out.add(new BrokerView.Exchange(x.name(), x.spec().type().wireName(), x.spec().durable(),
          x.spec().autoDelete(), x.spec().internal(), x.spec().arguments()));
    }
    return out;
  }

  /**
   * Every binding of the snapshot: first the default exchange's implicit one for each queue (under the queue's
   * name), then each exchange's bindings as source, in declaration order.
   */
  static List<BrokerView.Binding> bindings(RoutingSnapshot<?, ?> snapshot) {
    List<BrokerView.Binding> out = new ArrayList<>();
    for (RoutingSnapshot.QueueNode<?> q : snapshot.queues()) {
      out.add(new BrokerView.Binding("", q.name(), true, q.name(), Map.of()));
    }
    for (RoutingSnapshot.ExchangeNode<?> x : snapshot.exchanges()) {
      for (io.brokersim.core.model.Binding<Destination> b : x.bindings().bindings()) {
        out.add(new BrokerView.Binding(x.name(), b.destination().name(), b.destination().queue(), b.routingKey(),
            b.arguments()));
      }
    }
    return out;
  }
}
