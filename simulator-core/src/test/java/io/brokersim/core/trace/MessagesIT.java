package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Selections of the broker's view of messages: filters, counts, and failure messages that explain. */
class MessagesIT {

  private Simulation sim;

  /**
   * One run with every kind of outcome: req-1 to rpc_queue (acknowledged, its reply auto-acked), req-2 to
   * rpc_queue (still unacknowledged), a mandatory publish nobody routes (returned), a plain one (dropped).
   */
  @BeforeEach
  void run() {
    sim = Simulation.builder().seed(42).profile(BrokerProfile.RABBITMQ_4).build();
    SimChannel server = sim.connect("server").openChannel();
    server.queueDeclare("rpc_queue", true, false, false, null);
    server.basicQos(1);
    server.basicConsume("rpc_queue", false, (SimConsumer) (ch, req) -> {
      if (req.properties().correlationId().equals("req-1")) {
        ch.basicPublish("", req.properties().replyTo(), BasicProperties.builder()
            .correlationId("req-1").build(), req.body());
        ch.basicAck(req.deliveryTag(), false);
      }
    });
    SimChannel client = sim.connect("client").openChannel();
    String replies = client.queueDeclare().queue();
    client.basicConsume(replies, true, (SimConsumer) (ch, reply) -> { });
    for (String id : List.of("req-1", "req-2")) {
      client.basicPublish("", "rpc_queue", BasicProperties.builder().replyTo(replies).correlationId(id).build(),
          id.getBytes(StandardCharsets.UTF_8));
    }
    client.basicPublish("amq.direct", "nobody", true, BasicProperties.EMPTY, new byte[0]);
    client.basicPublish("amq.direct", "nobody", false, BasicProperties.EMPTY, new byte[0]);
    sim.runUntilQuiet();
  }

  @AfterEach
  void close() {
    try {
      sim.assertNothingLostSilently();
    } finally {
      sim.close();
    }
  }

  @Test
  void filters_selectByQueueExchangeCorrelationIdAndState() {
    assertEquals(5, sim.messages().count());
    assertEquals(5, sim.messages().published().count());
    sim.messages().toQueue("rpc_queue").assertCount(2);
    sim.messages().toQueue("rpc_queue").acknowledged().assertCount(1);
    sim.messages().toQueue("rpc_queue").stillLive().assertCount(1);
    sim.messages().toQueue("rpc_queue").delivered().assertCount(2);
    sim.messages().withCorrelationId("req-1").assertCount(2);
    sim.messages().withCorrelationId("req-1").requests().acknowledged().assertCount(1);
    sim.messages().withCorrelationId("req-1").replies().consumed().assertCount(1);
    sim.messages().withCorrelationId("req-1").replies().acknowledged().assertNone();
    sim.messages().toExchange("amq.direct").returned().assertCount(1);
    sim.messages().toExchange("amq.direct").dropped().assertCount(1);
    sim.messages().withRoutingKey("nobody").withFate(Fate.Kind.DROPPED_UNROUTABLE).assertCount(1);
    assertEquals("req-2", sim.messages().requests().stillLive().one().correlationId());
  }

  @Test
  void withReplyTo_matchesTheCallbackQueue() {
    String replyQueue = sim.messages().withCorrelationId("req-1").requests().one().replyTo();

    sim.messages().withReplyTo(replyQueue).assertCount(2);
    sim.messages().withReplyTo("amq.gen").assertNone();
  }

  @Test
  void sameSelection_readsTheLedgerAfresh() {
    Messages later = sim.messages().toQueue("later");
    later.assertNone();
    SimChannel ch = sim.connect("late").openChannel();
    ch.queueDeclare("later", true, false, false, null);
    ch.basicPublish("", "later", "x");
    sim.runUntilQuiet();

    later.stillLive().assertCount(1);
  }

  @Test
  void assertCount_failure_namesRunSelectionAndExplainsTheNearMisses() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> sim.messages().withCorrelationId("req-2").requests().acknowledged().assertCount(1));

    String m = e.getMessage();
    assertTrue(m.startsWith("expected 1 messages with correlation_id 'req-2' requests (with reply_to), acknowledged,"
        + " found 0 (seed 42, profile rabbitmq-4)"), m);
    assertTrue(m.contains("Other messages with correlation_id 'req-2' requests (with reply_to): 1"), m);
    assertTrue(m.contains("is still unacknowledged"), m);
  }

  @Test
  void one_withTwo_failsWithBothExplained() {
    AssertionError e = assertThrows(AssertionError.class, () -> sim.messages().toQueue("rpc_queue").one());

    assertTrue(e.getMessage().contains("found 2"), e.getMessage());
    assertTrue(e.getMessage().contains("req-1") && e.getMessage().contains("req-2"), e.getMessage());
  }

  @Test
  void explain_listsEverySelectedMessage() {
    String text = sim.messages().toExchange("amq.direct").explain();

    assertTrue(text.startsWith("2 messages to exchange 'amq.direct' (seed 42, profile rabbitmq-4)"), text);
    assertTrue(text.contains("312"), text);
  }
}
