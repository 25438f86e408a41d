package io.brokersim.core.trace;

import java.util.List;

/**
 * One broker event, as data: strings, numbers, booleans and lists of strings only, so that the JSON form
 * and the trace hash never depend on object identity (no {@code ActorRef}, no {@code toString()} of actors).
 *
 * <p>Identifiers are plain strings chosen by the broker: connection names ({@code "conn-3"}), channel ids
 * ({@code "conn-3/ch-1"}), queue and exchange names, consumer tags, and a broker-assigned message id
 * {@code msgId} ({@code "conn-3/ch-1#17"}). A dead-lettered or fault-duplicated message gets a new msgId.
 * A message routed to several queues has one copy per queue, identified by (msgId, queue); a direct reply's
 * "queue" is {@link #replyQueue(String) reply:&lt;reply-name&gt;}.
 *
 * <p>The JSON form writes the record components in declaration order, so reordering or renaming a component
 * changes every trace hash; {@link #kind()} is a constant per record for the same reason.
 */
public sealed interface TraceEvent {

  /** Prefix of {@link #replyQueue(String)} names. */
  String REPLY_QUEUE_PREFIX = "reply:";

  /** Stable short name of the event, the {@code "kind"} field of its JSON line. */
  String kind();

  /** The pseudo-queue naming a direct reply's only copy: {@code "reply:" + replyName}. */
  static String replyQueue(String replyName) {
    return REPLY_QUEUE_PREFIX + replyName;
  }

  /** An event about one message; {@code msgId} is never null. */
  sealed interface MessageEvent extends TraceEvent {
    /** The broker-assigned id of the message the event is about. */
    String msgId();
  }

  /** A connection finished its handshake and opened a virtual host. */
  record ConnectionOpened(String conn, String clientName, String user, String vhost) implements TraceEvent {
    @Override
    public String kind() {
      return "connection_opened";
    }
  }

  /** A connection closed; {@code initiator} is "client", "server", "fault" or "transport". */
  record ConnectionClosed(String conn, int code, String text, String initiator) implements TraceEvent {
    @Override
    public String kind() {
      return "connection_closed";
    }
  }

  /** A channel opened. */
  record ChannelOpened(String channel) implements TraceEvent {
    @Override
    public String kind() {
      return "channel_opened";
    }
  }

  /** A channel closed, with the AMQP reply code and the failing method; initiator as for connections. */
  record ChannelClosed(String channel, int code, String text, int classId, int methodId, String initiator)
      implements TraceEvent {
    @Override
    public String kind() {
      return "channel_closed";
    }
  }

  /** An exchange was created (a redeclare of an existing exchange is not an event). */
  record ExchangeDeclared(String exchange, String type, boolean durable, boolean autoDelete, boolean internal)
      implements TraceEvent {
    @Override
    public String kind() {
      return "exchange_declared";
    }
  }

  /** An exchange was deleted. */
  record ExchangeDeleted(String exchange) implements TraceEvent {
    @Override
    public String kind() {
      return "exchange_deleted";
    }
  }

  /** A queue was created; {@code ownerConn} is the owning connection of an exclusive queue, else null. */
  record QueueDeclared(String queue, boolean durable, boolean exclusive, boolean autoDelete, String ownerConn)
      implements TraceEvent {
    @Override
    public String kind() {
      return "queue_declared";
    }
  }

  /**
   * A queue was deleted; every copy still in it (ready or unacked) ends with it, whether or not a
   * {@link Discarded} "queue-deleted" preceded, and {@code messagesDiscarded} counts all those copies.
   * Reason: "client", "auto-delete", "exclusive-owner-closed", "expires" or "restart".
   */
  record QueueDeleted(String queue, String reason, int messagesDiscarded) implements TraceEvent {
    @Override
    public String kind() {
      return "queue_deleted";
    }
  }

  /**
   * A queue was purged; every ready copy in it ends, whether or not a {@link Discarded} "purged" preceded,
   * and {@code messagesPurged} counts all those copies.
   */
  record QueuePurged(String queue, int messagesPurged) implements TraceEvent {
    @Override
    public String kind() {
      return "queue_purged";
    }
  }

  /** A binding was added; {@code destinationKind} is "queue" or "exchange". */
  record Bound(String source, String destination, String destinationKind, String routingKey)
      implements TraceEvent {
    @Override
    public String kind() {
      return "bound";
    }
  }

  /** A binding was removed; fields as in {@link Bound}. */
  record Unbound(String source, String destination, String destinationKind, String routingKey)
      implements TraceEvent {
    @Override
    public String kind() {
      return "unbound";
    }
  }

  /**
   * The broker accepted a {@code basic.publish} (after validation and the direct reply-to rewrite, so
   * {@code replyTo} is the generated reply name); correlationId, replyTo and messageId are nullable.
   */
  record Published(
      String msgId,
      String channel,
      String exchange,
      String routingKey,
      boolean mandatory,
      boolean immediate,
      String correlationId,
      String replyTo,
      String messageId,
      int bodySize)
      implements MessageEvent {
    @Override
    public String kind() {
      return "published";
    }
  }

  /**
   * The exchange chose the queues that will each receive a copy. An empty list settles nothing: a
   * {@link Returned} (mandatory or immediate) or a {@link Discarded} "unroutable" must follow.
   */
  record Routed(String msgId, String exchange, String routingKey, List<String> queues) implements MessageEvent {
    public Routed {
      queues = List.copyOf(queues);
    }

    @Override
    public String kind() {
      return "routed";
    }
  }

  /** A copy entered a queue, which now holds {@code depth} ready messages. */
  record Enqueued(String msgId, String queue, int depth) implements MessageEvent {
    @Override
    public String kind() {
      return "enqueued";
    }
  }

  /** A copy was handed to a consumer ({@code consumerTag} null for {@code basic.get}). */
  record Delivered(
      String msgId,
      String queue,
      String channel,
      String consumerTag,
      long deliveryTag,
      boolean redelivered,
      boolean autoAck)
      implements MessageEvent {
    @Override
    public String kind() {
      return "delivered";
    }
  }

  /** The client acknowledged one delivery (a {@code multiple=true} ack is one event per delivery). */
  record Acked(String msgId, String queue, String channel, long deliveryTag) implements MessageEvent {
    @Override
    public String kind() {
      return "acked";
    }
  }

  /**
   * The client rejected one delivery with {@code method} "basic.reject" or "basic.nack"; the queue's decision
   * follows as {@link Requeued}, {@link DeadLettered} or {@link Discarded} "rejected-no-dlx".
   */
  record Rejected(String msgId, String queue, String channel, long deliveryTag, boolean requeue, String method)
      implements MessageEvent {
    @Override
    public String kind() {
      return "rejected";
    }
  }

  /**
   * A copy went back to ready; reason "basic.nack", "basic.reject", "channel-closed", "basic.recover",
   * "consumer-timeout" (its consumer held it past the consumer timeout), ...
   */
  record Requeued(String msgId, String queue, String reason) implements MessageEvent {
    @Override
    public String kind() {
      return "requeued";
    }
  }

  /** The message came back to its publisher as {@code basic.return} (312 NO_ROUTE or 313 NO_CONSUMERS). */
  record Returned(String msgId, String channel, int code, String text) implements MessageEvent {
    @Override
    public String kind() {
      return "returned";
    }
  }

  /** A copy's TTL passed and it was dropped because its queue has no dead-letter exchange (terminal). */
  record Expired(String msgId, String queue) implements MessageEvent {
    @Override
    public String kind() {
      return "expired";
    }
  }

  /**
   * A copy left its queue as a dead letter (reason "rejected", "expired", "maxlen" or "delivery_limit") and
   * became the new message {@code newMsgId}, published to {@code deadLetterExchange}.
   */
  record DeadLettered(String msgId, String queue, String reason, String newMsgId, String deadLetterExchange)
      implements MessageEvent {
    @Override
    public String kind() {
      return "dead_lettered";
    }
  }

  /**
   * A copy ({@code queue} set) or a message that reached no queue ({@code queue} null) was dropped, for good;
   * {@code cause} is one of the {@code CAUSE_*} constants and {@code detail} says more in words (for
   * "fault" it is the rule name).
   */
  record Discarded(String msgId, String queue, String cause, String detail) implements MessageEvent {
    /** No queue took it (queue null): a non-mandatory publish, or a dead letter, that Routed to nothing. */
    public static final String CAUSE_UNROUTABLE = "unroutable";
    /** A fault rule dropped it; detail is the rule name. */
    public static final String CAUSE_FAULT = "fault";
    /** Rejected or nacked with requeue=false by a queue without a dead-letter exchange. */
    public static final String CAUSE_REJECTED_NO_DLX = "rejected-no-dlx";
    /** A length limit dropped it (drop-head or reject-publish; detail says which). */
    public static final String CAUSE_OVERFLOW = "overflow";
    /** {@code queue.purge} removed it (optional per copy: {@link QueuePurged} settles what is left). */
    public static final String CAUSE_PURGED = "purged";
    /** Its queue was deleted (optional per copy: {@link QueueDeleted} settles what is left). */
    public static final String CAUSE_QUEUE_DELETED = "queue-deleted";
    /** A no-ack delivery or basic.get answer reached a channel that had already closed. */
    public static final String CAUSE_CONSUMER_GONE = "consumer-gone";
    /** Published in a transaction that was rolled back (or never committed). */
    public static final String CAUSE_ROLLED_BACK = "rolled-back";
    /**
     * It passed its queue's delivery limit ({@code x-delivery-limit}) and the queue has no dead-letter exchange;
     * detail says how often it was delivered.
     */
    public static final String CAUSE_DELIVERY_LIMIT = "delivery-limit";

    @Override
    public String kind() {
      return "discarded";
    }
  }

  /**
   * A copy its queue must dead-letter at least once ({@code x-dead-letter-strategy = at-least-once}, reason as in
   * {@link DeadLettered}) could not be routed yet: the queue keeps it, out of reach of consumers, and tries again
   * later; a {@link DeadLettered} follows when it could be routed. {@code detail} says why it could not.
   */
  record DeadLetterHeld(String msgId, String queue, String reason, String detail) implements MessageEvent {
    @Override
    public String kind() {
      return "dead_letter_held";
    }
  }

  /** A consumer started on a queue (or on the direct reply-to pseudo-queue). */
  record ConsumerAdded(String queue, String channel, String consumerTag, boolean noAck, int prefetch)
      implements TraceEvent {
    @Override
    public String kind() {
      return "consumer_added";
    }
  }

  /** A consumer stopped; {@code initiator} is "client", "server" or "fault". */
  record ConsumerCancelled(String queue, String channel, String consumerTag, String initiator)
      implements TraceEvent {
    @Override
    public String kind() {
      return "consumer_cancelled";
    }
  }

  /** The reply-to registry resolved a direct reply to its requester's channel. */
  record ReplyRouted(String msgId, String replyName, String requesterChannel) implements MessageEvent {
    @Override
    public String kind() {
      return "reply_routed";
    }
  }

  /** A direct reply was dropped because its requester is gone (reason: one of the {@code REASON_*}). */
  record ReplyDropped(String msgId, String replyName, String reason) implements MessageEvent {
    /** The requester's channel (or connection) closed. */
    public static final String REASON_CHANNEL_CLOSED = "requester-channel-closed";
    /** The requester cancelled its reply consumer, so the name died. */
    public static final String REASON_CONSUMER_CANCELLED = "reply-consumer-cancelled";
    /** The name was never issued or cannot be decoded. */
    public static final String REASON_UNKNOWN_NAME = "unknown-reply-name";

    @Override
    public String kind() {
      return "reply_dropped";
    }
  }

  /**
   * A fault rule fired: {@code action} (drop, delay, duplicate, close-channel, ...) on {@code target} (a
   * channel id, connection name, queue name or "broker"); {@code msgId} is the message it hit, if any, and
   * {@code newMsgId} the copy a "duplicate" action created, else null.
   */
  record FaultInjected(String rule, String action, String target, String msgId, String newMsgId)
      implements TraceEvent {
    /** The action that creates {@code newMsgId}. */
    public static final String ACTION_DUPLICATE = "duplicate";

    @Override
    public String kind() {
      return "fault_injected";
    }
  }

  /** A publisher confirm ({@code ack=false} for a nack) went to the publishing channel. */
  record ConfirmSent(String channel, long deliveryTag, boolean multiple, boolean ack) implements TraceEvent {
    @Override
    public String kind() {
      return "confirm_sent";
    }
  }
}
