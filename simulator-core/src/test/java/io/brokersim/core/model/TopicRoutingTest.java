package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicRoutingTest {

  private static boolean matches(String bindingKey, String routingKey) {
    BindingTable<String> t = BindingTable.create(ExchangeType.TOPIC);
    t.add(Binding.of("q", bindingKey));
    return t.route(routingKey, null).equals(List.of("q"));
  }

  @ParameterizedTest(name = "''{0}'' vs ''{1}'' -> {2}")
  @CsvSource({
      // plain words
      "a,         a,          true",
      "a,         A,          false",
      "a,         a.b,        false",
      "a.b,       a,          false",
      "a.b.c,     a.b.c,      true",
      "a.b.c,     a.b.c.,     false",
      "a.b,       a.*,        false",   // a '*' in the routing key is just a word
      // '*' is exactly one word
      "*,         a,          true",
      "*,         a.b,        false",
      "*,         #,          true",
      "a.*,       a.b,        true",
      "a.*,       a,          false",
      "a.*,       a.b.c,      false",
      "*.b.*,     a.b.c,      true",
      "*.*,       a.b,        true",
      // '#' is zero or more words
      "#,         a,          true",
      "#,         a.b.c,      true",
      "a.#,       a,          true",
      "a.#,       a.b,        true",
      "a.#,       a.b.c,      true",
      "a.#,       b,          false",
      "a.#,       ab,         false",
      "a.#,       b.a,        false",
      "#.a,       a,          true",
      "#.a,       x.y.a,      true",
      "#.a,       a.x,        false",
      "a.#.b,     a.b,        true",
      "a.#.b,     a.x.b,      true",
      "a.#.b,     a.x.y.b,    true",
      "a.#.b,     a.b.b,      true",
      "a.#.b,     a.x.y.c,    false",
      "a.#.b,     a,          false",
      "a.#.b,     b,          false",
      "a.*.#,     a,          false",
      "a.*.#,     a.b,        true",
      "a.*.#,     a.b.c.d,    true",
      "*.#.*,     a,          false",
      "*.#.*,     a.b,        true",
      "*.#.*,     a.b.c.d,    true",
      "#.b.#,     b,          true",
      "#.b.#,     a.b.c,      true",
      "#.b.#,     a.c,        false",
      "#.#,       a.b,        true",
      "#.#.#,     a.b.c,      true",
      "a.#.#.b,   a.b,        true",
      "a.#.#.b,   a.x.y.z.b,  true",
      "#.*.#,     a,          true",
      "#.*.*.#,   a,          false",
      // empty words are words
      "a..b,      a..b,       true",
      "a..b,      a.b,        false",
      "a.*.b,     a..b,       true",
      "a.#.b,     a..b,       true",
      "a.*,       a.,         true",
      "*.,        a.,         true",
      ".,         .,          true",
      "*,         .,          false",   // '.' is two empty words
      "*.*,       .,          true",
      "#.,        a.,         true",
      "#.,        .,          true",
      "#.,        a,          false",
      // the empty key has zero words (RabbitMQ: split_topic_key_binary(<<>>) -> [])
      "#,         '',         true",
      "#.#,       '',         true",
      "'',        '',         true",
      "*,         '',         false",
      "#.*.#,     '',         false",
      "a.#,       '',         false",
      "'',        a,          false",
      "'',        .,          false",
      "#.,        '',         false",
  })
  void route_topicPattern_followsRabbitWordRules(String bindingKey, String routingKey, boolean expected) {
    assertEquals(expected, matches(bindingKey, routingKey));
  }

  @Test
  void route_topicHashMatchesZeroWords_matches() {
    assertEquals(true, matches("a.#", "a"));
    assertEquals(true, matches("#.a", "a"));
    assertEquals(true, matches("#", ""));
  }

  @Test
  void route_topicStarOnEmptyKey_doesNotMatch() {
    assertEquals(false, matches("*", ""));
  }

  @ParameterizedTest
  @CsvSource({
      "'',       ''",
      "a,        a",
      "a.b,      a|b",
      "a..b,     a||b",
      "a.,       a|",
      ".a,       |a",
      ".,        |",
      "..,       ||",
  })
  void words_splitAtEveryDot_emptyKeyHasNone(String key, String expected) {
    String[] want = expected.isEmpty() && key.isEmpty() ? new String[0] : expected.split("\\|", -1);
    assertArrayEquals(want, TopicTrie.words(key));
  }

  /** A port of RabbitMQ's {@code routing_SUITE:topic1} (deps/rabbit/test/routing_SUITE.erl). */
  @Test
  void route_rabbitRoutingSuiteTopic1_sameDestinations() {
    String[][] spec = {
        {"a.b.c", "t1"}, {"a.*.c", "t2"}, {"a.#.b", "t3"}, {"a.b.b.c", "t4"}, {"#", "t5"}, {"#.#", "t6"},
        {"#.b", "t7"}, {"*.*", "t8"}, {"a.*", "t9"}, {"*.b.c", "t10"}, {"a.#", "t11"}, {"a.#.#", "t12"},
        {"b.b.c", "t13"}, {"a.b.b", "t14"}, {"a.b", "t15"}, {"b.c", "t16"}, {"", "t17"}, {"*.*.*", "t18"},
        {"vodka.martini", "t19"}, {"a.b.c", "t20"}, {"*.#", "t21"}, {"#.*.#", "t22"}, {"*.#.#", "t23"},
        {"*", "t25"}, {"#.b.#", "t26"}, {"args-test", "t27"}, {"args-test", "t27"}};
    List<Binding<String>> bindings = new ArrayList<>();
    for (int i = 0; i < spec.length; i++) {
      Map<String, Object> args = i == 25 ? Map.of("foo", "bar") : i == 26 ? Map.of("foo", "baz") : Map.of();
      bindings.add(new Binding<>(spec[i][1], spec[i][0], args));
    }
    BindingTable<String> t = BindingTable.create(ExchangeType.TOPIC);
    bindings.forEach(t::add);

    expect(t, "a.b.c", "t1 t2 t5 t6 t10 t11 t12 t18 t20 t21 t22 t23 t26");
    expect(t, "a.b", "t3 t5 t6 t7 t8 t9 t11 t12 t15 t21 t22 t23 t26");
    expect(t, "a.b.b", "t3 t5 t6 t7 t11 t12 t14 t18 t21 t22 t23 t26");
    expect(t, "", "t5 t6 t17");
    expect(t, "b.c.c", "t5 t6 t18 t21 t22 t23 t26");
    expect(t, "a.a.a.a.a", "t5 t6 t11 t12 t21 t22 t23");
    expect(t, "vodka.gin", "t5 t6 t8 t21 t22 t23");
    expect(t, "vodka.martini", "t5 t6 t8 t19 t21 t22 t23");
    expect(t, "b.b.c", "t5 t6 t10 t13 t18 t21 t22 t23 t26");
    expect(t, "nothing.here.at.all", "t5 t6 t21 t22 t23");
    expect(t, "oneword", "t5 t6 t21 t22 t23 t25");
    expect(t, "args-test", "t5 t6 t21 t22 t23 t25 t27");

    for (int n : new int[] {1, 5, 11, 19, 21, 27}) {
      t.remove(bindings.get(n - 1));
    }

    expect(t, "a.b.c", "t2 t6 t10 t12 t18 t20 t22 t23 t26");
    expect(t, "a.b", "t3 t6 t7 t8 t9 t12 t15 t22 t23 t26");
    expect(t, "a.b.b", "t3 t6 t7 t12 t14 t18 t22 t23 t26");
    expect(t, "", "t6 t17");
    expect(t, "b.c.c", "t6 t18 t22 t23 t26");
    expect(t, "a.a.a.a.a", "t6 t12 t22 t23");
    expect(t, "vodka.gin", "t6 t8 t22 t23");
    expect(t, "vodka.martini", "t6 t8 t22 t23");
    expect(t, "b.b.c", "t6 t10 t13 t18 t22 t23 t26");
    expect(t, "nothing.here.at.all", "t6 t22 t23");
    expect(t, "oneword", "t6 t22 t23 t25");
    expect(t, "args-test", "t6 t22 t23 t25 t27");

    bindings.forEach(t::remove);
    expect(t, "a.b.c", "");
    expect(t, "", "");
  }

  private static void expect(BindingTable<String> t, String routingKey, String destinations) {
    List<String> want = destinations.isEmpty() ? List.of() : Arrays.asList(destinations.split(" "));
    assertEquals(want, t.route(routingKey, null), "routing key '" + routingKey + "'");
  }

  @Test
  void remove_prunedBranch_otherBindingsOnPathStillRoute() {
    BindingTable<String> t = BindingTable.create(ExchangeType.TOPIC);
    t.add(Binding.of("q1", "a"));
    t.add(Binding.of("q2", "a.b.c"));
    t.add(Binding.of("q3", "a.*.#"));
    t.remove(Binding.of("q2", "a.b.c"));
    assertEquals(List.of("q1"), t.route("a", null));
    assertEquals(List.of("q3"), t.route("a.b.c", null));
    t.remove(Binding.of("q3", "a.*.#"));
    assertEquals(List.of(), t.route("a.b.c", null));
    t.add(Binding.of("q2", "a.b.c"));
    assertEquals(List.of("q2"), t.route("a.b.c", null));
  }

  @Test
  void route_manyHashesLongKey_staysFast() {
    BindingTable<String> t = BindingTable.create(ExchangeType.TOPIC);
    t.add(Binding.of("q1", "#.#.#.#.#.#.#.#.z"));
    t.add(Binding.of("q2", "#.a.#.a.#.a.#.a.#"));
    String key = String.join(".", java.util.Collections.nCopies(120, "a"));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertEquals(List.of("q2"), t.route(key, null));
      assertEquals(List.of("q1", "q2"), t.route(key + ".z", null));
    });
  }

  /** The trie, with sharing, pruning and ordering, against a word-by-word reading of the rules. */
  @Test
  void route_randomBindings_agreeWithWordByWordDefinition() {
    Random random = new Random(20260821L);
    String[] bindingWords = {"a", "b", "", "*", "#"};
    String[] routingWords = {"a", "b", ""};
    for (int round = 0; round < 300; round++) {
      BindingTable<String> t = BindingTable.create(ExchangeType.TOPIC);
      List<Binding<String>> live = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Binding<String> b = Binding.of("q" + random.nextInt(5), randomKey(random, bindingWords, 5));
        if (t.add(b)) {
          live.add(b);
        }
      }
      for (int i = 0; i < 4; i++) {
        Binding<String> gone = live.remove(random.nextInt(live.size()));
        t.remove(gone);
      }
      for (int i = 0; i < 40; i++) {
        String routingKey = randomKey(random, routingWords, 6);
        LinkedHashSet<String> expected = new LinkedHashSet<>();
        for (Binding<String> b : live) {
          if (wordByWord(split(b.routingKey()), 0, split(routingKey), 0)) {
            expected.add(b.destination());
          }
        }
        assertEquals(List.copyOf(expected), t.route(routingKey, null), () -> "key '" + routingKey + "' in " + live);
      }
    }
  }

  private static String randomKey(Random random, String[] words, int maxWords) {
    int n = random.nextInt(maxWords + 1);
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chosen.add(words[random.nextInt(words.length)]);
    }
    return String.join(".", chosen);
  }

  private static List<String> split(String key) {
    return key.isEmpty() ? List.of() : Arrays.asList(key.split("\\.", -1));
  }

  private static boolean wordByWord(List<String> pattern, int i, List<String> words, int j) {
    if (i == pattern.size()) {
      return j == words.size();
    }
    String p = pattern.get(i);
    if (p.equals("#")) {
      for (int k = j; k <= words.size(); k++) {
        if (wordByWord(pattern, i + 1, words, k)) {
          return true;
        }
      }
      return false;
    }
    return j < words.size() && (p.equals("*") || p.equals(words.get(j))) && wordByWord(pattern, i + 1, words, j + 1);
  }
}
