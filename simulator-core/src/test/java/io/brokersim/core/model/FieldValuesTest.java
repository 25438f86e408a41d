package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldValuesTest {

  @ParameterizedTest(name = "{0}:{1} vs {2}:{3} -> {4}")
  @CsvSource({
      "I, 1,   I, 1,   true",
      "I, 1,   l, 1,   false",
      "b, 1,   s, 1,   false",
      "L, -1,  l, -1,  true",
      "i, 7,   i, 7,   true",
      "i, 7,   u, 7,   false",
      "S, a,   x, a,   false",
      "x, a,   x, a,   true",
      "d, 0.5, d, 0.5, true",
      "f, 0.5, d, 0.5, false",
      "D, 1.5, D, 1.5, true",
      "D, 1.5, D, 1.50, false",
      "T, 5,   T, 5,   true",
      "T, 5,   l, 5,   false",
      "t, true, t, true, true",
      "V, '',  V, '',  true",
      "V, '',  S, '',  false",
  })
  void typedEquals_sameTypeAndValueOnly(char ta, String va, char tb, String vb, boolean equal) {
    Object a = FieldTableText.value(ta, va);
    Object b = FieldTableText.value(tb, vb);
    assertEquals(equal, FieldValues.typedEquals(a, b));
    if (equal) {
      assertEquals(FieldValues.typedHash(a), FieldValues.typedHash(b));
    }
  }

  @ParameterizedTest
  @CsvSource({"S, a, S", "I, 1, I", "l, 1, l", "L, 1, l", "B, 1, B", "V, '', V", "T, 1, T", "x, a, x", "D, 1, D"})
  void typeTag_mapsJavaFormToWireType(char type, String value, char expected) {
    assertEquals(expected, FieldValues.typeTag(FieldTableText.value(type, value)));
  }
}
