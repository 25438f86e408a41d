package io.brokersim.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers a queue adds to a delivery to say how often the message came back (semantics §9.4): RabbitMQ's
 * quorum queues write {@code x-delivery-count} (and, from 4.x, {@code x-acquired-count}) as 64-bit longs,
 * LavinMQ writes {@code x-delivery-count} as a 32-bit int on queues with a delivery limit. Neither is written
 * on a first delivery.
 */
public enum DeliveryHeaders {
  /** No header. */
  NONE,
  /** {@code x-delivery-count} (long) once the message has failed a delivery (RabbitMQ 3 quorum queues). */
  DELIVERY_COUNT_LONG,
  /**
   * {@code x-acquired-count} (long) once the message came back for any reason, and {@code x-delivery-count}
   * (long) once it failed a delivery (RabbitMQ 4 quorum queues).
   */
  DELIVERY_AND_ACQUIRED_COUNT_LONG,
  /** {@code x-delivery-count} (int) for ack-mode deliveries of a message delivered before (LavinMQ). */
  DELIVERY_COUNT_INT;

  public static final String DELIVERY_COUNT = "x-delivery-count";
  public static final String ACQUIRED_COUNT = "x-acquired-count";

  /** The message as delivered: {@code m} with the counting headers of {@code entry}, if any apply. */
  public Message annotate(Message m, QueuedMessage entry, boolean noAck) {
    Map<String, Object> add = new LinkedHashMap<>(2);
    switch (this) {
      case NONE -> {
        return m;
      }
      case DELIVERY_COUNT_LONG -> {
        if (entry.deliveryCount() > 0) {
          add.put(DELIVERY_COUNT, (long) entry.deliveryCount());
        }
      }
      case DELIVERY_AND_ACQUIRED_COUNT_LONG -> {
        if (entry.returns() > 0) {
          add.put(ACQUIRED_COUNT, (long) entry.returns());
        }
        if (entry.deliveryCount() > 0) {
          add.put(DELIVERY_COUNT, (long) entry.deliveryCount());
        }
      }
      case DELIVERY_COUNT_INT -> {
        if (!noAck && entry.deliveryCount() > 0) {
          add.put(DELIVERY_COUNT, entry.deliveryCount());
        }
      }
    }
    if (add.isEmpty()) {
      return m;
    }
    BasicProperties p = m.properties();
    Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
    headers.putAll(add);
    return m.withProperties(p.toBuilder().headers(headers).build());
  }
}
