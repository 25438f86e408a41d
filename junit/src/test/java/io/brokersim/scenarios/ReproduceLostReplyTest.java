package io.brokersim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.catalogue.LostReplyRequesterConnectionDropped;
import io.brokersim.scenarios.junit.BrokersimTest;
import io.brokersim.scenarios.junit.SeedSweep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ways docs/scenarios.md and the README show to put a scenario in a unit test; they must keep compiling. */
class ReproduceLostReplyTest {

  // README: "Reproduce a lost reply" -----------------------------------------------------------------------
  @BrokersimTest(seed = 42, profile = "lavinmq")
  void requesterConnectionDrops_replyIsLost(ScenarioContext ctx) {
    Scenario lostReply = new LostReplyRequesterConnectionDropped();
    lostReply.run(ctx);
    ctx.assertExpectations(lostReply.expectations());
  }
  // --------------------------------------------------------------------------------------------------------

  @Test
  void runner_sameScenarioAsTheCli() {
    ScenarioResult r = ScenarioRunner.run("lost-reply-requester-connection-dropped", 42, BrokerProfile.LAVINMQ,
        RunOptions.NONE);
    assertTrue(r.passed(), r.firstProblem());
  }

  // docs/scenarios.md: "Your own scenario in a test" ---------------------------------------------------------
  @SeedSweep(from = 0, to = 19, profiles = {"lavinmq", "rabbitmq-4"})
  void slowServer_callerTimesOut_lateReplyDiscarded(ScenarioContext ctx) {
    ctx.responder("server").prefetch(1).serve("rpc_queue", ctx.answerAfter(Duration.ofSeconds(2),
        Duration.ofSeconds(3)));
    Requester client = ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(1));
    client.call("slow");
    ctx.runFor(Duration.ofSeconds(5));
    ctx.assertExpectations(List.of(
        Expectations.timesOut("client-1"),
        Expectations.lateReplyDiscarded("client-1")));
  }
  // --------------------------------------------------------------------------------------------------------

  @BrokersimTest
  void plainSimulation_isInjected(Simulation sim) {
    SimChannel ch = sim.connect("app").openChannel();
    ch.queueDeclare("jobs", true, false, false, null);
    ch.basicPublish("", "jobs", "hello");
    sim.runUntilQuiet();
    assertEquals(1, sim.ledger().stillLive().size());   // still in its queue: not lost
  }
}
