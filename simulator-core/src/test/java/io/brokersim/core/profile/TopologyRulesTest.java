package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Binding;
import io.brokersim.core.model.Destination;
import io.brokersim.core.model.BindingTable;
import io.brokersim.core.model.ExchangeSpec;
import io.brokersim.core.model.ExchangeType;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.RoutingSnapshot;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The order of the binding checks, and their codes and texts, per profile. */
class TopologyRulesTest {

  private static final RoutingSnapshot<String, String> VHOST = RoutingSnapshot.<String, String>empty()
      .withExchange(x("x", ExchangeType.DIRECT))
      .withExchange(x("h", ExchangeType.HEADERS))
      .withQueue(new RoutingSnapshot.QueueNode<>(new QueueSpec("q", true, false, false, null, null), "q"))
      .withQueue(new RoutingSnapshot.QueueNode<>(new QueueSpec("mine", false, true, false, null, "conn-1"), "mine"));

  private static RoutingSnapshot.ExchangeNode<String> x(String name, ExchangeType type) {
    return new RoutingSnapshot.ExchangeNode<>(new ExchangeSpec(name, type, true, false, false, null),
        BindingTable.create(type), name);
  }

  private static String text(AmqpError e) {
    return e == null ? "ok" : e.replyCode() + " " + e.text();
  }

  @ParameterizedTest(name = "{0}: bind {1} to ''{2}'' from {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | q       | x       | conn-1 | ok",
      "rabbitmq-3 | q       | ''      | conn-1 | 403 ACCESS_REFUSED - operation not permitted on the default exchange",
      // the queue is checked before the exchange
      "rabbitmq-3 | missing | missing | conn-1 | 404 NOT_FOUND - no queue 'missing' in vhost '/'",
      "rabbitmq-3 | q       | missing | conn-1 | 404 NOT_FOUND - no exchange 'missing' in vhost '/'",
      "rabbitmq-3 | mine    | x       | conn-2 | 405 RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mine' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.",
      "rabbitmq-3 | mine    | x       | conn-1 | ok",
  })
  void queueBind_checksInTheBrokersOrder(String profile, String queue, String exchange, String conn, String expected) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    assertEquals(expected, text(TopologyRules.queueBind(p, "/", VHOST, conn, queue, exchange, Map.of())));
  }

  /**
   * Unbinding is idempotent on every profile (RabbitMQ 3.10.8 measured, 4.x and LavinMQ from source); the
   * exclusive check applies to an existing binding on RabbitMQ and to any existing queue and exchange on LavinMQ.
   */
  @ParameterizedTest(name = "{0}: unbind {1} from {2} (bound: {3}) by {4} -> {5}")
  @CsvSource({
      "lavinmq,    missing, x,       false, conn-1, OK_NOTHING_TO_DO",
      "lavinmq,    q,       missing, false, conn-1, OK_NOTHING_TO_DO",
      "rabbitmq-3, missing, x,       false, conn-1, OK_NOTHING_TO_DO",
      "rabbitmq-3, q,       missing, false, conn-1, OK_NOTHING_TO_DO",
      "rabbitmq-4, q,       x,       false, conn-1, OK_NOTHING_TO_DO",
      "rabbitmq-3, q,       x,       true,  conn-1, REMOVE",
      "rabbitmq-3, mine,    x,       false, conn-2, OK_NOTHING_TO_DO",
      "rabbitmq-3, mine,    x,       true,  conn-2, REFUSE",
      "lavinmq,    mine,    x,       false, conn-2, REFUSE",
  })
  void queueUnbind_idempotent_exclusiveCheckedPerProfile(String profile, String queue, String exchange, boolean bound,
      String conn, TopologyRules.UnbindAction action) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    Binding<Destination> b = Binding.of(Destination.queue(queue), "k");
    RoutingSnapshot<String, String> s = bound ? VHOST.bind(exchange, b).snapshot() : VHOST;
    assertEquals(action, TopologyRules.queueUnbind(p, "/", s, conn, queue, exchange, b).action());
  }

  @ParameterizedTest(name = "headers binding {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "all | ok",
      "bogus | 406",
  })
  void queueBind_headersExchange_validatesXMatch(String xMatch, String expected) {
    AmqpError e = TopologyRules.queueBind(BrokerProfile.RABBITMQ_3, "/", VHOST, "conn-1", "q", "h",
        Map.of("x-match", xMatch));
    assertEquals(expected, e == null ? "ok" : String.valueOf(e.replyCode()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "x       | ok",
      "missing | 404 NOT_FOUND - no exchange 'missing' in vhost '/'",
  })
  void exchangeBind_destinationThenSource(String source, String expected) {
    assertEquals(expected, text(TopologyRules.exchangeBind(BrokerProfile.RABBITMQ_3, "/", VHOST, "x", source)));
    assertNull(TopologyRules.exchangeBind(BrokerProfile.LAVINMQ, "/", VHOST, "h", "x"));
    assertEquals(TopologyRules.UnbindAction.OK_NOTHING_TO_DO,
        TopologyRules.exchangeUnbind(BrokerProfile.RABBITMQ_3, VHOST, "x", source.equals("x") ? "missing" : source)
            .action());
  }
}
