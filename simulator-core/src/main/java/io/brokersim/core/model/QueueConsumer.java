package io.brokersim.core.model;

/**
 * A consumer attached to a queue. {@code H} is the owner's handle (the actor layer puts the channel's
 * reference there; tests put anything). Prefetch 0 means unlimited; no-ack consumers ignore prefetch.
 */
public final class QueueConsumer<H> {
  private final H handle;
  private final String channelId;
  private final String tag;
  private final boolean noAck;
  private final boolean exclusive;
  private int prefetch;
  private int unacked;
  private boolean blocked;
  private final ChannelCredit credit;
  private final boolean creditBlocksNoAck;
  private final int priority;
  /** The channel's shared credit was full when this consumer last tried; it waits to be told it has room. */
  private boolean waitingForCredit;
  private final long timeoutMillis;
  /** Deliveries the queue took back after a consumer timeout and the client has not settled yet (§10.3). */
  private final java.util.Set<Long> timedOut = new java.util.LinkedHashSet<>();

  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch) {
    this(handle, channelId, tag, noAck, exclusive, prefetch, null);
  }

  /** A consumer whose ack-mode deliveries also count against its channel's shared {@code credit}. */
  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch,
      ChannelCredit credit) {
    this(handle, channelId, tag, noAck, exclusive, prefetch, credit, false);
  }

  /**
   * As above; with {@code creditBlocksNoAck} a no-ack consumer also waits while its channel's shared limit is
   * reached (RabbitMQ 3.x's limiter refuses every delivery then, semantics §4.5), without counting against it.
   */
  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch,
      ChannelCredit credit, boolean creditBlocksNoAck) {
    this(handle, channelId, tag, noAck, exclusive, prefetch, credit, creditBlocksNoAck, 0);
  }

  /** As above, with a consumer priority ({@code x-priority}, default 0; higher is served first). */
  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch,
      ChannelCredit credit, boolean creditBlocksNoAck, int priority) {
    this(handle, channelId, tag, noAck, exclusive, prefetch, credit, creditBlocksNoAck, priority, -1);
  }

  /**
   * As above, with the consumer timeout its queue evaluates for it ({@code timeoutMillis}, -1 for none; RabbitMQ
   * 4.3 quorum queues, semantics §10.3).
   */
  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch,
      ChannelCredit credit, boolean creditBlocksNoAck, int priority, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    this.credit = credit;
    this.creditBlocksNoAck = creditBlocksNoAck;
    this.priority = priority;
    this.handle = handle;
    this.channelId = channelId;
    this.tag = tag;
    this.noAck = noAck;
    this.exclusive = exclusive;
    this.prefetch = prefetch;
  }

  public H handle() {
    return handle;
  }

  public String channelId() {
    return channelId;
  }

  public String tag() {
    return tag;
  }

  public boolean noAck() {
    return noAck;
  }

  public boolean exclusive() {
    return exclusive;
  }

  /** The consumer priority: consumers of a higher priority get messages while they have capacity. */
  public int priority() {
    return priority;
  }

  /** The consumer timeout its queue evaluates for its deliveries, in ms; -1 for none. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** True while deliveries taken back by a consumer timeout wait for the client to settle them. */
  public boolean timedOut() {
    return !timedOut.isEmpty();
  }

  public int prefetch() {
    return prefetch;
  }

  public int unacked() {
    return unacked;
  }

  void setPrefetch(int value) {
    prefetch = value;
  }

  /** True if this consumer may receive one more message now (shared credit is only checked, not taken). */
  public boolean hasCapacity() {
    if (blocked || waitingForCredit || !timedOut.isEmpty()) {
      return false;
    }
    if (noAck) {
      return !creditBlocksNoAck || credit == null || credit.available();
    }
    return (prefetch == 0 || unacked < prefetch) && (credit == null || credit.available());
  }

  /**
   * Takes one delivery's worth of capacity if this consumer has it: the per-consumer count, and the channel's
   * shared credit in the same step as its check. False (nothing taken) when the consumer is full.
   */
  boolean tryTake() {
    if (blocked || waitingForCredit || !timedOut.isEmpty()) {
      return false;
    }
    if (noAck) {
      if (creditBlocksNoAck && credit != null && !credit.available()) {
        waitingForCredit = true;
        return false;
      }
      return true;
    }
    if (prefetch != 0 && unacked >= prefetch) {
      return false;
    }
    // A refused shared credit parks the consumer until its channel says there is room again, as RabbitMQ's
    // limiter blocks a queue: an ack reaching this queue does not unpark it, the channel's turn-taking does.
    if (credit != null && !credit.tryAcquire()) {
      waitingForCredit = true;
      return false;
    }
    unacked++;
    return true;
  }

  /** True while the consumer's channel asked for no more deliveries (its socket is slow). */
  public boolean blocked() {
    return blocked;
  }

  void setBlocked(boolean value) {
    blocked = value;
  }

  /** The channel says its shared credit has room again. */
  void creditAvailable() {
    waitingForCredit = false;
  }

  void timedOut(long deliveryId) {
    timedOut.add(deliveryId);
  }

  /** The client settled deliveries the queue had taken back: true if the consumer is no longer timed out. */
  boolean untimeout(long deliveryId) {
    return timedOut.remove(deliveryId) && timedOut.isEmpty();
  }

  void settled() {
    if (unacked > 0) {
      unacked--;
    }
  }

  /** True if this consumer belongs to the given channel and tag. */
  public boolean is(String channel, String consumerTag) {
    return channelId.equals(channel) && tag.equals(consumerTag);
  }
}
