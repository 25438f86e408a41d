package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MatchTest {

  private static FaultEvent publish(String routingKey, BasicProperties properties) {
    return new FaultEvent(Boundary.ROUTED, "msg", "", routingKey, null, null, "conn-2", "web-1", "conn-2/ch-1",
        properties, 0);
  }

  private static Match matchFromFile(String match) {
    return FaultFile.parse("faults.rules = [ { name = r, at = routed, match { " + match + " }, action { type = drop } } ]",
        "test.conf").rules().get(0).match();
  }

  @ParameterizedTest(name = "''{0}'' vs ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "rpc_queue   | rpc_queue     | true",
      "rpc_queue   | rpc_queue2    | false",
      "rpc_*       | rpc_queue     | true",
      "rpc_*       | rpc_          | true",
      "rpc_*       | xrpc_queue    | false",
      "*_queue     | rpc_queue     | true",
      "*           | anything      | true",
      "*           | ''            | true",
      "''          | ''            | true",
      "''          | rpc_queue     | false",
      "a*b*c       | a-b-c         | true",
      "a*b*c       | abc           | true",
      "a*b*c       | a-c-b         | false",
      "amq.gen-*   | amq.gen-Xy_9  | true",
      "rpc.*       | rpcXqueue     | false",
      "rpc_queue   | NULL          | false",
  })
  void test_routingKeyPattern_matchesAsGlob(String pattern, String routingKey, boolean expected) {
    Match m = Match.builder().routingKey(pattern).build();

    assertEquals(expected, m.test(publish(routingKey, null)));
  }

  @Test
  void test_everyFieldSet_allMustHold() {
    Match m = matchFromFile("exchange = \"\", routing-key = \"rpc_*\", client = \"web-*\", connection = conn-2, "
        + "channel = \"conn-2/ch-1\"");

    assertEquals(true, m.test(publish("rpc_queue", null)));
    assertEquals(false, m.test(new FaultEvent(Boundary.ROUTED, "msg", "", "rpc_queue", null, null, "conn-2", "batch-1",
        "conn-2/ch-1", null, 0)));
  }

  @Test
  void test_queueOrConsumerOnEventWithout_doesNotMatch() {
    assertEquals(false, Match.builder().queue("*").build().test(publish("rpc_queue", null)));
    assertEquals(false, Match.builder().consumerTag("*").build().test(publish("rpc_queue", null)));
  }

  @Test
  void test_hasReplyTo_needsNonEmptyReplyTo() {
    Match has = matchFromFile("has-reply-to = true");
    Match hasNot = matchFromFile("has-reply-to = false");
    BasicProperties withReplyTo = BasicProperties.builder().replyTo("amq.gen-abc").build();
    BasicProperties emptyReplyTo = BasicProperties.builder().replyTo("").build();

    assertEquals(true, has.test(publish("rpc_queue", withReplyTo)));
    assertEquals(false, has.test(publish("rpc_queue", emptyReplyTo)));
    assertEquals(false, has.test(publish("rpc_queue", null)));
    assertEquals(true, hasNot.test(publish("rpc_queue", null)));
    assertEquals(false, hasNot.test(publish("rpc_queue", withReplyTo)));
  }

  @Test
  void test_correlationAndReplyTo_matchProperties() {
    Match m = matchFromFile("correlation-id = \"req-4*\", reply-to = \"amq.rabbitmq.reply-to.*\"");
    BasicProperties p = BasicProperties.builder().correlationId("req-42").replyTo("amq.rabbitmq.reply-to.g1h2").build();

    assertEquals(true, m.test(publish("rpc_queue", p)));
    assertEquals(false, m.test(publish("rpc_queue", p.toBuilder().correlationId("req-5").build())));
  }

  @Test
  void test_properties_compareAsText() {
    Match m = matchFromFile("property { delivery-mode = 2, app-id = \"bill*\", priority = 5 }");
    BasicProperties p = BasicProperties.builder().deliveryMode(2).appId("billing").priority(5).build();

    assertEquals(true, m.test(publish("k", p)));
    assertEquals(false, m.test(publish("k", p.toBuilder().deliveryMode(1).build())));
    assertEquals(false, m.test(publish("k", p.toBuilder().appId(null).build())));
  }

  @Test
  void test_headers_compareStringsBytesAndNumbersAsText() {
    Match m = matchFromFile("header { x-tenant = acme, \"x.retry\" = 3, x-region = \"eu-*\" }");
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("x-tenant", "acme".getBytes(StandardCharsets.UTF_8));
    h.put("x.retry", 3);
    h.put("x-region", "eu-west");
    BasicProperties p = BasicProperties.builder().headers(h).build();

    assertEquals(true, m.test(publish("k", p)));

    Map<String, Object> missing = new LinkedHashMap<>(h);
    missing.remove("x.retry");
    assertEquals(false, m.test(publish("k", p.withHeaders(missing))));
    assertEquals(false, m.test(publish("k", null)));
  }

  @Test
  void builderProperty_unknownName_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> Match.builder().property("delivery_mode", "2"));
  }
}
