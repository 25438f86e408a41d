package io.brokersim.core.trace;

/**
 * How one copy of a message ended, stamped with the event that ended it. What {@code channel}, {@code code}
 * and {@code detail} hold depends on the {@link Kind}; fields that do not apply are null or 0.
 */
public record Fate(Kind kind, long seq, long virtualNanos, String channel, int code, String detail) {

  /** The terminal outcomes; each names the event sequence that produces it. */
  public enum Kind {
    /** {@code Acked}; channel = acking channel. */
    ACKNOWLEDGED,
    /** {@code Delivered(autoAck=true)} from a queue; channel = consumer channel, detail = consumer tag. */
    AUTO_ACKED,
    /** {@code Delivered} of a direct reply (reply consumers are no-ack); channel = requester's channel. */
    DELIVERED_REPLY,
    /** {@code Returned} of an unrouted message; channel = publisher, code = 312/313, detail = reply text. */
    RETURNED,
    /** {@code Discarded(unroutable)} with a null queue, after {@code Routed([])}; detail = why. */
    DROPPED_UNROUTABLE,
    /** {@code Discarded(fault)}; detail = fault rule name. */
    DROPPED_BY_FAULT,
    /** {@code Expired}: TTL passed, no dead-letter exchange. */
    EXPIRED,
    /** {@code DeadLettered}; detail = the new message id. */
    DEAD_LETTERED,
    /** {@code Discarded(purged)}, or {@code QueuePurged} while the copy was ready. */
    PURGED,
    /** {@code Discarded(queue-deleted)}, or {@code QueueDeleted} while the copy was held; detail = why. */
    DELETED_WITH_QUEUE,
    /**
     * {@code Rejected(requeue=false)} then {@code Discarded(rejected-no-dlx)}; channel = rejecting channel,
     * detail = method.
     */
    DISCARDED_REJECTED,
    /** {@code Discarded(overflow)}: a length limit; detail = the policy that applied. */
    DROPPED_OVERFLOW,
    /** {@code Discarded(delivery-limit)}: it passed the queue's delivery limit, no dead-letter exchange. */
    DROPPED_DELIVERY_LIMIT,
    /** {@code ReplyDropped}: the requester is gone; channel = requester's channel if known, detail = reason. */
    REPLY_DROPPED,
    /** {@code Discarded(consumer-gone)}: a no-ack delivery reached a closed channel; detail = what happened. */
    DROPPED_CONSUMER_GONE,
    /**
     * {@code Discarded(rolled-back)}: published inside a transaction that was rolled back, or whose channel
     * closed before {@code tx.commit}; it never reached a queue. detail = which.
     */
    ROLLED_BACK
  }
}
