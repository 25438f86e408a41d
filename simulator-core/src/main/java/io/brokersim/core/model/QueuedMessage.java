package io.brokersim.core.model;

/**
 * A message inside one queue: its position in publish order (used to requeue it where it was), its priority
 * level, the {@code redelivered} flag, how often it came back ({@code returns}) and how many of those returns
 * counted as failed deliveries ({@code deliveryCount}, semantics §9.4), and when it expires in virtual
 * nanoseconds ({@link Long#MAX_VALUE} = never).
 */
public final class QueuedMessage {
  private final Message message;
  private final long position;
  private final long expiresAtNanos;
  private final int level;
  private boolean redelivered;
  private int returns;
  private int deliveryCount;

  public QueuedMessage(Message message, long position, long expiresAtNanos) {
    this(message, position, expiresAtNanos, 0);
  }

  /** A message at priority {@code level} (0 in a queue without message priorities). */
  public QueuedMessage(Message message, long position, long expiresAtNanos, int level) {
    this.message = message;
    this.position = position;
    this.expiresAtNanos = expiresAtNanos;
    this.level = level;
  }

  public Message message() {
    return message;
  }

  public long position() {
    return position;
  }

  public long expiresAtNanos() {
    return expiresAtNanos;
  }

  /** The priority level it is queued at. */
  public int level() {
    return level;
  }

  public boolean redelivered() {
    return redelivered;
  }

  /** How many times it came back to the queue after a delivery, for any reason. */
  public int returns() {
    return returns;
  }

  /** How many of its returns counted as failed deliveries. */
  public int deliveryCount() {
    return deliveryCount;
  }

  void markRedelivered() {
    redelivered = true;
  }

  void countReturn(boolean failed) {
    returns++;
    if (failed) {
      deliveryCount++;
    }
  }

  public boolean expiredAt(long nowNanos) {
    return expiresAtNanos <= nowNanos;
  }
}
