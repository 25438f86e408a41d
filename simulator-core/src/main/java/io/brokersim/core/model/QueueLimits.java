package io.brokersim.core.model;

import java.util.Map;

/**
 * A queue's limits and dead-letter settings, read once from its declare arguments (semantics §5.2–§5.4):
 * {@code x-message-ttl}, {@code x-expires}, {@code x-max-length}, {@code x-max-length-bytes},
 * {@code x-overflow}, {@code x-dead-letter-exchange}, {@code x-dead-letter-routing-key}. A limit that is
 * not set is -1. The arguments were validated on declare.
 */
public record QueueLimits(long messageTtlMillis, long expiresMillis, long maxLength, long maxLengthBytes,
    boolean rejectPublish, String deadLetterExchange, String deadLetterRoutingKey) {

  /** No limits, no dead-lettering. */
  public static final QueueLimits NONE = new QueueLimits(-1, -1, -1, -1, false, null, null);

  /** The limits the declare arguments set. */
  public static QueueLimits of(Map<String, Object> args) {
    if (args == null || args.isEmpty()) {
      return NONE;
    }
    String overflow = FieldTables.stringValue(args, "x-overflow");
    return new QueueLimits(longArg(args, "x-message-ttl"), longArg(args, "x-expires"), longArg(args, "x-max-length"),
        longArg(args, "x-max-length-bytes"),
        "reject-publish".equals(overflow) || "reject-publish-dlx".equals(overflow),
        FieldTables.stringValue(args, "x-dead-letter-exchange"),
        FieldTables.stringValue(args, "x-dead-letter-routing-key"));
  }

  private static long longArg(Map<String, Object> args, String key) {
    Long v = FieldTables.integerValue(args.get(key));
    return v == null ? -1 : v;
  }

  /** True when the queue has a dead-letter exchange. */
  public boolean deadLetters() {
    return deadLetterExchange != null;
  }

  /** True when one more message of {@code bodySize} octets would pass a length limit. */
  public boolean wouldOverflow(int readyCount, long readyBytes, int bodySize) {
    return (maxLength >= 0 && readyCount >= maxLength) || (maxLengthBytes >= 0 && readyBytes + bodySize > maxLengthBytes);
  }

  /** True when the ready messages are over a length limit, so the head must go (drop-head overflow). */
  public boolean overLimit(int readyCount, long readyBytes) {
    return readyCount > 0
        && ((maxLength >= 0 && readyCount > maxLength) || (maxLengthBytes >= 0 && readyBytes > maxLengthBytes));
  }
}
