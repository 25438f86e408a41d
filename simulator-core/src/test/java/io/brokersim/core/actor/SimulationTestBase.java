package io.brokersim.core.actor;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.profile.BrokerProfile;
import org.junit.jupiter.api.AfterEach;

/** A fresh deterministic simulation per test; after each test the fate ledger must balance. */
abstract class SimulationTestBase {
  protected Simulation sim;

  protected Simulation start(BrokerProfile profile) {
    sim = Simulation.builder().seed(7).profile(profile).build();
    return sim;
  }

  protected SimChannel channel(String client) {
    SimConnection c = sim.connect(client);
    return c.openChannel();
  }

  @AfterEach
  void checkLedgerAndClose() {
    if (sim != null) {
      try {
        sim.assertNothingLostSilently();
      } finally {
        sim.close();
      }
    }
  }
}
