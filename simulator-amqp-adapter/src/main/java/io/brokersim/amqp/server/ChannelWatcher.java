package io.brokersim.amqp.server;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Tells connection stages when a channel actor has stopped.
 *
 * <p>Why: a client may reuse a channel number as soon as it has the {@code channel.close-ok}, but the
 * broker's connection actor forgets the old channel only when that channel has released its queues and
 * sent {@code ChannelTerminated}. A {@code channel.open} for the number sent before that would be
 * refused as a second open (504). The channel actor sends {@code ChannelTerminated} to its connection
 * before it stops, and a local tell is enqueued at once, so an {@code OpenChannel} told after this
 * watcher has seen the stop always reaches the connection after the old channel is gone.
 */
final class ChannelWatcher {

  /** Messages of the watcher. */
  sealed interface Command {}

  /** Run {@code onTerminated} (it must not block) once {@code ref} has stopped. */
  record Watch(ActorRef<?> ref, Runnable onTerminated) implements Command {}

  /** Stop the watcher. */
  enum Stop implements Command { INSTANCE }

  private record Gone(Runnable onTerminated) implements Command {}

  private ChannelWatcher() {}

  static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
        .onMessage(Watch.class, w -> {
          ctx.watchWith(w.ref(), new Gone(w.onTerminated()));
          return Behaviors.same();
        })
        .onMessage(Gone.class, g -> {
          g.onTerminated().run();
          return Behaviors.same();
        })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build());
  }
}
