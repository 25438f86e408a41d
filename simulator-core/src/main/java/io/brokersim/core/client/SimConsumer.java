package io.brokersim.core.client;

/**
 * Callbacks of an in-process consumer. They run on the broker's thread (the simulation thread in
 * deterministic mode): use the channel's fire-and-forget and {@code …Async} methods inside them, never
 * the blocking ones.
 */
public interface SimConsumer {

  void handleDelivery(SimChannel channel, Delivery delivery);

  /** The server cancelled this consumer (queue deleted, fault). */
  default void handleCancel(String consumerTag) {}

  /** The channel closed; {@code cause} is null for a clean client close. */
  default void handleShutdown(String consumerTag, AmqpException cause) {}
}
