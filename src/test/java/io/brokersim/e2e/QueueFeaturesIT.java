package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQConnection;
import io.brokersim.core.profile.BrokerProfile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The queue features of issue 14 with the unmodified RabbitMQ Java client over TCP (semantics §9–§12): quorum
 * queue declarations and delivery limits, consumer timeouts (in real time, with short timeouts), single active
 * consumer failover and priorities, each with the broker's codes and texts, and nothing lost on a refusal.
 */
@Timeout(60)
class QueueFeaturesIT {

  private static final int WAIT_SECONDS = 10;

  private static Map<String, Object> quorum(Object... more) {
    Map<String, Object> a = new HashMap<>();
    a.put("x-queue-type", "quorum");
    for (int i = 0; i < more.length; i += 2) {
      a.put((String) more[i], more[i + 1]);
    }
    return a;
  }

  private static String closeText(Exception e) {
    ShutdownSignalException s = e instanceof ShutdownSignalException sse ? sse : (ShutdownSignalException) e.getCause();
    Object reason = s.getReason();
    return reason instanceof AMQP.Channel.Close c ? c.getReplyCode() + " " + c.getReplyText()
        : ((AMQP.Connection.Close) reason).getReplyCode() + " " + ((AMQP.Connection.Close) reason).getReplyText();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met in " + WAIT_SECONDS + " s");
      Thread.sleep(10);
    }
  }

  @Test
  void quorumDeclare_refusedWithTheBrokersTexts_nothingElseLost() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("declare")) {
      Channel keep = c.createChannel();
      keep.queueDeclare("work", true, false, false, quorum());
      keep.basicPublish("", "work", null, "kept".getBytes(UTF_8));
      Channel ch = c.createChannel();
      IOException exclusive = assertThrows(IOException.class, () -> ch.queueDeclare("q", true, true, false, quorum()));
      assertEquals("406 PRECONDITION_FAILED - invalid property 'exclusive-owner' for queue 'q' in vhost '/'",
          closeText(exclusive));
      Channel ch2 = c.createChannel();
      IOException arg = assertThrows(IOException.class,
          () -> ch2.queueDeclare("q", true, false, false, quorum("x-max-priority", 10)));
      assertEquals("406 PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type "
          + "rabbit_quorum_queue", closeText(arg));
      assertTrue(c.isOpen(), "channel errors only");
      assertEquals(1, keep.queueDeclarePassive("work").getMessageCount(), "the other channel's message is intact");
    }
  }

  @Test
  void quorumDeliveryLimit_rabbit4_rejectLoop_deadLetteredWithXDeath() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("poison")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("dead", true, false, false, null);
      ch.queueDeclare("work", true, false, false, quorum("x-delivery-limit", 2, "x-dead-letter-exchange", "",
          "x-dead-letter-routing-key", "dead"));
      ch.basicPublish("", "work", null, "poison".getBytes(UTF_8));
      List<Object> counts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        GetResponse r = ch.basicGet("work", false);
        assertNotNull(r, "delivery " + i);
        Map<String, Object> h = r.getProps().getHeaders();
        counts.add(h == null ? null : h.get("x-delivery-count"));
        ch.basicReject(r.getEnvelope().getDeliveryTag(), true);
      }
      assertEquals(Arrays.asList(null, 1L, 2L), counts);
      awaitTrue(() -> messageCount(ch, "dead") == 1);
      GetResponse dead = ch.basicGet("dead", true);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
      assertEquals("delivery_limit", deaths.get(0).get("reason").toString());
      assertEquals(3L, dead.getProps().getHeaders().get("x-delivery-count"), "the dead letter carries its count");
      assertNull(ch.basicGet("work", true));
    }
  }

  /** Consumes "work" without acking until the broker closes the channel; returns the close's code and text. */
  private static String consumeUntilClosed(Channel ch) throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    List<String> reasons = Collections.synchronizedList(new ArrayList<>());
    ch.addShutdownListener(s -> {
      reasons.add(closeText(s));
      closed.countDown();
    });
    ch.basicConsume("work", false, new DefaultConsumer(ch));
    assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the channel was not closed");
    return reasons.get(0);
  }

  private static int messageCount(Channel ch, String queue) {
    try {
      return ch.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void consumerTimeout_rabbit3_channelClosed406_requestRedeliveredToAnotherConsumer() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.RABBITMQ_3,
        "brokersim.consumer-timeout-check-interval = 50ms"); Connection c = b.connect("slow")) {
      Channel slow = c.createChannel();
      slow.queueDeclare("work", true, false, false, Map.of("x-consumer-timeout", 200));
      slow.basicPublish("", "work", null, "job".getBytes(UTF_8));
      assertEquals("406 PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value "
          + "used: 200 ms. This timeout value can be configured, see consumers doc guide to learn more",
          consumeUntilClosed(slow));
      Channel other = c.createChannel();
      awaitTrue(() -> messageCount(other, "work") == 1);
      GetResponse again = other.basicGet("work", true);
      assertTrue(again.getEnvelope().isRedeliver());
    }
  }

  @Test
  void consumerTimeout_lavinMq_queueArgument_consumerTimeoutText() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.LAVINMQ,
        "brokersim.consumer-timeout-check-interval = 50ms"); Connection c = b.connect("slow")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("work", true, false, false, Map.of("x-consumer-timeout", 100));
      ch.basicPublish("", "work", null, "job".getBytes(UTF_8));
      assertEquals("406 PRECONDITION_FAILED - consumer timeout", consumeUntilClosed(ch));
    }
  }

  @Test
  void consumerTimeout_rabbit4Quorum_withCapability_basicCancel_channelStaysOpen() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.RABBITMQ_4, "brokersim.consumer-timeout = 200ms");
        Connection c = b.connect("slow")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("work", true, false, false, quorum());
      ch.basicPublish("", "work", null, "job".getBytes(UTF_8));
      BlockingQueue<String> cancelled = new ArrayBlockingQueue<>(1);
      BlockingQueue<Long> tags = new ArrayBlockingQueue<>(2);
      ch.basicConsume("work", false, "slow-consumer", new DefaultConsumer(ch) {
        @Override
        public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
          tags.add(env.getDeliveryTag());
        }

        @Override
        public void handleCancel(String tag) {
          cancelled.add(tag);
        }
      });
      assertEquals("slow-consumer", cancelled.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(ch.isOpen());
      assertNotNull(tags.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      Channel other = c.createChannel();
      awaitTrue(() -> messageCount(other, "work") == 1);
      GetResponse again = other.basicGet("work", true);
      assertEquals(1L, again.getProps().getHeaders().get("x-acquired-count"));
      assertTrue(again.getEnvelope().isRedeliver());
      assertTrue(ch.isOpen(), "the slow consumer's channel stays open (4.3 cancels, it does not close)");
    }
  }

  @Test
  void consumerTimeout_rabbit4Quorum_withoutCapability_channelClosed() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.RABBITMQ_4, "brokersim.consumer-timeout = 200ms")) {
      ConnectionFactory f = b.factory();
      Map<String, Object> props = AMQConnection.defaultClientProperties();
      @SuppressWarnings("unchecked")
      Map<String, Object> caps = new HashMap<>((Map<String, Object>) props.get("capabilities"));
      caps.put("consumer_cancel_notify", false);
      props.put("capabilities", caps);
      f.setClientProperties(props);
      try (Connection c = f.newConnection("old-client")) {
        Channel ch = c.createChannel();
        ch.queueDeclare("work", true, false, false, quorum());
        ch.basicPublish("", "work", null, "job".getBytes(UTF_8));
        assertEquals("406 PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout "
            + "value used: -1 ms. This timeout value can be configured, see consumers doc guide to learn more",
            consumeUntilClosed(ch));
      }
    }
  }

  /** The consumer-timeout close leaves in order behind the deliveries the channel sent before it. */
  @Test
  void consumerTimeoutClose_alwaysAfterTheChannelsDeliveries() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.RABBITMQ_3,
        "brokersim.consumer-timeout = 0ms\nbrokersim.consumer-timeout-check-interval = 5ms");
        Connection c = b.connect("order")) {
      for (int run = 0; run < 50; run++) {
        Channel ch = c.createChannel();
        String q = "q" + run;
        ch.queueDeclare(q, false, false, true, null);
        for (int i = 0; i < 5; i++) {
          ch.basicPublish("", q, null, ("m" + i).getBytes(UTF_8));
        }
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        ch.basicConsume(q, false, new DefaultConsumer(ch) {
          @Override
          public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
            events.add(new String(body, UTF_8));
          }

          @Override
          public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
            events.add("closed");
            done.countDown();
          }
        });
        assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS), "run " + run);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "closed"), events, "run " + run);
      }
    }
  }

  @Test
  void singleActiveConsumer_failoverOverTcp_consumerCountsPerType() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("sac")) {
      Channel setup = c.createChannel();
      Map<String, Object> classicSac = Map.of("x-single-active-consumer", true);
      setup.queueDeclare("classic", true, false, false, classicSac);
      setup.queueDeclare("quorum", true, false, false, quorum("x-single-active-consumer", true));
      for (String q : List.of("classic", "quorum")) {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        Channel first = c.createChannel();
        Channel second = c.createChannel();
        first.basicConsume(q, true, "first", new Recorder(first, got));
        second.basicConsume(q, true, "second", new Recorder(second, got));
        assertEquals(q.equals("classic") ? 2 : 1, setup.queueDeclarePassive(q).getConsumerCount(), q);
        setup.basicPublish("", q, null, "m1".getBytes(UTF_8));
        assertEquals("first:m1", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        first.close();
        setup.basicPublish("", q, null, "m2".getBytes(UTF_8));
        assertEquals("second:m2", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      IOException get = assertThrows(IOException.class, () -> c.createChannel().basicGet("quorum", false));
      assertTrue(closeText(get).startsWith("405 RESOURCE_LOCKED - cannot obtain access to locked queue 'quorum'"),
          closeText(get));
    }
  }

  @Test
  void priorityQueue_urgentOvertakesTheBacklog() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("prio")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("jobs", true, false, false, Map.of("x-max-priority", 10));
      for (int i = 0; i < 3; i++) {
        ch.basicPublish("", "jobs", null, ("normal-" + i).getBytes(UTF_8));
      }
      ch.basicPublish("", "jobs", new AMQP.BasicProperties.Builder().priority(9).build(), "urgent".getBytes(UTF_8));
      List<String> order = new ArrayList<>();
      for (GetResponse r = ch.basicGet("jobs", true); r != null; r = ch.basicGet("jobs", true)) {
        order.add(new String(r.getBody(), UTF_8));
      }
      assertEquals(List.of("urgent", "normal-0", "normal-1", "normal-2"), order);
      IOException bad = assertThrows(IOException.class,
          () -> c.createChannel().queueDeclare("bad", true, false, false, Map.of("x-max-priority", 300)));
      assertEquals("406 PRECONDITION_FAILED - x-max-priority header greater than maximum value 255", closeText(bad));
      assertEquals(0, ch.queueDeclarePassive("jobs").getMessageCount());
    }
  }

  /** Records "consumer:body" of each delivery. */
  private static final class Recorder extends DefaultConsumer {
    private final BlockingQueue<String> got;

    Recorder(Channel ch, BlockingQueue<String> got) {
      super(ch);
      this.got = got;
    }

    @Override
    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
      got.add(tag + ":" + new String(body, UTF_8));
    }
  }
}
