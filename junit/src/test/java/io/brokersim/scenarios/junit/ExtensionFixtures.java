package io.brokersim.scenarios.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.Simulation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test classes that {@link BrokersimExtensionTest} runs through the JUnit launcher, to see what the extension
 * reports. Not named *Test, so the build does not run them on their own.
 */
final class ExtensionFixtures {

  /** Seeds and profiles the fixtures saw, in order. */
  static final List<String> SEEN = new ArrayList<>();

  private ExtensionFixtures() {}

  static final class FailingTest {
    @BrokersimTest(seed = 7, profile = "rabbitmq-3")
    void fails(Simulation sim) {
      assertEquals(1, 2, "deliberate");
    }
  }

  static final class ThrowingTest {
    @BrokersimTest(seed = 8)
    void throwsSomething(Simulation sim) {
      throw new IllegalStateException("boom");
    }
  }

  static final class AbortedTest {
    @BrokersimTest
    void aborts(Simulation sim) {
      Assumptions.assumeTrue(false, "not today");
    }
  }

  static final class ScriptErrorTest {
    @BrokersimTest(seed = 9)
    void handlerThrows(ScenarioContext ctx) {
      ctx.responder("server").serve("rpc_queue", request -> {
        throw new IllegalStateException("handler bug");
      });
      ctx.requester("client", "rpc_queue").call("ping");
      ctx.sim().runUntilQuiet();
    }
  }

  static final class SweepTest {
    @SeedSweep(from = 3, to = 5, profiles = {"lavinmq", "rabbitmq-4"})
    void records(Simulation sim, ScenarioContext ctx) {
      SEEN.add(sim.seed() + "/" + sim.profile().name() + "/" + (ctx.sim() == sim));
    }
  }

  static final class ShrinkingSweepTest {
    @SeedSweep(from = 0, to = 9, faults = "src/test/resources/faults/flaky-replies.conf")
    void everyCallAnswered(ScenarioContext ctx) {
      ctx.responder("server").serve("rpc_queue", ctx.answerAfter(Duration.ofMillis(5), Duration.ofMillis(50)));
      Requester client = ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(5));
      for (int i = 0; i < 10; i++) {
        client.callAfter(Duration.ofMillis(100L * i), "call " + i);
      }
      ctx.runFor(Duration.ofSeconds(7));
      ctx.assertExpectations(List.of(Expectations.everyCallAnsweredOnce()));
    }
  }

  static final class ClasspathFaultsTest {
    @BrokersimTest(seed = 1, faults = "faults/flaky-replies.conf", shrink = false)
    void rulesLoaded(Simulation sim) {
      SEEN.add("faults " + sim.seed());
    }
  }

  @ExtendWith(BrokersimExtension.class)
  static final class ClassLevelTest {
    @Test
    void records(Simulation sim) {
      SEEN.add(sim.seed() + "/" + sim.profile().name());
    }

    @SeedSweep(from = 1, to = 2)
    void sweepsToo(Simulation sim) {
      SEEN.add("sweep " + sim.seed());
    }
  }
}
