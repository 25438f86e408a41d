package io.brokersim.core.model;

/**
 * The queue types brokersim simulates ({@code x-queue-type}, semantics §9.1). A queue without the argument is
 * classic; LavinMQ has no quorum queues and makes every queue classic.
 */
public enum QueueType {
  CLASSIC("classic", "rabbit_classic_queue"),
  QUORUM("quorum", "rabbit_quorum_queue");

  private final String wireName;
  private final String rabbitModule;

  QueueType(String wireName, String rabbitModule) {
    this.wireName = wireName;
    this.rabbitModule = rabbitModule;
  }

  /** The value of {@code x-queue-type} that asks for this type. */
  public String wireName() {
    return wireName;
  }

  /** The Erlang module RabbitMQ names in its error texts ({@code of queue type rabbit_quorum_queue}). */
  public String rabbitModule() {
    return rabbitModule;
  }
}
