package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CC and BCC headers (sender-selected distribution) and alternate exchanges, with the ledger checked after each. */
class SenderSelectedDistributionIT extends SimulationTestBase {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private SimChannel threeQueues() {
    SimChannel ch = channel("app");
    ch.exchangeDeclare("x", "direct");
    for (String k : List.of("k1", "k2", "k3")) {
      ch.queueDeclare("q-" + k, true, false, false, null);
      ch.queueBind("q-" + k, "x", k);
    }
    return ch;
  }

  @Test
  void ccAndBcc_addRoutingKeys_bccIsNotDelivered() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = threeQueues();
    BasicProperties props = BasicProperties.builder()
        .headers(Map.of("CC", List.of("k2"), "BCC", List.of("k3", "k1"), "other", "kept")).build();
    ch.basicPublish("x", "k1", false, props, b("hello"));

    for (String q : List.of("q-k1", "q-k2", "q-k3")) {
      Delivery d = ch.basicGet(q, true);
      assertEquals("hello", d.bodyText(), q);
      assertEquals("k1", d.routingKey(), q);
      assertEquals(List.of("k2"), d.properties().headers().get("CC"), q);
      assertFalse(d.properties().headers().containsKey("BCC"), q + ": BCC is removed before delivery");
      assertNull(ch.basicGet(q, true), q + ": one copy per queue");
    }
  }

  @Test
  void ccNotAnArray_406() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = threeQueues();
    ch.basicPublish("x", "k1", false, BasicProperties.builder().headers(Map.of("CC", "k2")).build(), b("x"));
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclarePassive("q-k1"));
    assertEquals(406, e.replyCode());
    assertTrue(e.replyText().contains("unacceptable_type_in_header"), e.replyText());
  }

  @Test
  void deadLettering_keepsCcInXDeath_andANewRoutingKeyDropsCc() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = threeQueues();
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("src", true, false, false, Map.of("x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "dead"));
    ch.basicPublish("", "src", false, BasicProperties.builder().headers(Map.of("CC", List.of("elsewhere"))).build(),
        b("m"));
    Delivery d = ch.basicGet("src", false);
    ch.basicReject(d.deliveryTag(), false);
    sim.runUntilQuiet(); // dead-lettering is asynchronous, as on the brokers
    Delivery dead = ch.basicGet("dead", true);
    assertFalse(dead.properties().headers().containsKey("CC"), "the new routing key replaces CC");
    @SuppressWarnings("unchecked")
    Map<String, Object> death = ((List<Map<String, Object>>) dead.properties().headers().get("x-death")).get(0);
    assertEquals(List.of("src", "elsewhere"), death.get("routing-keys"));
  }

  @Test
  void alternateExchange_takesUnroutable_andMandatoryIsJudgedAfterIt() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.exchangeDeclare("unrouted", "fanout");
    ch.queueDeclare("catch-all", true, false, false, null);
    ch.queueBind("catch-all", "unrouted", "");
    ch.exchangeDeclare("orders", "direct", true, false, false, Map.of("alternate-exchange", "unrouted"));
    ch.exchangeDeclare("bare", "direct", true, false, false, Map.of("alternate-exchange", "no-such-exchange"));

    ch.basicPublish("orders", "nobody-binds-this", true, BasicProperties.EMPTY, b("to-ae"));
    ch.basicPublish("bare", "k", true, BasicProperties.EMPTY, b("returned"));
    sim.runUntilQuiet();

    assertEquals("to-ae", ch.basicGet("catch-all", true).bodyText());
    assertEquals(List.of("returned"), ch.returnedMessages().stream()
        .map(r -> new String(r.body(), StandardCharsets.UTF_8)).toList(), "a missing alternate routes nothing");
  }

  @Test
  void alternateExchange_notAString_406_andRedeclaredDifferently_406() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class,
        () -> ch.exchangeDeclare("x", "direct", true, false, false, Map.of("alternate-exchange", 5)));
    assertEquals("PRECONDITION_FAILED - invalid type 'signedint' for arg 'alternate-exchange' in exchange 'x' in "
        + "vhost '/'", e.replyText());
    SimChannel ch2 = channel("app2");
    ch2.exchangeDeclare("y", "direct", true, false, false, Map.of("alternate-exchange", "a"));
    AmqpException e2 = assertThrows(AmqpException.class,
        () -> ch2.exchangeDeclare("y", "direct", true, false, false, Map.of("alternate-exchange", "b")));
    assertEquals(406, e2.replyCode());
    assertTrue(e2.replyText().contains("inequivalent arg 'alternate-exchange'"), e2.replyText());
  }
}
