package io.brokersim.core.fault;

import java.time.Duration;

/**
 * What a fault does, as the broker applies it at the boundary where the rule fired. Built-in
 * {@link FaultAction}s return one effect; a custom action may return several. Where each kind takes
 * effect, and what it means there, is {@link FaultEffects}' table.
 */
public sealed interface Effect {

  /** The kinds of effect, one per record below; {@link FaultEffects} says where each applies. */
  enum Kind {
    DROP, DELAY, DUPLICATE, CLOSE_CHANNEL, CLOSE_CONNECTION, CUT_CONNECTION, CANCEL_CONSUMER, CRASH_CONSUMER,
    PAUSE_QUEUE, RESTART_BROKER, STOP_HEARTBEATS
  }

  Kind kind();

  /** The message (or ack, or delivery) never goes further; the fate ledger records the rule. */
  record Drop() implements Effect {
    @Override
    public Kind kind() {
      return Kind.DROP;
    }
  }

  /** The message goes on after {@code delay} (virtual time in simulations). */
  record Delay(Duration delay) implements Effect {
    @Override
    public Kind kind() {
      return Kind.DELAY;
    }
  }

  /** The message goes on, plus {@code copies} duplicates with new message ids. */
  record Duplicate(int copies) implements Effect {
    @Override
    public Kind kind() {
      return Kind.DUPLICATE;
    }
  }

  /** The server closes the event's channel with this code and text. */
  record CloseChannel(int code, String text) implements Effect {
    @Override
    public Kind kind() {
      return Kind.CLOSE_CHANNEL;
    }
  }

  /** The server closes the event's connection with this code and text (a close handshake). */
  record CloseConnection(int code, String text) implements Effect {
    @Override
    public Kind kind() {
      return Kind.CLOSE_CONNECTION;
    }
  }

  /** The event's connection is cut: no close handshake, the socket just dies. */
  record CutConnection() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CUT_CONNECTION;
    }
  }

  /** The server cancels the consumer of a delivery ({@code basic.cancel} notification). */
  record CancelConsumer() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CANCEL_CONSUMER;
    }
  }

  /** The consumer gets the delivery and then its connection dies before it can ack. */
  record CrashConsumer() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CRASH_CONSUMER;
    }
  }

  /** Deliveries from {@code queue} (the event's queue when null) stop, or resume. */
  record PauseQueue(String queue, boolean paused) implements Effect {
    @Override
    public Kind kind() {
      return Kind.PAUSE_QUEUE;
    }
  }

  /** The broker restarts: connections cut, transient and non-durable state lost. */
  record RestartBroker() implements Effect {
    @Override
    public Kind kind() {
      return Kind.RESTART_BROKER;
    }
  }

  /** The wire adapter stops sending heartbeats on the event's connection. */
  record StopHeartbeats() implements Effect {
    @Override
    public Kind kind() {
      return Kind.STOP_HEARTBEATS;
    }
  }
}
