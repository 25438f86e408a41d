package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReservedNamesTest {

  @ParameterizedTest
  @CsvSource({"'', true", "amq.default, false", "' ', false", "amq.direct, false"})
  void isDefaultExchange_onlyEmptyName(String name, boolean expected) {
    assertEquals(expected, ReservedNames.isDefaultExchange(name));
  }

  @ParameterizedTest
  @CsvSource({
      "amq.direct, true", "amq.gen-x, true", "amq., true", "amq, false", "AMQ.direct, false", "xamq.y, false",
      "'', false", "amq_x, false"})
  void hasReservedPrefix_amqDot(String name, boolean expected) {
    assertEquals(expected, ReservedNames.hasReservedPrefix(name));
  }

  @Test
  void predeclaredExchanges_theFiveStandardOnesInOrder() {
    assertEquals(List.of(
        new ReservedNames.PredeclaredExchange("amq.direct", ExchangeType.DIRECT),
        new ReservedNames.PredeclaredExchange("amq.fanout", ExchangeType.FANOUT),
        new ReservedNames.PredeclaredExchange("amq.topic", ExchangeType.TOPIC),
        new ReservedNames.PredeclaredExchange("amq.headers", ExchangeType.HEADERS),
        new ReservedNames.PredeclaredExchange("amq.match", ExchangeType.HEADERS)),
        ReservedNames.predeclaredExchanges());
  }

  @Test
  void predeclaredExchanges_allCarryReservedPrefix() {
    ReservedNames.predeclaredExchanges()
        .forEach(e -> assertEquals(true, ReservedNames.hasReservedPrefix(e.name()), e.name()));
  }
}
