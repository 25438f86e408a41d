package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindingTest {

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource({
      "'a=S:1',          'a=S:1',          true",
      "'a=I:1;b=S:x',    'b=S:x;a=I:1',    true",   // top-level order does not matter
      "'a=I:1',          'a=l:1',          false",  // signedint and long are different bindings
      "'a=S:abc',        'a=x:abc',        false",  // longstr and byte array differ
      "'a=x:abc',        'a=x:abc',        true",   // byte arrays by content
      "'a=V',            'a=V',            true",
      "'a=V',            'a=S:',           false",
      "'a=L:5',          'a=l:5',          true",   // RabbitMQ parses 'L' as a signed long
      "'a=i:5',          'a=l:5',          false",
      "'a=D:1.0',        'a=D:1.00',       false",  // decimals keep their scale
      "'a=f:1.5',        'a=d:1.5',        false",
      "'',               '-',              true",   // no table = empty table
      "'a=S:1',          'a=S:1;b=S:2',    false",
  })
  void equals_argumentTables_followRabbitTermEquality(String left, String right, boolean equal) {
    Binding<String> a = new Binding<>("q", "k", FieldTableText.parse(left));
    Binding<String> b = new Binding<>("q", "k", FieldTableText.parse(right));
    assertEquals(equal, a.equals(b));
    if (equal) {
      assertEquals(a.hashCode(), b.hashCode());
    }
  }

  @Test
  void equals_differentDestinationOrKey_notEqual() {
    assertNotEquals(Binding.of("q1", "k"), Binding.of("q2", "k"));
    assertNotEquals(Binding.of("q", "k1"), Binding.of("q", "k2"));
  }

  @Test
  void equals_nestedTablesCompareInWireOrder() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", 2);
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2);
    ba.put("a", 1);
    Binding<String> bound = new Binding<>("q", "k", Map.of("t", ab));
    assertEquals(bound, new Binding<>("q", "k", Map.of("t", new LinkedHashMap<>(ab))));
    assertNotEquals(bound, new Binding<>("q", "k", Map.of("t", ba)));
  }

  @Test
  void equals_nestedArraysKeepElementTypes() {
    assertEquals(new Binding<>("q", "k", Map.of("a", List.of(1, "x"))),
        new Binding<>("q", "k", Map.of("a", List.of(1, "x"))));
    assertNotEquals(new Binding<>("q", "k", Map.of("a", List.of(1))),
        new Binding<>("q", "k", Map.of("a", List.of(1L))));
  }

  @Test
  void new_copiesArgumentsAndKeepsVoidValues() {
    Map<String, Object> args = new HashMap<>();
    args.put("h", null);
    Binding<String> b = new Binding<>("q", "k", args);
    args.put("other", 1);
    assertEquals(1, b.arguments().size());
    assertTrue(b.arguments().containsKey("h"));
    assertThrows(UnsupportedOperationException.class, () -> b.arguments().put("x", 1));
  }

  @Test
  void new_nullDestinationOrKey_throws() {
    assertThrows(NullPointerException.class, () -> Binding.of(null, "k"));
    assertThrows(NullPointerException.class, () -> Binding.of("q", null));
  }
}
