package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One test per profile difference, showing both sides (semantics §1.10, §3.2, §4.5, §2.1, §4.3). */
class ProfileDifferencesIT extends SimulationTestBase {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void immediate_lavinMq_313WithoutReadyConsumer_deliveredWithOne_M8() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublishImmediate("", "q", BasicProperties.EMPTY, b("nobody"));
    ch.basicPublishImmediate("amq.topic", "no.binding", BasicProperties.EMPTY, b("unroutable"));
    sim.runUntilQuiet();
    assertEquals(2, ch.returnedMessages().size());
    assertEquals(313, ch.returnedMessages().get(0).replyCode());
    assertEquals("NO_CONSUMERS", ch.returnedMessages().get(0).replyText());
    assertEquals(313, ch.returnedMessages().get(1).replyCode(), "immediate is checked before routing");
    assertEquals(0, ch.queueDeclarePassive("q").messageCount(), "not enqueued anywhere");

    SimChannel consumer = channel("consumer");
    Collector c = new Collector(true);
    consumer.basicConsume("q", false, c);
    ch.basicPublishImmediate("", "q", BasicProperties.EMPTY, b("caught"));
    sim.runUntilQuiet();
    assertEquals(java.util.List.of("caught"), c.bodies());
    assertEquals(2, ch.returnedMessages().size());
  }

  @Test
  void immediate_rabbitMq_connectionError540_M1() {
    start(BrokerProfile.RABBITMQ_4);
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    ch.basicPublishImmediate("", "q", BasicProperties.EMPTY, b("x"));
    sim.runUntilQuiet();
    assertEquals("NOT_IMPLEMENTED - immediate=true", conn.closeCause().replyText());
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 2", "rabbitmq-3, 2", "rabbitmq-4, 4"})
  void globalQos_sharedPerChannel_exceptRabbitMq4_C5_C11(String profile, int expectedInFlight) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel admin = channel("admin");
    admin.queueDeclare("a", true, false, false, null);
    admin.queueDeclare("b", true, false, false, null);
    for (int i = 0; i < 5; i++) {
      admin.basicPublish("", "a", "a" + i);
      admin.basicPublish("", "b", "b" + i);
    }
    SimChannel ch = channel("consumer");
    ch.basicQos(0, 2, true);
    Collector c = new Collector(false);
    ch.basicConsume("a", false, c);
    ch.basicConsume("b", false, c);
    sim.runUntilQuiet();
    assertEquals(expectedInFlight, c.got.size(),
        profile + ": global=true is " + (expectedInFlight == 2 ? "shared by the channel" : "per consumer on 4.3"));
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    assertEquals(2 * expectedInFlight, c.got.size(), "acks free the shared credit for either queue");
    ch.basicAck(0, true);
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    ch.basicAck(0, true);
    sim.runUntilQuiet();
    assertTrue(c.got.size() <= 10);
    ch.basicAck(0, true);
  }

  /** The Java client's QosTests.noAckObeysLimit, and LavinMQ's consumer loop waiting for global capacity. */
  @ParameterizedTest
  @CsvSource({"lavinmq, true", "rabbitmq-3, true", "rabbitmq-4, false"})
  void globalQosReached_noAckConsumerWaitsToo_exceptRabbitMq4(String profile, boolean waits) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel admin = channel("admin");
    admin.queueDeclare("a", true, false, false, null);
    admin.queueDeclare("b", true, false, false, null);
    SimChannel ch = channel("consumer");
    ch.basicQos(0, 1, true);
    Collector acking = new Collector(false);
    Collector noAck = new Collector(false);
    ch.basicConsume("a", false, acking);
    ch.basicConsume("b", true, noAck);
    admin.basicPublish("", "a", "a0");
    sim.runUntilQuiet();
    admin.basicPublish("", "b", "b0");
    sim.runUntilQuiet();
    assertEquals(1, acking.got.size());
    assertEquals(waits ? 0 : 1, noAck.got.size(), profile + ": a no-ack delivery while the shared limit is reached");
    ch.basicAck(acking.got.get(0).deliveryTag(), false);
    sim.runUntilQuiet();
    assertEquals(1, noAck.got.size(), "the ack frees the channel, and the no-ack consumer is served");
    admin.basicPublish("", "b", "b1");
    admin.basicPublish("", "b", "b2");
    sim.runUntilQuiet();
    assertEquals(3, noAck.got.size(), "no-ack deliveries never count toward the limit");
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 3", "rabbitmq-3, 1"})
  void qosOnExistingConsumer_lavinMqUpdates_rabbitMqOnlyLater(String profile, int afterQos) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel admin = channel("admin");
    admin.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 10; i++) {
      admin.basicPublish("", "q", "m" + i);
    }
    SimChannel ch = channel("consumer");
    ch.basicQos(1);
    Collector c = new Collector(false);
    ch.basicConsume("q", false, c);
    sim.runUntilQuiet();
    assertEquals(1, c.got.size());
    ch.basicQos(3);
    sim.runUntilQuiet();
    assertEquals(afterQos, c.got.size());
    ch.basicAck(0, true);
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 65535", "rabbitmq-3, 0"})
  void defaultPrefetch_perProfile(String profile, int prefetch) {
    assertEquals(prefetch, BrokerProfile.byName(profile).orElseThrow().defaultConsumerPrefetch());
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("consumer");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicConsume("q", true, new Collector(false));
    sim.runUntilQuiet();
    assertTrue(sim.events().events(io.brokersim.core.trace.TraceEvent.ConsumerAdded.class).stream()
        .anyMatch(e -> e.prefetch() == prefetch));
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, true", "rabbitmq-3, false"})
  void emptyQueueNameShortcut_perConnectionOnLavinMq_perChannelOnRabbitMq(String profile, boolean sharedAcrossChannels) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimConnection conn = sim.connect("app");
    SimChannel one = conn.openChannel();
    String q = one.queueDeclare().queue();
    one.basicPublish("", q, "x");
    SimChannel two = conn.openChannel();
    if (sharedAcrossChannels) {
      assertEquals(1, two.queuePurge(""));
    } else {
      assertEquals(404, org.junit.jupiter.api.Assertions.assertThrows(io.brokersim.core.client.AmqpException.class,
          () -> two.queuePurge("")).replyCode());
    }
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, true", "rabbitmq-3, false"})
  void recoverWithoutRequeue_lavinMqRedelivers_rabbitMq540(String profile, boolean supported) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "x");
    Collector c = new Collector(false);
    ch.basicConsume("q", false, c);
    sim.runUntilQuiet();
    if (supported) {
      ch.basicRecover(false);
      sim.runUntilQuiet();
      assertEquals(2, c.got.size());
      assertTrue(c.got.get(1).redelivered());
      ch.basicAck(0, true);
    } else {
      org.junit.jupiter.api.Assertions.assertThrows(io.brokersim.core.client.AmqpException.class,
          () -> ch.basicRecover(false));
      assertEquals("NOT_IMPLEMENTED - requeue=false", conn.closeCause().replyText());
    }
  }
}
