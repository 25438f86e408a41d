package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The routing snapshot without any actor: routing over the exchange graph and the control-plane changes,
 * with their cascades, as pure functions. Handles are plain strings here.
 */
class RoutingSnapshotTest {

  /**
   * A vhost written as text: {@code "x:topic; q1; x->q1:a.*; x->y:#"} declares exchange {@code x} of type
   * topic, queue {@code q1}, binds q1 to x with key {@code a.*} and exchange {@code y} to x with {@code #}.
   * {@code x:topic:auto} declares an auto-delete exchange. Exchanges are bound after everything is declared.
   */
  static RoutingSnapshot<String, String> vhost(String spec) {
    RoutingSnapshot<String, String> s = RoutingSnapshot.<String, String>empty()
        .withExchange(node("", ExchangeType.DIRECT, false));
    List<String> parts = Arrays.stream(spec.split(";")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    for (String p : parts) {
      if (p.contains("->")) {
        continue;
      }
      String[] f = p.split(":");
      if (f.length == 1) {
        s = s.withQueue(new RoutingSnapshot.QueueNode<>(new QueueSpec(f[0], true, false, false, null, null), f[0]));
      } else {
        s = s.withExchange(node(f[0], ExchangeType.fromWireName(f[1]).orElseThrow(), f.length > 2));
      }
    }
    for (String p : parts) {
      int arrow = p.indexOf("->");
      if (arrow < 0) {
        continue;
      }
      String source = p.substring(0, arrow);
      String rest = p.substring(arrow + 2);
      int colon = rest.indexOf(':');
      String dest = rest.substring(0, colon);
      Destination d = s.queue(dest) != null ? Destination.queue(dest) : Destination.exchange(dest);
      s = s.bind(source, Binding.of(d, rest.substring(colon + 1))).snapshot();
    }
    return s;
  }

  private static RoutingSnapshot.ExchangeNode<String> node(String name, ExchangeType type, boolean autoDelete) {
    return new RoutingSnapshot.ExchangeNode<>(new ExchangeSpec(name, type, true, autoDelete, false, null),
        BindingTable.create(type), name);
  }

  private static String route(RoutingSnapshot<String, String> s, String exchange, String key) {
    return String.join(" ", s.route(s.exchange(exchange), key, null).stream().map(RoutingSnapshot.QueueNode::handle)
        .toList());
  }

  @ParameterizedTest(name = "[{0}] publish to ''{1}'' with ''{2}'' -> [{3}]")
  @CsvSource(delimiter = '|', value = {
      // default exchange: the queue named by the routing key, or nothing
      "q1                                          | ''       | q1    | q1",
      "q1                                          | ''       | q2    | ''",
      // one exchange
      "x:direct; q1; q2; x->q1:k; x->q2:k          | x        | k     | q1 q2",
      "x:fanout; q1; q2; x->q2:a; x->q1:b          | x        | any   | q2 q1",
      "x:topic; q1; q2; x->q1:a.*; x->q2:#         | x        | a.b   | q1 q2",
      "x:topic; q1; x->q1:a.*                      | x        | a.b.c | ''",
      // exchange to exchange: followed breadth-first, each queue once, in first-reached order
      "x:fanout; y:fanout; q1; q2; x->y:; y->q1:; x->q2: | x  | k     | q2 q1",
      "x:fanout; y:fanout; q1; x->q1:; x->y:; y->q1:      | x  | k     | q1",
      "x:direct; y:topic; q1; q2; x->y:a.b; y->q1:a.*; y->q2:z.* | x | a.b | q1",
      // cycles end: every exchange is visited once
      "x:fanout; y:fanout; q1; x->y:; y->x:; y->q1:       | x  | k     | q1",
      "x:fanout; x->x:                                    | x  | k     | ''",
  })
  void route_graph_reachesEachQueueOnceInOrder(String spec, String exchange, String key, String expected) {
    assertEquals(expected, route(vhost(spec), exchange, key));
  }

  @Test
  void route_headersExchange_matchesHeaders() {
    RoutingSnapshot<String, String> s = vhost("h:headers; q1; q2");
    s = s.bind("h", new Binding<>(Destination.queue("q1"), "", Map.of("x-match", "all", "k", "v"))).snapshot();
    s = s.bind("h", new Binding<>(Destination.queue("q2"), "", Map.of("x-match", "any", "k", "w"))).snapshot();
    var h = s.exchange("h");
    assertEquals(List.of("q1"), s.route(h, "", Map.of("k", "v")).stream().map(RoutingSnapshot.QueueNode::handle).toList());
    assertEquals(List.of("q2"), s.route(h, "", Map.of("k", "w")).stream().map(RoutingSnapshot.QueueNode::handle).toList());
    assertEquals(List.of(), s.route(h, "", null));
  }

  @Test
  void changes_returnNewVersions_andLeaveTheOldSnapshotAlone() {
    RoutingSnapshot<String, String> before = vhost("x:direct; q1");
    var change = before.bind("x", Binding.of(Destination.queue("q1"), "k"));

    assertTrue(change.changed());
    assertEquals(before.version() + 1, change.snapshot().version());
    assertEquals("", route(before, "x", "k"));
    assertEquals("q1", route(change.snapshot(), "x", "k"));
  }

  @Test
  void bind_twice_isIdempotent() {
    RoutingSnapshot<String, String> s = vhost("x:direct; q1; x->q1:k");
    var again = s.bind("x", Binding.of(Destination.queue("q1"), "k"));

    assertFalse(again.changed());
    assertSame(s, again.snapshot());
  }

  @Test
  void bindingTables_inASnapshot_areSealed() {
    RoutingSnapshot<String, String> s = vhost("x:direct; q1; x->q1:k");
    assertThrows(IllegalStateException.class, () -> s.exchange("x").bindings().add(Binding.of(Destination.queue("q1"),
        "other")));
  }

  @Test
  void withoutQueue_removesItsBindings_andAnAutoDeleteExchangeLeftEmpty() {
    RoutingSnapshot<String, String> s = vhost("x:direct:auto; y:fanout; q1; q2; x->q1:k; y->q1:; y->q2:");
    var change = s.withoutQueue("q1");

    assertNull(change.snapshot().queue("q1"));
    assertNull(change.snapshot().exchange("x"), "auto-delete x lost its last binding");
    assertEquals(List.of("x"), change.removedExchanges().stream().map(RoutingSnapshot.ExchangeNode::name).toList());
    assertEquals("q2", route(change.snapshot(), "y", "k"));
  }

  @Test
  void withoutExchange_removesBindingsToIt_cascadingThroughAutoDeleteSources() {
    // a (auto) -> b (auto) -> c: deleting c empties b, which goes, which empties a, which goes.
    RoutingSnapshot<String, String> s = vhost("a:fanout:auto; b:fanout:auto; c:fanout; q1; a->b:; b->c:; c->q1:");
    var change = s.withoutExchange("c");

    assertEquals(List.of("c", "b", "a"),
        change.removedExchanges().stream().map(RoutingSnapshot.ExchangeNode::name).toList());
    assertNotNull(change.snapshot().queue("q1"));
    assertNull(change.snapshot().exchange("a"));
  }

  @Test
  void unbind_lastBindingOfAutoDeleteExchange_removesIt() {
    RoutingSnapshot<String, String> s = vhost("x:direct:auto; q1; x->q1:k");
    var change = s.unbind("x", Binding.of(Destination.queue("q1"), "k"));

    assertNull(change.snapshot().exchange("x"));
    assertEquals(1, change.removedExchanges().size());
  }

  @Test
  void autoDeleteExchange_withoutBindingsFromTheStart_stays() {
    RoutingSnapshot<String, String> s = vhost("x:direct:auto; q1");
    var change = s.withoutQueue("q1");

    assertNotNull(change.snapshot().exchange("x"), "it never had a binding, so none was removed");
    assertEquals(List.of(), change.removedExchanges());
  }

  @Test
  void unbind_missingBinding_isUnchanged() {
    RoutingSnapshot<String, String> s = vhost("x:direct; q1");
    assertFalse(s.unbind("x", Binding.of(Destination.queue("q1"), "k")).changed());
  }

  @Test
  void queues_iterateInDeclarationOrder() {
    RoutingSnapshot<String, String> s = vhost("b; a; c");
    assertEquals(List.of("b", "a", "c"), s.queues().stream().map(RoutingSnapshot.QueueNode::name).toList());
  }

  private static RoutingSnapshot<String, String> withAlternate(RoutingSnapshot<String, String> s, String name,
      ExchangeType type, String alternate) {
    return s.withExchange(new RoutingSnapshot.ExchangeNode<>(new ExchangeSpec(name, type, true, false, false,
        alternate == null ? null : Map.of(ExchangeSpec.ALTERNATE_EXCHANGE, alternate)), BindingTable.create(type), name));
  }

  @Test
  void route_alternateExchange_getsWhatAnExchangeCannotRoute_transitively() {
    RoutingSnapshot<String, String> s = vhost("q1; q2; q3");
    s = withAlternate(s, "x", ExchangeType.DIRECT, "y");
    s = withAlternate(s, "y", ExchangeType.DIRECT, "z");
    s = withAlternate(s, "z", ExchangeType.FANOUT, null);
    s = s.bind("x", Binding.of(Destination.queue("q1"), "k")).snapshot();
    s = s.bind("y", Binding.of(Destination.queue("q2"), "other")).snapshot();
    s = s.bind("z", Binding.of(Destination.queue("q3"), "")).snapshot();

    assertEquals("q1", route(s, "x", "k"), "routed: the alternate is not used");
    assertEquals("q3", route(s, "x", "nothing"), "x and y route nothing: z takes it");
    assertEquals("q2", route(s, "x", "other"), "y routes it");
  }

  @Test
  void route_alternateExchangeCycle_ends_andAMissingAlternateRoutesNothing() {
    RoutingSnapshot<String, String> s = vhost("q1");
    s = withAlternate(s, "a", ExchangeType.DIRECT, "b");
    s = withAlternate(s, "b", ExchangeType.DIRECT, "a");
    s = withAlternate(s, "lost", ExchangeType.DIRECT, "no-such-exchange");
    assertEquals("", route(s, "a", "k"));
    assertEquals("", route(s, "lost", "k"));
  }

  @Test
  void route_severalRoutingKeys_unionInOrder_onePerQueue() {
    RoutingSnapshot<String, String> s = vhost("x:direct; q1; q2; q3; x->q1:a; x->q2:b; x->q3:a");
    var x = s.exchange("x");
    assertEquals(List.of("q2", "q1", "q3"),
        s.route(x, List.of("b", "a", "b"), null).stream().map(RoutingSnapshot.QueueNode::handle).toList());
    assertEquals(List.of("q1", "q2"), s.route(s.exchange(""), List.of("q1", "q2", "q1"), null).stream()
        .map(RoutingSnapshot.QueueNode::handle).toList());
  }
}
