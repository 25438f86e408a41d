package io.brokersim.amqp.server;

import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ConnectionActor;
import org.apache.pekko.actor.typed.ActorRef;

/** What reaches a connection stage from other threads (the broker's actors, the alarm, the server). */
sealed interface ConnectionEvent {

  /** The outbound queue has frames to write. */
  enum Wake implements ConnectionEvent { INSTANCE }

  /** The server is shutting down: close with 320 CONNECTION_FORCED. */
  enum Shutdown implements ConnectionEvent { INSTANCE }

  /** The broker created the connection actor. */
  record ConnectionOpened(String id, ActorRef<ConnectionActor.Command> ref) implements ConnectionEvent {}

  /** The broker opened channel {@code number}, known in the trace as {@code channelId}. */
  record ChannelOpened(int number, String channelId, ActorRef<ChannelActor.Command> ref) implements ConnectionEvent {}

  /** The broker ended the connection without a close handshake: drop the socket now. */
  enum TerminatedAbruptly implements ConnectionEvent { INSTANCE }

  /** The memory alarm went on or off. */
  record AlarmChanged(boolean on) implements ConnectionEvent {}
}
