package io.brokersim.scenarios.report;

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
 * 100 calls from four clients to two servers; one fault rule loses the reply at its 37th match, so exactly one call
 * times out: the run the reports must make readable.
 */
final class HundredCalls implements Scenario {

  @Override
  public String name() {
    return "hundred-calls";
  }

  @Override
  public String description() {
    return "100 callback-queue calls, one reply lost";
  }

  @Override
  public String teaching() {
    return "Every call gets its reply, except the one whose reply a fault drops.";
  }

  @Override
  public FaultPlan faults() {
    return FaultPlan.builder().rule("lose-one-reply", Boundary.ROUTED, Match.builder().exchange("")
        .routingKey("amq.gen-*").build(), FaultActions.drop(), Trigger.atMatches(List.of(37L))).build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    for (String server : List.of("server-1", "server-2")) {
      ctx.responder(server).prefetch(5).serve("rpc_queue", ctx.answerAfter(Duration.ofMillis(5),
          Duration.ofMillis(40)));
    }
    for (int c = 1; c <= 4; c++) {
      Requester client = ctx.requester("client-" + c, "rpc_queue").timeout(Duration.ofSeconds(2));
      for (int i = 0; i < 25; i++) {
        client.callAfter(ctx.between(Duration.ZERO, Duration.ofSeconds(2)), "job " + c + "." + i);
      }
    }
    ctx.runFor(Duration.ofSeconds(5));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.everyCallAnsweredOnce());
  }
}
