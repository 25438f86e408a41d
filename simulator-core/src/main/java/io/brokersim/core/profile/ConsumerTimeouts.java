package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueType;
import io.brokersim.core.model.ReplyCode;
import java.util.Map;

/**
 * Consumer acknowledgement timeouts, per profile (semantics §10): who evaluates them, which timeout applies, when a
 * delivery is overdue and what the broker says.
 *
 * <ul>
 *   <li>{@code rabbitmq-3} (3.13): every channel checks its oldest unacknowledged delivery on its tick (every
 *       {@code channel_tick_interval}, 60 s); past the queue's {@code x-consumer-timeout} (or {@code
 *       consumer_timeout}, 30 minutes by default) it closes with 406, for any queue type.</li>
 *   <li>{@code rabbitmq-4} (4.3): classic queues never time consumers out; a quorum queue takes an overdue
 *       delivery back at its deadline and tells the channel, which sends {@code basic.cancel} to a consumer whose
 *       client has the {@code consumer_cancel_notify} capability and otherwise closes with 406.</li>
 *   <li>{@code lavinmq}: only queues with {@code x-consumer-timeout} (or a configured default, none out of the
 *       box); a loop checks every channel's first unacknowledged delivery per queue every 60 s and closes the
 *       channel with {@code 406 PRECONDITION_FAILED - consumer timeout}.</li>
 * </ul>
 */
public final class ConsumerTimeouts {
  private ConsumerTimeouts() {}

  /** RabbitMQ's {@code consumer_timeout} default: 30 minutes. */
  public static final long RABBITMQ_DEFAULT_MILLIS = 1_800_000;

  /** RabbitMQ's {@code channel_tick_interval} and LavinMQ's {@code consumer_timeout_loop_interval}: 60 s. */
  public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 60_000;

  /**
   * The broker-wide settings: {@code timeoutMillis} replaces the profile's default when not null (-1 turns it
   * off), and channels check every {@code checkIntervalMillis}.
   */
  public record Settings(Long timeoutMillis, long checkIntervalMillis) {
    /** Each profile's own default, checked every 60 s. */
    public static final Settings DEFAULTS = new Settings(null, DEFAULT_CHECK_INTERVAL_MILLIS);

    public Settings {
      if (checkIntervalMillis <= 0) {
        throw new IllegalArgumentException("the consumer timeout check interval must be positive, was "
            + checkIntervalMillis + " ms");
      }
      if (timeoutMillis != null && timeoutMillis < -1) {
        throw new IllegalArgumentException("a consumer timeout must be at least 0 ms (or -1 for none), was "
            + timeoutMillis);
      }
    }
  }

  /** Who evaluates consumer timeouts for a queue. */
  public enum Evaluation {
    /** Nobody (RabbitMQ 4.3 classic queues). */
    NONE,
    /** The consuming channel, on a periodic check (RabbitMQ 3.13, LavinMQ). */
    CHANNEL,
    /** The queue, at each delivery's deadline (RabbitMQ 4.3 quorum queues). */
    QUEUE
  }

  /** Who evaluates consumer timeouts for a queue of {@code type} under {@code profile}. */
  public static Evaluation evaluation(BrokerProfile profile, QueueType type) {
    if (profile.isRabbitMq() && profile.rabbitMajor() >= 4) {
      return type == QueueType.QUORUM ? Evaluation.QUEUE : Evaluation.NONE;
    }
    return Evaluation.CHANNEL;
  }

  /** The broker-wide timeout in ms: the setting, else 30 minutes on RabbitMQ and none (-1) on LavinMQ. */
  public static long brokerDefaultMillis(BrokerProfile profile, Settings settings) {
    if (settings.timeoutMillis() != null) {
      return settings.timeoutMillis();
    }
    return profile.isRabbitMq() ? RABBITMQ_DEFAULT_MILLIS : -1;
  }

  /**
   * The timeout a channel applies to deliveries of a queue declared with {@code queueArgs}, in ms, or -1 for
   * none: its {@code x-consumer-timeout}, else the broker's. RabbitMQ 3.13 uses any integer value and a value of
   * another type disables the timeout for the queue ({@code get_queue_consumer_timeout}).
   */
  public static long channelTimeoutMillis(BrokerProfile profile, Map<String, Object> queueArgs, Settings settings) {
    if (queueArgs != null && queueArgs.containsKey("x-consumer-timeout")) {
      Long v = QueueArguments.integerArg(queueArgs, "x-consumer-timeout");
      return v == null ? -1 : Math.max(0, v);
    }
    return brokerDefaultMillis(profile, settings);
  }

  /**
   * The timeout a RabbitMQ 4.3 quorum queue applies to one consumer, in ms: the consumer's own
   * {@code x-consumer-timeout}, else the queue's, else the broker's ({@code rabbit_queue_type:consume/3}); for
   * {@code basic.get} ({@code consumerArgs} null) the queue's, else the broker's.
   */
  public static long queueTimeoutMillis(BrokerProfile profile, Map<String, Object> queueArgs,
      Map<String, Object> consumerArgs, Settings settings) {
    Long own = QueueArguments.integerArg(consumerArgs, "x-consumer-timeout");
    if (own != null) {
      return own;
    }
    Long queue = QueueArguments.integerArg(queueArgs, "x-consumer-timeout");
    return queue != null ? queue : brokerDefaultMillis(profile, settings);
  }

  /**
   * True when a delivery made at {@code deliveredAtNanos} is overdue at {@code nowNanos}: RabbitMQ compares
   * {@code delivered_at < now - timeout} in ms, LavinMQ {@code now - delivered_at > timeout}.
   */
  public static boolean overdue(long deliveredAtNanos, long nowNanos, long timeoutMillis) {
    return timeoutMillis >= 0 && nowNanos - deliveredAtNanos > timeoutMillis * 1_000_000L;
  }

  /**
   * Whether a channel checks only its oldest delivery (RabbitMQ: the head of its unacked queue) or the oldest one
   * of each queue (LavinMQ).
   */
  public static boolean checksOldestOnly(BrokerProfile profile) {
    return profile.isRabbitMq();
  }

  /**
   * The channel error for an overdue delivery on channel {@code channel}: RabbitMQ's 406 naming the channel and
   * the timeout (method 0,0), LavinMQ's {@code consumer timeout} (method 60,20, as it sends it).
   */
  public static AmqpError channelClosed(BrokerProfile profile, int channel, long timeoutMillis) {
    if (profile.isLavinMq()) {
      return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_CONSUME, "consumer timeout");
    }
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.NONE, "delivery acknowledgement on channel "
        + channel + " timed out. Timeout value used: " + timeoutMillis + " ms. This timeout value can be "
        + "configured, see consumers doc guide to learn more");
  }

  /**
   * The 406 of a RabbitMQ 4.3 channel whose quorum queue timed out a delivery it cannot cancel for (a
   * {@code basic.get}, or a client without {@code consumer_cancel_notify}): the channel's fallback passes -1 as
   * the timeout ({@code rabbit_channel:handle_queue_actions}).
   */
  public static AmqpError releasedWithoutCancel(int channel) {
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.NONE, "delivery acknowledgement on channel "
        + channel + " timed out. Timeout value used: -1 ms. This timeout value can be configured, see consumers "
        + "doc guide to learn more");
  }
}
