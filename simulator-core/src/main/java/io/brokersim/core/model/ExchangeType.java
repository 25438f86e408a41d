package io.brokersim.core.model;

import java.util.Optional;

/**
 * The four exchange types of AMQP 0-9-1 (spec: exchange.declare field {@code type}), each with the name a client
 * sends on the wire.
 */
public enum ExchangeType {
  DIRECT("direct"),
  FANOUT("fanout"),
  TOPIC("topic"),
  HEADERS("headers");

  private final String wireName;

  ExchangeType(String wireName) {
    this.wireName = wireName;
  }

  /** The type name as sent in {@code exchange.declare}, e.g. {@code "topic"}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The type for a wire name; empty for anything else. Matching is exact and case-sensitive, as both brokers
   * look the name up verbatim in their type registry.
   */
  public static Optional<ExchangeType> fromWireName(String wireName) {
    if (wireName == null) {
      return Optional.empty();
    }
    for (ExchangeType t : values()) {
      if (t.wireName.equals(wireName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
