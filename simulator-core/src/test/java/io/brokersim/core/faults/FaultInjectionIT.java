package io.brokersim.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultAction;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each fault action on in-process clients, deterministic per seed; the ledger balances after each test. */
class FaultInjectionIT {
  private Simulation sim;

  private Simulation start(BrokerProfile profile, FaultPlan plan) {
    sim = Simulation.builder().seed(3).profile(profile).faults(plan).build();
    return sim;
  }

  @AfterEach
  void ledgerAndClose() {
    if (sim != null) {
      try {
        sim.assertNothingLostSilently();
      } finally {
        sim.close();
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A responder on rpc_queue answering each request to its reply_to; counts requests it processed. */
  private List<Delivery> responder(String name) {
    List<Delivery> seen = new ArrayList<>();
    SimChannel ch = sim.connect(name).openChannel();
    ch.queueDeclare("rpc_queue", true, false, false, null);
    ch.basicQos(1);
    ch.basicConsume("rpc_queue", false, (SimConsumer) (c, req) -> {
      seen.add(req);
      c.basicPublish("", req.properties().replyTo(), BasicProperties.builder()
          .correlationId(req.properties().correlationId()).build(), b("re:" + req.bodyText()));
      c.basicAck(req.deliveryTag(), false);
    });
    return seen;
  }

  private static FaultPlan deadReplyChannel(boolean wholeConnection) {
    return FaultPlan.builder().rule("dead-reply-channel", Boundary.ROUTED, Match.builder().hasReplyTo(true).build(),
        FaultActions.deadReplyChannel(wholeConnection, wholeConnection ? 320 : 406, null), Trigger.oneShot()).build();
  }

  private static FaultPlan dropConsumer() {
    return FaultPlan.builder().rule("drop-consumer", Boundary.DELIVERED, Match.builder().queue("rpc_queue").build(),
        FaultActions.crashConsumer(), Trigger.oneShot()).build();
  }

  // ---------------------------------------------------------------- the two card faults, both RPC styles

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void deadReplyChannel_directReplyTo_replyDroppedAndExplained(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow(), deadReplyChannel(false));
    List<Delivery> processed = responder("server");
    SimChannel requester = sim.connect("client").openChannel();
    RpcClient client = RpcClient.directReplyTo(requester, BrokerProfile.RABBITMQ_REPLY_TO, "", "rpc_queue",
        Duration.ofSeconds(5));
    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(6));
    assertEquals(1, processed.size(), "the request was routed and processed");
    assertTrue(call.isCompletedExceptionally(), "no reply ever reached the requester");
    assertEquals(406, requester.closeCause().replyCode());
    String why = sim.ledger().explainReplyFor(processed.get(0).properties().correlationId());
    assertTrue(why.contains("dead-reply-channel"), why);
    assertTrue(why.contains("dropped") || why.contains("returned"), why);
  }

  @Test
  void deadReplyChannel_callbackQueue_connectionDies_replyUnroutable() {
    start(BrokerProfile.RABBITMQ_4, deadReplyChannel(true));
    List<Delivery> processed = responder("server");
    SimConnection conn = sim.connect("client");
    RpcClient client = RpcClient.callbackQueue(conn.openChannel(), "", "rpc_queue", Duration.ofSeconds(5));
    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(6));
    assertEquals(1, processed.size());
    assertTrue(call.isCompletedExceptionally());
    assertFalse(conn.isOpen());
    String why = sim.ledger().explainReplyFor(processed.get(0).properties().correlationId());
    assertTrue(why.contains("no queue") || why.contains("unroutable") || why.contains("dropped"), why);
    assertTrue(sim.events().events(TraceEvent.FaultInjected.class).stream()
        .anyMatch(f -> f.rule().equals("dead-reply-channel")));
  }

  @Test
  void dropConsumer_callbackQueue_requestRedeliveredToSecondResponder_oneReply() {
    start(BrokerProfile.LAVINMQ, dropConsumer());
    List<Delivery> first = responder("server-1");
    List<Delivery> second = responder("server-2");
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(5));
    Delivery reply = client.call("ping");
    assertEquals("re:ping", reply.bodyText());
    assertEquals(1, first.size() + second.size() - 1, "delivered twice: once to the crashed consumer");
    assertTrue(second.get(0).redelivered() || first.get(first.size() - 1).redelivered());
    String request = sim.events().events(TraceEvent.Published.class).get(0).msgId();
    String why = sim.ledger().explain(request);
    assertTrue(why.contains("ack"), why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-4"})
  void dropConsumer_directReplyTo_onlyResponderCrashed_clientTimesOut_requestStillQueued(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow(), dropConsumer());
    List<Delivery> processed = new ArrayList<>();
    SimChannel server = sim.connect("server").openChannel();
    server.queueDeclare("rpc_queue", true, false, false, null);
    server.basicConsume("rpc_queue", false, (SimConsumer) (c, req) -> processed.add(req));
    RpcClient client = RpcClient.directReplyTo(sim.connect("client").openChannel(), BrokerProfile.RABBITMQ_REPLY_TO,
        "", "rpc_queue", Duration.ofSeconds(2));
    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(3));
    assertTrue(call.isCompletedExceptionally(), "the only responder crashed before replying");
    assertEquals(1, processed.size(), "it did receive the request before crashing");
    SimChannel probe = sim.connect("probe").openChannel();
    assertEquals(1, probe.queueDeclarePassive("rpc_queue").messageCount(), "the request went back to the queue");
    String request = sim.events().events(TraceEvent.Published.class).get(0).msgId();
    String why = sim.ledger().explain(request);
    assertTrue(why.contains("requeued") || why.contains("ready"), why);
  }

  // ---------------------------------------------------------------- every action, once

  @Test
  void drop_atPublishReceived_nackedUnderConfirms_recordedAsFault() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("lose-it", Boundary.PUBLISH_RECEIVED,
        Match.builder().routingKey("q").build(), FaultActions.drop(), Trigger.nth(2)).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.confirmSelect();
    ch.basicPublish("", "q", "1");
    ch.basicPublish("", "q", "2");
    ch.basicPublish("", "q", "3");
    assertFalse(ch.waitForConfirms(), "the dropped publish is nacked");
    assertEquals(2, ch.queueDeclarePassive("q").messageCount());
    assertTrue(sim.ledger().explain(sim.events().events(TraceEvent.Published.class).get(1).msgId()).contains("lose-it"));
  }

  @Test
  void delay_atReplyResolved_virtualTime() {
    start(BrokerProfile.RABBITMQ_3, FaultPlan.builder().rule("slow-reply", Boundary.REPLY_RESOLVED, Match.ANY,
        FaultActions.delay(Duration.ofSeconds(3)), Trigger.ALWAYS).build());
    responder("server");
    RpcClient client = RpcClient.directReplyTo(sim.connect("client").openChannel(), BrokerProfile.RABBITMQ_REPLY_TO,
        "", "rpc_queue", Duration.ofSeconds(10));
    CompletableFuture<Delivery> call = client.callAsync("x").toCompletableFuture();
    sim.advanceBy(Duration.ofMillis(2_999));
    assertFalse(call.isDone());
    sim.advanceBy(Duration.ofMillis(1));
    assertEquals("re:x", call.join().bodyText());
  }

  @Test
  void duplicate_atRouted_twoCopiesDelivered() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("twice", Boundary.ROUTED, Match.builder().queue("q").build(),
        FaultActions.duplicate(1), Trigger.ALWAYS).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "x");
    sim.runUntilQuiet();
    assertEquals(2, ch.queuePurge("q"));
  }

  @Test
  void cancelConsumer_atDelivered_serverCancelNotified() {
    start(BrokerProfile.RABBITMQ_3, FaultPlan.builder().rule("kick", Boundary.DELIVERED, Match.ANY,
        FaultActions.cancelConsumer(), Trigger.oneShot()).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicQos(1);
    List<String> cancelled = new ArrayList<>();
    List<Delivery> got = new ArrayList<>();
    ch.basicConsume("q", false, new SimConsumer() {
      @Override
      public void handleDelivery(SimChannel channel, Delivery d) {
        got.add(d);
        channel.basicAck(d.deliveryTag(), false);
      }

      @Override
      public void handleCancel(String tag) {
        cancelled.add(tag);
      }
    });
    ch.basicPublish("", "q", "1");
    ch.basicPublish("", "q", "2");
    sim.runUntilQuiet();
    assertEquals(1, got.size());
    assertEquals(1, cancelled.size());
    assertEquals(1, ch.queueDeclarePassive("q").messageCount(), "the second message waits for a consumer");
  }

  @Test
  void closeChannel_atDelivered_messageRequeued() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("boom", Boundary.DELIVERED, Match.ANY,
        FaultActions.closeChannel(406, "simulated"), Trigger.oneShot()).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicConsume("q", false, (SimConsumer) (c, d) -> { });
    SimChannel admin = sim.connect("admin").openChannel();
    admin.basicPublish("", "q", "x");
    sim.runUntilQuiet();
    assertEquals("PRECONDITION_FAILED - simulated", ch.closeCause().replyText());
    Delivery again = admin.basicGet("q", true);
    assertEquals("x", again.bodyText());
  }

  @Test
  void closeConnection_andCut_atPublish() {
    start(BrokerProfile.RABBITMQ_4, FaultPlan.builder()
        .rule("close", Boundary.PUBLISH_RECEIVED, Match.builder().client("polite").build(),
            FaultActions.closeConnection(320, "maintenance"), Trigger.ALWAYS)
        .rule("cut", Boundary.PUBLISH_RECEIVED, Match.builder().client("rude").build(), FaultActions.cutConnection(),
            Trigger.ALWAYS).build());
    SimConnection polite = sim.connect("polite");
    polite.openChannel().basicPublish("", "q", "x");
    SimConnection rude = sim.connect("rude");
    rude.openChannel().basicPublish("", "q", "y");
    sim.runUntilQuiet();
    assertEquals("CONNECTION_FORCED - maintenance", polite.closeCause().replyText());
    assertFalse(rude.isOpen());
    assertNull(rude.closeCause(), "a cut has no close frame");
  }

  @Test
  void dropAck_messageStaysUnacked_requeuedOnClose() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("lost-ack", Boundary.ACK_RECEIVED, Match.ANY,
        FaultActions.drop(), Trigger.oneShot()).build());
    SimChannel admin = sim.connect("admin").openChannel();
    admin.queueDeclare("q", true, false, false, null);
    admin.basicPublish("", "q", "x");
    SimChannel ch = sim.connect("worker").openChannel();
    Delivery d = ch.basicGet("q", false);
    ch.basicAck(d.deliveryTag(), false);
    sim.runUntilQuiet();
    ch.close();
    Delivery again = admin.basicGet("q", true);
    assertTrue(again.redelivered(), "the broker never saw the ack");
  }

  @Test
  void pauseAndResumeQueue() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder()
        .rule("pause", Boundary.PUBLISH_RECEIVED, Match.builder().routingKey("q").build(), FaultActions.pauseQueue("q"),
            Trigger.nth(1))
        .rule("resume", Boundary.PUBLISH_RECEIVED, Match.builder().routingKey("q").build(),
            FaultActions.resumeQueue("q"), Trigger.nth(3)).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    List<Delivery> got = new ArrayList<>();
    ch.basicConsume("q", true, (SimConsumer) (c, d) -> got.add(d));
    ch.basicPublish("", "q", "1");
    ch.basicPublish("", "q", "2");
    sim.runUntilQuiet();
    assertEquals(0, got.size(), "paused");
    ch.basicPublish("", "q", "3");
    sim.runUntilQuiet();
    assertEquals(3, got.size(), "resumed");
  }

  @Test
  void brokerRestart_transientStateLost_durablePersistentSurvives() {
    start(BrokerProfile.RABBITMQ_3, FaultPlan.builder().rule("restart", Boundary.PUBLISH_RECEIVED,
        Match.builder().routingKey("trigger").build(), FaultActions.brokerRestart(), Trigger.oneShot()).build());
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    ch.queueDeclare("durable", true, false, false, null);
    ch.queueDeclare("transient", false, false, false, null);
    String exclusive = ch.queueDeclare().queue();
    ch.exchangeDeclare("temp-x", "fanout");
    ch.basicPublish("", "durable", false, BasicProperties.builder().deliveryMode(2).build(), b("persistent"));
    ch.basicPublish("", "durable", "transient message");
    ch.basicPublish("", "transient", "gone");
    ch.basicPublish("", "trigger", "restart now");
    sim.runUntilQuiet();
    assertFalse(conn.isOpen(), "every connection is cut");
    SimChannel after = sim.connect("after").openChannel();
    assertEquals(1, after.queueDeclarePassive("durable").messageCount());
    assertEquals("persistent", after.basicGet("durable", true).bodyText());
    assertEquals(404, assertThrows(AmqpException.class, () -> after.queueDeclarePassive("transient")).replyCode());
    SimChannel again = sim.connect("again").openChannel();
    assertEquals(404, assertThrows(AmqpException.class, () -> again.queueDeclarePassive(exclusive)).replyCode());
    SimChannel third = sim.connect("third").openChannel();
    assertEquals(404, assertThrows(AmqpException.class, () -> third.exchangeDeclarePassive("temp-x")).replyCode());
  }

  @Test
  void customAction_throughTheSpi_composesEffects() {
    FaultAction closeThenDrop = new FaultAction() {
      @Override
      public String name() {
        return "drop-and-close";
      }

      @Override
      public List<Effect> apply(FaultEvent event, RandomSource random) {
        return List.of(new Effect.Drop(), new Effect.CloseChannel(406, "custom"));
      }
    };
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("custom", Boundary.PUBLISH_RECEIVED, Match.ANY,
        closeThenDrop, Trigger.ALWAYS).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.basicPublish("", "q", "x");
    sim.runUntilQuiet();
    assertEquals("PRECONDITION_FAILED - custom", ch.closeCause().replyText());
    assertTrue(sim.events().events(TraceEvent.FaultInjected.class).get(0).action().startsWith("drop-and-close"));
  }

  // ---------------------------------------------------------------- determinism of probabilistic rules

  private List<Integer> droppedIndexes(long seed) {
    try (Simulation s = Simulation.builder().seed(seed).faults(FaultPlan.builder().rule("flaky", Boundary.ROUTED,
        Match.ANY, FaultActions.drop(), Trigger.probability(0.3)).build()).build()) {
      SimChannel ch = s.connect("app").openChannel();
      ch.queueDeclare("q", true, false, false, null);
      for (int i = 0; i < 50; i++) {
        ch.basicPublish("", "q", "m" + i);
      }
      s.runUntilQuiet();
      List<String> published = s.events().events(TraceEvent.Published.class).stream().map(TraceEvent.Published::msgId)
          .toList();
      List<Integer> dropped = new ArrayList<>();
      for (TraceEvent.FaultInjected f : s.events().events(TraceEvent.FaultInjected.class)) {
        dropped.add(published.indexOf(f.msgId()));
      }
      s.assertNothingLostSilently();
      return dropped;
    }
  }

  @Test
  void probabilisticRule_sameSeedSameDecisions_otherSeedOthers() {
    List<Integer> a = droppedIndexes(1);
    assertEquals(a, droppedIndexes(1));
    assertNotEquals(a, droppedIndexes(2));
    assertTrue(a.size() > 5 && a.size() < 30, "about 30% of 50: " + a.size());
  }

  @Test
  void window_firesOnlyInsideVirtualTimeWindow() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("window", Boundary.ROUTED, Match.ANY, FaultActions.drop(),
        Trigger.ALWAYS.between(Duration.ofSeconds(10), Duration.ofSeconds(20))).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "before");
    sim.advanceBy(Duration.ofSeconds(15));
    ch.basicPublish("", "q", "inside");
    sim.advanceBy(Duration.ofSeconds(10));
    ch.basicPublish("", "q", "after");
    sim.runUntilQuiet();
    assertEquals(2, ch.queuePurge("q"));
  }

  @Test
  void everyNth_firesOnMultiples() {
    start(BrokerProfile.LAVINMQ, FaultPlan.builder().rule("every-3rd", Boundary.ROUTED, Match.ANY, FaultActions.drop(),
        Trigger.everyNth(3)).build());
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 9; i++) {
      ch.basicPublish("", "q", "m" + i);
    }
    sim.runUntilQuiet();
    assertEquals(6, ch.queuePurge("q"));
  }
}
