package io.brokersim.core.fault;

import java.util.Locale;
import java.util.Optional;

/** Where in a message's path a fault rule looks (docs/architecture.md, "Faults"). */
public enum Boundary {
  /** A channel received a {@code basic.publish}, before routing. */
  PUBLISH_RECEIVED,
  /** The vhost routed a publish (targets known), before the queues get it. */
  ROUTED,
  /** A queue is about to accept a copy. */
  ENQUEUED,
  /** A channel is about to hand a message to a consumer ({@code basic.get} answers are not covered). */
  DELIVERED,
  /** A channel received a {@code basic.ack} for a delivery. */
  ACK_RECEIVED,
  /** The reply-to registry resolved a direct reply to its requester. */
  REPLY_RESOLVED,
  /** The wire adapter read a frame from a TCP client. */
  FRAME_READ,
  /** The wire adapter is about to write a frame to a TCP client. */
  FRAME_WRITTEN;

  /** The name used in fault files: {@code publish-received}, {@code routed}, … */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<Boundary> fromConfigName(String name) {
    for (Boundary b : values()) {
      if (b.configName().equals(name)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
