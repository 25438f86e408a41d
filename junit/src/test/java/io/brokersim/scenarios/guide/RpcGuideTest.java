package io.brokersim.scenarios.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.scenarios.junit.BrokersimTest;
import io.brokersim.scenarios.junit.SeedSweep;
import java.time.Duration;

/** docs/testing.md, steps 4 and 5: the same RPC in-process, deterministic, then over many seeds. */
class RpcGuideTest {

  /** The RPC server in-process: answers "pong:" + the request. */
  static void startPongServer(Simulation sim) {
    SimChannel ch = sim.connect("server").openChannel();
    ch.queueDeclare("rpc_queue", true, false, false, null);
    ch.basicConsume("rpc_queue", false, (SimConsumer) (c, request) -> {
      c.basicPublish("", request.properties().replyTo(), BasicProperties.builder()
          .correlationId(request.properties().correlationId()).build(), ("pong:" + request.bodyText()).getBytes());
      c.basicAck(request.deliveryTag(), false);
    });
  }

  // Step 4 --------------------------------------------------------------------------------------------------
  @BrokersimTest(seed = 42, profile = "rabbitmq-4")
  void call_getsItsReply_inProcess(Simulation sim) {
    startPongServer(sim);
    RpcClient client = RpcClient.directReplyTo(sim.connect("client").openChannel(), "amq.rabbitmq.reply-to", "",
        "rpc_queue", Duration.ofSeconds(5));

    assertEquals("pong:ping", client.call("ping").bodyText());

    sim.messages().requests().acknowledged().assertCount(1);
    sim.messages().replies().consumed().assertCount(1);
  }

  // Step 5 --------------------------------------------------------------------------------------------------
  static FaultPlan flakyRequesters() {
    return FaultPlan.builder().rule("flaky-requester", Boundary.ROUTED, Match.builder().hasReplyTo(true).build(),
        FaultActions.deadReplyChannel(false, 406, "requester died"), Trigger.probability(0.3)).build();
  }

  @SeedSweep(from = 0, to = 9, profiles = {"lavinmq", "rabbitmq-4"}, faultPlan = "flakyRequesters")
  void everyReply_arrivesOrItsLossIsRecorded(Simulation sim) {
    startPongServer(sim);
    for (int i = 1; i <= 5; i++) {
      RpcClient client = RpcClient.directReplyTo(sim.connect("client-" + i).openChannel(), "amq.rabbitmq.reply-to",
          "", "rpc_queue", Duration.ofSeconds(1));
      client.callAsync("call " + i);
    }
    sim.advanceBy(Duration.ofSeconds(2));

    sim.messages().requests().acknowledged().assertCount(5);
    assertEquals(5, sim.messages().replies().consumed().count() + sim.messages().replies().dropped().count(),
        sim.messages().replies().explain());
  }
}
