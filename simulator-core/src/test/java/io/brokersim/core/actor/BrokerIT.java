package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerIT extends SimulationTestBase {

  /** Collects deliveries; acks them when asked. */
  static final class Collector implements SimConsumer {
    final List<Delivery> got = new ArrayList<>();
    final boolean ack;
    final List<String> cancelled = new ArrayList<>();

    Collector(boolean ack) {
      this.ack = ack;
    }

    @Override
    public void handleDelivery(SimChannel channel, Delivery d) {
      got.add(d);
      if (ack) {
        channel.basicAck(d.deliveryTag(), false);
      }
    }

    @Override
    public void handleCancel(String consumerTag) {
      cancelled.add(consumerTag);
    }

    List<String> bodies() {
      return got.stream().map(Delivery::bodyText).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void publishConsumeAck_roundTrip_deliveredInOrderAndAcked(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    ch.queueDeclare("work", true, false, false, null);
    for (int i = 1; i <= 5; i++) {
      ch.basicPublish("", "work", "m" + i);
    }
    Collector c = new Collector(true);
    ch.basicConsume("work", false, c);
    sim.runUntilQuiet();
    assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), c.bodies());
    assertEquals(0, ch.queueDeclarePassive("work").messageCount());
  }

  @Test
  void channelClose_unackedMessages_requeuedWithRedelivered() {
    start(BrokerProfile.LAVINMQ);
    SimChannel producer = channel("producer");
    producer.queueDeclare("q", true, false, false, null);
    producer.basicPublish("", "q", "a");
    producer.basicPublish("", "q", "b");
    SimChannel consumer = channel("consumer");
    Collector first = new Collector(false);
    consumer.basicConsume("q", false, first);
    sim.runUntilQuiet();
    assertEquals(List.of("a", "b"), first.bodies());
    assertFalse(first.got.get(0).redelivered());
    assertEquals(0, producer.queueDeclarePassive("q").messageCount());

    consumer.close();
    assertEquals(2, producer.queueDeclarePassive("q").messageCount());

    SimChannel again = channel("consumer-2");
    Collector second = new Collector(true);
    again.basicConsume("q", false, second);
    sim.runUntilQuiet();
    assertEquals(List.of("a", "b"), second.bodies());
    assertTrue(second.got.stream().allMatch(Delivery::redelivered));
  }

  @Test
  void connectionClose_unackedMessages_requeued() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel admin = channel("admin");
    admin.queueDeclare("q", true, false, false, null);
    admin.basicPublish("", "q", "x");
    SimConnection conn = sim.connect("consumer");
    SimChannel ch = conn.openChannel();
    Collector c = new Collector(false);
    ch.basicConsume("q", false, c);
    sim.runUntilQuiet();
    assertEquals(1, c.got.size());
    conn.close();
    assertEquals(1, admin.queueDeclarePassive("q").messageCount());
  }

  @Test
  void mandatoryUnroutable_returnArrivesBeforeConfirm() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.confirmSelect();
    List<String> order = new ArrayList<>();
    ch.addReturnListener(r -> order.add("return " + r.replyCode() + " " + r.replyText()));
    ch.basicPublish("amq.direct", "nowhere", true, BasicProperties.builder().correlationId("c-1").build(),
        "lost".getBytes(StandardCharsets.UTF_8));
    ch.waitForConfirmsAsync().thenAccept(ok -> order.add("confirm " + ok));
    sim.runUntilQuiet();
    assertEquals(List.of("return 312 NO_ROUTE", "confirm true"), order);
    assertEquals("c-1", ch.returnedMessages().get(0).properties().correlationId());
  }

  @Test
  void mandatoryRouted_notReturnedAndConfirmed() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.confirmSelect();
    ch.basicPublish("", "q", true, null, "x".getBytes(StandardCharsets.UTF_8));
    assertTrue(ch.waitForConfirms());
    assertTrue(ch.returnedMessages().isEmpty());
    assertEquals(1, ch.queuePurge("q"));
  }

  @Test
  void exclusiveQueue_otherConnection_405AndDeletedWithOwner() {
    start(BrokerProfile.RABBITMQ_3);
    SimConnection owner = sim.connect("owner");
    SimChannel mine = owner.openChannel();
    String q = mine.queueDeclare().queue();
    assertTrue(q.startsWith("amq.gen-"), q);
    mine.basicPublish("", q, "hello");

    SimChannel other = channel("other");
    AmqpException e = assertThrows(AmqpException.class, () -> other.queueDeclarePassive(q));
    assertEquals(405, e.replyCode());
    assertTrue(e.replyText().startsWith("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + q), e.replyText());
    assertFalse(e.connectionLevel());

    owner.close();
    SimChannel probe = channel("probe");
    AmqpException gone = assertThrows(AmqpException.class, () -> probe.queueDeclarePassive(q));
    assertEquals(404, gone.replyCode());
    assertEquals("NOT_FOUND - no queue '" + q + "' in vhost '/'", gone.replyText());
  }

  @Test
  void exclusiveQueue_lavinMqTexts() {
    start(BrokerProfile.LAVINMQ);
    SimChannel mine = channel("owner");
    String q = mine.queueDeclare().queue();
    assertEquals(8 + 32, q.length(), "LavinMQ names are amq.gen- plus 24 random bytes in base64url");
    SimChannel other = channel("other");
    AmqpException e = assertThrows(AmqpException.class, () -> other.queuePurge(q));
    assertEquals("RESOURCE_LOCKED - Queue '" + q + "' is exclusive", e.replyText());
  }

  @Test
  void autoDeleteQueue_lastConsumerCancelled_deletedBeforeCancelOk() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("ad", false, false, true, null);
    String tag = ch.basicConsume("ad", true, new Collector(false));
    assertTrue(tag.startsWith("amq.ctag-"), tag);
    ch.basicCancel(tag);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclarePassive("ad"));
    assertEquals(404, e.replyCode());
  }

  @Test
  void autoDeleteQueue_neverConsumed_survives() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("ad", false, false, true, null);
    assertEquals(0, ch.queueDeclarePassive("ad").consumerCount());
  }

  @Test
  void queueDelete_withConsumer_serverCancelSent() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("consumer");
    ch.queueDeclare("doomed", false, false, false, null);
    Collector c = new Collector(true);
    String tag = ch.basicConsume("doomed", false, c);
    SimChannel admin = channel("admin");
    admin.basicPublish("", "doomed", "x");
    sim.runUntilQuiet();
    admin.queueDelete("doomed");
    sim.runUntilQuiet();
    assertEquals(List.of(tag), c.cancelled);
    assertTrue(ch.isOpen());
  }

  @Test
  void prefetch_honoured_untilAck() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 10; i++) {
      ch.basicPublish("", "q", "m" + i);
    }
    ch.basicQos(3);
    Collector c = new Collector(false);
    ch.basicConsume("q", false, c);
    sim.runUntilQuiet();
    assertEquals(3, c.got.size());
    assertEquals(7, ch.queueDeclarePassive("q").messageCount());
    ch.basicAck(c.got.get(2).deliveryTag(), true);
    sim.runUntilQuiet();
    assertEquals(6, c.got.size());
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    assertEquals(9, c.got.size());
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    assertEquals(10, c.got.size());
    ch.basicAck(0, true);
  }

  @Test
  void unknownDeliveryTag_closesChannel406() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.basicAck(99, false);
    sim.runUntilQuiet();
    AmqpException e = ch.closeCause();
    assertNotNull(e);
    assertEquals(406, e.replyCode());
    assertEquals("PRECONDITION_FAILED - unknown delivery tag 99", e.replyText());
    assertEquals(60, e.classId());
    assertEquals(80, e.methodId());
  }

  @Test
  void publishToMissingExchange_closesChannel404WithPublishIds() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.basicPublish("nope", "k", "x");
    sim.runUntilQuiet();
    AmqpException e = ch.closeCause();
    assertEquals("NOT_FOUND - no exchange 'nope' in vhost '/'", e.replyText());
    assertEquals(60, e.classId());
    assertEquals(40, e.methodId());
  }

  @Test
  void immediate_rabbitMq_connectionClosed540() {
    start(BrokerProfile.RABBITMQ_3);
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    ch.basicPublishImmediate("", "q", BasicProperties.EMPTY, new byte[0]);
    sim.runUntilQuiet();
    assertEquals(540, conn.closeCause().replyCode());
    assertEquals("NOT_IMPLEMENTED - immediate=true", conn.closeCause().replyText());
    assertTrue(conn.closeCause().connectionLevel());
    assertFalse(conn.isOpen());
  }

  @Test
  void basicGet_emptyThenMessage_getOkCountsRemaining() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("g", false, false, false, null);
    assertNull(ch.basicGet("g", true));
    ch.basicPublish("", "g", "1");
    ch.basicPublish("", "g", "2");
    Delivery d = ch.basicGet("g", false);
    assertEquals("1", d.bodyText());
    assertEquals(1, d.messageCount());
    ch.basicReject(d.deliveryTag(), true);
    Delivery again = ch.basicGet("g", true);
    assertEquals("1", again.bodyText());
    assertTrue(again.redelivered());
    assertEquals("2", ch.basicGet("g", true).bodyText());
  }

  @Test
  void declareOk_countsReadyOnly_excludesUnacked() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "a");
    ch.basicPublish("", "q", "b");
    ch.basicGet("q", false);
    assertEquals(1, ch.queueDeclarePassive("q").messageCount());
  }

  @Test
  void redeclare_inequivalentDurable_406RabbitText() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("q", false, false, false, null));
    assertEquals("PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but"
        + " current is 'true'", e.replyText());
  }

  @Test
  void defaultExchange_bindAndDeclare_403() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueBind("q", "", "q"));
    assertEquals("ACCESS_REFUSED - operation not permitted on the default exchange", e.replyText());
    SimChannel ch2 = channel("app2");
    AmqpException d = assertThrows(AmqpException.class, () -> ch2.exchangeDeclare("", "direct"));
    assertEquals(403, d.replyCode());
  }

  @Test
  void reservedPrefix_createQueue_403PerProfile() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("amq.mine", false, false, false, null));
    assertEquals("ACCESS_REFUSED - Prefix [\"mqtt.\", \"amq.\"] forbidden, please choose another name", e.replyText());
  }

  @Test
  void transientNonExclusiveQueue_rabbitMq4_541ConnectionError() {
    start(BrokerProfile.RABBITMQ_4);
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("rpc_queue", false, false, false, null));
    assertEquals(541, e.replyCode());
    assertTrue(e.connectionLevel());
    // rabbit_deprecated_features' "when_denied" message for a feature denied by default (4.3).
    assertEquals("INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\n"
        + "By default, this feature is not permitted anymore.\n"
        + "The feature will be removed from a future major RabbitMQ version, regardless of the configuration; actual "
        + "version to be determined.\n"
        + "To continue using this feature when it is not permitted by default, set the following parameter in your "
        + "configuration:\n"
        + "    \"deprecated_features.permit.transient_nonexcl_queues = true\"", e.replyText());
  }

  @Test
  void topicExchange_routesByPattern_andExchangeToExchange() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.exchangeDeclare("logs", "topic");
    ch.exchangeDeclare("fan", "fanout");
    ch.queueDeclare("errors", false, false, false, null);
    ch.queueDeclare("all", false, false, false, null);
    ch.queueBind("errors", "logs", "*.error");
    ch.queueBind("all", "fan", "");
    ch.exchangeBind("fan", "logs", "#");
    ch.queueBind("errors", "fan", "");
    ch.basicPublish("logs", "db.error", "e1");
    ch.basicPublish("logs", "db.info", "i1");
    sim.runUntilQuiet();
    assertEquals(2, ch.queueDeclarePassive("errors").messageCount(), "e1 once (deduplicated) plus i1 via fan");
    assertEquals(2, ch.queueDeclarePassive("all").messageCount());
  }

  @Test
  void emptyQueueName_rabbitWithoutDeclare_404NoPreviouslyDeclared() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queuePurge(""));
    assertEquals("NOT_FOUND - no previously declared queue", e.replyText());
  }

  @Test
  void emptyQueueName_afterDeclare_usesLastQueue() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    String q = ch.queueDeclare().queue();
    ch.queueBind("", "amq.direct", "");
    ch.basicPublish("amq.direct", q, "x");
    sim.runUntilQuiet();
    assertEquals(1, ch.queuePurge(""));
  }

  @Test
  void nackWithoutRequeue_discardedWithRecordedFate() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", false, false, false, null);
    ch.basicPublish("", "q", "bad");
    Delivery d = ch.basicGet("q", false);
    ch.basicNack(d.deliveryTag(), false, false);
    sim.runUntilQuiet();
    assertEquals(0, ch.queueDeclarePassive("q").messageCount());
  }

  @Test
  void queueName_rabbitMqStripsLineFeeds_E2() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    assertEquals("queuename", ch.queueDeclare("queue\r\nname", false, false, false, null).queue());
    assertEquals(0, ch.queueDeclarePassive("queuename").messageCount());
  }

  @Test
  void queueName_lavinMqNonPrintable_406() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("bad\u0001name", false, false, false, null));
    assertEquals("PRECONDITION_FAILED - Queue name isn't valid", e.replyText());
    SimChannel ch2 = channel("app2");
    AmqpException x = assertThrows(AmqpException.class, () -> ch2.exchangeDeclare("tab\there", "direct"));
    assertEquals("PRECONDITION_FAILED - Exchange name isn't valid", x.replyText());
  }

  @Test
  void queueName_longerThan255Bytes_406() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    assertEquals(406, assertThrows(AmqpException.class,
        () -> ch.queueDeclare("q".repeat(256), true, false, false, null)).replyCode());
  }

  /**
   * A client that closes channel 1 and opens channel 1 again gets a new channel: its own trace id, fresh
   * message ids and consumer tags, and the ledger balances (before, the second publish "reused" the first's id).
   */
  @Test
  void reopenedChannelNumber_isANewChannel_idsAndConsumerTagsNeverCollide() {
    start(BrokerProfile.RABBITMQ_3);
    io.brokersim.core.client.SimConnection c = sim.connect("reuser");
    java.util.List<String> tags = new java.util.ArrayList<>();
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int round = 0; round < 3; round++) {
      SimChannel ch = c.openChannel(1);
      ids.add(ch.id());
      ch.queueDeclare("work", true, false, false, null);
      ch.basicPublish("", "work", "m" + round);
      tags.add(ch.basicConsume("work", false, (x, d) -> { }));
      ch.close();
    }
    assertEquals(java.util.List.of("conn-1/ch-1", "conn-1/ch-1.2", "conn-1/ch-1.3"), ids);
    assertEquals(3, new java.util.HashSet<>(tags).size(), "generated consumer tags: " + tags);
    assertEquals(3, sim.events().events(io.brokersim.core.trace.TraceEvent.Published.class).stream()
        .map(io.brokersim.core.trace.TraceEvent.Published::msgId).distinct().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"banana", "table", "void"})
  void consumerPriority_notAnInteger_406(String kind) {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    Object value = switch (kind) {
      case "table" -> java.util.Map.of("a", 1);
      case "void" -> null;
      default -> kind;
    };
    java.util.Map<String, Object> args = new java.util.HashMap<>();
    args.put("x-priority", value);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicConsume("q", "", false, false, args,
        (c, d) -> { }));
    assertEquals(406, e.replyCode());
    assertTrue(e.replyText().startsWith("PRECONDITION_FAILED - invalid arg 'x-priority' for queue 'q'"), e.replyText());
  }

  @Test
  void consumerPriority_higherPriorityConsumerServedWhileItHasCapacity() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel setup = channel("setup");
    setup.queueDeclare("q", true, false, false, null);
    SimChannel low = channel("low");
    SimChannel high = channel("high");
    low.basicQos(1);
    high.basicQos(1);
    Collector lows = new Collector(false);
    Collector highs = new Collector(false);
    low.basicConsume("q", "", false, false, java.util.Map.of("x-priority", 1), lows);
    high.basicConsume("q", "", false, false, java.util.Map.of("x-priority", 5), highs);
    for (int i = 0; i < 3; i++) {
      setup.basicPublish("", "q", "m" + i);
    }
    sim.runUntilQuiet();
    assertEquals(List.of("m0"), highs.bodies());
    assertEquals(List.of("m1"), lows.bodies(), "the low-priority consumer gets a message only while high is full");
    high.basicAck(highs.got.get(0).deliveryTag(), false);
    sim.runUntilQuiet();
    assertEquals(List.of("m0", "m2"), highs.bodies());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "lavinmq"})
  void userIdProperty_notTheAuthenticatedUser_406(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", false, BasicProperties.builder().userId("guest").build(), "mine".getBytes(StandardCharsets.UTF_8));
    ch.basicPublish("", "q", false, BasicProperties.builder().userId("mallory").build(), "forged".getBytes(StandardCharsets.UTF_8));
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclarePassive("q"));
    assertEquals(406, e.replyCode());
    assertTrue(e.replyText().contains("mallory") && e.replyText().contains("guest"), e.replyText());
    assertEquals(1, channel("check").queueDeclarePassive("q").messageCount(), "the forged publish is refused");
  }

  /** The texts RabbitMQ 3.10.8 gave when probed (two different sentences for the two arguments). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "x-dead-letter-exchange    | PRECONDITION_FAILED - invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'q' in vhost '/'",
      "x-dead-letter-routing-key | PRECONDITION_FAILED - invalid arg 'x-dead-letter-routing-key' for queue 'q' in vhost '/': {unacceptable_type,signedint}",
      "x-message-ttl             | PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'q' in vhost '/': \"expected integer, got signedint\"",
      "x-overflow                | PRECONDITION_FAILED - invalid arg 'x-overflow' for queue 'q' in vhost '/': {unacceptable_type,signedint}",
  })
  void queueArgumentOfTheWrongType_406WithRabbitMqsText(String key, String text) {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    java.util.Map<String, Object> args = new java.util.HashMap<>();
    args.put("x-dead-letter-exchange", "dlx");
    args.put(key, key.equals("x-message-ttl") ? (Object) "soon" : (Object) 42);
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("q", true, false, false, args));
    assertEquals(key.equals("x-message-ttl") ? text.replace("signedint", "longstr") : text, e.replyText());
  }

  /**
   * A global qos of 1 shared by consumers on three queues: freed credit goes round the queues (RabbitMQ's
   * limiter wakes its blocked queues in turn), so each queue is served, not the first one every time
   * (rabbitmq-java-client QosTests.fairness).
   */
  @Test
  void globalQos_creditGoesRoundTheQueues() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel setup = channel("setup");
    List<String> queues = List.of("a", "b", "c");
    for (String q : queues) {
      setup.queueDeclare(q, true, false, false, null);
      for (int i = 0; i < 10; i++) {
        setup.basicPublish("", q, q + i);
      }
    }
    sim.runUntilQuiet();
    SimChannel ch = channel("consumer");
    ch.basicQos(0, 1, true);
    List<Delivery> got = new ArrayList<>();
    for (String q : queues) {
      ch.basicConsume(q, false, (c, d) -> got.add(d)); // acked below, once all three consume
    }
    for (int i = 0; i < 30; i++) {
      sim.runUntilQuiet();
      assertEquals(i + 1, got.size(), "exactly one unacked message at a time");
      ch.basicAck(got.get(i).deliveryTag(), false);
    }
    java.util.Map<String, Integer> perQueue = new java.util.TreeMap<>();
    got.forEach(d -> perQueue.merge(d.bodyText().substring(0, 1), 1, Integer::sum));
    assertEquals(java.util.Map.of("a", 10, "b", 10, "c", 10), perQueue);
    // Fair while all three still had messages: the first nine deliveries came three from each queue.
    List<String> order = sim.events().events(io.brokersim.core.trace.TraceEvent.Delivered.class).stream()
        .map(io.brokersim.core.trace.TraceEvent.Delivered::queue).limit(9).toList();
    for (String q : queues) {
      assertEquals(3, order.stream().filter(q::equals).count(), "first nine deliveries: " + order);
    }
  }

  /** A requeue counts toward x-max-length: the head goes (drop-head), as RabbitMQ's maybe_drop_head does. */
  @Test
  void requeueIntoAFullMaxLengthQueue_dropsFromTheHead() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("bounded", true, false, false, java.util.Map.of("x-max-length", 1));
    ch.basicPublish("", "bounded", "first");
    Delivery first = ch.basicGet("bounded", false);
    ch.basicPublish("", "bounded", "second");
    ch.basicNack(first.deliveryTag(), false, true);
    sim.runUntilQuiet();
    assertEquals(1, ch.queueDeclarePassive("bounded").messageCount());
    assertEquals("second", ch.basicGet("bounded", true).bodyText(), "the requeued head was dropped");
  }
}
