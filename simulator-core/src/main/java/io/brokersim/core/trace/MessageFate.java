package io.brokersim.core.trace;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of what the {@link FateLedger} knows about one message: how it was published (or which message
 * it was made from), where it was routed, and the state or fate of each copy.
 *
 * @param msgId the broker-assigned id
 * @param channel publishing channel; null for a dead letter or a fault duplicate
 * @param exchange exchange it was published to (the dead-letter exchange for a dead letter)
 * @param routingKey routing key; null for a dead letter until it is routed
 * @param mandatory the publish's mandatory flag
 * @param correlationId the correlation_id property, inherited by dead letters and duplicates
 * @param replyTo the reply_to property (after the direct reply-to rewrite), inherited likewise
 * @param messageId the message_id property, inherited likewise
 * @param publishedSeq sequence number of the event that created it
 * @param publishedNanos virtual time of that event
 * @param origin the message it was made from, or null for a client publish
 * @param derived ids of dead letters and duplicates made from this message, in creation order
 * @param routedQueues queues chosen by routing, null until routed
 * @param returnCode the code of a {@code basic.return} for this message, 0 if none
 * @param copies one entry per queue copy; a single entry with a null queue while unrouted or if it never
 *     reached a queue
 */
public record MessageFate(
    String msgId,
    String channel,
    String exchange,
    String routingKey,
    boolean mandatory,
    String correlationId,
    String replyTo,
    String messageId,
    long publishedSeq,
    long publishedNanos,
    Origin origin,
    List<String> derived,
    List<String> routedQueues,
    int returnCode,
    List<Copy> copies) {

  /** Whether every copy has a fate. */
  public boolean settled() {
    return copies.stream().allMatch(c -> c.state() == CopyState.SETTLED);
  }

  /** The copy in {@code queue} (use {@link TraceEvent#replyQueue} for a direct reply). */
  public Optional<Copy> copy(String queue) {
    return copies.stream().filter(c -> queue.equals(c.queue())).findFirst();
  }

  /** The only copy; fails if the message has several. */
  public Copy onlyCopy() {
    if (copies.size() != 1) {
      throw new IllegalStateException(msgId + " has " + copies.size() + " copies");
    }
    return copies.get(0);
  }

  /**
   * Where a derived message came from.
   *
   * @param msgId the message it was made from
   * @param how "dead-lettered" or "duplicated"
   * @param queue the queue it was dead-lettered from, or the fault's target for a duplicate
   * @param reason the dead-letter reason, or the fault rule for a duplicate
   */
  public record Origin(String msgId, String how, String queue, String reason) {
    public static final String DEAD_LETTERED = "dead-lettered";
    public static final String DUPLICATED = "duplicated";
  }

  /**
   * One copy of the message.
   *
   * @param queue queue name, {@code reply:<name>} for a direct reply, or null for the unrouted message
   * @param state where it stands
   * @param channel channel it is (or was last) delivered on, null if never delivered
   * @param consumerTag consumer of the last delivery, null for {@code basic.get} or no delivery
   * @param deliveryTag delivery tag of the last delivery, 0 if none
   * @param deliveries number of deliveries
   * @param fate how it ended, null while not settled
   */
  public record Copy(
      String msgId,
      String queue,
      CopyState state,
      String channel,
      String consumerTag,
      long deliveryTag,
      int deliveries,
      Fate fate) {

    /** {@code msgId@queue}, the form of {@link FateLedger#assertNothingLostSilently(java.util.Set)}. */
    public String key() {
      return FateLedger.copyKey(msgId, queue);
    }
  }
}
