package io.brokersim.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Exchange and queue names that AMQP 0-9-1 reserves: the default exchange and the {@code amq.} prefix.
 *
 * <p>The spec (exchange.declare field {@code exchange}) reserves names starting with {@code amq.} for
 * predeclared and standardised exchanges; every server predeclares {@code amq.direct}, {@code amq.fanout},
 * {@code amq.topic} and {@code amq.headers} (the last also as {@code amq.match}). Broker-specific extras (RabbitMQ's
 * internal {@code amq.rabbitmq.trace}, LavinMQ's {@code amq.lavinmq.log}) are not listed here.
 */
public final class ReservedNames {
  /** The name of the default exchange. */
  public static final String DEFAULT_EXCHANGE = "";

  /** The prefix reserved for server-defined exchanges and queues. */
  public static final String RESERVED_PREFIX = "amq.";

  /** An exchange every virtual host starts with. */
  public record PredeclaredExchange(String name, ExchangeType type) {
    public PredeclaredExchange {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  private static final List<PredeclaredExchange> PREDECLARED = List.of(
      new PredeclaredExchange("amq.direct", ExchangeType.DIRECT),
      new PredeclaredExchange("amq.fanout", ExchangeType.FANOUT),
      new PredeclaredExchange("amq.topic", ExchangeType.TOPIC),
      new PredeclaredExchange("amq.headers", ExchangeType.HEADERS),
      new PredeclaredExchange("amq.match", ExchangeType.HEADERS));

  private ReservedNames() {}

  /** True for the default exchange {@code ""}, which accepts publishes only (403 on declare/delete/bind). */
  public static boolean isDefaultExchange(String exchangeName) {
    return DEFAULT_EXCHANGE.equals(exchangeName);
  }

  /** True when a name starts with {@code amq.}, so a client may not create it (403 ACCESS_REFUSED). */
  public static boolean hasReservedPrefix(String name) {
    return name != null && name.startsWith(RESERVED_PREFIX);
  }

  /** The predeclared exchanges, in the order a virtual host creates them. */
  public static List<PredeclaredExchange> predeclaredExchanges() {
    return PREDECLARED;
  }
}
