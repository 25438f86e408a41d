package io.brokersim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.catalogue.ConsumerDroppedMidStream;
import io.brokersim.scenarios.catalogue.RpcCallbackQueue;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ScenarioRunnerTest {

  /** A scenario made of a script and expectations, for tests. */
  record Scripted(String name, List<BrokerProfile> profiles, Consumer<ScenarioContext> script,
      List<Expectation> expectations) implements Scenario {

    Scripted(Consumer<ScenarioContext> script, Expectation... expectations) {
      this("scripted", BrokerProfile.ALL, script, List.of(expectations));
    }

    @Override
    public String description() {
      return "a scripted test scenario";
    }

    @Override
    public String teaching() {
      return "";
    }

    @Override
    public void run(ScenarioContext ctx) {
      script.accept(ctx);
    }
  }

  @Test
  void run_sameSeedTwice_sameHashAndResult_otherSeedOtherHash() {
    Scenario s = new RpcCallbackQueue();
    ScenarioResult a = ScenarioRunner.run(s, 11, BrokerProfile.LAVINMQ);
    ScenarioResult b = ScenarioRunner.run(s, 11, BrokerProfile.LAVINMQ);
    ScenarioResult c = ScenarioRunner.run(s, 12, BrokerProfile.LAVINMQ);
    assertEquals(a.traceSha256(), b.traceSha256());
    assertEquals(a.log(), b.log());
    assertEquals(a.virtualNanos(), b.virtualNanos());
    assertNotEquals(a.traceSha256(), c.traceSha256());
  }

  @Test
  void run_expectationDoesNotHold_verdictFail_withItsReason() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      ctx.responder("server").serve("rpc_queue", Responder.Handler.ANSWER);
      ctx.requester("client", "rpc_queue").call("ping");
      ctx.runFor(Duration.ofSeconds(1));
    }, Expectations.timesOut("client-1")), 0, BrokerProfile.LAVINMQ);
    assertEquals(ScenarioResult.Verdict.FAIL, r.verdict());
    assertEquals("the caller times out waiting for client-1: client-1 answered at t=0.000s", r.firstProblem());
    assertTrue(r.expectations().get(1).holds(), "nothing lost silently still holds");
  }

  @Test
  void run_scriptThrowsInACallback_verdictError_andTheBrokerCarriesOn() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      ctx.responder("server").serve("rpc_queue", request -> {
        throw new IllegalStateException("bug in the handler");
      });
      ctx.requester("client", "rpc_queue").call("ping");
      ctx.runFor(Duration.ofSeconds(1));
    }), 0, BrokerProfile.LAVINMQ);
    assertEquals(ScenarioResult.Verdict.ERROR, r.verdict());
    assertTrue(r.errors().get(0).contains("bug in the handler"), r.errors().toString());
  }

  @Test
  void run_scriptThrows_verdictError() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      throw new IllegalArgumentException("bad script");
    }), 0, BrokerProfile.LAVINMQ);
    assertEquals(ScenarioResult.Verdict.ERROR, r.verdict());
    assertTrue(r.firstProblem().contains("bad script"), r.firstProblem());
  }

  @Test
  void run_undeclaredProfile_refused() {
    Scenario onlyLavin = new Scripted("only-lavin", List.of(BrokerProfile.LAVINMQ), ctx -> { }, List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run(onlyLavin, 0, BrokerProfile.RABBITMQ_4));
    assertEquals("scenario 'only-lavin' does not declare profile 'rabbitmq-4'; it declares lavinmq", e.getMessage());
  }

  @Test
  void run_unknownName_refusedWithTheKnownNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScenarioRunner.run("nope", 0, BrokerProfile.LAVINMQ, RunOptions.NONE));
    assertTrue(e.getMessage().startsWith("no scenario named 'nope'; known: rpc-callback-queue, "), e.getMessage());
  }

  @Test
  void calls_redeliveredRequests_reportTheirSecondReceipt() {
    ScenarioResult r = ScenarioRunner.run(new ConsumerDroppedMidStream(), 0, BrokerProfile.RABBITMQ_3);
    long twice = r.calls().stream().filter(c -> c.call().timesReceived() == 2).count();
    assertEquals(3, twice);
    assertTrue(r.calls().stream().allMatch(c -> c.call().answeredOnce()));
    assertTrue(r.explanations().isEmpty(), "nothing went wrong for the callers");
  }

  @Test
  void requester_mandatoryReplyToAGoneQueue_isReturnedAndLogged() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      ctx.responder("server").mandatoryReplies(true).serve("rpc_queue",
          request -> request.after(Duration.ofMillis(100), Request::answer));
      Requester client = ctx.requester("client", "rpc_queue");
      client.call("ping");
      ctx.at(Duration.ofMillis(10), client::cut);
      ctx.runFor(Duration.ofSeconds(1));
    }, Expectations.replyReturnedToResponder("client-1"),
        Expectations.replyLostWithRequesterConnection("client-1")), 1, BrokerProfile.RABBITMQ_4);
    assertTrue(r.passed(), r.firstProblem());
    assertEquals(RpcCall.Outcome.CONNECTION_LOST, r.calls().get(0).call().outcome());
    assertEquals(1, r.calls().get(0).call().repliesReturned());
  }

  @Test
  void run_faultsFromOptions_afterTheScenarios_reportedAndInTheReplayCommand() {
    io.brokersim.core.fault.FaultPlan file = io.brokersim.core.fault.FaultPlan.builder().rule("drop-replies",
        io.brokersim.core.fault.Boundary.REPLY_RESOLVED, io.brokersim.core.fault.Match.ANY,
        io.brokersim.core.fault.FaultActions.drop(), io.brokersim.core.fault.Trigger.ALWAYS).build();
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("rpc-direct-reply-to").orElseThrow(), 0,
        BrokerProfile.LAVINMQ, RunOptions.NONE.withFaults(file, "drop.conf"));
    assertEquals(ScenarioResult.Verdict.FAIL, r.verdict());
    assertEquals(List.of("drop-replies"), r.faults().stream().map(ScenarioResult.FaultReport::rule).toList());
    assertEquals(8, r.faults().get(0).fired());
    assertEquals("brokersim run rpc-direct-reply-to --profile lavinmq --seed 0 --faults drop.conf", r.replayCommand());
    assertTrue(r.explanations().get(0).broker().contains("fault rule 'drop-replies'"), r.explanations().toString());
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> ScenarioRunner.run(
        Catalogue.find("broker-restart-loses-transient-callback-queue").orElseThrow(), 0, BrokerProfile.LAVINMQ,
        RunOptions.NONE.withFaults(io.brokersim.core.fault.FaultPlan.builder().rule("broker-restart",
            io.brokersim.core.fault.Boundary.ROUTED, null, io.brokersim.core.fault.FaultActions.drop(), null).build(),
            "x.conf")));
    assertTrue(clash.getMessage().contains("has the same name as a rule of the scenario"), clash.getMessage());
  }

  @Test
  void requester_channelClosedByTheBroker_waitingCallsFail_laterCallsFailAtOnce_nothingThrown() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      ctx.responder("server").serve("rpc_queue", request -> { });   // never answers
      Requester client = ctx.requester("client", "rpc_queue",
          Requester.Replies.directReplyTo("amq.rabbitmq.reply-to")).timeout(Duration.ofSeconds(5));
      client.call("first");
      // Consuming a queue that does not exist closes the requester's channel with 404.
      client.channel().basicConsumeAsync("missing", "", true, false, null, (ch, d) -> { });
      ctx.runFor(Duration.ofMillis(10));
      client.call("second");
      ctx.runFor(Duration.ofSeconds(1));
    }, Expectations.callFails("client-1", "404"), Expectations.callFails("client-2", "not sent")), 0,
        BrokerProfile.RABBITMQ_3);
    assertTrue(r.passed(), r.firstProblem() + " " + r.errors());
    assertEquals(RpcCall.Outcome.FAILED, r.calls().get(1).call().outcome());
    assertTrue(r.calls().get(1).call().summary().startsWith("failed at t=0.010s (not sent: its channel was closed by "
        + "the broker with 404 NOT_FOUND - no queue 'missing' in vhost '/')"), r.calls().get(1).call().summary());
  }

  @Test
  void requester_connectionCutByTheBroker_callsEndAsConnectionLost() {
    ScenarioResult r = ScenarioRunner.run(new Scripted(ctx -> {
      ctx.responder("server").serve("rpc_queue", request -> request.after(Duration.ofMillis(100), Request::answer));
      Requester client = ctx.requester("client", "rpc_queue");
      client.call("ping");
      ctx.at(Duration.ofMillis(10), () -> client.connection().closeAsync());   // not via cut(): the script does not know
      ctx.runFor(Duration.ofSeconds(1));
    }, Expectations.replyLostWithRequesterConnection("client-1")), 0, BrokerProfile.LAVINMQ);
    assertTrue(r.passed(), r.firstProblem());
  }

  @Test
  void between_isSeeded_andWithinBounds() {
    List<Long> first = draws(5);
    assertEquals(first, draws(5));
    assertNotEquals(first, draws(6));
    assertTrue(first.stream().allMatch(ms -> ms >= 10 && ms <= 20), first.toString());
  }

  private static List<Long> draws(long seed) {
    try (var sim = io.brokersim.core.Simulation.create(seed)) {
      ScenarioContext ctx = new ScenarioContext(sim);
      return java.util.stream.IntStream.range(0, 20)
          .mapToObj(i -> ctx.between(Duration.ofMillis(10), Duration.ofMillis(20)).toMillis()).toList();
    }
  }

  @Test
  void sweep_shards_partitionTheSeeds() {
    List<Scenario> one = List.of(new RpcCallbackQueue());
    List<Sweep.Run> all = Sweep.plan(one, List.of(BrokerProfile.LAVINMQ), 0, 99, 1, 1);
    assertEquals(100, all.size());
    List<Long> union = new java.util.ArrayList<>();
    for (int k = 1; k <= 4; k++) {
      union.addAll(Sweep.plan(one, List.of(BrokerProfile.LAVINMQ), 0, 99, k, 4).stream().map(Sweep.Run::seed).toList());
    }
    assertEquals(all.stream().map(Sweep.Run::seed).sorted().toList(), union.stream().sorted().toList());
    assertEquals(300, Sweep.plan(one, List.of(), 0, 99, 1, 1).size());
    assertThrows(IllegalArgumentException.class, () -> Sweep.plan(one, List.of(), 5, 4, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Sweep.plan(one, List.of(), 0, 4, 3, 2));
  }

  @Test
  void sweep_failures_areSortedAndNamed() {
    Scenario failing = new Scripted(ctx -> { }, Expectation.of("never", run -> Expectation.Check.fails("no")));
    Sweep.Summary s = Sweep.run(Sweep.plan(List.of(failing), List.of(BrokerProfile.LAVINMQ), 0, 5, 1, 1), 3,
        (done, total, failed) -> { });
    assertEquals(6, s.runs());
    assertEquals(0, s.passed());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), s.failures().stream().map(f -> f.run().seed()).toList());
    assertEquals("never: no", s.failures().get(0).problem());
    assertFalse(s.failures().get(0).run().replayCommand().isEmpty());
    assertEquals(1, s.groups().size());
    Sweep.FailureGroup g = s.groups().get(0);
    assertEquals(6, g.count());
    assertEquals(0, g.first().run().seed());
    assertEquals(new FailureSignature("never", ""), g.signature());
    assertEquals(List.of("lavinmq"), g.profiles());
  }
}
