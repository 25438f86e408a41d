package io.brokersim.scenarios.shrink;

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
 * Ten callback-queue calls under two probabilistic fault rules of the scenario's own: a few replies are lost, more
 * are slowed down (harmlessly: the caller waits 5 s). A lost reply alone makes the run fail.
 */
public class FlakyReplies implements Scenario {

  static final String LOST = "lost-replies";
  static final String SLOW = "slow-replies";

  private final boolean independentCalls;

  public FlakyReplies() {
    this(false);
  }

  FlakyReplies(boolean independentCalls) {
    this.independentCalls = independentCalls;
  }

  @Override
  public String name() {
    return "flaky-replies";
  }

  @Override
  public String description() {
    return "ten calls; some replies lost, more slowed down";
  }

  @Override
  public String teaching() {
    return "Every call should get its reply; a lost one times out.";
  }

  @Override
  public FaultPlan faults() {
    Match replies = Match.builder().exchange("").routingKey("amq.gen-*").build();
    return FaultPlan.builder()
        .rule(LOST, Boundary.ROUTED, replies, FaultActions.drop(), Trigger.probability(0.1))
        .rule(SLOW, Boundary.ROUTED, replies, FaultActions.delay(Duration.ofMillis(100)), Trigger.probability(0.3))
        .build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").serve("rpc_queue", ctx.answerAfter(Duration.ofMillis(5), Duration.ofMillis(50)));
    Requester client = ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(5));
    for (int i = 0; i < 10; i++) {
      client.callAfter(Duration.ofMillis(100L * i), "call " + i);
    }
    ctx.runFor(Duration.ofSeconds(7));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.everyCallAnsweredOnce());
  }

  @Override
  public boolean callsAreIndependent() {
    return independentCalls;
  }
}
