package io.brokersim.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules armed, replaced and disarmed in the middle of a deterministic run. */
class RuntimeFaultsIT {

  private static final FaultRule DEAD_REPLY_CHANNEL = new FaultRule("dead-reply-channel", Boundary.ROUTED,
      Match.builder().hasReplyTo(true).build(), FaultActions.deadReplyChannel(false, 406, "requester died"),
      Trigger.ALWAYS);

  /** What one run saw: the replies the requesters got, and the trace hash. */
  private record Run(List<String> replies, String traceSha256) {}

  /**
   * Three calls over direct reply-to, each from a fresh requester channel; the rule is armed before the second
   * and disarmed before the third.
   */
  private static Run armForTheSecondCallOnly(long seed) {
    try (Simulation sim = Simulation.builder().seed(seed).profile(BrokerProfile.RABBITMQ_4).build()) {
      SimChannel server = sim.connect("server").openChannel();
      server.queueDeclare("rpc_queue", true, false, false, null);
      server.basicConsume("rpc_queue", false, (SimConsumer) (ch, req) -> {
        ch.basicPublish("", req.properties().replyTo(), BasicProperties.builder()
            .correlationId(req.properties().correlationId()).build(), req.body());
        ch.basicAck(req.deliveryTag(), false);
      });
      List<String> replies = new ArrayList<>();
      FaultInjector.Armed armed = null;
      for (int call = 1; call <= 3; call++) {
        if (call == 2) {
          armed = sim.faults().arm(DEAD_REPLY_CHANNEL);
        } else if (call == 3) {
          assertTrue(armed.disarm());
        }
        SimChannel client = sim.connect("client-" + call).openChannel();
        client.basicConsume("amq.rabbitmq.reply-to", true, (SimConsumer) (ch, reply) ->
            replies.add(reply.properties().correlationId()));
        client.basicPublish("", "rpc_queue", BasicProperties.builder().replyTo("amq.rabbitmq.reply-to")
            .correlationId("call-" + call).build(), ("request " + call).getBytes(StandardCharsets.UTF_8));
        sim.runUntilQuiet();
      }
      assertEquals(1, armed.firedCount());
      assertFalse(armed.isArmed());
      sim.messages().withCorrelationId("call-2").replies().dropped().assertCount(1);
      sim.messages().replies().consumed().assertCount(2);
      sim.assertNothingLostSilently();
      return new Run(replies, sim.traceSha256());
    }
  }

  @Test
  void armThenDisarm_onlyTheCallInBetweenLosesItsReply() {
    assertEquals(List.of("call-1", "call-3"), armForTheSecondCallOnly(5).replies());
  }

  @Test
  void armThenDisarm_sameSeed_sameTrace() {
    assertEquals(armForTheSecondCallOnly(5), armForTheSecondCallOnly(5));
  }

  @Test
  void replace_changesWhatTheRuleDoes_forTheNextEvent() {
    try (Simulation sim = Simulation.builder().seed(1).build()) {
      SimChannel ch = sim.connect("app").openChannel();
      ch.queueDeclare("jobs", true, false, false, null);
      Match jobs = Match.builder().queue("jobs").build();
      sim.faults().arm(new FaultRule("jobs", Boundary.ENQUEUED, jobs, FaultActions.drop(), Trigger.ALWAYS));
      ch.basicPublish("", "jobs", "one");
      sim.runUntilQuiet();
      sim.faults().replace(new FaultRule("jobs", Boundary.ENQUEUED, jobs, FaultActions.duplicate(1), Trigger.ALWAYS));
      ch.basicPublish("", "jobs", "two");
      sim.runUntilQuiet();

      assertEquals(2, ch.queueDeclarePassive("jobs").messageCount(), "'two' and its duplicate");
      sim.messages().toQueue("jobs").withFate(io.brokersim.core.trace.Fate.Kind.DROPPED_BY_FAULT).assertCount(1);
      sim.assertNothingLostSilently();
    }
  }
}
