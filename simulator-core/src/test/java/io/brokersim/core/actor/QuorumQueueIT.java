package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.MessageFate;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quorum queues in a simulation (semantics §9; rows Q1–Q9): declaration rules, the delivery limit and
 * {@code x-delivery-count}, dead-lettering strategies, overflow, and the consumer rules that differ.
 */
class QuorumQueueIT extends SimulationTestBase {

  private static Map<String, Object> quorum(Object... more) {
    Map<String, Object> a = new HashMap<>();
    a.put("x-queue-type", "quorum");
    for (int i = 0; i < more.length; i += 2) {
      a.put((String) more[i], more[i + 1]);
    }
    return a;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Long deliveryCount(Delivery d) {
    Map<String, Object> h = d.properties().headers();
    Object v = h == null ? null : h.get("x-delivery-count");
    return v == null ? null : ((Number) v).longValue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void declare_invalidProperties_406AndNothingCreated_Q1(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    AmqpException autoDelete = assertThrows(AmqpException.class,
        () -> channel("a").queueDeclare("q", true, false, true, quorum()));
    assertEquals("PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'q' in vhost '/'",
        autoDelete.replyText());
    AmqpException exclusive = assertThrows(AmqpException.class,
        () -> channel("b").queueDeclare("q", true, true, false, quorum()));
    assertEquals("PRECONDITION_FAILED - invalid property 'exclusive-owner' for queue 'q' in vhost '/'",
        exclusive.replyText());
    AmqpException serverNamed = assertThrows(AmqpException.class,
        () -> channel("c").queueDeclare("", true, false, false, quorum()));
    assertEquals("PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_quorum_queue",
        serverNamed.replyText());
    AmqpException priority = assertThrows(AmqpException.class,
        () -> channel("d").queueDeclare("q", true, false, false, quorum("x-max-priority", 5)));
    assertEquals("PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type "
        + "rabbit_quorum_queue", priority.replyText());
    AmqpException nothing = assertThrows(AmqpException.class, () -> channel("e").queueDeclarePassive("q"));
    assertEquals(404, nothing.replyCode(), "no refused declare created the queue");
  }

  @Test
  void declare_transientQuorumQueue_rabbit3Says406_rabbit4Says541() {
    start(BrokerProfile.RABBITMQ_3);
    AmqpException e = assertThrows(AmqpException.class, () -> channel("a").queueDeclare("q", false, false, false,
        quorum()));
    assertEquals("PRECONDITION_FAILED - invalid property 'non-durable' for queue 'q' in vhost '/'", e.replyText());
    sim.close();
    start(BrokerProfile.RABBITMQ_4);
    AmqpException four = assertThrows(AmqpException.class, () -> channel("a").queueDeclare("q", false, false, false,
        quorum()));
    assertEquals(541, four.replyCode());
    assertTrue(four.connectionLevel());
  }

  @Test
  void declare_lavinMq_quorumTypeIgnored_exclusiveAndTransientAccepted() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("a");
    assertEquals("q", ch.queueDeclare("q", false, true, true, quorum()).queue());
    assertNotNull(ch.queueDeclare("", true, false, false, quorum()).queue());
  }

  @Test
  void redeclare_rabbitMq_absentTypeEqualsClassic_quorumDiffers() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("a");
    ch.queueDeclare("c", true, false, false, null);
    ch.queueDeclare("c", true, false, false, Map.of("x-queue-type", "classic"));
    ch.queueDeclare("qq", true, false, false, quorum());
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("qq", true, false, false, null));
    // 4.x fills in the default type before comparing (augment_declare_args): both present, bare values printed.
    assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'qq' in vhost '/': received "
        + "'classic' but current is 'quorum'", e.replyText());
  }

  @Test
  void redeclare_rabbitMq3_absentTypeAgainstQuorum_readsNone() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("a");
    ch.queueDeclare("c", true, false, false, null);
    ch.queueDeclare("c", true, false, false, Map.of("x-queue-type", "classic"));
    ch.queueDeclare("qq", true, false, false, quorum());
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("qq", true, false, false, null));
    assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'qq' in vhost '/': received "
        + "none but current is the value 'quorum' of type 'longstr'", e.replyText());
  }

  @Test
  void redelivery_rabbit3_everyReturnCounts_xDeliveryCountLong_Q2() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicPublish("", "q", "m");
    Delivery first = ch.basicGet("q", false);
    assertNull(deliveryCount(first));
    assertFalse(first.redelivered());
    ch.basicNack(first.deliveryTag(), false, true);
    Delivery second = ch.basicGet("q", false);
    assertEquals(1L, deliveryCount(second));
    assertTrue(second.redelivered());
    assertTrue(second.properties().headers().get("x-delivery-count") instanceof Long);
    ch.basicReject(second.deliveryTag(), true);
    assertEquals(2L, deliveryCount(ch.basicGet("q", true)));
  }

  @Test
  void redelivery_rabbit4_rejectCountsNackDoesNot_acquiredCountCountsBoth_Q2() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicPublish("", "q", "m");
    Delivery first = ch.basicGet("q", false);
    ch.basicNack(first.deliveryTag(), false, true);
    Delivery afterNack = ch.basicGet("q", false);
    assertNull(deliveryCount(afterNack), "basic.nack does not count (4.3, §9.4)");
    assertEquals(1L, afterNack.properties().headers().get("x-acquired-count"));
    ch.basicReject(afterNack.deliveryTag(), true);
    Delivery afterReject = ch.basicGet("q", true);
    assertEquals(1L, deliveryCount(afterReject));
    assertEquals(2L, afterReject.properties().headers().get("x-acquired-count"));
  }

  @Test
  void deliveryLimit_rabbit4DefaultOf20_poisonDroppedWithoutDlx_ledgerSaysWhy_Q3() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicPublish("", "q", "poison");
    int deliveries = 0;
    for (Delivery d = ch.basicGet("q", false); d != null; d = ch.basicGet("q", false)) {
      deliveries++;
      ch.basicReject(d.deliveryTag(), true);
    }
    assertEquals(21, deliveries, "delivered limit + 1 times");
    TraceEvent.Discarded dropped = sim.events().events(TraceEvent.Discarded.class).get(0);
    assertEquals(TraceEvent.Discarded.CAUSE_DELIVERY_LIMIT, dropped.cause());
    MessageFate f = sim.ledger().fateOf(dropped.msgId()).orElseThrow();
    assertEquals(Fate.Kind.DROPPED_DELIVERY_LIMIT, f.onlyCopy().fate().kind());
    assertTrue(sim.ledger().explain(dropped.msgId()).contains("delivery limit of queue 'q'"),
        sim.ledger().explain(dropped.msgId()));
  }

  @Test
  void deliveryLimit_consumerCrashes_deadLetteredWithReasonDeliveryLimit_Q3() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel setup = channel("setup");
    setup.queueDeclare("dead", true, false, false, null);
    setup.queueDeclare("q", true, false, false, quorum("x-delivery-limit", 1, "x-dead-letter-exchange", "",
        "x-dead-letter-routing-key", "dead"));
    setup.basicPublish("", "q", "poison");
    for (int crash = 0; crash < 2; crash++) {
      var conn = sim.connect("worker-" + crash);
      SimChannel w = conn.openChannel();
      Collector got = new Collector(false);
      w.basicConsume("q", false, got);
      sim.runUntilQuiet();
      assertEquals(1, got.got.size());
      assertEquals(crash == 0 ? null : 1L, deliveryCount(got.got.get(0)));
      conn.cut();
      sim.runUntilQuiet();
    }
    Delivery dead = setup.basicGet("dead", true);
    assertNotNull(dead);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> deaths = (List<Map<String, Object>>) dead.properties().headers().get("x-death");
    assertEquals("delivery_limit", deaths.get(0).get("reason"));
    assertEquals("delivery_limit", dead.properties().headers().get("x-first-death-reason"));
    assertEquals(0, setup.queueDeclarePassive("q").messageCount());
  }

  @Test
  void deliveryLimit_lavinMq_anyQueue_xDeliveryCountInt() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-delivery-limit", 2));
    ch.basicPublish("", "q", "m");
    Delivery d1 = ch.basicGet("q", false);
    assertNull(d1.properties().headers());
    ch.basicNack(d1.deliveryTag(), false, true);
    Delivery d2 = ch.basicGet("q", false);
    assertEquals(1, d2.properties().headers().get("x-delivery-count"), "an int on LavinMQ");
    ch.basicNack(d2.deliveryTag(), false, true);
    Delivery d3 = ch.basicGet("q", false);
    ch.basicNack(d3.deliveryTag(), false, true);
    assertNull(ch.basicGet("q", false), "dropped after 3 deliveries (limit 2)");
  }

  @Test
  void atLeastOnce_deadLetterHeldUntilItCanBeRouted_Q4() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum("x-dead-letter-exchange", "dlx", "x-dead-letter-strategy",
        "at-least-once", "x-overflow", "reject-publish"));
    ch.basicPublish("", "q", "m");
    Delivery d = ch.basicGet("q", false);
    ch.basicReject(d.deliveryTag(), false);
    sim.runUntilQuiet();
    TraceEvent.DeadLetterHeld held = sim.events().events(TraceEvent.DeadLetterHeld.class).get(0);
    assertEquals("rejected", held.reason());
    assertTrue(held.detail().contains("'dlx' does not exist"), held.detail());
    assertTrue(sim.ledger().explain(held.msgId()).contains("held by queue 'q' as a dead letter"));
    sim.assertNothingLostSilently();

    ch.exchangeDeclare("dlx", "fanout");
    ch.queueDeclare("dead", true, false, false, null);
    ch.queueBind("dead", "dlx", "");
    sim.advanceBy(Duration.ofMinutes(3));
    assertEquals(1, ch.queueDeclarePassive("dead").messageCount(), "routed at the next attempt (180 s)");
  }

  @Test
  void atMostOnce_deadLetterWithoutRouteIsDropped_Q4() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum("x-dead-letter-exchange", "dlx"));
    ch.basicPublish("", "q", "m");
    ch.basicReject(ch.basicGet("q", false).deliveryTag(), false);
    sim.runUntilQuiet();
    assertTrue(sim.events().events(TraceEvent.DeadLetterHeld.class).isEmpty());
    assertEquals(1, sim.events().events(TraceEvent.Discarded.class).size());
  }

  @Test
  void rejectPublish_quorumTakesOneOverTheLimitThenRefusesUntilDrained_Q5() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.confirmSelect();
    ch.queueDeclare("q", true, false, false, quorum("x-max-length", 1, "x-overflow", "reject-publish"));
    ch.basicPublish("", "q", "m1");
    ch.basicPublish("", "q", "m2");
    assertTrue(ch.waitForConfirms(), "the publish that passes the limit is taken");
    ch.basicPublish("", "q", "m3");
    assertFalse(ch.waitForConfirms(), "then publishes are refused");
    ch.basicGet("q", true);
    ch.basicPublish("", "q", "m4");
    assertFalse(ch.waitForConfirms(), "1 message is over 80% of 1: still refused");
    ch.basicGet("q", true);
    ch.basicPublish("", "q", "m5");
    assertTrue(ch.waitForConfirms(), "accepted again once under the soft limit");
  }

  @Test
  void rejectPublishDlx_classicDeadLettersTheRefusedPublish_quorumAndLavinMqDropTheHead_Q5() {
    for (BrokerProfile profile : BrokerProfile.ALL) {
      start(profile);
      SimChannel ch = channel("app");
      ch.confirmSelect();
      ch.queueDeclare("dead", true, false, false, null);
      Map<String, Object> args = new HashMap<>(Map.of("x-max-length", 1, "x-overflow", "reject-publish-dlx",
          "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
      ch.queueDeclare("classic", true, false, false, args);
      ch.basicPublish("", "classic", "m1");
      ch.basicPublish("", "classic", "m2");
      boolean allConfirmed = ch.waitForConfirms();
      if (profile.isRabbitMq()) {
        assertFalse(allConfirmed, profile + ": the second publish is refused");
        assertEquals("m1", ch.basicGet("classic", true).bodyText());
        assertEquals("m2", ch.basicGet("dead", true).bodyText(), profile + ": and dead-lettered (maxlen)");
        args.put("x-queue-type", "quorum");
        ch.queueDeclare("quorum", true, false, false, args);
        ch.basicPublish("", "quorum", "q1");
        ch.basicPublish("", "quorum", "q2");
        assertTrue(ch.waitForConfirms(), profile + ": a quorum queue reads reject-publish-dlx as drop-head");
        assertEquals("q2", ch.basicGet("quorum", true).bodyText());
        assertEquals("q1", ch.basicGet("dead", true).bodyText());
      } else {
        assertTrue(allConfirmed, "LavinMQ knows only reject-publish: drop-head");
        assertEquals("m2", ch.basicGet("classic", true).bodyText());
        assertEquals("m1", ch.basicGet("dead", true).bodyText());
      }
      sim.assertNothingLostSilently();
      sim.close();
    }
    sim = null;
  }

  @Test
  void globalQos_rabbit3_consumingAQuorumQueueIs540_Q6() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicQos(0, 10, true);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicConsume("q", false, new Collector(false)));
    assertEquals("NOT_IMPLEMENTED - queue 'q' in vhost '/' does not support global qos", e.replyText());
    assertTrue(e.connectionLevel());
  }

  @Test
  void requeue_quorumReturnsGoFirst_classicToItsPlace_Q7() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    for (String q : List.of("classic", "quorum")) {
      ch.queueDeclare(q, true, false, false, q.equals("quorum") ? quorum() : null);
      for (String m : List.of("m1", "m2", "m3")) {
        ch.basicPublish("", q, m);
      }
      Delivery d1 = ch.basicGet(q, false);
      Delivery d2 = ch.basicGet(q, false);
      ch.basicNack(d2.deliveryTag(), false, true);
      ch.basicNack(d1.deliveryTag(), false, true);
    }
    assertEquals(List.of("m1", "m2", "m3"), drain(ch, "classic"));
    assertEquals(List.of("m2", "m1", "m3"), drain(ch, "quorum"));
  }

  private static List<String> drain(SimChannel ch, String q) {
    List<String> out = new java.util.ArrayList<>();
    for (Delivery d = ch.basicGet(q, true); d != null; d = ch.basicGet(q, true)) {
      out.add(d.bodyText());
    }
    return out;
  }

  @Test
  void exclusiveConsume_quorumIgnoresIt_Q8() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicConsume("q", "a", false, true, null, new Collector(false));
    ch.basicConsume("q", "b", false, false, null, new Collector(false));
    assertEquals(2, ch.queueDeclarePassive("q").consumerCount());
  }

  @Test
  void priorities_rabbit4QuorumStrict_defaultFour() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicPublish("", "q", false, BasicProperties.builder().priority(0).build(), b("p0"));
    ch.basicPublish("", "q", false, BasicProperties.EMPTY, b("none"));
    ch.basicPublish("", "q", false, BasicProperties.builder().priority(9).build(), b("p9"));
    assertEquals(List.of("p9", "none", "p0"), drain(ch, "q"));
  }

  @Test
  void priorities_rabbit3QuorumIsFifo() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, quorum());
    ch.basicPublish("", "q", false, BasicProperties.builder().priority(0).build(), b("p0"));
    ch.basicPublish("", "q", false, BasicProperties.builder().priority(9).build(), b("p9"));
    assertEquals(List.of("p0", "p9"), drain(ch, "q"));
  }
}
