package io.brokersim.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exchange-level faults at the routed boundary: the publishing channel routes, the exchange's actor
 * carries out the drop, delay or duplicate, and the trace names it as the target.
 */
class ExchangeFaultIT {
  private Simulation sim;

  @AfterEach
  void ledgerAndClose() {
    if (sim != null) {
      try {
        sim.assertNothingLostSilently();
      } finally {
        sim.close();
      }
    }
  }

  private SimChannel orders(FaultPlan plan) {
    sim = Simulation.builder().seed(11).profile(BrokerProfile.RABBITMQ_3).faults(plan).build();
    SimChannel ch = sim.connect("shop").openChannel();
    ch.exchangeDeclare("orders", "topic");
    ch.exchangeDeclare("audit", "fanout");
    ch.queueDeclare("billing", true, false, false, null);
    ch.queueDeclare("log", true, false, false, null);
    ch.queueBind("billing", "orders", "order.*");
    ch.queueBind("log", "audit", "");
    return ch;
  }

  private List<TraceEvent.FaultInjected> injected() {
    return sim.events().events(TraceEvent.FaultInjected.class);
  }

  @Test
  void delay_onOneExchange_holdsWhatItRoutes_andTheTraceNamesTheExchange() {
    SimChannel ch = orders(FaultPlan.builder().rule("slow-orders", Boundary.ROUTED,
        Match.builder().exchange("orders").build(), FaultActions.delay(Duration.ofSeconds(2)), null).build());
    List<Delivery> billed = new ArrayList<>();
    List<Delivery> logged = new ArrayList<>();
    ch.basicConsume("billing", true, (c, d) -> billed.add(d));
    ch.basicConsume("log", true, (c, d) -> logged.add(d));

    ch.basicPublish("orders", "order.new", "o-1");
    ch.basicPublish("audit", "", "a-1");
    sim.runUntilQuiet();
    assertEquals(1, logged.size(), "other exchanges route at once");
    assertTrue(billed.isEmpty(), "the orders exchange holds its message");

    sim.advanceBy(Duration.ofSeconds(2));
    sim.runUntilQuiet();
    assertEquals(List.of("o-1"), billed.stream().map(Delivery::bodyText).toList());
    assertEquals(1, injected().size());
    assertEquals("exchange:orders", injected().get(0).target());
    assertEquals("delay: delay 2000ms", injected().get(0).action());
  }

  @Test
  void drop_onAnExchange_nacksUnderConfirms_andRecordsTheLossPerQueue() {
    SimChannel ch = orders(FaultPlan.builder().rule("lose-orders", Boundary.ROUTED,
        Match.builder().exchange("orders").build(), FaultActions.drop(), Trigger.oneShot()).build());
    ch.confirmSelect();
    ch.basicPublish("orders", "order.new", "o-1");
    assertFalse(ch.waitForConfirms(), "the dropped publish is nacked");
    ch.basicPublish("orders", "order.new", "o-2");
    assertTrue(ch.waitForConfirms(), "the rule fired once");

    List<TraceEvent.Discarded> lost = sim.events().events(TraceEvent.Discarded.class);
    assertEquals(1, lost.size());
    assertEquals("billing", lost.get(0).queue());
    assertEquals("fault", lost.get(0).cause());
    assertEquals(1, ch.queueDeclarePassive("billing").messageCount());
  }

  @Test
  void duplicate_onAnExchange_sendsCopiesToTheSameQueues() {
    SimChannel ch = orders(FaultPlan.builder().rule("echo", Boundary.ROUTED,
        Match.builder().exchange("orders").build(), FaultActions.duplicate(2), Trigger.oneShot()).build());
    ch.basicPublish("orders", "order.new", "o-1");
    sim.runUntilQuiet();

    assertEquals(3, ch.queueDeclarePassive("billing").messageCount());
    assertEquals(List.of("exchange:orders", "exchange:orders"),
        injected().stream().map(TraceEvent.FaultInjected::target).toList());
  }
}
