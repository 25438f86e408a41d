package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * Five calls over a bad link: requests are lost (the call times out unanswered) and replies come too late (the call
 * times out and the late reply is discarded), each often enough that almost every seed fails one way or the other.
 */
public final class LossyCalls implements Scenario {

  @Override
  public String name() {
    return "lossy-calls";
  }

  @Override
  public String description() {
    return "five calls; requests lost and replies late, often";
  }

  @Override
  public String teaching() {
    return "For sweeps with many failures of a few kinds.";
  }

  @Override
  public FaultPlan faults() {
    return FaultPlan.builder()
        .rule("lost-requests", Boundary.ROUTED, Match.builder().hasReplyTo(true).build(), FaultActions.drop(),
            Trigger.probability(0.25))
        .rule("late-replies", Boundary.ROUTED, Match.builder().exchange("").routingKey("amq.gen-*").build(),
            FaultActions.delay(Duration.ofSeconds(2)), Trigger.probability(0.25))
        .build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").serve("rpc_queue", ctx.answerAfter(Duration.ofMillis(5), Duration.ofMillis(20)));
    Requester client = ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      client.callAfter(Duration.ofMillis(50L * i), "call " + i);
    }
    ctx.runFor(Duration.ofSeconds(4));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.everyCallAnsweredOnce());
  }
}
