package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.util.Map;

/**
 * Validation of the queue arguments brokersim understands (reference §5.2–5.4), with each profile's
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
    if (e == null && args.containsKey("x-dead-letter-routing-key") && !args.containsKey("x-dead-letter-exchange")) {
      e = invalid(profile, queue, vhost, "x-dead-letter-routing-key", "{routing_key_but_no_dlx_defined}",
          "x-dead-letter-exchange required if x-dead-letter-routing-key is defined");
    }
    return e;
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

  private static String typeName(Object v) {
    if (v instanceof String) {
      return "longstr";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    return v == null ? "void" : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
