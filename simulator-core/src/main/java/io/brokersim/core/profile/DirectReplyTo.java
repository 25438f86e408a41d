package io.brokersim.core.profile;

import io.brokersim.core.model.RandomSource;
import io.brokersim.core.model.ReservedNames;

/**
 * Direct reply-to rules (semantics §1) that the channels apply: which publishes are replies, what happens to
 * a reply depending on whether its requester is still there, and how reply names are made.
 */
public final class DirectReplyTo {
  private DirectReplyTo() {}

  /** What the broker does with a publish whose routing key is a reply name. */
  public enum Action {
    /** Hand it straight to the requester's channel. */
    DELIVER,
    /** Drop it: the requester is gone (the trace says why). */
    DROP,
    /** Not a reply after all (LavinMQ, name unknown): route it like any publish (§1.4). */
    ROUTE_NORMALLY
  }

  /** The action, and whether the publisher also gets a {@code basic.return 312 NO_ROUTE} (§1.6). */
  public record Resolution(Action action, boolean returnToPublisher) {}

  /**
   * True when a publish to {@code exchange} with this routing key is taken as a direct reply: to the default
   * exchange on every profile, to any exchange on LavinMQ (§1.4).
   */
  public static boolean isReply(BrokerProfile p, String exchange, String routingKey) {
    return p.isReplyName(routingKey)
        && (ReservedNames.isDefaultExchange(exchange) || p.interceptsRepliesOnAnyExchange());
  }

  /** What happens to a reply whose name is {@code live} (its requester's reply consumer exists) or not. */
  public static Resolution resolve(BrokerProfile p, boolean live, boolean mandatory) {
    if (live) {
      return new Resolution(Action.DELIVER, mandatory && p.returnsMandatoryReplyWhenDelivered());
    }
    if (p.interceptsRepliesOnAnyExchange()) {
      return new Resolution(Action.ROUTE_NORMALLY, false);
    }
    return new Resolution(Action.DROP, mandatory && p.returnsMandatoryReplyWhenRequesterGone());
  }

  /**
   * The reply name for a new reply consumer with {@code consumerTag} (§1.3): LavinMQ uses the tag itself;
   * RabbitMQ an opaque name with at least 128 random bits, so a name cannot be guessed.
   */
  public static String replyName(BrokerProfile p, String consumerTag, RandomSource random) {
    return p.isLavinMq()
        ? p.replyNamePrefix() + consumerTag
        : p.replyNamePrefix() + random.name("", 9) + "." + random.base64(16);
  }

  /** Any {@code queue.declare} of a reply name is a liveness probe, whatever its flags (§1.7). */
  public static boolean isProbe(BrokerProfile p, String queue) {
    return p.isReplyName(queue) || (p.isRabbitMq() && queue.startsWith(BrokerProfile.RABBITMQ_REPLY_TO));
  }
}
