package io.brokersim.core.model;

/**
 * A channel-wide prefetch limit shared by all consumers of one channel ({@code basic.qos} with
 * {@code global=true}, semantics §4.5). Queues consult it before delivering to an ack-mode consumer;
 * the channel gives credit back as deliveries are settled. Limit 0 means unlimited.
 *
 * <p>Thread-safe: queues of one channel may run on different threads under the live runtime. A queue takes
 * credit with {@link #tryAcquire()}, which checks and counts in one step, so two queues racing for the last
 * credit never both get it and the limit is exact.
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

  /** Takes credit for one delivery if the limit allows it; false (and nothing taken) otherwise. */
  public synchronized boolean tryAcquire() {
    if (limit != 0 && inUse >= limit) {
      return false;
    }
    inUse++;
    return true;
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
