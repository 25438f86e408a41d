package io.brokersim.core.model;

/**
 * TTL arithmetic (semantics §5.1–5.2): the effective TTL is the lower of the per-message
 * {@code expiration} and the queue's {@code x-message-ttl}.
 */
public final class Expiration {
  private Expiration() {}

  /** Largest per-message TTL RabbitMQ accepts: ten years in milliseconds. */
  public static final long MAX_TTL_MILLIS = 315_360_000_000L;

  /** Parses a validated {@code expiration} property; -1 when absent or unparsable. */
  public static long messageTtlMillis(BasicProperties props) {
    String e = props.expiration();
    if (e == null) {
      return -1;
    }
    try {
      long v = Long.parseLong(e);
      return v < 0 ? -1 : v;
    } catch (NumberFormatException ex) {
      return -1;
    }
  }

  /** Absolute expiry in nanos for a message enqueued at {@code nowNanos}; {@link Long#MAX_VALUE} when none. */
  public static long expiresAt(long nowNanos, long messageTtlMillis, long queueTtlMillis) {
    long ttl;
    if (messageTtlMillis < 0) {
      ttl = queueTtlMillis;
    } else if (queueTtlMillis < 0) {
      ttl = messageTtlMillis;
    } else {
      ttl = Math.min(messageTtlMillis, queueTtlMillis);
    }
    return ttl < 0 ? Long.MAX_VALUE : nowNanos + ttl * 1_000_000L;
  }
}
