package io.brokersim.core.fault;

import java.time.Duration;

/**
 * What a fault does, as the broker applies it at the boundary where the rule fired. Built-in
 * {@link FaultAction}s return one effect; a custom action may return several.
 */
public sealed interface Effect {

  /** The message (or ack, or delivery) never goes further; the fate ledger records the rule. */
  record Drop() implements Effect {}

  /** The message goes on after {@code delay} (virtual time in simulations). */
  record Delay(Duration delay) implements Effect {}

  /** The message goes on, plus {@code copies} duplicates with new message ids. */
  record Duplicate(int copies) implements Effect {}

  /** The server closes the event's channel with this code and text. */
  record CloseChannel(int code, String text) implements Effect {}

  /** The server closes the event's connection with this code and text (a close handshake). */
  record CloseConnection(int code, String text) implements Effect {}

  /** The event's connection is cut: no close handshake, the socket just dies. */
  record CutConnection() implements Effect {}

  /** The server cancels the consumer of a delivery ({@code basic.cancel} notification). */
  record CancelConsumer() implements Effect {}

  /** The consumer gets the delivery and then its connection dies before it can ack. */
  record CrashConsumer() implements Effect {}

  /** Deliveries from {@code queue} (the event's queue when null) stop, or resume. */
  record PauseQueue(String queue, boolean paused) implements Effect {}

  /** The broker restarts: connections cut, transient and non-durable state lost. */
  record RestartBroker() implements Effect {}

  /** The wire adapter stops sending heartbeats on the event's connection. */
  record StopHeartbeats() implements Effect {}
}
