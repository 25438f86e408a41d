package io.brokersim.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.ClientOrigin;
import io.brokersim.core.model.FieldTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON shapes of RabbitMQ's management API, field by field, from a hand-made {@link BrokerView}. */
class RabbitJsonTest {

  private static final ClientOrigin ORIGIN = new ClientOrigin("127.0.0.1", 50123, "127.0.0.1", 5672, "AMQP 0-9-1",
      Map.of("connection_name", "billing", "product", "RabbitMQ"), "PLAIN", 131072, 2047, 60);

  private static final BrokerView VIEW = new BrokerView("/", 7,
      List.of(new BrokerView.Exchange("", "direct", true, false, false, Map.of()),
          new BrokerView.Exchange("orders", "topic", true, false, false, Map.of("alternate-exchange", "ae"))),
      List.of(new BrokerView.Binding("", "q", true, "q", Map.of()),
          new BrokerView.Binding("orders", "q", true, "a.#", Map.of())),
      List.of(new BrokerView.Queue("q", true, false, false, Map.of("x-max-length", 10), null, 2, 1, 20, false,
          List.of(new BrokerView.Consumer("q", "conn-1/ch-2", "ctag-1", false, false, 5, 0, 1)))),
      List.of(new BrokerView.Connection("conn-1", "billing", "guest", ORIGIN, 1_700_000_000_000L, 1, false),
          new BrokerView.Connection("conn-2", "in-process", "guest", null, 1_700_000_000_001L, 0, false)),
      List.of(new BrokerView.Channel("conn-1/ch-2", "conn-1", 2, "guest", 1, 1, 5, true, false, false)), true);

  private final RabbitJson json = new RabbitJson(VIEW, "brokersim@lavinmq");

  @Test
  void queue_rabbitMqFieldsInOrder_withConsumerDetails() {
    assertEquals("{\"name\":\"q\",\"vhost\":\"/\",\"type\":\"classic\",\"durable\":true,\"auto_delete\":false,"
        + "\"exclusive\":false,\"arguments\":{\"x-max-length\":10},\"node\":\"brokersim@lavinmq\",\"state\":\"running\","
        + "\"messages\":3,\"messages_ready\":2,\"messages_unacknowledged\":1,\"message_bytes_ready\":20,"
        + "\"consumers\":1,\"exclusive_consumer_tag\":null,\"policy\":null,\"brokersim_paused\":false,"
        + "\"consumer_details\":[{\"consumer_tag\":\"ctag-1\",\"queue\":{\"name\":\"q\",\"vhost\":\"/\"},"
        + "\"channel_details\":{\"name\":\"127.0.0.1:50123 -> 127.0.0.1:5672 (2)\",\"number\":2,"
        + "\"connection_name\":\"127.0.0.1:50123 -> 127.0.0.1:5672\",\"user\":\"guest\",\"node\":\"brokersim@lavinmq\","
        + "\"peer_host\":\"127.0.0.1\",\"peer_port\":50123},\"ack_required\":true,\"exclusive\":false,"
        + "\"prefetch_count\":5,\"arguments\":{},\"active\":true,\"activity_status\":\"up\"}]}",
        new String(Json.bytes(json.queue(VIEW.queues().get(0), true))));
  }

  @Test
  void connections_networkNamedAsRabbitMq_inProcessByIdAndClient() {
    Map<String, Object> network = json.connection(VIEW.connections().get(0));
    assertEquals("127.0.0.1:50123 -> 127.0.0.1:5672", network.get("name"));
    assertEquals("network", network.get("type"));
    assertEquals(60, network.get("timeout"));
    assertEquals(Map.of("connection_name", "billing", "product", "RabbitMQ"), network.get("client_properties"));
    Map<String, Object> direct = json.connection(VIEW.connections().get(1));
    assertEquals("conn-2 (in-process)", direct.get("name"));
    assertEquals("direct", direct.get("type"));
    assertEquals(VIEW.connections().get(1), json.connectionNamed("conn-2 (in-process)").orElseThrow());
  }

  @Test
  void channel_namedAfterItsConnectionAndNumber() {
    Map<String, Object> ch = json.channel(VIEW.channels().get(0));
    assertEquals("127.0.0.1:50123 -> 127.0.0.1:5672 (2)", ch.get("name"));
    assertEquals(true, ch.get("confirm"));
    assertEquals(Map.of("name", "127.0.0.1:50123 -> 127.0.0.1:5672", "peer_host", "127.0.0.1", "peer_port", 50123),
        ch.get("connection_details"));
  }

  @Test
  void bindings_defaultExchangeFirst_destinationTypes() {
    List<Map<String, Object>> all = json.bindings(b -> true);
    assertEquals("", all.get(0).get("source"));
    assertEquals("queue", all.get(1).get("destination_type"));
    assertEquals("a.%23", all.get(1).get("properties_key"));
  }

  @ParameterizedTest
  @CsvSource({"'', ~", "q, q", "a.#, a.%23", "a b*, a+b%2A", "x~y, x%7Ey"})
  void propertiesKey_withoutArguments_asRabbitMqQuotesIt(String key, String expected) {
    assertEquals(expected, RabbitJson.propertiesKey(key, Map.of()));
  }

  @Test
  void propertiesKey_withArguments_keyThenTildeThenAStableHash() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-match", "all");
    args.put("h", 1);
    String k = RabbitJson.propertiesKey("", args);
    assertEquals(k, RabbitJson.propertiesKey("", Map.of("h", 1, "x-match", "all")), "order does not matter");
    assertEquals('~', k.charAt(0));
  }

  @Test
  void fieldValues_asRabbitMqPrintsThem() {
    assertEquals("bytes", Json.value("bytes".getBytes()));
    assertEquals(1_700_000_000L, Json.value(new FieldTables.Timestamp(1_700_000_000L)));
    assertEquals(4_000_000_000L, Json.value(new FieldTables.Unsigned('i', 4_000_000_000L)));
    assertEquals(List.of(Map.of("a", 1)), Json.value(List.of(Map.of("a", 1))));
  }

  @Test
  void totals_sumReadyAndUnackedOverQueues() {
    assertEquals(Map.of("messages", 3L, "messages_ready", 2L, "messages_unacknowledged", 1L), json.queueTotals());
    assertEquals(1, json.objectTotals().get("consumers"));
  }
}
