package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.Expiration;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;

/** Validation of the {@code expiration} property at publish, per profile (semantics §3.6). */
public final class ExpirationRule {
  private ExpirationRule() {}

  /** A 406 for an invalid expiration, or null when absent or valid. */
  public static AmqpError validate(BrokerProfile profile, BasicProperties props) {
    String e = props == null ? null : props.expiration();
    if (e == null) {
      return null;
    }
    String reason = rabbitReason(e);
    if (reason == null) {
      return null;
    }
    String text;
    if (profile.isRabbitMq()) {
      text = "invalid expiration '" + e + "': " + reason;
    } else {
      text = reason.startsWith("{value_negative") ? "Negative expiration not allowed" : "Expiration not a number";
    }
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_PUBLISH, text);
  }

  /** RabbitMQ's reason term for an invalid value, or null when valid. */
  private static String rabbitReason(String e) {
    int i = 0;
    int n = e.length();
    boolean negative = false;
    if (i < n && (e.charAt(i) == '-' || e.charAt(i) == '+')) {
      negative = e.charAt(i) == '-';
      i++;
    }
    int digitsStart = i;
    while (i < n && Character.isDigit(e.charAt(i))) {
      i++;
    }
    if (i == digitsStart) {
      return "no_integer";
    }
    if (i < n) {
      return "{leftover_string,\"" + e.substring(i) + "\"}";
    }
    long value;
    try {
      value = Long.parseLong(e.substring(digitsStart));
    } catch (NumberFormatException ex) {
      return "{value_too_large," + e + "}";
    }
    if (negative && value != 0) {
      return "{value_negative,-" + value + "}";
    }
    if (value > Expiration.MAX_TTL_MILLIS) {
      return "{value_too_large," + value + "}";
    }
    return null;
  }
}
