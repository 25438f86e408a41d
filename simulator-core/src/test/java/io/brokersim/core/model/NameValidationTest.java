package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameValidationTest {

  @ParameterizedTest(name = "{0} x {1} -> {2}")
  @CsvSource({
      "a, 255, true",
      "a, 256, false",
      "é, 127, true",    // 254 bytes
      "é, 128, false",   // 256 bytes, 128 chars
      "€, 85, true",     // 255 bytes
      "€, 86, false",
      "😀, 63, true",    // 252 bytes
      "😀, 64, false",   // 256 bytes
      "a, 0, true",
  })
  void fitsShortString_countsUtf8Bytes(String unit, int times, boolean expected) {
    assertEquals(expected, NameValidation.fitsShortString(unit.repeat(times)));
  }

  @Test
  void utf8Length_multiByte() {
    assertEquals(1 + 2 + 3 + 4, NameValidation.utf8Length("aé€😀"));
  }

  @ParameterizedTest
  @CsvSource({
      "'q\\n', q",
      "'\\rq\\r\\n1', q1",
      "'a\\n\\n', a",
      "'\\r\\n', ''",
      "'a b\\t', 'a b\\t'",   // only CR and LF are removed
  })
  void stripCrLf_removesEveryCrAndLf(String escaped, String expected) {
    assertEquals(unescape(expected), NameValidation.stripCrLf(unescape(escaped)));
  }

  @Test
  void stripCrLf_nothingToStrip_sameInstance() {
    String name = "orders";
    assertSame(name, NameValidation.stripCrLf(name));
  }

  @ParameterizedTest
  @CsvSource({
      "'', true",
      "'orders.v1', true",
      "' ~!azAZ09', true",
      "'a\\tb', false",
      "'a\\nb', false",
      "'é', false",
      "'\\u007f', false",
      "'\\u0000', false",
  })
  void isPrintableAscii_spaceToTildeOnly(String escaped, boolean expected) {
    assertEquals(expected, NameValidation.isPrintableAscii(unescape(escaped)));
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")
        .replace("\\u007f", "\u007f").replace("\\u0000", "\u0000");
  }
}
