package io.brokersim.scenarios.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.RpcCall;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every catalogue scenario holds for seeds 0-9 under every profile it declares (docs/scenarios.md: 0-99). */
class CatalogueTest {

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Scenario s : Catalogue.all()) {
      for (BrokerProfile p : s.profiles()) {
        for (long seed = 0; seed <= 9; seed++) {
          out.add(Arguments.of(s.name(), p.name(), seed));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @MethodSource("runs")
  void run_seeds0to9_everyDeclaredProfile_passes(String name, String profile, long seed) {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find(name).orElseThrow(), seed,
        BrokerProfile.byName(profile).orElseThrow());
    assertEquals(ScenarioResult.Verdict.PASS, r.verdict(), r.firstProblem() + "\nreplay: " + r.replayCommand());
    assertEquals("nothing is lost silently: every message has a recorded fate",
        r.expectations().get(r.expectations().size() - 1).description());
  }

  @Test
  void catalogue_namesAreUniqueKebabCase_descriptionsOneLine_teachingPresent() {
    assertEquals(19, Catalogue.all().size());
    assertEquals(Catalogue.all().size(), new HashSet<>(Catalogue.names()).size());
    for (Scenario s : Catalogue.all()) {
      assertTrue(s.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), s.name());
      assertFalse(s.description().contains("\n"), s.name());
      assertTrue(s.teaching().length() > 200, s.name());
      assertFalse(s.profiles().isEmpty(), s.name());
      assertFalse(s.expectations().isEmpty(), s.name());
    }
  }

  @Test
  void lostReplyRequesterConnectionDropped_explainsBothReplies() {
    ScenarioResult r = ScenarioRunner.run(new LostReplyRequesterConnectionDropped(), 7, BrokerProfile.RABBITMQ_4);
    assertEquals(2, r.explanations().size());
    assertTrue(r.explanations().get(0).broker().contains("was dropped as unroutable"), r.explanations().toString());
    assertTrue(r.explanations().get(1).broker().contains("312 NO_ROUTE"), r.explanations().toString());
  }

  @Test
  void lateReplyAfterTimeout_naiveClientReturnsThePreviousAnswer() {
    ScenarioResult r = ScenarioRunner.run(new LateReplyAfterTimeout(), 3, BrokerProfile.LAVINMQ);
    ScenarioResult.CallReport naive2 = r.calls().stream()
        .filter(c -> c.call().correlationId().equals("naive-2")).findFirst().orElseThrow();
    assertEquals("answer(slow report)", naive2.call().answer());
    assertEquals("answer(quick lookup)", r.calls().stream()
        .filter(c -> c.call().correlationId().equals("careful-2")).findFirst().orElseThrow().call().answer());
  }

  // ------------------------------------------------------------------ queue types, timeouts, SAC, priorities

  @Test
  void slowServerConsumerTimeout_aThirtyMinuteTimeoutInVirtualTime_closedOrCancelledPerProfile() {
    ScenarioResult three = run("slow-rpc-server-consumer-timeout", BrokerProfile.RABBITMQ_3, 1);
    assertTrue(three.trace().stream().anyMatch(t -> t.event() instanceof TraceEvent.ChannelClosed c && c.code() == 406
        && t.virtualNanos() == 1_860_000_000_000L), "closed on the 31:00 channel tick");
    ScenarioResult four = run("slow-rpc-server-consumer-timeout", BrokerProfile.RABBITMQ_4, 1);
    assertTrue(four.trace().stream().anyMatch(t -> t.event() instanceof TraceEvent.Requeued q
        && "consumer-timeout".equals(q.reason()) && t.virtualNanos() == 1_800_000_000_000L), "taken back at 30:00");
    assertTrue(four.trace().stream().noneMatch(t -> t.event() instanceof TraceEvent.ChannelClosed c && c.code() == 406));
  }

  @Test
  void poisonRequest_explanationSaysDeliveryLimitAndHowOften() {
    ScenarioResult r = run("poison-request-dead-lettered-after-delivery-limit", BrokerProfile.RABBITMQ_4, 2);
    String why = r.explanations().get(0).broker();
    assertTrue(why.contains("(reason delivery_limit, after 21 deliveries)"), why);
    assertTrue(why.contains("in queue 'rpc_queue.poison'"), why);
  }

  // ------------------------------------------------------------------ direct reply-to, TTL, faults, restart

  private static ScenarioResult run(String scenario, BrokerProfile profile, long seed) {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find(scenario).orElseThrow(), seed, profile);
    assertEquals(ScenarioResult.Verdict.PASS, r.verdict(), r.firstProblem());
    return r;
  }

  private static List<String> replyNames(ScenarioResult r) {
    return r.trace().stream().map(t -> t.event()).filter(e -> e instanceof TraceEvent.Published)
        .map(e -> ((TraceEvent.Published) e).replyTo()).filter(n -> n != null).distinct().toList();
  }

  @Test
  void rpcDirectReplyTo_lavinmq_bothAliasesBecomeDirectReplyToPlusConsumerTag() {
    ScenarioResult r = run("rpc-direct-reply-to", BrokerProfile.LAVINMQ, 4);
    List<String> names = replyNames(r);
    assertEquals(2, names.size(), names.toString());
    List<String> consumed = r.trace().stream().map(t -> t.event())
        .filter(e -> e instanceof TraceEvent.ConsumerAdded c && c.noAck() && c.prefetch() == 0)
        .map(e -> ((TraceEvent.ConsumerAdded) e).queue()).toList();
    assertEquals(List.of("amq.rabbitmq.reply-to", "amq.direct.reply-to"), consumed);
    assertTrue(names.stream().allMatch(n -> n.startsWith("amq.direct.reply-to.amq.ctag-")), names.toString());
    assertEquals(8, r.trace().stream().filter(t -> t.event() instanceof TraceEvent.ReplyRouted).count());
  }

  @Test
  void rpcDirectReplyTo_rabbitmq_opaqueNames() {
    for (BrokerProfile p : List.of(BrokerProfile.RABBITMQ_3, BrokerProfile.RABBITMQ_4)) {
      List<String> names = replyNames(run("rpc-direct-reply-to", p, 4));
      assertEquals(2, names.size(), names.toString());
      assertTrue(names.stream().allMatch(n -> n.startsWith("amq.rabbitmq.reply-to.") && !n.contains("ctag")),
          names.toString());
    }
  }

  @Test
  void seedAsWritten_lavinmq_requestUnroutable_rabbitmq_consume404() {
    ScenarioResult lavin = run("seed-direct-reply-to-as-written", BrokerProfile.LAVINMQ, 0);
    assertTrue(lavin.explanations().get(0).broker().contains("no binding of exchange '' matched routing key ''"),
        lavin.explanations().toString());
    assertEquals(RpcCall.Outcome.TIMED_OUT, lavin.calls().get(0).call().outcome());
    assertEquals(RpcCall.Outcome.ANSWERED, lavin.calls().get(1).call().outcome());
    ScenarioResult rabbit = run("seed-direct-reply-to-as-written", BrokerProfile.RABBITMQ_4, 0);
    assertEquals(2, rabbit.trace().stream().filter(t -> t.event() instanceof TraceEvent.ChannelClosed c
        && c.code() == 404 && c.text().equals("NOT_FOUND - no queue 'amq.direct.reply-to' in vhost '/'")).count());
    assertEquals(RpcCall.Outcome.FAILED, rabbit.calls().get(0).call().outcome());
  }

  @Test
  void replyConsumerWithAck_eachProfilesText() {
    assertTrue(run("reply-consumer-with-ack", BrokerProfile.LAVINMQ, 0).trace().stream().anyMatch(t ->
        t.event() instanceof TraceEvent.ChannelClosed c
            && c.text().equals("PRECONDITION_FAILED - Direct replys must be consumed in no-ack mode")));
    assertTrue(run("reply-consumer-with-ack", BrokerProfile.RABBITMQ_3, 0).trace().stream().anyMatch(t ->
        t.event() instanceof TraceEvent.ChannelClosed c
            && c.text().equals("PRECONDITION_FAILED - reply consumer cannot acknowledge")));
  }

  @Test
  void publishBeforeReplyConsumer_nothingEnqueued_classMethodPerProfile() {
    for (BrokerProfile p : BrokerProfile.ALL) {
      ScenarioResult r = run("publish-before-reply-consumer", p, 0);
      TraceEvent.ChannelClosed closed = r.trace().stream().map(t -> t.event())
          .filter(e -> e instanceof TraceEvent.ChannelClosed c && c.code() == 406)
          .map(e -> (TraceEvent.ChannelClosed) e).findFirst().orElseThrow();
      assertEquals(p.isLavinMq() ? 0 : 60, closed.classId(), p.name());
      assertEquals(p.isLavinMq() ? 0 : 40, closed.methodId(), p.name());
      long enqueuedToRpc = r.trace().stream().filter(t -> t.event() instanceof TraceEvent.Enqueued e
          && e.queue().equals("rpc_queue")).count();
      assertEquals(1, enqueuedToRpc, "only careful-client's request is enqueued");
    }
  }

  @Test
  void lostReplyRequesterChannelClosed_mandatoryTablePerProfile() {
    // gone-b-1 (requester gone, mandatory): returned by rabbitmq-3 and lavinmq, not by rabbitmq-4;
    // alive-1 (delivered, mandatory): returned only by rabbitmq-3.
    for (BrokerProfile p : BrokerProfile.ALL) {
      ScenarioResult r = run("lost-reply-requester-channel-closed", p, 2);
      assertEquals(p != BrokerProfile.RABBITMQ_4, returned(r, "gone-b-1"), p.name());
      assertEquals(p == BrokerProfile.RABBITMQ_3, returned(r, "alive-1"), p.name());
      assertFalse(returned(r, "gone-a-1"), p.name());
      assertEquals(2, r.faults().get(0).fired(), p.name());
      assertTrue(r.explanations().stream().filter(e -> e.correlationId().startsWith("gone-"))
          .allMatch(e -> e.broker().contains("'requester-channel-dies'")), r.explanations().toString());
    }
  }

  private static boolean returned(ScenarioResult r, String correlationId) {
    return r.log().stream().anyMatch(e -> e.kind() == RpcLog.Kind.REPLY_RETURNED
        && correlationId.equals(e.correlationId()));
  }

  @Test
  void livenessProbe_goneRequester_noReplyPublished_mainChannelOpen() {
    ScenarioResult r = run("liveness-probe-before-reply", BrokerProfile.RABBITMQ_4, 8);
    assertTrue(r.calls().stream().filter(c -> c.call().correlationId().equals("gone-1")).findFirst().orElseThrow()
        .replies().isEmpty());
    assertTrue(r.trace().stream().noneMatch(t -> t.event() instanceof TraceEvent.ReplyDropped));
  }

  @Test
  void requestExpiresInQueue_deadLetterCarriesXDeath() {
    ScenarioResult r = run("request-expires-in-queue", BrokerProfile.LAVINMQ, 6);
    assertTrue(r.log().stream().anyMatch(e -> e.kind() == RpcLog.Kind.NOTE
        && e.text().contains("x-death reason expired, queue rpc_queue, original-expiration 500, count 1 (a 32-bit int)")),
        r.log().toString());
    ScenarioResult rabbit = run("request-expires-in-queue", BrokerProfile.RABBITMQ_4, 6);
    assertTrue(rabbit.log().stream().anyMatch(e -> e.kind() == RpcLog.Kind.NOTE && e.text().contains("(a 64-bit long)")));
  }

  @Test
  void brokerRestart_transientQueueGoneWithRestart_orWithConnectionOnRabbitmq4() {
    ScenarioResult lavin = run("broker-restart-loses-transient-callback-queue", BrokerProfile.LAVINMQ, 9);
    assertTrue(lavin.trace().stream().anyMatch(t -> t.event() instanceof TraceEvent.QueueDeleted d
        && d.queue().equals("client.replies") && d.reason().equals("restart")));
    assertEquals(1, lavin.faults().get(0).fired());
    ScenarioResult rabbit = run("broker-restart-loses-transient-callback-queue", BrokerProfile.RABBITMQ_4, 9);
    assertTrue(rabbit.trace().stream().noneMatch(t -> t.event() instanceof TraceEvent.QueueDeclared q
        && q.queue().equals("client.replies")));
  }
}
