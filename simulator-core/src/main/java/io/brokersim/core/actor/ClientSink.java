package io.brokersim.core.actor;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where a connection's outbound traffic goes: the in-process client or the wire adapter supplies
 * one per connection. The broker calls it from inside its actors, in per-channel order; an
 * implementation must be cheap and must not block (hand the frame over and return).
 */
public interface ClientSink {

  /** The connection actor exists; channel methods go to channels opened through it. */
  void connectionOpened(String connectionId, ActorRef<ConnectionActor.Command> connection);

  /**
   * A channel is open; its methods go straight to {@code channelRef}. {@code channelId} is its id in the
   * trace (a reopened channel number gets a new one).
   */
  void channelOpened(int channel, String channelId, ActorRef<ChannelActor.Command> channelRef);

  /** A method for the client on {@code channel} (0 for connection methods). */
  void send(int channel, Outbound method);

  /**
   * The connection is gone. {@code abrupt} means no close handshake (a cut, as when a socket dies);
   * the sink should then drop the transport without sending anything more.
   */
  void connectionTerminated(boolean abrupt);
}
