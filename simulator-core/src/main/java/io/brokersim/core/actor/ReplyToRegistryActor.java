package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.Message;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Direct reply-to (reference §1): the live reply names of one virtual host and the requester channel
 * behind each. A reply published to a name is delivered straight to that channel; a reply to a name
 * whose requester is gone is dropped, or returned, as the profile says (§1.6), and the trace records
 * why. Liveness probes ({@code queue.declare} of a reply name, §1.7) are answered here.
 */
public final class ReplyToRegistryActor extends AbstractBehavior<ReplyToRegistryActor.Command> {

  /** Messages the registry understands. */
  public interface Command {}

  /** A channel's reply consumer is live under {@code name}. */
  public record Register(String name, ActorRef<ChannelActor.Command> channel, String channelId, String consumerTag,
      String clientName) implements Command {}

  /** The name is dead (reply consumer cancelled); {@code reason} explains later drops. */
  public record Unregister(String name, String reason) implements Command {}

  /** A channel is closing: forget its names, then confirm with {@link ChannelActor.Released}. */
  public record ReleaseChannel(String channelId, String reason, ActorRef<ChannelActor.Command> replyTo)
      implements Command {}

  /** A publish whose routing key is a reply name. */
  public record Deliver(BrokerActor.Route route) implements Command {}

  /** A {@code queue.declare} of a reply name: the liveness probe. */
  public record Probe(BrokerActor.ChannelRequest request, String name) implements Command {}

  private record ChannelGone(ActorRef<ChannelActor.Command> channel) implements Command {}

  private record DelayedDeliver(BrokerActor.Route route) implements Command {}

  private record Live(ActorRef<ChannelActor.Command> channel, String channelId, String consumerTag,
      String clientName) {}

  private static final int TOMBSTONES = 10_000;

  private final BrokerContext broker;
  private final BrokerProfile profile;
  private final ActorRef<BrokerActor.Command> vhost;
  private final Map<String, Live> live = new LinkedHashMap<>();
  private final Map<String, String> deadReasons = new LinkedHashMap<>();

  public static Behavior<Command> create(BrokerContext broker, ActorRef<BrokerActor.Command> vhost) {
    return Behaviors.setup(ctx -> new ReplyToRegistryActor(ctx, broker, vhost));
  }

  private ReplyToRegistryActor(ActorContext<Command> ctx, BrokerContext broker, ActorRef<BrokerActor.Command> vhost) {
    super(ctx);
    this.broker = broker;
    this.profile = broker.profile();
    this.vhost = vhost;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, d -> deliver(d.route(), true))
        .onMessage(DelayedDeliver.class, d -> deliver(d.route(), false))
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(ReleaseChannel.class, this::onReleaseChannel)
        .onMessage(Probe.class, this::onProbe)
        .onMessage(ChannelGone.class, this::onChannelGone)
        .build();
  }

  private Behavior<Command> onRegister(Register m) {
    boolean watched = false;
    for (Live l : live.values()) {
      if (l.channel().equals(m.channel())) {
        watched = true;
        break;
      }
    }
    live.put(m.name(), new Live(m.channel(), m.channelId(), m.consumerTag(), m.clientName()));
    deadReasons.remove(m.name());
    if (!watched) {
      // A channel that stops without releasing (it cannot, but be safe) must not leave names behind.
      getContext().watchWith(m.channel(), new ChannelGone(m.channel()));
    }
    return this;
  }

  private Behavior<Command> onUnregister(Unregister m) {
    if (live.remove(m.name()) != null) {
      bury(m.name(), m.reason());
    }
    return this;
  }

  private Behavior<Command> onReleaseChannel(ReleaseChannel m) {
    removeNamesOf(ch -> ch.channelId().equals(m.channelId()), m.reason());
    m.replyTo().tell(new ChannelActor.Released(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onChannelGone(ChannelGone m) {
    removeNamesOf(ch -> ch.channel().equals(m.channel()), "requester channel stopped");
    return this;
  }

  private void removeNamesOf(java.util.function.Predicate<Live> which, String reason) {
    for (Iterator<Map.Entry<String, Live>> it = live.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Live> e = it.next();
      if (which.test(e.getValue())) {
        it.remove();
        bury(e.getKey(), reason + " (" + e.getValue().channelId() + ")");
      }
    }
  }

  private void bury(String name, String reason) {
    deadReasons.put(name, reason);
    if (deadReasons.size() > TOMBSTONES) {
      Iterator<String> it = deadReasons.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  private Behavior<Command> deliver(BrokerActor.Route r, boolean withFaults) {
    Message msg = r.message();
    String name = msg.routingKey();
    Live target = live.get(name);
    if (target != null && withFaults && broker.faults().watches(Boundary.REPLY_RESOLVED)
        && applyReplyFaults(r, target)) {
      return this;
    }
    if (target != null) {
      broker.trace().record(new TraceEvent.ReplyRouted(msg.msgId(), name, target.channelId()));
      target.channel().tell(new ChannelActor.DirectReply(name, target.consumerTag(), msg));
      boolean returnIt = r.mandatory() && profile.returnsMandatoryReplyWhenDelivered();
      outcome(r, returnIt);
      return this;
    }
    if (profile.interceptsRepliesOnAnyExchange()) {
      // LavinMQ: an unknown tag is not a reply; the publish goes through normal routing (§1.4).
      String why = deadReasons.get(name);
      vhost.tell(r.withReplyInterceptDone(why == null ? null
          : "reply name '" + name + "' is no longer live: " + why + "; no queue has that name either"));
      return this;
    }
    String reason = deadReasons.getOrDefault(name, "no requester ever held reply name '" + name + "'");
    broker.trace().record(new TraceEvent.ReplyDropped(msg.msgId(), name, reason));
    outcome(r, r.mandatory() && profile.returnsMandatoryReplyWhenRequesterGone());
    return this;
  }

  /** Fault rules at reply-resolved. Returns true if they took the reply (dropped, delayed, requester closed). */
  private boolean applyReplyFaults(BrokerActor.Route r, Live target) {
    Message msg = r.message();
    String name = msg.routingKey();
    String connectionId = target.channelId().substring(0, Math.max(0, target.channelId().indexOf('/')));
    List<FaultInjector.Fired> fired = FaultPoints.check(broker, Boundary.REPLY_RESOLVED, msg, "reply:" + name,
        target.consumerTag(), connectionId, target.clientName(), target.channelId());
    String dropReason = null;
    Duration delay = null;
    int copies = 0;
    for (FaultInjector.Fired f : fired) {
      for (Effect e : f.effects()) {
        if (e instanceof Effect.Drop) {
          FaultPoints.record(broker, f, e, target.channelId(), msg.msgId(), null);
          dropReason = "fault rule '" + f.rule().name() + "' dropped the reply";
        } else if (e instanceof Effect.Delay d) {
          FaultPoints.record(broker, f, e, target.channelId(), msg.msgId(), null);
          delay = delay == null ? d.delay() : delay.plus(d.delay());
        } else if (e instanceof Effect.Duplicate d) {
          for (int k = 1; k <= d.copies(); k++) {
            FaultPoints.record(broker, f, e, target.channelId(), msg.msgId(), msg.msgId() + "~dup" + (copies + k));
          }
          copies += d.copies();
        } else if (e instanceof Effect.CloseChannel || e instanceof Effect.CloseConnection
            || e instanceof Effect.CutConnection) {
          FaultPoints.record(broker, f, e, e instanceof Effect.CloseChannel ? target.channelId() : connectionId,
              msg.msgId(), null);
          target.channel().tell(new ChannelActor.FaultClose(e, f.rule().name()));
          dropReason = "fault rule '" + f.rule().name() + "' closed the requester's "
              + (e instanceof Effect.CloseChannel ? "channel " + target.channelId() : "connection " + connectionId)
              + " before the reply arrived";
        } else if (e instanceof Effect.RestartBroker) {
          FaultPoints.record(broker, f, e, "broker", msg.msgId(), null);
          vhost.tell(new BrokerActor.Restart(f.rule().name()));
        } else {
          FaultPoints.ignored(broker, f, e, Boundary.REPLY_RESOLVED, target.channelId(), msg.msgId());
        }
      }
    }
    if (dropReason != null) {
      broker.trace().record(new TraceEvent.ReplyDropped(msg.msgId(), name, dropReason));
      outcome(r, false);
      return true;
    }
    if (delay != null) {
      getContext().scheduleOnce(delay, getContext().getSelf(), new DelayedDeliver(r));
      return true;
    }
    for (int k = 1; k <= copies; k++) {
      Message dup = new Message(msg.msgId() + "~dup" + k, msg.exchange(), msg.routingKey(), msg.properties(),
          msg.body());
      getContext().getSelf().tell(new DelayedDeliver(new BrokerActor.Route(dup, false, false, 0, r.channelId(),
          r.channel(), null, true)));
    }
    return false;
  }

  private static void outcome(BrokerActor.Route r, boolean returnIt) {
    if (r.seq() > 0 || returnIt) {
      r.channel().tell(new ChannelActor.ReplyOutcome(r.seq(), r.message(), returnIt));
    }
  }

  private Behavior<Command> onProbe(Probe p) {
    BrokerActor.ChannelRequest r = p.request();
    Live target = live.get(p.name());
    if (target != null) {
      r.channel().tell(new ChannelActor.Reply(new Outbound.QueueDeclareOk(p.name(), 0, 1), null, p.name()));
    } else {
      r.channel().tell(new ChannelActor.Reply(null, profile.replyNameNotFound(p.name(), broker.vhost()), null));
    }
    return this;
  }
}
