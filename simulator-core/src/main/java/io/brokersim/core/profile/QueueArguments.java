package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueType;
import io.brokersim.core.model.ReplyCode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Validation of queue, consume and exchange arguments in each broker's order and words (semantics §5.2–5.4,
 * §9.3). RabbitMQ checks {@code x-queue-type} first, then the arguments its queue type knows, in a fixed order,
 * then refuses an argument another queue type knows ({@code invalid arg 'k' for queue 'q' in vhost 'v' of queue
 * type rabbit_quorum_queue}); its reasons read {@code {value_negative,-5}} or {@code "expected integer, got
 * longstr"}. LavinMQ validates the arguments it knows in table order and says {@code k header less than minimum
 * value n}. Arguments nobody knows are kept and ignored by both.
 */
public final class QueueArguments {
  private QueueArguments() {}

  /** A RabbitMQ argument check: null when the value is acceptable, else the reason RabbitMQ prints. */
  private record Check(String key, BiFunction<Object, Map<String, Object>, String> reason) {}

  /** RabbitMQ's queue argument checks, in the order it applies them ({@code rabbit_amqqueue:declare_args/0}). */
  private static final List<Check> RABBIT_DECLARE_CHECKS = List.of(
      new Check("x-expires", (v, a) -> expires(v)),
      new Check("x-message-ttl", (v, a) -> expiry(v)),
      new Check("x-dead-letter-exchange", (v, a) -> v instanceof String ? null : unacceptable(v)),
      new Check("x-dead-letter-routing-key", (v, a) -> !(v instanceof String) ? unacceptable(v)
          : a.containsKey("x-dead-letter-exchange") ? null : "routing_key_but_no_dlx_defined"),
      new Check("x-dead-letter-strategy", (v, a) -> !(v instanceof String) ? unacceptable(v)
          : v.equals("at-most-once") || v.equals("at-least-once") ? null : "invalid_dlx_strategy"),
      new Check("x-max-length", (v, a) -> nonNegative(v)),
      new Check("x-max-length-bytes", (v, a) -> nonNegative(v)),
      new Check("x-max-in-memory-length", (v, a) -> nonNegative(v)),
      new Check("x-max-in-memory-bytes", (v, a) -> nonNegative(v)),
      new Check("x-max-priority", (v, a) -> maxPriority(v)),
      new Check("x-overflow", (v, a) -> !(v instanceof String) ? unacceptable(v)
          : List.of("drop-head", "reject-publish", "reject-publish-dlx").contains(v) ? null : "invalid_overflow"),
      new Check("x-single-active-consumer", (v, a) -> v instanceof Boolean ? null : unacceptable(v)),
      new Check("x-consumer-timeout", (v, a) -> nonNegative(v)),
      new Check("x-consumer-disconnected-timeout", (v, a) -> nonNegative(v)),
      new Check("x-quorum-initial-group-size", (v, a) -> {
        String r = nonNegative(v);
        return r != null ? r : FieldTables.integerValue(v) == 0 ? "{value_zero,0}" : null;
      }));

  /** RabbitMQ's consume argument checks ({@code rabbit_amqqueue:consume_args/0}). */
  private static final List<Check> RABBIT_CONSUME_CHECKS = List.of(
      new Check("x-priority", (v, a) -> integer(v)),
      new Check("x-consumer-timeout", (v, a) -> nonNegative(v)),
      new Check("x-cancel-on-ha-failover", (v, a) -> v instanceof Boolean ? null : unacceptable(v)));

  /** The queue types RabbitMQ knows, for the x-queue-type check. */
  private static final Set<String> RABBIT_QUEUE_TYPES = Set.of("classic", "quorum", "stream");

  /** The queue arguments each RabbitMQ queue type accepts ({@code capabilities/0} of its module), per version. */
  private static Set<String> rabbitQueueArguments(BrokerProfile p, String type) {
    boolean four = p.rabbitMajor() >= 4;
    Set<String> args = new LinkedHashSet<>();
    switch (type) {
      case "quorum" -> {
        args.addAll(List.of("x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy",
            "x-expires", "x-max-length", "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes",
            "x-overflow", "x-single-active-consumer", "x-queue-type", "x-quorum-initial-group-size",
            "x-delivery-limit", "x-message-ttl", "x-queue-leader-locator"));
        if (four) {
          args.addAll(List.of("x-consumer-disconnected-timeout", "x-consumer-timeout", "x-delayed-retry-type",
              "x-delayed-retry-min", "x-delayed-retry-max"));
        }
      }
      case "stream" -> {
        args.addAll(List.of("x-max-length-bytes", "x-queue-type", "x-max-age", "x-stream-max-segment-size-bytes",
            "x-initial-cluster-size", "x-queue-leader-locator"));
        if (four) {
          args.add("x-stream-filter-size-bytes");
        }
      }
      default -> {
        args.addAll(List.of("x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key",
            "x-max-length", "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode", "x-queue-version",
            "x-single-active-consumer", "x-queue-type", "x-queue-master-locator"));
        if (four) {
          args.add("x-queue-leader-locator");
        }
      }
    }
    return args;
  }

  /** The consume arguments each RabbitMQ queue type accepts, per version. */
  private static Set<String> rabbitConsumeArguments(BrokerProfile p, String type) {
    boolean four = p.rabbitMajor() >= 4;
    return switch (type) {
      case "quorum" -> four ? Set.of("x-priority", "x-consumer-timeout") : Set.of("x-priority", "x-credit");
      case "stream" -> four ? Set.of("x-stream-offset", "x-stream-filter", "x-stream-match-unfiltered")
          : Set.of("x-stream-offset", "x-credit");
      default -> four ? Set.of("x-priority") : Set.of("x-cancel-on-ha-failover", "x-priority", "x-credit");
    };
  }

  private static Set<String> allRabbit(BrokerProfile p, boolean consume) {
    Set<String> all = new LinkedHashSet<>();
    for (String t : List.of("classic", "quorum", "stream")) {
      all.addAll(consume ? rabbitConsumeArguments(p, t) : rabbitQueueArguments(p, t));
    }
    return all;
  }

  /**
   * RabbitMQ's first look at {@code queue.declare} arguments, in the channel before the queue's own checks
   * ({@code rabbit_channel}'s {@code r_arg}): a non-string {@code x-dead-letter-exchange} is refused with its own
   * sentence (measured on 3.10.8: "invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'q' in vhost
   * '/'"). Null when absent or a string.
   */
  public static AmqpError deadLetterExchangeTypeError(String queue, String vhost, Map<String, Object> args) {
    Object v = args == null ? null : args.get("x-dead-letter-exchange");
    if (v == null || v instanceof String) {
      return null;
    }
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE, "invalid type '" + typeName(v)
        + "' for arg 'x-dead-letter-exchange' in queue '" + queue + "' in vhost '" + vhost + "'");
  }

  /**
   * The first invalid argument of a {@code queue.declare} of a queue of {@code type}, as the profile reports it,
   * or null when all are acceptable. The {@code x-queue-type} value itself is checked by
   * {@link #queueTypeError} first.
   */
  public static AmqpError validateDeclare(BrokerProfile profile, QueueType type, String queue, String vhost,
      Map<String, Object> args) {
    if (args == null || args.isEmpty()) {
      return null;
    }
    if (profile.isLavinMq()) {
      return validateLavinMq(queue, args);
    }
    return rabbitCheck(RABBIT_DECLARE_CHECKS, rabbitQueueArguments(profile, type.wireName()), allRabbit(profile, false),
        args, MethodRef.QUEUE_DECLARE, queue, vhost, type);
  }

  /**
   * RabbitMQ's order ({@code check_declare_arguments}, {@code check_consume_arguments}): the checks of the
   * arguments the queue type accepts, then any argument another type accepts is refused, in table order.
   */
  private static AmqpError rabbitCheck(List<Check> checks, Set<String> accepted, Set<String> known,
      Map<String, Object> args, MethodRef method, String queue, String vhost, QueueType type) {
    for (Check c : checks) {
      if (accepted.contains(c.key()) && args.containsKey(c.key())) {
        String reason = c.reason().apply(args.get(c.key()), args);
        if (reason != null) {
          return invalid(method, c.key(), queue, vhost, reason);
        }
      }
    }
    for (String key : args.keySet()) {
      if (known.contains(key) && !accepted.contains(key)) {
        return wrongType(method, key, queue, vhost, type);
      }
    }
    return null;
  }

  /**
   * RabbitMQ's check of the {@code x-queue-type} value ({@code check_queue_type}): a long string naming a queue
   * type it knows. LavinMQ accepts any value (and makes the queue classic). Null when acceptable.
   */
  public static AmqpError queueTypeError(BrokerProfile profile, String queue, String vhost, Map<String, Object> args) {
    if (profile.isLavinMq() || args == null || !args.containsKey("x-queue-type")) {
      return null;
    }
    Object v = args.get("x-queue-type");
    if (!(v instanceof String s)) {
      return invalid(MethodRef.QUEUE_DECLARE, "x-queue-type", queue, vhost, unacceptable(v));
    }
    return RABBIT_QUEUE_TYPES.contains(s) ? null
        : invalid(MethodRef.QUEUE_DECLARE, "x-queue-type", queue, vhost, "\"unsupported queue type '" + s + "'\"");
  }

  /** LavinMQ's validators ({@code Queue#validate_arguments!}), applied in the order the arguments came. */
  private static AmqpError validateLavinMq(String queue, Map<String, Object> args) {
    if (args.containsKey("x-max-priority")) {
      // A priority queue checks its own argument first (PriorityQueue.validate_arguments!).
      String e = lavinInt("x-max-priority", args.get("x-max-priority"), 0, 255);
      if (e != null) {
        return lavin(e);
      }
    }
    for (Map.Entry<String, Object> a : args.entrySet()) {
      Object v = a.getValue();
      String key = a.getKey();
      String e = switch (key) {
        case "x-expires" -> lavinInt(key, v, 1, Long.MAX_VALUE);
        case "x-max-length", "x-max-length-bytes", "x-message-ttl", "x-delivery-limit", "x-consumer-timeout",
            "x-cache-size", "x-cache-ttl" -> lavinInt(key, v, 0, Long.MAX_VALUE);
        case "x-overflow", "x-deduplication-header", "x-dead-letter-exchange" ->
            v == null || v instanceof String ? null : key + " header not a string";
        case "x-single-active-consumer", "x-message-deduplication" ->
            v == null || v instanceof Boolean ? null : key + " header not a boolean";
        case "x-dead-letter-routing-key" -> v == null ? null : !(v instanceof String) ? key + " header not a string"
            : args.get("x-dead-letter-exchange") instanceof String ? null
            : "x-dead-letter-exchange required if x-dead-letter-routing-key is defined";
        default -> null;
      };
      if (e != null) {
        return lavin(e);
      }
    }
    return null;
  }

  private static String lavinInt(String key, Object v, long min, long max) {
    if (v == null) {
      return null;
    }
    Long n = FieldTables.integerValue(v);
    if (n == null) {
      return key + " header not an integer";
    }
    if (n < min) {
      return key + " header less than minimum value " + min;
    }
    return n > max ? key + " header greater than maximum value " + max : null;
  }

  private static AmqpError lavin(String text) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE, text);
  }

  /**
   * The error for {@code basic.consume} arguments on a queue of {@code type}, or null: RabbitMQ checks the
   * arguments the queue type knows ({@code x-priority} an integer, {@code x-consumer-timeout} at least 0), then
   * refuses one another type knows (§4.6, §10.1); LavinMQ checks {@code x-priority}.
   */
  public static AmqpError validateConsume(BrokerProfile profile, QueueType type, String queue, String vhost,
      Map<String, Object> args) {
    if (args == null || args.isEmpty()) {
      return null;
    }
    if (profile.isLavinMq()) {
      // Consumer#consumer_priority: an Int that fits 32 bits.
      Long v = FieldTables.integerValue(args.get("x-priority"));
      String e = !args.containsKey("x-priority") ? null : v == null ? "x-priority must be an integer"
          : v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? "x-priority out of bounds, must fit a 32-bit integer" : null;
      return e == null ? null : AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, e);
    }
    return rabbitCheck(RABBIT_CONSUME_CHECKS, rabbitConsumeArguments(profile, type.wireName()), allRabbit(profile, true),
        args, MethodRef.BASIC_CONSUME, queue, vhost, type);
  }

  /**
   * The error for {@code exchange.declare} arguments, or null: on RabbitMQ {@code alternate-exchange} must be a
   * long string (checked in the channel, {@code rabbit_channel}'s {@code r_arg}); LavinMQ converts any value
   * to a string.
   */
  public static AmqpError validateExchange(BrokerProfile profile, String exchange, String vhost,
      Map<String, Object> args) {
    if (!profile.isRabbitMq() || args == null || !args.containsKey(ExchangeSpec.ALTERNATE_EXCHANGE)
        || args.get(ExchangeSpec.ALTERNATE_EXCHANGE) instanceof String) {
      return null;
    }
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.EXCHANGE_DECLARE, "invalid type '"
        + typeName(args.get(ExchangeSpec.ALTERNATE_EXCHANGE)) + "' for arg 'alternate-exchange' in exchange '"
        + exchange + "' in vhost '" + vhost + "'");
  }

  /** RabbitMQ's reason for a value that should be an integer: {@code "expected integer, got longstr"}. */
  private static String expectedInteger(Object v) {
    return "\"expected integer, got " + typeName(v) + "\"";
  }

  private static final java.util.Set<Object> OVERFLOW_MODES = java.util.Set.of("drop-head", "reject-publish",
      "reject-publish-dlx");

  /** The consumer priority the (validated) consume arguments ask for; 0 by default. */
  public static int consumerPriority(Map<String, Object> args) {
    Long p = args == null ? null : FieldTables.integerValue(args.get("x-priority"));
    return p == null ? 0 : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, p));
  }

  /** An integer argument, or null when absent or not an integer. */
  static Long integerArg(Map<String, Object> args, String key) {
    return args == null ? null : FieldTables.integerValue(args.get(key));
  }

  // ---- RabbitMQ's reasons ----

  /** {@code check_int_arg}: an AMQP integer type, else {@code "expected integer, got <type>"} (a quoted string). */
  private static String integer(Object v) {
    return FieldTables.integerValue(v) != null ? null : "\"expected integer, got " + typeName(v) + "\"";
  }

  private static String nonNegative(Object v) {
    String e = integer(v);
    if (e != null) {
      return e;
    }
    long n = FieldTables.integerValue(v);
    return n < 0 ? "{value_negative," + n + "}" : null;
  }

  /** {@code rabbit_misc:check_expiry}: at least 0 and at most ten years. */
  private static String expiry(Object v) {
    String e = integer(v);
    if (e != null) {
      return e;
    }
    long n = FieldTables.integerValue(v);
    return n < 0 ? "{value_negative," + n + "}" : n > 315_360_000_000L ? "{value_too_large," + n + "}" : null;
  }

  private static String expires(Object v) {
    String e = integer(v);
    if (e != null) {
      return e;
    }
    return FieldTables.integerValue(v) == 0 ? "{value_zero,0}" : expiry(v);
  }

  private static String maxPriority(Object v) {
    String e = nonNegative(v);
    if (e != null) {
      return e;
    }
    long n = FieldTables.integerValue(v);
    return n > 255 ? "{max_value_exceeded," + n + "}" : null;
  }

  private static String unacceptable(Object v) {
    return "{unacceptable_type," + typeName(v) + "}";
  }

  private static AmqpError invalid(MethodRef method, String key, String queue, String vhost, String reason) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, method,
        "invalid arg '" + key + "' for queue '" + queue + "' in vhost '" + vhost + "': " + reason);
  }

  private static AmqpError wrongType(MethodRef method, String key, String queue, String vhost, QueueType type) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, method, "invalid arg '" + key + "' for queue '" + queue
        + "' in vhost '" + vhost + "' of queue type " + type.rabbitModule());
  }

  /** RabbitMQ's name of a field value's type, as its error texts print it. */
  static String typeName(Object v) {
    return FieldTables.rabbitTypeName(v);
  }
}
