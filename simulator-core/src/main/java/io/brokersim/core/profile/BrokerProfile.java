package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * The behaviours where LavinMQ, RabbitMQ 3.x and RabbitMQ 4.x differ, as one immutable object per
 * profile. Every rule cites docs/semantics.md. Error texts are built here so that a broker
 * rule asks the profile for its words instead of hard-coding one broker's wording.
 *
 * <p>{@code rabbitmq-4} models the newest 4.x line the reference covers (4.3): global qos ignored,
 * transient non-exclusive queues refused, frame_max minimum 8192.
 */
public final class BrokerProfile {

  /** The broker family a profile belongs to. */
  public enum Family { LAVINMQ, RABBITMQ }

  /** How {@code basic.publish(immediate=true)} is treated (§3.2). */
  public enum ImmediateHandling { CONNECTION_ERROR_540, RETURN_313 }

  /** How {@code basic.qos(global=true)} is treated (§4.5). */
  public enum GlobalQos { SHARED_PER_CHANNEL, TREATED_AS_PER_CONSUMER }

  /** Where the "most recently declared queue" shortcut is remembered (§2.1). */
  public enum LastQueueScope { CHANNEL, CONNECTION }

  public static final BrokerProfile LAVINMQ = new BrokerProfile("lavinmq", Family.LAVINMQ, 0);
  public static final BrokerProfile RABBITMQ_3 = new BrokerProfile("rabbitmq-3", Family.RABBITMQ, 3);
  public static final BrokerProfile RABBITMQ_4 = new BrokerProfile("rabbitmq-4", Family.RABBITMQ, 4);

  /** All profiles, default first. */
  public static final List<BrokerProfile> ALL = List.of(LAVINMQ, RABBITMQ_3, RABBITMQ_4);

  private final String name;
  private final Family family;
  private final int rabbitMajor;

  private BrokerProfile(String name, Family family, int rabbitMajor) {
    this.name = name;
    this.family = family;
    this.rabbitMajor = rabbitMajor;
  }

  /** The default profile: LavinMQ, the broker the project's source documents describe. */
  public static BrokerProfile defaultProfile() {
    return LAVINMQ;
  }

  /** Looks a profile up by its name ({@code lavinmq}, {@code rabbitmq-3}, {@code rabbitmq-4}). */
  public static Optional<BrokerProfile> byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return ALL.stream().filter(p -> p.name.equals(n)).findFirst();
  }

  public String name() {
    return name;
  }

  public Family family() {
    return family;
  }

  public boolean isLavinMq() {
    return family == Family.LAVINMQ;
  }

  public boolean isRabbitMq() {
    return family == Family.RABBITMQ;
  }

  /** The RabbitMQ major version the profile models (3 or 4); 0 for LavinMQ. */
  public int rabbitMajor() {
    return rabbitMajor;
  }

  // ---- publishing (§3) ----

  public ImmediateHandling immediateHandling() {
    return isLavinMq() ? ImmediateHandling.RETURN_313 : ImmediateHandling.CONNECTION_ERROR_540;
  }

  // ---- consumers and prefetch (§4) ----

  public GlobalQos globalQos() {
    return rabbitMajor >= 4 ? GlobalQos.TREATED_AS_PER_CONSUMER : GlobalQos.SHARED_PER_CHANNEL;
  }

  /**
   * With a shared (global) channel limit reached, every delivery on the channel waits, no-ack ones included:
   * RabbitMQ 3.x's limiter answers {@code can_send} from the limit alone, and LavinMQ's consumer delivery loop
   * waits for the channel's global capacity before it looks at the consumer's own ack mode ({@code
   * consumer.cr} {@code wait_for_global_capacity}). No-ack deliveries never count toward the limit.
   */
  public boolean globalQosBlocksNoAck() {
    return globalQos() == GlobalQos.SHARED_PER_CHANNEL;
  }

  /** Prefetch of a consumer created on a channel that never sent {@code basic.qos}; 0 = unlimited. */
  public int defaultConsumerPrefetch() {
    return isLavinMq() ? 65535 : 0;
  }

  /** LavinMQ applies {@code basic.qos(global=false)} to existing consumers too; RabbitMQ only to later ones. */
  public boolean qosUpdatesExistingConsumers() {
    return isLavinMq();
  }

  /** {@code prefetch_size != 0}: RabbitMQ closes the connection with 540, LavinMQ only the channel. */
  public AmqpError prefetchSizeError(long prefetchSize) {
    if (isLavinMq()) {
      return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.BASIC_QOS, "prefetch_size not supported")
          .channelScoped();
    }
    return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.BASIC_QOS, "prefetch_size!=0 (" + prefetchSize + ")");
  }

  /** RabbitMQ sends a server cancel only to clients that advertised {@code consumer_cancel_notify}. */
  public boolean cancelNotifyNeedsCapability() {
    return isRabbitMq();
  }

  /** {@code basic.recover(requeue=false)}: RabbitMQ 540 connection error; LavinMQ redelivers to the consumer. */
  public boolean recoverWithoutRequeueSupported() {
    return isLavinMq();
  }

  public LastQueueScope lastQueueScope() {
    return isLavinMq() ? LastQueueScope.CONNECTION : LastQueueScope.CHANNEL;
  }

  /** RabbitMQ 4.3 refuses transient non-exclusive queues with a connection-level 541 (§2.4). */
  public boolean refusesTransientNonExclusiveQueues() {
    return rabbitMajor >= 4;
  }

  /** RabbitMQ never makes exclusive queues durable (§2.2). */
  public boolean exclusiveQueuesAreTransient() {
    return isRabbitMq();
  }

  /** Length in random bytes of server-generated queue names after {@code amq.gen-} (§2.1). */
  public int generatedQueueNameBytes() {
    return isLavinMq() ? 24 : 16;
  }

  /** Length in random bytes of server-generated consumer tags after {@code amq.ctag-} (§1.2). */
  public int generatedConsumerTagBytes() {
    return isLavinMq() ? 24 : 16;
  }

  // ---- direct reply-to (§1) ----

  /** RabbitMQ's pseudo-queue name, accepted by every profile. */
  public static final String RABBITMQ_REPLY_TO = "amq.rabbitmq.reply-to";

  /** LavinMQ's alias (an ordinary name under the RabbitMQ profiles). */
  public static final String LAVINMQ_REPLY_TO = "amq.direct.reply-to";

  /** True for the exact pseudo-queue names this profile treats as direct reply-to (§1.1). */
  public boolean isReplyPseudoName(String name) {
    return RABBITMQ_REPLY_TO.equals(name) || (isLavinMq() && LAVINMQ_REPLY_TO.equals(name));
  }

  /** Prefix of generated reply names: every requester gets {@code prefix + suffix} (§1.3). */
  public String replyNamePrefix() {
    return isLavinMq() ? LAVINMQ_REPLY_TO + "." : RABBITMQ_REPLY_TO + ".";
  }

  /** True for a name with this profile's generated-reply-name prefix (live or not). */
  public boolean isReplyName(String name) {
    return name != null && name.startsWith(replyNamePrefix()) && name.length() > replyNamePrefix().length();
  }

  /**
   * Delivery tags of direct replies (§1.5): RabbitMQ 4.2+ takes the channel's next tag; up to 4.1 it
   * uses the next tag without consuming it; LavinMQ always sends 1.
   */
  public enum ReplyDeliveryTag { NEXT, NEXT_WITHOUT_INCREMENT, ALWAYS_ONE }

  public ReplyDeliveryTag replyDeliveryTag() {
    if (isLavinMq()) {
      return ReplyDeliveryTag.ALWAYS_ONE;
    }
    return rabbitMajor >= 4 ? ReplyDeliveryTag.NEXT : ReplyDeliveryTag.NEXT_WITHOUT_INCREMENT;
  }

  /** §1.6: RabbitMQ ≤ 4.1 returns a mandatory reply with 312 even when it was delivered. */
  public boolean returnsMandatoryReplyWhenDelivered() {
    return isRabbitMq() && rabbitMajor < 4;
  }

  /** §1.6: a mandatory reply to a requester that is gone is returned (not by RabbitMQ 4.2+). */
  public boolean returnsMandatoryReplyWhenRequesterGone() {
    return !(isRabbitMq() && rabbitMajor >= 4);
  }

  /** LavinMQ intercepts reply routing keys on any exchange; RabbitMQ only on the default exchange (§1.4). */
  public boolean interceptsRepliesOnAnyExchange() {
    return isLavinMq();
  }

  /** RabbitMQ allows one reply consumer per channel; LavinMQ replaces it (§1.2). */
  public boolean allowsSecondReplyConsumer() {
    return isLavinMq();
  }

  /** 406 for a reply consumer that is not no-ack (§1.2). */
  public AmqpError replyConsumerMustBeNoAck() {
    String text = isRabbitMq() ? "reply consumer cannot acknowledge" : "Direct replys must be consumed in no-ack mode";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, text);
  }

  /** RabbitMQ's 406 for a second reply consumer on one channel (§1.2). */
  public AmqpError replyConsumerAlreadySet() {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, "reply consumer already set");
  }

  /**
   * 406 for a publish whose reply_to is a pseudo name on a channel without a reply consumer (§1.3);
   * LavinMQ raises it from the content header, so its close names method 0,0.
   */
  public AmqpError replyConsumerMissing() {
    if (isRabbitMq()) {
      return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_PUBLISH, "fast reply consumer does not exist");
    }
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.NONE, "Direct reply consumer does not exist");
  }

  /** §1.3 check order: RabbitMQ checks reply-to before expiration, LavinMQ after. */
  public boolean checksReplyToBeforeExpiration() {
    return isRabbitMq();
  }

  /** consumer_count in the declare-ok for the exact pseudo name (§1.7): RabbitMQ 1, LavinMQ 0. */
  public int pseudoNameDeclareConsumerCount() {
    return isRabbitMq() ? 1 : 0;
  }

  /** 404 for a liveness probe of a reply name whose requester is gone (§1.7). */
  public AmqpError replyNameNotFound(String name, String vhost) {
    String text = isRabbitMq()
        ? "no queue '" + name + "' in vhost '" + vhost + "'"
        : "Queue '" + name + "' doesn't exists";
    return AmqpError.of(ReplyCode.NOT_FOUND, MethodRef.QUEUE_DECLARE, text);
  }

  /** RabbitMQ 4.2.6+/4.3 refuse bindings to reply names with 403; other profiles answer 404 (§1.4, §1.9). */
  public Optional<AmqpError> bindToReplyNameError(MethodRef method) {
    if (isRabbitMq() && rabbitMajor >= 4) {
      return Optional.of(AmqpError.of(ReplyCode.ACCESS_REFUSED, method,
          "cannot bind or unbind to a volatile (direct reply-to) queue"));
    }
    return Optional.empty();
  }

  /** RabbitMQ 4.2+: {@code basic.get} on a reply name is a 540 connection error (§1.9). */
  public Optional<AmqpError> getOnReplyNameError(String name, String vhost) {
    if (isRabbitMq() && rabbitMajor >= 4) {
      return Optional.of(AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.BASIC_GET,
          "basic.get not supported by volatile queue '" + name + "' in vhost '" + vhost + "'"));
    }
    return Optional.empty();
  }

  /** RabbitMQ 4.2+: {@code basic.consume} on a reply name is a 406 (§1.9); others answer 404. */
  public Optional<AmqpError> consumeOnReplyNameError(String name, String vhost, boolean ownName) {
    if (isRabbitMq() && rabbitMajor >= 4) {
      String text = ownName
          ? "multiple consumers are unsupported for volatile queue '" + name + "' in vhost '" + vhost + "'"
          : "only creator channel may consume from queue '" + name + "' in vhost '" + vhost + "'";
      return Optional.of(AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, text));
    }
    return Optional.empty();
  }

  // ---- handshake (§6) ----

  /** Minimum {@code frame_max} a client may negotiate. */
  public int frameMaxMinimum() {
    return rabbitMajor >= 4 ? 8192 : 4096;
  }

  public int serverChannelMax() {
    return isLavinMq() ? 2048 : 2047;
  }

  public int serverHeartbeatSeconds() {
    return isLavinMq() ? 300 : 60;
  }

  // ---- reply texts ----

  public AmqpError queueNotFound(MethodRef method, String queue, String vhost) {
    String text;
    if (isRabbitMq()) {
      text = "no queue '" + queue + "' in vhost '" + vhost + "'";
    } else {
      text = switch (method) {
        case QUEUE_DECLARE -> "Queue '" + queue + "' doesn't exists";
        case BASIC_CONSUME -> "Queue '" + queue + "' not declared";
        case BASIC_GET -> "No queue '" + queue + "' in vhost '" + vhost + "'";
        default -> "Queue '" + queue + "' not found";
      };
    }
    return AmqpError.of(ReplyCode.NOT_FOUND, method, text);
  }

  public AmqpError exchangeNotFound(MethodRef method, String exchange, String vhost) {
    String text;
    if (isRabbitMq()) {
      text = "no exchange '" + exchange + "' in vhost '" + vhost + "'";
    } else {
      text = switch (method) {
        case BASIC_PUBLISH -> "No exchange '" + exchange + "' in vhost '" + vhost + "'";
        case QUEUE_BIND, QUEUE_UNBIND -> "Exchange '" + exchange + "' not found";
        default -> "Exchange '" + exchange + "' doesn't exists";
      };
    }
    return AmqpError.of(ReplyCode.NOT_FOUND, method, text);
  }

  public AmqpError noPreviouslyDeclaredQueue(MethodRef method) {
    return AmqpError.of(ReplyCode.NOT_FOUND, method, "no previously declared queue");
  }

  /** 405 for using another connection's exclusive queue (§2.2). */
  public AmqpError exclusiveLocked(MethodRef method, String queue, String vhost) {
    if (isRabbitMq()) {
      return AmqpError.of(ReplyCode.RESOURCE_LOCKED, method, "cannot obtain exclusive access to locked queue '"
          + queue + "' in vhost '" + vhost + "'. It could be originally declared on another connection or the"
          + " exclusive property value does not match that of the original declaration.");
    }
    String text = (method == MethodRef.QUEUE_PURGE || method == MethodRef.QUEUE_DELETE)
        ? "Queue '" + queue + "' is exclusive"
        : "Exclusive queue";
    return AmqpError.of(ReplyCode.RESOURCE_LOCKED, method, text);
  }

  /** 405 for redeclaring a non-exclusive queue as exclusive (LavinMQ wording differs). */
  public AmqpError notAnExclusiveQueue(String queue, String vhost) {
    if (isRabbitMq()) {
      return exclusiveLocked(MethodRef.QUEUE_DECLARE, queue, vhost);
    }
    return AmqpError.of(ReplyCode.RESOURCE_LOCKED, MethodRef.QUEUE_DECLARE, "Not an exclusive queue");
  }

  /** 406 for an inequivalent redeclare of a queue. */
  public AmqpError inequivalentQueue(String queue, String vhost, String arg, String received, String current) {
    String text = isRabbitMq()
        ? "inequivalent arg '" + arg + "' for queue '" + queue + "' in vhost '" + vhost + "': received "
            + received + " but current is " + current
        : "Existing queue '" + queue + "' declared with other arguments";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE, text);
  }

  /** 406 for an inequivalent redeclare of an exchange. */
  public AmqpError inequivalentExchange(String exchange, String vhost, String arg, String received, String current) {
    String text = isRabbitMq()
        ? "inequivalent arg '" + arg + "' for exchange '" + exchange + "' in vhost '" + vhost + "': received "
            + received + " but current is " + current
        : "Existing exchange '" + exchange + "' declared with other arguments";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.EXCHANGE_DECLARE, text);
  }

  public AmqpError queueInUse(String queue, String vhost) {
    String text = isRabbitMq() ? "queue '" + queue + "' in vhost '" + vhost + "' in use" : "Queue '" + queue + "' in use";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DELETE, text);
  }

  public AmqpError queueNotEmpty(String queue, String vhost) {
    String text = isRabbitMq()
        ? "queue '" + queue + "' in vhost '" + vhost + "' is not empty"
        : "Queue '" + queue + "' is not empty";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DELETE, text);
  }

  public AmqpError exchangeInUse(String exchange, String vhost) {
    String text = isRabbitMq()
        ? "exchange '" + exchange + "' in vhost '" + vhost + "' in use"
        : "Exchange '" + exchange + "' in use";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.EXCHANGE_DELETE, text);
  }

  /** 403 for an exclusive consumer conflict. */
  public AmqpError exclusiveConsumerConflict(String queue, String vhost) {
    String text = isRabbitMq()
        ? "queue '" + queue + "' in vhost '" + vhost + "' in exclusive use"
        : "Queue '" + queue + "' in vhost '" + vhost + "' in exclusive use";
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, MethodRef.BASIC_CONSUME, text);
  }

  /** 403 for any operation on the default exchange other than publish (§3.4). */
  public AmqpError defaultExchangeRefused(MethodRef method) {
    if (isRabbitMq()) {
      return AmqpError.of(ReplyCode.ACCESS_REFUSED, method, "operation not permitted on the default exchange");
    }
    String text = switch (method) {
      case EXCHANGE_DECLARE -> "Not allowed to declare the default exchange";
      case EXCHANGE_DELETE -> "Not allowed to delete the default exchange";
      case EXCHANGE_BIND -> "Not allowed to bind to the default exchange";
      case EXCHANGE_UNBIND -> "Not allowed to unbind from the default exchange";
      default -> "Access refused to ";
    };
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, method, text);
  }

  /** 403 for creating a queue or exchange whose name starts with {@code amq.} (§3.4). */
  public AmqpError reservedPrefix(MethodRef method, String kind, String name) {
    String text = isRabbitMq()
        ? kind + " name '" + name + "' contains reserved prefix 'amq.*'"
        : "Prefix [\"mqtt.\", \"amq.\"] forbidden, please choose another name";
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, method, text);
  }

  /** 403 for deleting a predeclared {@code amq.*} exchange. */
  public AmqpError systemExchangeDelete(String exchange, String vhost) {
    String text = isRabbitMq()
        ? "deletion of system exchange '" + exchange + "' in vhost '" + vhost + "' not allowed"
        : "Prefix [\"mqtt.\", \"amq.\"] forbidden, please choose another name";
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, MethodRef.EXCHANGE_DELETE, text);
  }

  /** 403 for publishing to an internal exchange (§3.3). */
  public AmqpError internalExchangePublish(String exchange, String vhost) {
    String text = isRabbitMq()
        ? "cannot publish to internal exchange '" + exchange + "' in vhost '" + vhost + "'"
        : "Exchange '" + exchange + "' in vhost '" + vhost + "' is internal";
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, MethodRef.BASIC_PUBLISH, text);
  }

  /** 406 for an invalid queue or exchange name. */
  public AmqpError invalidName(MethodRef method, String kind) {
    String text = isRabbitMq() ? kind + " name is invalid" : capitalize(kind) + " name isn't valid";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, method, text);
  }

  /** 406 for acking an unknown or already settled delivery tag (§4.4). */
  public AmqpError unknownDeliveryTag(MethodRef method, long tag) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, method, "unknown delivery tag " + tag);
  }

  /** RabbitMQ's 540 for immediate=true (§3.2). */
  public AmqpError immediateNotImplemented() {
    return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.BASIC_PUBLISH, "immediate=true");
  }

  /** RabbitMQ's 540 for basic.recover(requeue=false) (§4.4). */
  public AmqpError recoverRequeueFalseNotImplemented(MethodRef method) {
    return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, method, "requeue=false");
  }

  /**
   * A {@code CC} or {@code BCC} header that is not an array (§3.8): RabbitMQ refuses the message while
   * building it ({@code rabbit_basic:header_routes}), as a 406 channel error.
   */
  public AmqpError invalidRoutingHeader(String header, Object value) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_PUBLISH, isLavinMq()
        ? header + " header not a string array"
        : "invalid message: {unacceptable_type_in_header,\"" + header + "\"," + QueueArguments.typeName(value) + "}");
  }

  /**
   * LavinMQ refuses a {@code CC}/{@code BCC} array holding anything but strings; RabbitMQ skips such entries
   * (§3.8).
   */
  public boolean routingHeaderArraysMustHoldStrings() {
    return isLavinMq();
  }

  /**
   * A {@code user_id} property that is not the connection's user (§2.5): RabbitMQ refuses the publish
   * ({@code check_user_id_header}); LavinMQ too.
   */
  public AmqpError userIdMismatch(String userId, String user) {
    String text = isRabbitMq()
        ? "user_id property set to '" + userId + "' but authenticated user was '" + user + "'"
        : "Message's user_id property '" + userId + "' doesn't match actual user '" + user + "'";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_PUBLISH, text);
  }

  /**
   * The alternate exchange an exchange declared with these arguments uses (§3.10): RabbitMQ reads
   * {@code alternate-exchange}; LavinMQ also {@code x-alternate-exchange}, and takes any value as text.
   */
  public String alternateExchange(ExchangeSpec spec) {
    if (!isLavinMq()) {
      return spec.alternateExchange();
    }
    Map<String, Object> args = spec.arguments();
    Object v = args.containsKey(ExchangeSpec.ALTERNATE_EXCHANGE) ? args.get(ExchangeSpec.ALTERNATE_EXCHANGE)
        : args.get(ExchangeSpec.X_ALTERNATE_EXCHANGE);
    return v == null ? null : v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
        : v.toString();
  }

  // ---- transactions (§3.9) ----

  /** {@code tx.commit} / {@code tx.rollback} on a channel that never sent {@code tx.select}: a channel error. */
  public AmqpError notTransactional(MethodRef method) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, method,
        isLavinMq() ? "Not in transaction mode" : "channel is not transactional");
  }

  /** {@code confirm.select} on a transactional channel, or {@code tx.select} on a confirm channel. */
  public AmqpError txConfirmConflict(boolean toConfirm) {
    if (isLavinMq()) {
      return toConfirm
          ? AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.CONFIRM_SELECT, "Channel already in transactional mode")
          : AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.TX_SELECT, "Channel already in confirm mode");
    }
    return toConfirm
        ? AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.CONFIRM_SELECT, "cannot switch from tx to confirm mode")
        : AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.TX_SELECT, "cannot switch from confirm to tx mode");
  }

  /**
   * LavinMQ delivers a direct reply at once even inside a transaction (its reply path skips the publish
   * buffering, §1.4); RabbitMQ holds it until {@code tx.commit} like any publish.
   */
  public boolean directRepliesBypassTransactions() {
    return isLavinMq();
  }

  /**
   * LavinMQ buffers a transactional publish unrouted and routes it at {@code tx.commit} (a queue deleted or a
   * binding removed in between changes where it goes, and a mandatory one may come back then); RabbitMQ 3.13
   * and 4.x route at publish time and only hand the message to its queues at commit (§3.9).
   */
  public boolean transactionsRouteAtCommit() {
    return isLavinMq();
  }

  /**
   * At {@code tx.commit} LavinMQ applies the held acks, nacks and rejects before it routes the held
   * publishes; RabbitMQ delivers the publishes first (§3.9).
   */
  public boolean commitSettlesBeforePublishes() {
    return isLavinMq();
  }

  /** RabbitMQ 4.3's 541 for a transient non-exclusive queue (§2.4). */
  public AmqpError transientNonExclusiveRefused() {
    return AmqpError.of(ReplyCode.INTERNAL_ERROR, MethodRef.QUEUE_DECLARE,
        "Feature `transient_nonexcl_queues` is deprecated.\n"
            + "By default, this feature is not permitted anymore.\n"
            + "The feature will be removed from a future major RabbitMQ version, regardless of the configuration; "
            + "actual version to be determined.\n"
            + "To continue using this feature when it is not permitted by default, set the following parameter in "
            + "your configuration:\n"
            + "    \"deprecated_features.permit.transient_nonexcl_queues = true\"");
  }

  /** 530 for reusing a consumer tag on one channel (RabbitMQ only; LavinMQ does not check). */
  public Optional<AmqpError> consumerTagReuse(String tag) {
    if (isLavinMq()) {
      return Optional.empty();
    }
    return Optional.of(AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.BASIC_CONSUME,
        "attempt to reuse consumer tag '" + tag + "'"));
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  @Override
  public String toString() {
    return name;
  }
}
