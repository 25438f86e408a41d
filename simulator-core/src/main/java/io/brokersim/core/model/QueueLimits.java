package io.brokersim.core.model;

import java.util.Map;

/**
 * A queue's limits and dead-letter settings, read once from its declare arguments (semantics §5.2–§5.4, §9.6):
 * {@code x-message-ttl}, {@code x-expires}, {@code x-max-length}, {@code x-max-length-bytes},
 * {@code x-overflow}, {@code x-dead-letter-exchange}, {@code x-dead-letter-routing-key}. A limit that is
 * not set is -1. The arguments were validated on declare.
 */
public record QueueLimits(long messageTtlMillis, long expiresMillis, long maxLength, long maxLengthBytes,
    Overflow overflow, String deadLetterExchange, String deadLetterRoutingKey) {

  /** No limits, no dead-lettering. */
  public static final QueueLimits NONE = new QueueLimits(-1, -1, -1, -1, Overflow.DROP_HEAD, null, null);

  /** What happens when a length limit is reached ({@code x-overflow}). */
  public enum Overflow {
    /** The oldest ready messages make room (dead-lettered as {@code maxlen}); the default. */
    DROP_HEAD,
    /** The new message is refused (nacked under confirms). */
    REJECT_PUBLISH,
    /** The new message is refused and dead-lettered as {@code maxlen} (RabbitMQ classic queues). */
    REJECT_PUBLISH_DLX
  }

  /** The limits the declare arguments set, with {@code x-overflow} as RabbitMQ's classic queues read it. */
  public static QueueLimits of(Map<String, Object> args) {
    if (args == null || args.isEmpty()) {
      return NONE;
    }
    Overflow overflow = switch (String.valueOf(FieldTables.stringValue(args, "x-overflow"))) {
      case "reject-publish" -> Overflow.REJECT_PUBLISH;
      case "reject-publish-dlx" -> Overflow.REJECT_PUBLISH_DLX;
      default -> Overflow.DROP_HEAD;
    };
    return new QueueLimits(longArg(args, "x-message-ttl"), longArg(args, "x-expires"), longArg(args, "x-max-length"),
        longArg(args, "x-max-length-bytes"), overflow, FieldTables.stringValue(args, "x-dead-letter-exchange"),
        FieldTables.stringValue(args, "x-dead-letter-routing-key"));
  }

  private static long longArg(Map<String, Object> args, String key) {
    Long v = FieldTables.integerValue(args.get(key));
    return v == null ? -1 : v;
  }

  /** The same limits with another overflow behaviour (where a broker or queue type reads x-overflow otherwise). */
  public QueueLimits withOverflow(Overflow value) {
    return new QueueLimits(messageTtlMillis, expiresMillis, maxLength, maxLengthBytes, value, deadLetterExchange,
        deadLetterRoutingKey);
  }

  /** True when a full queue refuses new messages instead of dropping its head. */
  public boolean rejectPublish() {
    return overflow != Overflow.DROP_HEAD;
  }

  /** True when the queue has a dead-letter exchange. */
  public boolean deadLetters() {
    return deadLetterExchange != null;
  }

  /** True when the queue has a length limit. */
  public boolean limited() {
    return maxLength >= 0 || maxLengthBytes >= 0;
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

  /**
   * True when a quorum queue that refuses publishes over its limit may take them again: back at or under 80% of
   * every limit it has (RabbitMQ's {@code is_below_soft_limit}, semantics §9.6).
   */
  public boolean belowSoftLimit(int count, long bytes) {
    return (maxLength < 0 || count <= (long) (maxLength * 0.8)) && (maxLengthBytes < 0 || bytes <= (long) (maxLengthBytes * 0.8));
  }
}
