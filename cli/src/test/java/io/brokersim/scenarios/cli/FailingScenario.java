package io.brokersim.scenarios.cli;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/** A scenario whose expectation never holds (the call is answered, the scenario says it times out). */
public final class FailingScenario implements Scenario {

  @Override
  public String name() {
    return "failing";
  }

  @Override
  public String description() {
    return "expects a timeout that never comes";
  }

  @Override
  public String teaching() {
    return "For the CLI's exit codes.";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").serve("rpc_queue", request -> request.answer());
    ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(1)).call("ping");
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.timesOut("client-1"));
  }
}
