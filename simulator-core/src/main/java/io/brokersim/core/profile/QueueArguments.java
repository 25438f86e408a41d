package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.util.Map;

/**
 * Validation of the queue arguments brokersim understands (semantics §5.2–5.4), with each profile's
 * wording: RabbitMQ's {@code invalid arg 'k' for queue 'q' in vhost 'v': {reason,value}} and LavinMQ's
 * {@code k header less than minimum value n}.
 */
public final class QueueArguments {
  private QueueArguments() {}

  /** The first invalid argument as a 406, or null when all are acceptable. */
  public static AmqpError validate(BrokerProfile profile, String queue, String vhost, Map<String, Object> args) {
    if (args == null || args.isEmpty()) {
      return null;
    }
    AmqpError e = integerAtLeast(profile, queue, vhost, args, "x-message-ttl", 0);
    if (e == null) {
      e = integerAtLeast(profile, queue, vhost, args, "x-expires", 1);
    }
    if (e == null) {
      e = integerAtLeast(profile, queue, vhost, args, "x-max-length", 0);
    }
    if (e == null) {
      e = integerAtLeast(profile, queue, vhost, args, "x-max-length-bytes", 0);
    }
    if (e == null && args.containsKey("x-dead-letter-exchange") && !(args.get("x-dead-letter-exchange") instanceof String)) {
      // RabbitMQ checks the exchange name's type in the channel, with its own sentence (rabbit_channel, r_arg).
      Object v = args.get("x-dead-letter-exchange");
      e = AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE, profile.isRabbitMq()
          ? "invalid type '" + typeName(v) + "' for arg 'x-dead-letter-exchange' in queue '" + queue + "' in vhost '"
              + vhost + "'"
          : "x-dead-letter-exchange header not a String");
    }
    if (e == null && args.containsKey("x-dead-letter-routing-key")
        && !(args.get("x-dead-letter-routing-key") instanceof String)) {
      e = invalid(profile, queue, vhost, "x-dead-letter-routing-key",
          "{unacceptable_type," + typeName(args.get("x-dead-letter-routing-key")) + "}",
          "x-dead-letter-routing-key header not a string");
    }
    if (e == null && args.containsKey("x-overflow") && !OVERFLOW_MODES.contains(args.get("x-overflow"))) {
      Object v = args.get("x-overflow");
      boolean text = v instanceof String;
      // LavinMQ checks only the type (an unknown mode then behaves as drop-head); RabbitMQ also the mode.
      e = text && profile.isLavinMq() ? null : invalid(profile, queue, vhost, "x-overflow",
          text ? "invalid_overflow" : "{unacceptable_type," + typeName(v) + "}", "x-overflow header not a string");
    }
    if (e == null && args.containsKey("x-dead-letter-routing-key") && !args.containsKey("x-dead-letter-exchange")) {
      e = invalid(profile, queue, vhost, "x-dead-letter-routing-key", "routing_key_but_no_dlx_defined",
          "x-dead-letter-exchange required if x-dead-letter-routing-key is defined");
    }
    return e;
  }

  /**
   * The error for {@code basic.consume} arguments, or null: {@code x-priority} must be an integer (consumer
   * priorities; RabbitMQ's {@code check_int_arg}).
   */
  public static AmqpError validateConsume(BrokerProfile profile, String queue, String vhost, Map<String, Object> args) {
    if (args == null || !args.containsKey("x-priority")) {
      return null;
    }
    Long priority = FieldTables.integerValue(args.get("x-priority"));
    if (priority != null) {
      // LavinMQ keeps consumer priorities in a 32-bit integer; RabbitMQ takes any integer.
      return profile.isLavinMq() && (priority < Integer.MIN_VALUE || priority > Integer.MAX_VALUE)
          ? AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME,
              "x-priority out of bounds, must fit a 32-bit integer")
          : null;
    }
    Object v = args.get("x-priority");
    String text = profile.isRabbitMq()
        ? "invalid arg 'x-priority' for queue '" + queue + "' in vhost '" + vhost + "': " + expectedInteger(v)
        : "x-priority must be an integer";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, text);
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

  private static AmqpError integerAtLeast(BrokerProfile profile, String queue, String vhost, Map<String, Object> args,
      String key, long min) {
    if (!args.containsKey(key)) {
      return null;
    }
    Object v = args.get(key);
    Long n = FieldTables.integerValue(v);
    if (n == null) {
      return invalid(profile, queue, vhost, key, expectedInteger(v), key + " header not an integer");
    }
    if (n < min) {
      String reason = n < 0 ? "{value_negative," + n + "}" : "{value_zero," + n + "}";
      return invalid(profile, queue, vhost, key, reason, key + " header less than minimum value " + min);
    }
    return null;
  }

  private static AmqpError invalid(BrokerProfile profile, String queue, String vhost, String key, String rabbitReason,
      String lavinText) {
    String text = profile.isRabbitMq()
        ? "invalid arg '" + key + "' for queue '" + queue + "' in vhost '" + vhost + "': " + rabbitReason
        : lavinText;
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_DECLARE, text);
  }

  /** RabbitMQ's name of a field value's type, as its error texts print it. */
  static String typeName(Object v) {
    return FieldTables.rabbitTypeName(v);
  }

}
