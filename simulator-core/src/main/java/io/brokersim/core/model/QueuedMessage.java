package io.brokersim.core.model;

/**
 * A message inside one queue: its position in publish order (used to requeue it where it was), the
 * {@code redelivered} flag, and when it expires in virtual nanoseconds ({@link Long#MAX_VALUE} = never).
 */
public final class QueuedMessage {
  private final Message message;
  private final long position;
  private final long expiresAtNanos;
  private boolean redelivered;

  public QueuedMessage(Message message, long position, long expiresAtNanos) {
    this.message = message;
    this.position = position;
    this.expiresAtNanos = expiresAtNanos;
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

  public boolean redelivered() {
    return redelivered;
  }

  void markRedelivered() {
    redelivered = true;
  }

  public boolean expiredAt(long nowNanos) {
    return expiresAtNanos <= nowNanos;
  }
}
