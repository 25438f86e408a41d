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
    if (e == null) {
      e = longString(profile, queue, vhost, args, "x-dead-letter-exchange");
    }
    if (e == null) {
      e = longString(profile, queue, vhost, args, "x-dead-letter-routing-key");
    }
    if (e == null && args.containsKey("x-dead-letter-routing-key") && !args.containsKey("x-dead-letter-exchange")) {
      e = invalid(profile, queue, vhost, "x-dead-letter-routing-key", "{routing_key_but_no_dlx_defined}",
          "x-dead-letter-exchange required if x-dead-letter-routing-key is defined");
    }
    return e;
  }

  /**
   * The error for {@code basic.consume} arguments, or null: {@code x-priority} must be an integer (consumer
   * priorities; RabbitMQ's {@code check_int_arg}).
   */
  public static AmqpError validateConsume(BrokerProfile profile, String queue, String vhost, Map<String, Object> args) {
    if (args == null || !args.containsKey("x-priority") || FieldTables.integerValue(args.get("x-priority")) != null) {
      return null;
    }
    Object v = args.get("x-priority");
    String text = profile.isRabbitMq()
        ? "invalid arg 'x-priority' for queue '" + queue + "' in vhost '" + vhost + "': {unacceptable_type,"
            + typeName(v) + "}"
        : "x-priority header not an integer";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, text);
  }

  /**
   * The error for {@code exchange.declare} arguments, or null: {@code alternate-exchange} must be a long
   * string (RabbitMQ's {@code check_alternate_exchange}).
   */
  public static AmqpError validateExchange(BrokerProfile profile, String exchange, String vhost,
      Map<String, Object> args) {
    if (args == null || !args.containsKey(ExchangeSpec.ALTERNATE_EXCHANGE)
        || args.get(ExchangeSpec.ALTERNATE_EXCHANGE) instanceof String) {
      return null;
    }
    Object v = args.get(ExchangeSpec.ALTERNATE_EXCHANGE);
    String text = profile.isRabbitMq()
        ? "invalid arg 'alternate-exchange' for exchange '" + exchange + "' in vhost '" + vhost
            + "': {unacceptable_type," + typeName(v) + "}"
        : "alternate-exchange header not a string";
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.EXCHANGE_DECLARE, text);
  }

  /** The consumer priority the (validated) consume arguments ask for; 0 by default. */
  public static int consumerPriority(Map<String, Object> args) {
    Long p = args == null ? null : FieldTables.integerValue(args.get("x-priority"));
    return p == null ? 0 : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, p));
  }

  /** A dead-letter exchange or routing key that is not a long string (RabbitMQ's {@code check_dlxname_arg}). */
  private static AmqpError longString(BrokerProfile profile, String queue, String vhost, Map<String, Object> args,
      String key) {
    if (!args.containsKey(key) || args.get(key) instanceof String) {
      return null;
    }
    return invalid(profile, queue, vhost, key, "{unacceptable_type," + typeName(args.get(key)) + "}",
        key + " header not a string");
  }

  private static AmqpError integerAtLeast(BrokerProfile profile, String queue, String vhost, Map<String, Object> args,
      String key, long min) {
    if (!args.containsKey(key)) {
      return null;
    }
    Object v = args.get(key);
    Long n = FieldTables.integerValue(v);
    if (n == null) {
      return invalid(profile, queue, vhost, key, "{unacceptable_type," + typeName(v) + "}", key + " header not an integer");
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
