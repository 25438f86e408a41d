package io.brokersim.scenarios.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.Simulation;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Test classes that {@link LiveServerExtensionTest} and {@link BrokersimExtensionTest} run through the JUnit
 * launcher, to see which servers and simulations the extensions hand out. Not named *Test, so the build does not
 * run them on their own.
 */
final class ServerFixtures {

  /** What the fixtures saw, in order. */
  static final List<Object> SEEN = new ArrayList<>();

  private ServerFixtures() {}

  /** A publish the ledger never sees routed: the "nothing lost silently" check must report it. */
  static TraceEvent.Published unroutedPublish() {
    return new TraceEvent.Published("conn-9/ch-1#1", "conn-9/ch-1", "", "nowhere", false, false, null, null, null, 0);
  }

  @BrokersimServer(profile = "rabbitmq-3")
  static final class ClassServer {
    @BeforeAll
    static void beforeAll(LiveServer server) {
      SEEN.add(server);
    }

    @BeforeEach
    void beforeEach(LiveServer server) {
      SEEN.add(server);
    }

    @Test
    void first(LiveServer server) {
      SEEN.add(server);
    }

    @Test
    void second(LiveServer server) {
      SEEN.add(server);
    }

    @Test
    @BrokersimServer(profile = "rabbitmq-4")
    void ownServer(LiveServer server) {
      SEEN.add(server.broker().profile().name());
    }

    @Nested
    class Inner {
      @Test
      void nested(LiveServer server) {
        SEEN.add(server);
      }
    }
  }

  static final class MethodServers {
    @BeforeEach
    void beforeEach(LiveServer server) {
      SEEN.add(server);
    }

    @Test
    @BrokersimServer
    void first(LiveServer server) {
      SEEN.add(server);
    }

    @Test
    @BrokersimServer
    void second(LiveServer server) {
      SEEN.add(server);
    }
  }

  static final class FaultFiles {
    @Test
    @BrokersimServer(faults = "classpath:faults/drop-jobs.conf")
    void classpathPrefix(LiveServer server) {
      SEEN.add(server.faults().rules().get(0).name());
    }

    @Test
    @BrokersimServer(faults = "faults/drop-jobs.conf")
    void plainResourceName(LiveServer server) {
      SEEN.add(server.faults().rules().get(0).name());
    }

    @Test
    @BrokersimServer(faults = "src/test/resources/faults/drop-jobs.conf")
    void fileSystemPath(LiveServer server) {
      SEEN.add(server.faults().rules().get(0).name());
    }

    @Test
    @BrokersimServer(faults = "faults/drop-jobs.conf", faultPlan = "PLAN")
    void fileThenStaticField(LiveServer server) {
      SEEN.add(server.faults().rules().stream().map(FaultRule::name).toList());
    }

    @Test
    @BrokersimServer(faultPlan = "slowDeliveries")
    void staticMethod(LiveServer server) {
      SEEN.add(server.faults().rules().stream().map(FaultRule::name).toList());
    }

    @Test
    @BrokersimServer(faultPlan = "io.brokersim.scenarios.junit.ServerFixtures#sharedPlan")
    void otherClass(LiveServer server) {
      SEEN.add(server.faults().rules().stream().map(FaultRule::name).toList());
    }

    static final FaultPlan PLAN = FaultPlan.builder().rule("from-field", Boundary.DELIVERED, Match.ANY,
        FaultActions.drop(), Trigger.oneShot()).build();

    static FaultPlan slowDeliveries() {
      return FaultPlan.builder().rule("from-method", Boundary.DELIVERED, Match.ANY,
          FaultActions.delay(java.time.Duration.ofMillis(1)), Trigger.ALWAYS).build();
    }
  }

  static FaultPlan sharedPlan() {
    return FaultPlan.builder().rule("shared", Boundary.ROUTED, Match.ANY, FaultActions.drop(), Trigger.oneShot())
        .build();
  }

  static final class MissingFaultFile {
    @Test
    @BrokersimServer(faults = "faults/no-such-file.conf")
    void missing(LiveServer server) {
      SEEN.add(server);
    }
  }

  static final class UnknownFaultPlan {
    @Test
    @BrokersimServer(faultPlan = "noSuchPlan")
    void unknown(LiveServer server) {
      SEEN.add(server);
    }
  }

  static final class ServerLosesAMessage {
    @Test
    @BrokersimServer
    void loses(LiveServer server) {
      server.broker().trace().record(unroutedPublish());
    }
  }

  static final class ServerLosesAMessageAllowed {
    @Test
    @BrokersimServer
    @AllowSilentLoss("the fixture records a publish that never happened")
    void loses(LiveServer server) {
      server.broker().trace().record(unroutedPublish());
    }
  }

  @BrokersimTest(seed = 11, profile = "rabbitmq-4")
  static final class ClassSimulation {
    @BeforeAll
    static void beforeAll(Simulation sim) {
      SEEN.add(sim);
    }

    @Test
    void first(Simulation sim) {
      SEEN.add(sim);
      assertEquals(11, sim.seed());
    }

    @Test
    void second(Simulation sim) {
      SEEN.add(sim);
    }
  }

  @BrokersimTest(seed = 12, profile = "rabbitmq-3", faults = "classpath:faults/drop-jobs.conf")
  static final class ClassSettings {
    @BeforeEach
    void beforeEach(Simulation sim) {
      SEEN.add(sim);
    }

    @Test
    void inherits(Simulation sim) {
      SEEN.add(sim);
      SEEN.add(sim.seed() + "/" + sim.profile().name() + "/" + sim.faults().rules().get(0).name());
    }

    @BrokersimTest(seed = 13)
    void overrides(Simulation sim) {
      SEEN.add(sim.seed() + "/" + sim.profile().name() + "/" + sim.faults().rules().size());
    }
  }

  static final class SimulationLosesAMessage {
    @BrokersimTest(seed = 5)
    void loses(Simulation sim) {
      sim.trace().record(unroutedPublish());
    }

    @BrokersimTest(seed = 6)
    @AllowSilentLoss("the fixture records a publish that never happened")
    void allowed(Simulation sim) {
      sim.trace().record(unroutedPublish());
    }
  }
}
