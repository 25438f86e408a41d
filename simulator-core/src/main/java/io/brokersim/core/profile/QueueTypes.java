package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.DeliveryHeaders;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueFeatures;
import io.brokersim.core.model.QueueLimits;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.QueueType;
import io.brokersim.core.model.ReplyCode;
import java.util.Map;

/**
 * Queue types per profile (semantics §9, §11, §12): which type a declaration asks for, the checks a new queue
 * passes in the broker's order, and how the queue then behaves ({@link QueueFeatures}, {@link QueueLimits}).
 *
 * <p>RabbitMQ has classic and quorum queues (and streams, which brokersim does not simulate). LavinMQ has no
 * quorum queues: it logs that the type is not supported and declares a classic queue, whose delivery limit,
 * single active consumer and consumer timeout are its own.
 */
public final class QueueTypes {
  private QueueTypes() {}

  /** RabbitMQ 4.x quorum queues' delivery limit when none is set ({@code ?DEFAULT_DELIVERY_LIMIT}). */
  public static final long RABBITMQ_4_DEFAULT_DELIVERY_LIMIT = 20;

  /**
   * How long a quorum queue waits before it tries to route its held at-least-once dead letters again (RabbitMQ's
   * {@code dead_letter_worker_publisher_confirm_timeout}, §9.5).
   */
  public static final long AT_LEAST_ONCE_RETRY_MILLIS = 180_000;

  /** RabbitMQ 4.3 quorum queues' priority levels (0..31) and the level of a message without priority. */
  public static final int QUORUM_MAX_PRIORITY = 31;
  public static final int QUORUM_DEFAULT_PRIORITY = 4;

  /** The type a declaration with {@code args} creates under {@code profile} (validated already). */
  public static QueueType typeOf(BrokerProfile profile, Map<String, Object> args) {
    return profile.isRabbitMq() && "quorum".equals(FieldTables.stringValue(args, "x-queue-type"))
        ? QueueType.QUORUM : QueueType.CLASSIC;
  }

  /**
   * The first error of a {@code queue.declare} that creates a queue, in the broker's order (RabbitMQ:
   * {@code rabbit_channel} then {@code rabbit_amqqueue:declare/7} then the queue type's {@code declare/2}), or
   * null. {@code name} is empty for a server-named queue; {@code durable} is the flag as the client sent it.
   */
  public static AmqpError declareError(BrokerProfile profile, String vhost, String name, boolean durable,
      boolean exclusive, boolean autoDelete, Map<String, Object> args) {
    if ("stream".equals(FieldTables.stringValue(args, "x-queue-type"))) {
      return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.QUEUE_DECLARE,
          "stream queues (x-queue-type 'stream') are not simulated by brokersim");
    }
    if (profile.isLavinMq()) {
      return QueueArguments.validateDeclare(profile, QueueType.CLASSIC, name, vhost, args);
    }
    AmqpError channelError = QueueArguments.deadLetterExchangeTypeError(name, vhost, args);
    if (channelError != null) {
      return channelError;
    }
    AmqpError typeError = QueueArguments.queueTypeError(profile, name, vhost, args);
    if (typeError != null) {
      return typeError;
    }
    QueueType type = typeOf(profile, args);
    if (name.isEmpty() && type == QueueType.QUORUM) {
      return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE,
          "Cannot declare a server-named queue for type " + type.rabbitModule());
    }
    AmqpError argError = QueueArguments.validateDeclare(profile, type, name, vhost, args);
    if (argError != null) {
      return argError;
    }
    Object retry = args == null ? null : args.get("x-delayed-retry-type");
    if (type == QueueType.QUORUM && retry != null && !"disabled".equals(retry)) {
      return AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.QUEUE_DECLARE,
          "delayed retry (x-delayed-retry-type '" + retry + "') is not simulated by brokersim");
    }
    if (profile.refusesTransientNonExclusiveQueues() && !durable && !exclusive) {
      return profile.transientNonExclusiveRefused();
    }
    if (type == QueueType.QUORUM) {
      // rabbit_queue_type_util: check_auto_delete, check_exclusive, check_non_durable, in this order; an
      // exclusive queue is never durable on RabbitMQ.
      String property = autoDelete ? "auto-delete" : exclusive ? "exclusive-owner" : !durable ? "non-durable" : null;
      if (property != null) {
        return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE,
            "invalid property '" + property + "' for queue '" + name + "' in vhost '" + vhost + "'");
      }
    }
    return null;
  }

  /** How a queue declared as {@code spec} behaves under {@code profile}. */
  public static QueueFeatures features(BrokerProfile profile, QueueSpec spec, ConsumerTimeouts.Settings timeouts) {
    Map<String, Object> args = spec.arguments();
    boolean sac = Boolean.TRUE.equals(args.get("x-single-active-consumer"));
    Long maxPriority = QueueArguments.integerArg(args, "x-max-priority");
    int levels = maxPriority == null ? 0 : (int) Math.max(0, Math.min(255, maxPriority));
    if (profile.isLavinMq()) {
      Long limit = QueueArguments.integerArg(args, "x-delivery-limit");
      boolean limited = limit != null;
      return new QueueFeatures(QueueType.CLASSIC, levels, 0, QueueFeatures.Requeue.ORIGINAL_POSITION,
          sac ? QueueFeatures.SingleActive.FIRST_ATTACHED : QueueFeatures.SingleActive.NONE,
          limited ? QueueFeatures.Counting.EVERY_RETURN : QueueFeatures.Counting.NONE,
          limited ? DeliveryHeaders.DELIVERY_COUNT_INT : DeliveryHeaders.NONE, limited ? limit : -1, false, false,
          -1, true, true, true, false);
    }
    QueueType type = typeOf(profile, args);
    if (type == QueueType.CLASSIC) {
      return new QueueFeatures(QueueType.CLASSIC, levels, 0, QueueFeatures.Requeue.ORIGINAL_POSITION,
          sac ? QueueFeatures.SingleActive.HIGHEST_PRIORITY : QueueFeatures.SingleActive.NONE,
          QueueFeatures.Counting.NONE, DeliveryHeaders.NONE, -1, false, false, -1, true, true, true, false);
    }
    QueueLimits limits = limits(profile, spec);
    boolean atLeastOnce = "at-least-once".equals(FieldTables.stringValue(args, "x-dead-letter-strategy"))
        && limits.deadLetters() && limits.overflow() == QueueLimits.Overflow.REJECT_PUBLISH;
    boolean four = profile.rabbitMajor() >= 4;
    return new QueueFeatures(QueueType.QUORUM, four ? QUORUM_MAX_PRIORITY : 0, four ? QUORUM_DEFAULT_PRIORITY : 0,
        QueueFeatures.Requeue.RETURNS_FIRST,
        !sac ? QueueFeatures.SingleActive.NONE
            : four ? QueueFeatures.SingleActive.PRIORITY_TAKEOVER : QueueFeatures.SingleActive.FIRST_ATTACHED,
        four ? QueueFeatures.Counting.FAILED_RETURNS : QueueFeatures.Counting.EVERY_RETURN,
        four ? DeliveryHeaders.DELIVERY_AND_ACQUIRED_COUNT_LONG : DeliveryHeaders.DELIVERY_COUNT_LONG,
        quorumDeliveryLimit(profile, args), limits.overflow() == QueueLimits.Overflow.REJECT_PUBLISH, atLeastOnce,
        ConsumerTimeouts.evaluation(profile, type) == ConsumerTimeouts.Evaluation.QUEUE
            ? ConsumerTimeouts.queueTimeoutMillis(profile, args, null, timeouts) : -1,
        false, false, false, four);
  }

  /**
   * A quorum queue's delivery limit (§9.4). RabbitMQ 3.13: {@code x-delivery-limit} if an integer, else none; a
   * negative one drops a message at its first return, like 0. RabbitMQ 4.x: 20 unless set; a negative value turns
   * the limit off; a value that is not an integer leaves the default.
   */
  static long quorumDeliveryLimit(BrokerProfile profile, Map<String, Object> args) {
    Long limit = QueueArguments.integerArg(args, "x-delivery-limit");
    if (profile.rabbitMajor() >= 4) {
      return limit == null ? RABBITMQ_4_DEFAULT_DELIVERY_LIMIT : limit < 0 ? -1 : limit;
    }
    return limit == null ? -1 : Math.max(0, limit);
  }

  /**
   * The limits of a queue declared as {@code spec}, with {@code x-overflow} as its type reads it (§9.6): LavinMQ
   * knows only {@code reject-publish} (anything else drops the head); a quorum queue treats
   * {@code reject-publish-dlx} as {@code drop-head}.
   */
  public static QueueLimits limits(BrokerProfile profile, QueueSpec spec) {
    QueueLimits limits = QueueLimits.of(spec.arguments());
    boolean rejectOnly = profile.isLavinMq() || typeOf(profile, spec.arguments()) == QueueType.QUORUM;
    return rejectOnly && limits.overflow() == QueueLimits.Overflow.REJECT_PUBLISH_DLX
        ? limits.withOverflow(QueueLimits.Overflow.DROP_HEAD) : limits;
  }

  /**
   * The error for {@code basic.consume} on a queue, or null: the consume arguments (§4.6, §10.1), then RabbitMQ
   * 3.13's refusal of a quorum queue consumer on a channel with a shared (global) prefetch limit, a 540.
   */
  public static AmqpError consumeError(BrokerProfile profile, QueueType type, String queue, String vhost,
      Map<String, Object> args, boolean sharedPrefetch) {
    AmqpError e = QueueArguments.validateConsume(profile, type, queue, vhost, args);
    if (e == null && type == QueueType.QUORUM && sharedPrefetch) {
      e = AmqpError.of(ReplyCode.NOT_IMPLEMENTED, MethodRef.BASIC_CONSUME,
          "queue '" + queue + "' in vhost '" + vhost + "' does not support global qos");
    }
    return e;
  }

  /**
   * True when {@code basic.consume} must be refused with 403 for exclusivity: an exclusive consumer holds the
   * queue, or one asks for it while others consume; and a RabbitMQ classic queue with single active consumer
   * refuses every exclusive consumer ({@code exclusive_consume_unavailable}, §11.1). {@code exclusive} is what the
   * queue enforces (quorum queues ignore the flag).
   */
  public static boolean exclusiveConsumeRefused(QueueFeatures features, boolean exclusive, boolean hasConsumers,
      boolean hasExclusiveConsumer) {
    if (hasExclusiveConsumer) {
      return true;
    }
    boolean sacRefuses = features.singleActive() == QueueFeatures.SingleActive.HIGHEST_PRIORITY;
    return exclusive && (hasConsumers || sacRefuses);
  }

  /**
   * RabbitMQ's 405 for {@code basic.get} on a quorum queue with single active consumer (§11.4); 4.3 prints the
   * queue type as an Erlang binary ({@code ~p} of {@code <<"quorum">>}).
   */
  public static AmqpError basicGetWithSingleActiveConsumer(BrokerProfile profile, String queue, String vhost) {
    String type = profile.rabbitMajor() >= 4 ? "<<\"quorum\">>" : "quorum";
    return AmqpError.of(ReplyCode.RESOURCE_LOCKED, MethodRef.BASIC_GET, "cannot obtain access to locked queue '"
        + queue + "' in vhost '" + vhost + "'. basic.get operations are not supported by " + type
        + " queues with single active consumer");
  }
}
