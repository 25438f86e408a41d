package io.brokersim.core.actor;

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

/**
 * Direct reply-to (semantics §1): the owner of one virtual host's reply names. It registers a name when a
 * channel starts consuming from the reply pseudo-queue, buries it — keeping why, for the trace's
 * explanations of later drops — when the consumer is cancelled or its channel closes or stops, and
 * publishes both in {@link ReplyNames}, which the responders' channels read to deliver replies straight
 * to the requester's channel.
 */
public final class ReplyToRegistryActor extends AbstractBehavior<ReplyToRegistryActor.Command> {

  /** Messages the registry understands. */
  public interface Command {}

  /** A channel's reply consumer is live under {@code name}; {@code replyTo} hears when it is registered. */
  record Register(String name, ReplyNames.Live requester, ActorRef<ChannelActor.Command> replyTo)
      implements Command {}

  /** The name is dead (reply consumer cancelled); {@code reason} explains later drops. */
  record Unregister(String name, String reason, ActorRef<ChannelActor.Command> replyTo) implements Command {}

  /** A channel is closing: bury its names, then confirm with {@link ChannelActor.Released}. */
  record ReleaseChannel(String channelId, String reason, ActorRef<ChannelActor.Command> replyTo)
      implements Command {}

  private record ChannelStopped(ActorRef<ChannelActor.Command> channel) implements Command {}

  private final ReplyNames names;
  /** Live names per requester channel, in registration order (what this actor buries on release). */
  private final Map<ActorRef<ChannelActor.Command>, List<String>> byChannel = new LinkedHashMap<>();

  static Behavior<Command> create(ReplyNames names) {
    return Behaviors.setup(ctx -> new ReplyToRegistryActor(ctx, names));
  }

  private ReplyToRegistryActor(ActorContext<Command> ctx, ReplyNames names) {
    super(ctx);
    this.names = names;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Unregister.class, this::onUnregister)
        .onMessage(ReleaseChannel.class, this::onReleaseChannel)
        .onMessage(ChannelStopped.class, this::onChannelStopped)
        .build();
  }

  private Behavior<Command> onRegister(Register m) {
    ActorRef<ChannelActor.Command> channel = m.requester().channel();
    List<String> own = byChannel.get(channel);
    if (own == null) {
      own = new ArrayList<>(1);
      byChannel.put(channel, own);
      // A channel that stops without releasing (it cannot, but be safe) must not leave names behind.
      getContext().watchWith(channel, new ChannelStopped(channel));
    }
    own.add(m.name());
    names.register(m.name(), m.requester());
    m.replyTo().tell(new ChannelActor.RegistryDone(m.name()));
    return this;
  }

  private Behavior<Command> onUnregister(Unregister m) {
    ReplyNames.Live was = names.bury(m.name(), m.reason());
    if (was != null) {
      List<String> own = byChannel.get(was.channel());
      if (own != null) {
        own.remove(m.name());
      }
    }
    m.replyTo().tell(new ChannelActor.RegistryDone(m.name()));
    return this;
  }

  private Behavior<Command> onReleaseChannel(ReleaseChannel m) {
    buryAllOf(m.replyTo(), m.reason());
    m.replyTo().tell(new ChannelActor.Released(getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onChannelStopped(ChannelStopped m) {
    buryAllOf(m.channel(), "requester channel stopped");
    return this;
  }

  private void buryAllOf(ActorRef<ChannelActor.Command> channel, String reason) {
    List<String> own = byChannel.remove(channel);
    if (own == null) {
      return;
    }
    getContext().unwatch(channel);
    for (String name : own) {
      ReplyNames.Live was = names.live(name);
      names.bury(name, reason + (was == null ? "" : " (" + was.channelId() + ")"));
    }
  }
}
