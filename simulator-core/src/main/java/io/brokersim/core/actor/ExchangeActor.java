package io.brokersim.core.actor;

import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Binding;
import io.brokersim.core.model.Destination;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.ExchangeType;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.TopologyRules;
import io.brokersim.core.trace.TraceEvent;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One exchange (the default exchange and the predeclared {@code amq.*} ones included). It answers the
 * control-plane methods on its exchange one at a time — redeclare, delete ({@code if-unused}), bindings
 * with it as source — and publishes each change in the routing snapshot before it answers. It is also
 * where fault rules at the {@code routed} boundary drop, delay or duplicate what the exchange routed.
 *
 * <p>It is not on the normal publish path: a channel routes against the snapshot and hands messages to
 * queues directly. When the exchange is deleted (by a client, or by an auto-delete cascade that another
 * actor applied), requests still addressed to it go back to the vhost, which answers from the snapshot;
 * the vhost stops it, and it stops once no delayed message is waiting in it.
 */
public final class ExchangeActor extends AbstractBehavior<ExchangeActor.Command> {

  /** Messages an exchange understands. */
  public interface Command {}

  /** A channel's request the vhost resolved to this exchange. */
  public record Forwarded(VhostActor.ChannelRequest request) implements Command {}

  /**
   * A message this exchange routed to {@code queues}, with the {@code routed} fault decision to carry out:
   * drop every copy, or deliver after the decision's delay, plus its duplicates. {@code confirmTo} is the
   * publisher awaiting {@code seq}'s queue results, or null.
   */
  public record Faulted(Message message, List<String> queues, long seq, ActorRef<ChannelActor.Command> confirmTo,
      FaultDecision decision) implements Command {}

  private record Release(Message message, List<String> queues, long seq, ActorRef<ChannelActor.Command> confirmTo,
      int copies) implements Command {}

  /** Sent by the vhost after the exchange left the snapshot. */
  public enum Stop implements Command { INSTANCE }

  private final Vhost vhost;
  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final String name;
  private int delayed;
  private boolean stopping;

  public static Behavior<Command> create(Vhost vhost, String name) {
    return Behaviors.setup(ctx -> new ExchangeActor(ctx, vhost, name));
  }

  private ExchangeActor(ActorContext<Command> ctx, Vhost vhost, String name) {
    super(ctx);
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.profile = broker.profile();
    this.name = name;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Forwarded.class, this::onForwarded)
        .onMessage(Faulted.class, this::onFaulted)
        .onMessage(Release.class, this::onRelease)
        .onMessageEquals(Stop.INSTANCE, this::onStop)
        .build();
  }

  /** This exchange's node in the current snapshot, or null once it was deleted. */
  private RoutingSnapshot.ExchangeNode<ExchangeHandle> me(RoutingSnapshot<ExchangeHandle, QueueHandle> s) {
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = s.exchange(name);
    return x != null && x.handle().ref().equals(getContext().getSelf()) ? x : null;
  }

  private Behavior<Command> onForwarded(Forwarded f) {
    VhostActor.ChannelRequest r = f.request();
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = me(s);
    if (x == null) {
      vhost.actor().tell(r); // deleted meanwhile: the vhost answers from the snapshot
      return this;
    }
    ClientMethod m = r.method();
    if (m instanceof ClientMethod.ExchangeDeclare d) {
      redeclare(r, d, x.spec());
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      delete(r, d, x);
    } else if (m instanceof ClientMethod.QueueBind b) {
      AmqpError e = TopologyRules.queueBind(profile, broker.vhost(), s, r.info().connectionId(), b.queue(), name,
          b.arguments());
      bind(r, e, queueBinding(b.queue(), b.routingKey(), b.arguments()), true,
          b.noWait() ? null : new Outbound.QueueBindOk());
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      Binding<Destination> binding = queueBinding(u.queue(), u.routingKey(), u.arguments());
      unbind(r, TopologyRules.queueUnbind(profile, broker.vhost(), s, r.info().connectionId(), u.queue(), name,
          binding), binding, new Outbound.QueueUnbindOk());
    } else if (m instanceof ClientMethod.ExchangeBind b) {
      AmqpError e = TopologyRules.exchangeBind(profile, broker.vhost(), s, b.destination(), name);
      bind(r, e, new Binding<>(Destination.exchange(b.destination()), b.routingKey(), b.arguments()), true,
          b.noWait() ? null : new Outbound.ExchangeBindOk());
    } else if (m instanceof ClientMethod.ExchangeUnbind u) {
      unbind(r, TopologyRules.exchangeUnbind(profile, s, u.destination(), name),
          new Binding<>(Destination.exchange(u.destination()), u.routingKey(), u.arguments()),
          u.noWait() ? null : new Outbound.ExchangeUnbindOk());
    } else {
      VhostActor.fail(r, AmqpError.of(ReplyCode.INTERNAL_ERROR, MethodRef.NONE,
          "unexpected request " + m.getClass().getSimpleName()));
    }
    return this;
  }

  private void redeclare(VhostActor.ChannelRequest r, ClientMethod.ExchangeDeclare d, ExchangeSpec spec) {
    if (!d.passive()) {
      if (ExchangeType.fromWireName(d.type()).isEmpty()) {
        VhostActor.fail(r, AmqpError.of(ReplyCode.COMMAND_INVALID, MethodRef.EXCHANGE_DECLARE,
            "unknown exchange type '" + d.type() + "'"));
        return;
      }
      var diff = spec.firstDifference(d.type(), d.durable(), d.autoDelete(), d.internal(), d.arguments());
      if (diff.isPresent()) {
        VhostActor.fail(r, profile.inequivalentExchange(name, broker.vhost(), diff.get().argument(),
            diff.get().received(), diff.get().current()));
        return;
      }
    }
    VhostActor.reply(r, d.noWait() ? null : new Outbound.ExchangeDeclareOk());
  }

  private void delete(VhostActor.ChannelRequest r, ClientMethod.ExchangeDelete d,
      RoutingSnapshot.ExchangeNode<ExchangeHandle> x) {
    if (d.ifUnused() && !x.bindings().isEmpty()) {
      VhostActor.fail(r, profile.exchangeInUse(name, broker.vhost()));
      return;
    }
    vhost.topology().apply(onlyIfMine(s -> s.withoutExchange(name)));
    VhostActor.reply(r, d.noWait() ? null : new Outbound.ExchangeDeleteOk());
  }

  /**
   * Adds or removes a binding of this exchange (as source) unless {@code error} refuses it. The change only
   * applies while its destination exists: a queue deleted between the check and the change takes its
   * bindings with it, as if the bind had come first.
   */
  private void bind(VhostActor.ChannelRequest r, AmqpError error, Binding<Destination> binding, boolean add,
      Outbound ok) {
    if (error != null) {
      VhostActor.fail(r, error);
      return;
    }
    Destination d = binding.destination();
    var change = vhost.topology().apply(onlyIfMine(s -> {
      boolean destinationExists = d.queue() ? s.queue(d.name()) != null : s.exchange(d.name()) != null;
      if (add && !destinationExists) {
        return new RoutingSnapshot.Change<>(s, false, List.of());
      }
      return add ? s.bind(name, binding) : s.unbind(name, binding);
    }));
    if (change.changed()) {
      broker.trace().record(add
          ? new TraceEvent.Bound(name, d.name(), d.kind(), binding.routingKey())
          : new TraceEvent.Unbound(name, d.name(), d.kind(), binding.routingKey()));
    }
    VhostActor.reply(r, ok);
  }

  /** The binding of a queue, as {@code queue.bind} and {@code queue.unbind} name it. */
  static Binding<Destination> queueBinding(String queue, String routingKey, java.util.Map<String, Object> args) {
    return new Binding<>(Destination.queue(queue), routingKey, args);
  }

  private void unbind(VhostActor.ChannelRequest r, TopologyRules.Unbind d, Binding<Destination> binding, Outbound ok) {
    switch (d.action()) {
      case REFUSE -> VhostActor.fail(r, d.error());
      case OK_NOTHING_TO_DO -> VhostActor.reply(r, ok);
      case REMOVE -> bind(r, null, binding, false, ok);
    }
  }

  /** A change that leaves the snapshot alone once this exchange has been deleted from it. */
  private Function<RoutingSnapshot<ExchangeHandle, QueueHandle>, RoutingSnapshot.Change<ExchangeHandle, QueueHandle>>
      onlyIfMine(Function<RoutingSnapshot<ExchangeHandle, QueueHandle>,
          RoutingSnapshot.Change<ExchangeHandle, QueueHandle>> change) {
    return s -> me(s) == null ? new RoutingSnapshot.Change<>(s, false, List.of()) : change.apply(s);
  }

  // ------------------------------------------------------------------------ routed faults

  private Behavior<Command> onFaulted(Faulted f) {
    FaultDecision d = f.decision();
    Message msg = f.message();
    if (d.dropRule() != null) {
      for (String q : f.queues()) {
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), q, "fault", d.dropRule()));
      }
      return this;
    }
    int copies = d.duplicateRules().size();
    if (d.delay() != null) {
      delayed++;
      getContext().scheduleOnce(d.delay(), getContext().getSelf(),
          new Release(msg, f.queues(), f.seq(), f.confirmTo(), copies));
      return this;
    }
    release(msg, f.queues(), f.seq(), f.confirmTo(), copies);
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    delayed--;
    release(r.message(), r.queues(), r.seq(), r.confirmTo(), r.copies());
    return stopping && delayed == 0 ? Behaviors.stopped() : this;
  }

  /** Hands the message and its copies to the queues it was routed to that still exist. */
  private void release(Message msg, List<String> queues, long seq, ActorRef<ChannelActor.Command> confirmTo,
      int copies) {
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    Router.enqueueByName(broker, s, queues, msg, seq, confirmTo);
    for (int k = 1; k <= copies; k++) {
      Router.enqueueByName(broker, s, queues, msg.withId(FaultDecision.duplicateId(msg.msgId(), k)), 0, null);
    }
  }

  private Behavior<Command> onStop() {
    if (delayed == 0) {
      return Behaviors.stopped();
    }
    stopping = true;
    return this;
  }
}
