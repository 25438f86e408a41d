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

  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch) {
    this(handle, channelId, tag, noAck, exclusive, prefetch, null);
  }

  /** A consumer whose ack-mode deliveries also count against its channel's shared {@code credit}. */
  public QueueConsumer(H handle, String channelId, String tag, boolean noAck, boolean exclusive, int prefetch,
      ChannelCredit credit) {
    this.credit = credit;
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

  public int prefetch() {
    return prefetch;
  }

  public int unacked() {
    return unacked;
  }

  void setPrefetch(int value) {
    prefetch = value;
  }

  /** True if this consumer may receive one more message now. */
  public boolean hasCapacity() {
    return !blocked && (noAck || ((prefetch == 0 || unacked < prefetch) && (credit == null || credit.available())));
  }

  /** True while the consumer's channel asked for no more deliveries (its socket is slow). */
  public boolean blocked() {
    return blocked;
  }

  void setBlocked(boolean value) {
    blocked = value;
  }

  void delivered() {
    if (!noAck) {
      unacked++;
      if (credit != null) {
        credit.acquire();
      }
    }
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
