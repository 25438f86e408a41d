package io.brokersim.core.model;

/**
 * How one queue behaves where queue types and brokers differ, resolved once from its declaration by the
 * profile ({@code QueueTypes}) and then read by the queue's state and actor (semantics §9–§12).
 *
 * @param type classic or quorum
 * @param maxPriority the highest message priority level; 0 means one level (no message priorities)
 * @param defaultPriority the level of a message without a {@code priority} property
 * @param requeue where a message that comes back goes
 * @param singleActive whether one consumer at a time gets messages, and how the next one is chosen
 * @param counting which returns count towards the delivery limit ({@code x-delivery-count})
 * @param deliveryHeaders the headers that tell a consumer how often a message came back
 * @param deliveryLimit deliveries after which a message is dead-lettered or dropped; -1 for none
 * @param blockingRejectPublish quorum queues' {@code reject-publish}: publishes are refused once the queue is
 *     over its limit, until it is back under 80% of it
 * @param atLeastOnceDeadLetters quorum queues' {@code x-dead-letter-strategy = at-least-once} in effect: a dead
 *     letter stays in the queue until it could be routed
 * @param consumerTimeoutMillis the queue's own consumer timeout (RabbitMQ 4.3 quorum queues) for consumers that
 *     do not set one; -1 when the queue does not evaluate consumer timeouts
 * @param exclusiveConsumeEnforced whether {@code basic.consume(exclusive=true)} locks the queue
 * @param basicGetWithSingleActive whether {@code basic.get} works on a single-active-consumer queue
 * @param countsWaitingConsumers whether {@code declare-ok.consumer_count} counts consumers waiting for their
 *     turn on a single-active-consumer queue
 * @param purgeDropsPendingDeadLetters whether {@code queue.purge} also drops at-least-once dead letters
 */
public record QueueFeatures(QueueType type, int maxPriority, int defaultPriority, Requeue requeue,
    SingleActive singleActive, Counting counting, DeliveryHeaders deliveryHeaders, long deliveryLimit,
    boolean blockingRejectPublish, boolean atLeastOnceDeadLetters, long consumerTimeoutMillis,
    boolean exclusiveConsumeEnforced, boolean basicGetWithSingleActive, boolean countsWaitingConsumers,
    boolean purgeDropsPendingDeadLetters) {

  /** A classic queue without priorities, delivery limit or single active consumer. */
  public static final QueueFeatures CLASSIC = new QueueFeatures(QueueType.CLASSIC, 0, 0, Requeue.ORIGINAL_POSITION,
      SingleActive.NONE, Counting.NONE, DeliveryHeaders.NONE, -1, false, false, -1, true, true, true, false);

  public QueueFeatures {
    if (maxPriority < 0 || maxPriority > 255 || defaultPriority < 0 || defaultPriority > maxPriority) {
      throw new IllegalArgumentException("priority levels 0.." + maxPriority + ", default " + defaultPriority);
    }
  }

  /** Where a returned message (nack, reject, recover, closed channel, timeout) goes. */
  public enum Requeue {
    /** Back to its place in publish order, ahead of never-delivered messages (classic queues, LavinMQ). */
    ORIGINAL_POSITION,
    /** To the back of a returns queue that is served before all other messages (quorum queues). */
    RETURNS_FIRST
  }

  /** Single active consumer ({@code x-single-active-consumer}) and how the next active one is chosen. */
  public enum SingleActive {
    /** Every consumer gets messages. */
    NONE,
    /** The earliest attached consumer is active; consumer priorities play no part (LavinMQ, RabbitMQ 3 quorum). */
    FIRST_ATTACHED,
    /** The consumer of the highest priority, earliest attached first, becomes active when the active one goes. */
    HIGHEST_PRIORITY,
    /**
     * As {@link #HIGHEST_PRIORITY}, and a consumer of a higher priority than the active one takes over as soon as
     * the active one has no unacknowledged message (RabbitMQ 4 quorum queues).
     */
    PRIORITY_TAKEOVER
  }

  /** Which returns count as a failed delivery, towards the delivery limit. */
  public enum Counting {
    /** None is counted. */
    NONE,
    /** Every return: nack, reject, recover, a closed channel (LavinMQ, RabbitMQ 3 quorum queues). */
    EVERY_RETURN,
    /**
     * Only {@code basic.reject(requeue=true)} and a consumer that went away while holding the message; {@code
     * basic.nack(requeue=true)}, recover and consumer timeouts return it without counting (RabbitMQ 4.3 quorum).
     */
    FAILED_RETURNS
  }

  /** True when message priorities order the queue. */
  public boolean prioritised() {
    return maxPriority > 0;
  }

  /** The priority level of a message: its {@code priority} property clamped to the levels there are. */
  public int levelOf(Integer priority) {
    if (priority == null) {
      return defaultPriority;
    }
    return Math.max(0, Math.min(priority, maxPriority));
  }

  /** True when a return of this kind counts as a failed delivery. */
  public boolean counts(Return why) {
    return switch (counting) {
      case NONE -> false;
      case EVERY_RETURN -> true;
      case FAILED_RETURNS -> why == Return.REJECT || why == Return.CHANNEL_GONE;
    };
  }

  /** True when one consumer at a time gets messages. */
  public boolean singleActiveConsumer() {
    return singleActive != SingleActive.NONE;
  }
}
