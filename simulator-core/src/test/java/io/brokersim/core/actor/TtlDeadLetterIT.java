package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TTL, queue leases, length limits and dead-lettering in virtual time (semantics §5; rows T1–T4). */
class TtlDeadLetterIT extends SimulationTestBase {

  private static BasicProperties ttl(String millis) {
    return BasicProperties.builder().expiration(millis).build();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void perMessageTtl_expiresAtHeadInVirtualTime() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", false, ttl("1000"), b("short"));
    sim.advanceBy(Duration.ofMillis(999));
    assertEquals(1, ch.queueDeclarePassive("q").messageCount());
    sim.advanceBy(Duration.ofMillis(1));
    assertEquals(0, ch.queueDeclarePassive("q").messageCount());
    assertEquals(1, sim.events().events(TraceEvent.Expired.class).size());
  }

  @Test
  void queueTtl_lowerOfMessageAndQueueWins() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-message-ttl", 1000));
    ch.basicPublish("", "q", false, ttl("60000"), b("x"));
    sim.advanceBy(Duration.ofMillis(1000));
    assertEquals(0, ch.queueDeclarePassive("q").messageCount());
  }

  @Test
  void longTtlAtHead_blocksExpiryOfShorterBehind() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", false, ttl("10000"), b("long"));
    ch.basicPublish("", "q", false, ttl("100"), b("short"));
    sim.advanceBy(Duration.ofSeconds(1));
    assertEquals(2, ch.queueDeclarePassive("q").messageCount(), "expiry happens only at the head");
    assertEquals("long", ch.basicGet("q", true).bodyText());
    assertNull(ch.basicGet("q", true), "the short one expired as soon as it reached the head");
  }

  @Test
  void expiredBehindALiveHead_isNotDeliveredToALaterConsumer() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", false, BasicProperties.EMPTY, b("no-ttl"));
    ch.basicPublish("", "q", false, ttl("1"), b("expires-behind"));
    sim.advanceBy(Duration.ofMillis(50));
    Collector got = new Collector(false);
    channel("late").basicConsume("q", true, got);
    sim.runUntilQuiet();
    assertEquals(List.of("no-ttl"), got.got.stream().map(Delivery::bodyText).toList());
    assertEquals(1, sim.events().events(TraceEvent.Expired.class).size());
  }

  @Test
  void zeroTtl_deliveredIfConsumerReady_elseExpiredAndDeadLettered() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("q", true, false, false, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
    ch.basicPublish("", "q", false, ttl("0"), b("nobody listening"));
    sim.runUntilQuiet();
    assertEquals(0, ch.queueDeclarePassive("q").messageCount());
    Delivery d = ch.basicGet("dead", true);
    assertEquals("nobody listening", d.bodyText());
    assertNull(d.properties().expiration(), "expiration is removed when dead-lettered");
    SimChannel consumer = channel("consumer");
    Collector c = new Collector(false);
    consumer.basicConsume("q", true, c);
    ch.basicPublish("", "q", false, ttl("0"), b("caught"));
    sim.runUntilQuiet();
    assertEquals(List.of("caught"), c.bodies());
  }

  @Test
  void requeue_keepsOriginalExpiry() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", false, ttl("1000"), b("x"));
    sim.advanceBy(Duration.ofMillis(600));
    Delivery d = ch.basicGet("q", false);
    sim.advanceBy(Duration.ofMillis(600));
    ch.basicReject(d.deliveryTag(), true);
    sim.runUntilQuiet();
    assertEquals(0, ch.queueDeclarePassive("q").messageCount(), "past its original expiry when requeued");
  }

  @SuppressWarnings("unchecked")
  @Test
  void rejected_deadLetteredWithRabbitXDeath() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.exchangeDeclare("dlx", "fanout");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueBind("dead", "dlx", "");
    ch.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "dlx"));
    ch.basicPublish("", "work", false, ttl("50000"), b("bad"));
    Delivery d = ch.basicGet("work", false);
    ch.basicNack(d.deliveryTag(), false, false);
    sim.runUntilQuiet(); // dead-lettering is asynchronous, as on the brokers
    Delivery dead = ch.basicGet("dead", true);
    Map<String, Object> h = dead.properties().headers();
    List<Object> deaths = (List<Object>) h.get("x-death");
    Map<String, Object> entry = (Map<String, Object>) deaths.get(0);
    assertEquals(1L, entry.get("count"));
    assertInstanceOf(Long.class, entry.get("count"), "RabbitMQ writes count as a long");
    assertEquals("rejected", entry.get("reason"));
    assertEquals("work", entry.get("queue"));
    assertEquals("", entry.get("exchange"));
    assertEquals(List.of("work"), entry.get("routing-keys"));
    assertEquals("50000", entry.get("original-expiration"));
    assertEquals("work", h.get("x-first-death-queue"));
    assertEquals("rejected", h.get("x-last-death-reason"));
    assertEquals("work", dead.routingKey(), "routing key kept when no x-dead-letter-routing-key");
  }

  @SuppressWarnings("unchecked")
  @Test
  void rejected_lavinMqXDeath_intCountNoLastDeath() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
    ch.basicPublish("", "work", "bad");
    ch.basicReject(ch.basicGet("work", false).deliveryTag(), false);
    sim.runUntilQuiet();
    Delivery dead = ch.basicGet("dead", true);
    Map<String, Object> h = dead.properties().headers();
    Map<String, Object> entry = (Map<String, Object>) ((List<Object>) h.get("x-death")).get(0);
    assertInstanceOf(Integer.class, entry.get("count"), "LavinMQ writes count as a 32-bit int");
    assertEquals("work", h.get("x-first-death-queue"));
    assertFalse(h.containsKey("x-last-death-queue"));
    assertEquals("dead", dead.routingKey());
  }

  @SuppressWarnings("unchecked")
  @Test
  void repeatedRejectionCycle_countGrowsInOneEntry() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("loop", true, false, false, Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", "loop"));
    ch.basicPublish("", "loop", "again");
    for (int i = 0; i < 3; i++) {
      ch.basicReject(ch.basicGet("loop", false).deliveryTag(), false);
      sim.runUntilQuiet();
    }
    Delivery d = ch.basicGet("loop", true);
    List<Object> deaths = (List<Object>) d.properties().headers().get("x-death");
    assertEquals(1, deaths.size());
    assertEquals(3L, ((Map<String, Object>) deaths.get(0)).get("count"));
  }

  @Test
  void expiryCycle_withoutRejection_dropped() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("a", true, false, false,
        Map.of("x-message-ttl", 100, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "a"));
    ch.basicPublish("", "a", "cycling");
    sim.advanceBy(Duration.ofSeconds(1));
    assertEquals(0, ch.queueDeclarePassive("a").messageCount());
    assertTrue(sim.events().events(TraceEvent.Discarded.class).stream()
        .anyMatch(e -> e.detail().contains("cycle")), "dropped as a dead-letter cycle");
  }

  @Test
  void missingDeadLetterExchange_droppedWithRecordedReason() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "gone"));
    ch.basicPublish("", "work", "x");
    ch.basicReject(ch.basicGet("work", false).deliveryTag(), false);
    sim.runUntilQuiet();
    assertTrue(sim.events().events(TraceEvent.Discarded.class).stream()
        .anyMatch(e -> e.detail().equals("dead-letter exchange 'gone' does not exist")));
  }

  @Test
  void maxLength_dropHead_deadLettersOldestAsMaxlen() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("q", true, false, false, Map.of("x-max-length", 2, "x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "dead"));
    for (String m : List.of("1", "2", "3")) {
      ch.basicPublish("", "q", m);
    }
    sim.runUntilQuiet();
    assertEquals(2, ch.queueDeclarePassive("q").messageCount());
    assertEquals("2", ch.basicGet("q", true).bodyText());
    Delivery dead = ch.basicGet("dead", true);
    assertEquals("1", dead.bodyText());
    assertEquals("maxlen", dead.properties().headers().get("x-first-death-reason"));
  }

  @Test
  void maxLength_rejectPublish_nackedUnderConfirms() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    ch.confirmSelect();
    ch.basicPublish("", "q", "fits");
    assertTrue(ch.waitForConfirms());
    ch.basicPublish("", "q", "refused");
    assertFalse(ch.waitForConfirms(), "the refused publish is nacked");
    assertEquals(1, ch.queueDeclarePassive("q").messageCount());
  }

  @Test
  void maxLengthBytes_dropHead() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-max-length-bytes", 10));
    ch.basicPublish("", "q", "123456");
    ch.basicPublish("", "q", "abcdef");
    sim.runUntilQuiet();
    assertEquals("abcdef", ch.basicGet("q", true).bodyText());
  }

  @Test
  void expires_idleQueueDeleted_leaseRenewedByPassiveDeclare_messagesNotDeadLettered() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueDeclare("cb", true, false, false, Map.of("x-expires", 1000, "x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "dead"));
    ch.basicPublish("", "cb", "abandoned");
    sim.advanceBy(Duration.ofMillis(800));
    ch.queueDeclarePassive("cb");
    sim.advanceBy(Duration.ofMillis(800));
    assertEquals(1, ch.queueDeclarePassive("cb").messageCount(), "lease renewed by the passive declare");
    sim.advanceBy(Duration.ofMillis(1000));
    assertEquals(404, assertThrows(AmqpException.class, () -> ch.queueDeclarePassive("cb")).replyCode());
    SimChannel again = channel("again");
    assertEquals(0, again.queueDeclarePassive("dead").messageCount(), "messages of an expired queue are not dead-lettered");
  }

  @Test
  void expires_notWhileConsumed() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("cb", true, false, false, Map.of("x-expires", 1000));
    ch.basicConsume("cb", true, new Collector(false));
    sim.advanceBy(Duration.ofSeconds(5));
    SimChannel probe = channel("probe");
    assertEquals(1, probe.queueDeclarePassive("cb").consumerCount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"x-expires", "x-message-ttl"})
  void invalidArguments_406(String key) {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class,
        () -> ch.queueDeclare("q", true, false, false, Map.of(key, -1)));
    assertEquals(406, e.replyCode());
    assertTrue(e.replyText().startsWith("PRECONDITION_FAILED - invalid arg '" + key + "' for queue 'q'"), e.replyText());
  }

  @Test
  void deadLetterRoutingKeyWithoutExchange_406() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    assertEquals(406, assertThrows(AmqpException.class, () -> ch.queueDeclare("q", true, false, false,
        Map.of("x-dead-letter-routing-key", "k"))).replyCode());
  }

  @Test
  void requestTtlWithDlx_expiredRequestRoutedToTimeoutsQueue_linkedInLedger() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("timeouts", true, false, false, null);
    ch.queueDeclare("rpc_queue", true, false, false, Map.of("x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "timeouts"));
    ch.basicPublish("", "rpc_queue", false,
        BasicProperties.builder().expiration("5000").correlationId("req-1").replyTo("cb").build(), b("late"));
    sim.advanceBy(Duration.ofSeconds(5));
    Delivery expired = ch.basicGet("timeouts", true);
    assertEquals("req-1", expired.properties().correlationId());
    String explanation = sim.ledger().byCorrelationId("req-1").get(0).toString();
    assertTrue(explanation.contains("DEAD_LETTERED") || explanation.contains("dead"), explanation);
  }
}
