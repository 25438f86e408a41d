package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ExchangeTypeTest {

  @ParameterizedTest
  @CsvSource({"direct, DIRECT", "fanout, FANOUT", "topic, TOPIC", "headers, HEADERS"})
  void fromWireName_knownName_returnsType(String wireName, ExchangeType expected) {
    assertEquals(Optional.of(expected), ExchangeType.fromWireName(wireName));
  }

  @ParameterizedTest
  @CsvSource({"Direct", "TOPIC", "''", "x-delayed-message", "match", "' direct'"})
  void fromWireName_otherName_isEmpty(String wireName) {
    assertEquals(Optional.empty(), ExchangeType.fromWireName(wireName));
  }

  @Test
  void fromWireName_null_isEmpty() {
    assertEquals(Optional.empty(), ExchangeType.fromWireName(null));
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void wireName_roundTrips(ExchangeType type) {
    assertEquals(Optional.of(type), ExchangeType.fromWireName(type.wireName()));
  }
}
