package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example fault files do to a running simulation what their comments say. */
class FaultFileExamplesIT {
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

  private void start(String example) {
    FaultPlan plan = FaultFile.load(FaultExamplesTest.examples().resolve(example));
    sim = Simulation.builder().seed(11).profile(BrokerProfile.RABBITMQ_4).faults(plan).build();
  }

  /** A server on rpc_queue that replies to reply_to with the correlation id, then acks. */
  private List<Delivery> responder(String name) {
    List<Delivery> seen = new ArrayList<>();
    SimChannel ch = sim.connect(name).openChannel();
    ch.queueDeclare("rpc_queue", true, false, false, null);
    ch.basicQos(1);
    ch.basicConsume("rpc_queue", false, (SimConsumer) (c, req) -> {
      seen.add(req);
      c.basicPublish("", req.properties().replyTo(), BasicProperties.builder()
          .correlationId(req.properties().correlationId()).build(),
          ("re:" + req.bodyText()).getBytes(StandardCharsets.UTF_8));
      c.basicAck(req.deliveryTag(), false);
    });
    return seen;
  }

  private List<TraceEvent.FaultInjected> injected() {
    return sim.events().events(TraceEvent.FaultInjected.class);
  }

  @Test
  void deadReplyChannel_callbackQueue_requestServedReplyLostChannelClosed() {
    start("dead-reply-channel.conf");
    List<Delivery> processed = responder("server");
    SimConnection conn = sim.connect("client");
    SimChannel requester = conn.openChannel();
    RpcClient client = RpcClient.callbackQueue(requester, "", "rpc_queue", Duration.ofSeconds(5));

    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(6));

    assertEquals(1, processed.size(), "the request was routed and served");
    assertTrue(call.isCompletedExceptionally(), "no reply reached the requester");
    assertEquals(406, requester.closeCause().replyCode());
    assertEquals("PRECONDITION_FAILED - requester died", requester.closeCause().replyText());
    assertTrue(conn.isOpen(), "scope = channel leaves the connection open");
    assertEquals(List.of("dead-reply-channel"), injected().stream().map(TraceEvent.FaultInjected::rule).toList(),
        "the server's reply has no reply_to and is not hit");
    String why = sim.ledger().explainReplyFor(processed.get(0).properties().correlationId());
    // The callback queue was exclusive and auto-delete: its consumer died with the channel, and so did it.
    assertTrue(why.contains("unroutable") && why.contains("auto-delete"), why);
  }

  @Test
  void dropConsumer_twoServers_requestRedeliveredOnceAndAnswered() {
    start("drop-consumer.conf");
    List<Delivery> first = responder("server-1");
    List<Delivery> second = responder("server-2");
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(5));

    assertEquals("re:ping", client.call("ping").bodyText());
    assertEquals("re:pong", client.call("pong").bodyText());

    List<Delivery> all = new ArrayList<>(first);
    all.addAll(second);
    assertEquals(3, all.size(), "ping twice (the first consumer crashed before its ack), pong once");
    assertTrue(all.stream().anyMatch(d -> d.redelivered() && d.bodyText().equals("ping")));
    assertEquals(1, injected().size(), "once = true");
  }

  @Test
  void slowConsumer_everyThirdDeliveryLate_thatCallTimesOut() {
    start("slow-consumer.conf");
    responder("server");
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(5));

    assertEquals("re:1", client.call("1").bodyText());
    assertEquals("re:2", client.call("2").bodyText());
    CompletableFuture<Delivery> third = client.callAsync("3").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(6));

    assertTrue(third.isCompletedExceptionally(), "the third request reached its server 5 s late");
    assertEquals(1, client.discardedReplies().size(), "its reply came after the timeout and was discarded");
  }

  @Test
  void brokerRestart_firstPublishAfter300ms_cutsConnectionsOnce() {
    start("broker-restart.conf");
    SimConnection conn = sim.connect("client");
    SimChannel ch = conn.openChannel();
    ch.queueDeclare("durable", true, false, false, null);
    ch.basicPublish("", "durable", BasicProperties.builder().deliveryMode(2).build(),
        "early".getBytes(StandardCharsets.UTF_8));
    sim.runUntilQuiet();
    assertTrue(conn.isOpen(), "nothing fires before 300 ms");

    sim.advanceBy(Duration.ofMillis(300));
    ch.basicPublish("", "durable", BasicProperties.builder().deliveryMode(2).build(),
        "late".getBytes(StandardCharsets.UTF_8));
    sim.runUntilQuiet();

    assertFalse(conn.isOpen(), "the restart cut every connection");
    SimChannel after = sim.connect("after").openChannel();
    assertEquals("early", after.basicGet("durable", true).bodyText(), "durable queue, persistent message");
    assertEquals(1, injected().size(), "once = true");
  }
}
