package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class BindingTableTest {

  /** Bindings written as {@code "q1:key;q2:key"}; the result as {@code "q1 q2"}. */
  private static BindingTable<String> table(ExchangeType type, String bindings) {
    BindingTable<String> t = BindingTable.create(type);
    if (!bindings.isEmpty()) {
      for (String b : bindings.split(";", -1)) {
        int colon = b.indexOf(':');
        t.add(Binding.of(b.substring(0, colon), b.substring(colon + 1)));
      }
    }
    return t;
  }

  private static List<String> names(String text) {
    return text.isBlank() ? List.of() : Arrays.asList(text.trim().split(" +"));
  }

  @ParameterizedTest(name = "direct [{0}] key ''{1}'' -> [{2}]")
  @CsvSource({
      "'q1:a',              a,      q1",
      "'q1:a',              b,      ''",
      "'q1:a',              A,      ''",     // keys are case-sensitive
      "'q1:a',              'a ',   ''",
      "'q1:a.b',            a.*,    ''",     // no wildcards in direct
      "'q1:',               '',     q1",     // the empty key is a key
      "'q1:a;q2:a;q3:b',    a,      q1 q2",
      "'q2:a;q1:a',         a,      q2 q1",  // insertion order, not name order
      "'q1:a;q1:b',         b,      q1",
  })
  void route_direct_exactKeyEquality(String bindings, String key, String expected) {
    assertEquals(names(expected), table(ExchangeType.DIRECT, bindings).route(key, null));
  }

  @ParameterizedTest(name = "fanout [{0}] key ''{1}'' -> [{2}]")
  @CsvSource({
      "'',                 a,   ''",
      "'q1:x',             a,   q1",
      "'q1:x;q2:y;q3:',    '',  q1 q2 q3",
      "'q3:x;q1:y;q3:z',   k,   q3 q1",   // each destination once, first binding's position
  })
  void route_fanout_everyDestinationKeyIgnored(String bindings, String key, String expected) {
    assertEquals(names(expected), table(ExchangeType.FANOUT, bindings).route(key, Map.of("h", 1)));
  }

  @Test
  void route_directWithArguments_argumentsIgnored() {
    BindingTable<String> t = BindingTable.create(ExchangeType.DIRECT);
    t.add(new Binding<>("q", "k", Map.of("x-match", "any", "h", 1)));
    assertEquals(List.of("q"), t.route("k", null));
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void add_identicalBinding_isIdempotent(ExchangeType type) {
    BindingTable<String> t = BindingTable.create(type);
    assertTrue(t.add(new Binding<>("q", "a.b", Map.of("h", "v"))));
    assertFalse(t.add(new Binding<>("q", "a.b", Map.of("h", "v"))));
    assertEquals(1, t.size());
    assertEquals(List.of("q"), t.route("a.b", Map.of("h", "v")));
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void add_sameDestinationOtherKeyOrArguments_isNewBinding(ExchangeType type) {
    BindingTable<String> t = BindingTable.create(type);
    assertTrue(t.add(new Binding<>("q", "k", Map.of())));
    assertTrue(t.add(new Binding<>("q", "k", Map.of("h", 1))));
    assertTrue(t.add(new Binding<>("q", "k", Map.of("h", 1L))));
    assertTrue(t.add(new Binding<>("q", "other", Map.of())));
    assertEquals(4, t.size());
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void route_severalBindingsToOneDestination_deliversOnce(ExchangeType type) {
    BindingTable<String> t = BindingTable.create(type);
    t.add(new Binding<>("q", "a", Map.of()));
    t.add(new Binding<>("q", "a", Map.of("z", "1")));
    t.add(new Binding<>("q", type == ExchangeType.TOPIC ? "#" : "a", Map.of("y", "2")));
    assertEquals(List.of("q"), t.route("a", Map.of("z", "1", "y", "2")));
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void remove_existingBinding_stopsRouting(ExchangeType type) {
    BindingTable<String> t = BindingTable.create(type);
    Binding<String> b = new Binding<>("q", "a", Map.of());
    t.add(b);
    assertTrue(t.remove(new Binding<>("q", "a", null)));
    assertFalse(t.remove(b));
    assertTrue(t.isEmpty());
    assertEquals(List.of(), t.route("a", null));
  }

  @Test
  void remove_oneOfTwoEqualKeys_otherStillRoutes() {
    BindingTable<String> t = table(ExchangeType.DIRECT, "q1:a;q2:a");
    t.remove(Binding.of("q1", "a"));
    assertEquals(List.of("q2"), t.route("a", null));
  }

  @ParameterizedTest
  @EnumSource(ExchangeType.class)
  void removeDestination_removesAllItsBindings_returnsCount(ExchangeType type) {
    BindingTable<String> t = BindingTable.create(type);
    t.add(Binding.of("q1", "a"));
    t.add(Binding.of("q2", "a"));
    t.add(Binding.of("q1", "b"));
    t.add(new Binding<>("q1", "a", Map.of("h", 1)));
    assertEquals(3, t.removeDestination("q1"));
    assertEquals(0, t.removeDestination("q1"));
    assertEquals(List.of(Binding.of("q2", "a")), t.bindings());
    assertEquals(List.of("q2"), t.route("a", null));
  }

  @Test
  void bindings_insertionOrder_reAddGoesLast() {
    BindingTable<String> t = table(ExchangeType.FANOUT, "q1:a;q2:b;q3:c");
    t.remove(Binding.of("q1", "a"));
    t.add(Binding.of("q1", "a"));
    assertEquals(List.of(Binding.of("q2", "b"), Binding.of("q3", "c"), Binding.of("q1", "a")), t.bindings());
    assertEquals(List.of("q2", "q3", "q1"), t.route("", null));
  }

  @Test
  void route_fanoutAfterChange_seesChange() {
    BindingTable<String> t = table(ExchangeType.FANOUT, "q1:a");
    assertEquals(List.of("q1"), t.route("", null));
    t.add(Binding.of("q2", "a"));
    assertEquals(List.of("q1", "q2"), t.route("", null));
    t.removeDestination("q1");
    assertEquals(List.of("q2"), t.route("", null));
  }

  @Test
  void route_topicOrder_isInsertionOrderNotTrieOrder() {
    BindingTable<String> t = table(ExchangeType.TOPIC, "q1:#;q2:a.b;q3:*.b;q4:a.#;q5:a.*");
    assertEquals(List.of("q1", "q2", "q3", "q4", "q5"), t.route("a.b", null));
    BindingTable<String> reversed = table(ExchangeType.TOPIC, "q5:a.*;q4:a.#;q3:*.b;q2:a.b;q1:#");
    assertEquals(List.of("q5", "q4", "q3", "q2", "q1"), reversed.route("a.b", null));
  }

  @Test
  void route_sameTableTwice_sameResult() {
    BindingTable<String> t = table(ExchangeType.TOPIC, "q9:#;q3:a.*;q7:*.b;q1:a.b");
    assertEquals(t.route("a.b", null), t.route("a.b", null));
  }

  @Test
  void route_returnedList_isUnmodifiable() {
    BindingTable<String> t = table(ExchangeType.TOPIC, "q1:#;q2:a");
    assertThrows(UnsupportedOperationException.class, () -> t.route("a", null).add("x"));
  }

  @Test
  void route_exchangeDestinations_sameRules() {
    record ExchangeName(String name) {}
    BindingTable<ExchangeName> t = BindingTable.create(ExchangeType.DIRECT);
    t.add(Binding.of(new ExchangeName("e2"), "k"));
    assertEquals(List.of(new ExchangeName("e2")), t.route("k", null));
  }

  @Test
  void type_isTheCreatingType() {
    assertEquals(ExchangeType.HEADERS, BindingTable.create(ExchangeType.HEADERS).type());
  }
}
