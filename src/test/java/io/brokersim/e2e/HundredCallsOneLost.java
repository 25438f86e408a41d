package io.brokersim.e2e;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/** A failing 100-call run: five clients, twenty calls each, one reply lost (its 61st routing) to a fault. */
public final class HundredCallsOneLost implements Scenario {

  @Override
  public String name() {
    return "hundred-calls-one-lost";
  }

  @Override
  public String description() {
    return "100 calls over callback queues; a fault drops one reply";
  }

  @Override
  public String teaching() {
    return "A busy run with one lost reply: the report must lead straight to it.";
  }

  @Override
  public FaultPlan faults() {
    return FaultPlan.builder().rule("drop-a-reply", Boundary.ROUTED, Match.builder().exchange("")
        .routingKey("amq.gen-*").build(), FaultActions.drop(), Trigger.atMatches(List.of(61L))).build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").prefetch(10).serve("rpc_queue", ctx.answerAfter(Duration.ofMillis(2),
        Duration.ofMillis(30)));
    for (int c = 1; c <= 5; c++) {
      var client = ctx.requester("app-" + c, "rpc_queue").timeout(Duration.ofSeconds(3));
      for (int i = 0; i < 20; i++) {
        client.callAfter(Duration.ofMillis(50L * i + 7L * c), "order " + c + "/" + i);
      }
    }
    ctx.runFor(Duration.ofSeconds(6));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.everyCallAnsweredOnce());
  }
}
