package io.brokersim.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RpcClientIT {
  private Simulation sim;

  @BeforeEach
  void start() {
    sim = Simulation.create(11);
  }

  @AfterEach
  void stop() {
    try {
      sim.assertNothingLostSilently();
    } finally {
      sim.close();
    }
  }

  @Test
  void call_noResponder_timesOutAtExactly30VirtualSeconds() {
    SimChannel admin = sim.connect("admin").openChannel();
    admin.queueDeclare("rpc_queue", true, false, false, null);
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(30));
    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofMillis(29_999));
    assertTrue(!call.isDone(), "not yet at 29.999 s");
    sim.advanceBy(Duration.ofMillis(1));
    assertTrue(call.isCompletedExceptionally());
    CompletionException e = assertThrows(CompletionException.class, call::join);
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    assertEquals(Duration.ofSeconds(30), sim.now());
    assertEquals(1, client.timedOut().size());
    assertEquals(1, admin.queuePurge("rpc_queue"), "the unanswered request is still queued");
  }

  @Test
  void call_lateReply_discardedByCorrelationId() {
    SimConnection serverConn = sim.connect("server");
    SimChannel server = serverConn.openChannel();
    server.queueDeclare("rpc_queue", true, false, false, null);
    server.basicConsume("rpc_queue", false, (SimConsumer) (ch, req) ->
        serverConn.schedule(Duration.ofSeconds(5), () -> {
          ch.basicPublish("", req.properties().replyTo(),
              BasicProperties.builder().correlationId(req.properties().correlationId()).build(),
              "slow".getBytes(StandardCharsets.UTF_8));
          ch.basicAck(req.deliveryTag(), false);
        }));
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(1));
    CompletableFuture<Delivery> call = client.callAsync("ping").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(10));
    assertTrue(call.isCompletedExceptionally());
    assertEquals(1, client.discardedReplies().size());
    assertEquals("late: the call had already timed out", client.discardedReplies().get(0).reason());
  }

  @Test
  void call_blocking_returnsReply() {
    SimChannel server = sim.connect("server").openChannel();
    server.queueDeclare("rpc_queue", true, false, false, null);
    server.basicConsume("rpc_queue", true, (SimConsumer) (ch, req) ->
        ch.basicPublish("", req.properties().replyTo(),
            BasicProperties.builder().correlationId(req.properties().correlationId()).build(),
            ("pong " + req.bodyText()).getBytes(StandardCharsets.UTF_8)));
    RpcClient client = RpcClient.callbackQueue(sim.connect("client").openChannel(), "", "rpc_queue",
        Duration.ofSeconds(5));
    assertEquals("pong 1", client.call("1").bodyText());
    assertEquals("pong 2", client.call("2").bodyText());
    assertEquals(0, client.pending());
  }
}
