package io.brokersim.core.model;

/**
 * A channel-wide prefetch limit shared by all consumers of one channel ({@code basic.qos} with
 * {@code global=true}, reference §4.5). Queues consult it before delivering to an ack-mode consumer;
 * the channel gives credit back as deliveries are settled. Limit 0 means unlimited.
 *
 * <p>Thread-safe: queues of one channel may run on different threads under the live runtime, where
 * two queues racing for the last credit can overshoot by one delivery each.
 */
public final class ChannelCredit {
  private int limit;
  private int inUse;

  public synchronized void setLimit(int value) {
    limit = value;
  }

  public synchronized int limit() {
    return limit;
  }

  /** True if one more ack-mode delivery fits. */
  public synchronized boolean available() {
    return limit == 0 || inUse < limit;
  }

  /** Counts one delivery against the limit. */
  public synchronized void acquire() {
    inUse++;
  }

  /** Gives back credit for {@code n} settled deliveries; true if the channel was at its limit before. */
  public synchronized boolean release(int n) {
    boolean wasFull = limit != 0 && inUse >= limit;
    inUse = Math.max(0, inUse - n);
    return wasFull;
  }

  public synchronized int inUse() {
    return inUse;
  }
}
