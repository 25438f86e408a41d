package com.example.rpc;

import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import io.brokersim.scenarios.catalogue.LateReplyAfterTimeout;
import io.brokersim.scenarios.catalogue.LostReplyServerCrashBeforeAck;
import io.brokersim.scenarios.junit.BrokersimTest;
import io.brokersim.scenarios.junit.SeedSweep;

/** The scenario extensions under this project's JUnit: catalogue scenarios for one seed and over a sweep. */
class LostReplyTest {

  @BrokersimTest(seed = 7, profile = "rabbitmq-4")
  void serverCrashesBeforeItsAck_requestIsRedelivered(ScenarioContext ctx) {
    runAndCheck(new LostReplyServerCrashBeforeAck(), ctx);
  }

  @SeedSweep(from = 0, to = 4, profiles = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void lateReplyAfterTimeout_isDiscardedOnEverySeedAndProfile(ScenarioContext ctx) {
    runAndCheck(new LateReplyAfterTimeout(), ctx);
  }

  private static void runAndCheck(Scenario scenario, ScenarioContext ctx) {
    scenario.run(ctx);
    ctx.assertExpectations(scenario.expectations());
  }
}
