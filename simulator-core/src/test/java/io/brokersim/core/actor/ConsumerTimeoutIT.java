package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.brokersim.core.Simulation;
import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.core.trace.TraceRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Consumer acknowledgement timeouts in virtual time (semantics §10; rows C10, K1–K3): a 30-minute timeout costs
 * nothing here, and each profile does what its broker does.
 */
class ConsumerTimeoutIT extends SimulationTestBase {

  private Simulation start(BrokerProfile profile, String config) {
    sim = Simulation.builder().seed(7).profile(profile).config(ConfigFactory.parseString(config)).build();
    return sim;
  }

  @Test
  void rabbit3_defaultThirtyMinutes_channelClosedAtTheFirstTickPastIt_requestRedelivered_C10() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel slow = channel("slow");
    slow.queueDeclare("q", true, false, false, null);
    slow.basicPublish("", "q", "work");
    Collector slowGot = new Collector(false);
    slow.basicConsume("q", false, slowGot);
    SimChannel other = channel("other");
    sim.advanceBy(Duration.ofMinutes(30));
    assertTrue(slow.isOpen(), "at 30:00 the delivery is not past 30 minutes yet");
    sim.advanceBy(Duration.ofMinutes(1));
    assertFalse(slow.isOpen(), "closed on the channel tick at 31:00");
    AmqpException e = slow.closeCause();
    assertEquals(406, e.replyCode());
    assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 1800000 "
        + "ms. This timeout value can be configured, see consumers doc guide to learn more", e.replyText());
    assertEquals(0, e.classId());
    assertEquals(31, sim.now().toMinutes());

    Delivery again = other.basicGet("q", false);
    assertNotNull(again);
    assertTrue(again.redelivered());
    other.basicAck(again.deliveryTag(), false);
    sim.runUntilQuiet();
    TraceEvent.Requeued requeued = sim.events().events(TraceEvent.Requeued.class).get(0);
    assertEquals("consumer-timeout", requeued.reason());
    String why = sim.ledger().explain(requeued.msgId());
    assertTrue(why.contains("last requeued at t=1860.000s (consumer-timeout)"), why);
  }

  @Test
  void rabbit3_queueArgument_overridesDefault_checkedEveryInterval_K1() {
    start(BrokerProfile.RABBITMQ_3, "brokersim.consumer-timeout-check-interval = 1s");
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-consumer-timeout", 2500));
    ch.basicPublish("", "q", "work");
    ch.basicConsume("q", false, new Collector(false));
    sim.advanceBy(Duration.ofSeconds(2));
    assertTrue(ch.isOpen());
    sim.advanceBy(Duration.ofSeconds(1));
    assertFalse(ch.isOpen(), "the tick at 3 s finds the delivery past 2.5 s");
    assertTrue(ch.closeCause().replyText().contains("Timeout value used: 2500 ms"));
  }

  @Test
  void rabbit3_ackInTime_nothingHappens() {
    start(BrokerProfile.RABBITMQ_3, "brokersim.consumer-timeout = 5m");
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "work");
    Delivery d = ch.basicGet("q", false);
    sim.advanceBy(Duration.ofMinutes(4));
    ch.basicAck(d.deliveryTag(), false);
    sim.advanceBy(Duration.ofHours(1));
    assertTrue(ch.isOpen());
  }

  @Test
  void lavinMq_noTimeoutUnlessTheQueueSetsOne_K2() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("plain", true, false, false, null);
    ch.queueDeclare("timed", true, false, false, Map.of("x-consumer-timeout", 100));
    ch.basicPublish("", "plain", "a");
    ch.basicGet("plain", false);
    sim.advanceBy(Duration.ofHours(2));
    assertTrue(ch.isOpen(), "LavinMQ has no default consumer timeout");
    ch.basicPublish("", "timed", "b");
    ch.basicConsume("timed", false, new Collector(false));
    sim.advanceBy(Duration.ofMinutes(1));
    assertFalse(ch.isOpen());
    assertEquals("PRECONDITION_FAILED - consumer timeout", ch.closeCause().replyText());
    assertEquals(60, ch.closeCause().classId());
    assertEquals(20, ch.closeCause().methodId());
    assertEquals(2, sim.events().events(TraceEvent.Requeued.class).size(), "both deliveries go back");
  }

  /** RabbitMQ checks a channel's oldest delivery only; LavinMQ the oldest one of each queue (§10.2). */
  @Test
  void oldestDeliveryWithoutTimeout_rabbit3LooksNoFurther_lavinMqChecksEachQueue_K1_K2() {
    for (BrokerProfile profile : List.of(BrokerProfile.RABBITMQ_3, BrokerProfile.LAVINMQ)) {
      start(profile, "brokersim.consumer-timeout = off");
      SimChannel ch = channel("app");
      ch.queueDeclare("untimed", true, false, false, null);
      ch.queueDeclare("timed", true, false, false, Map.of("x-consumer-timeout", 1000));
      ch.basicPublish("", "untimed", "a");
      ch.basicPublish("", "timed", "b");
      ch.basicGet("untimed", false);
      ch.basicGet("timed", false);
      sim.advanceBy(Duration.ofMinutes(2));
      assertEquals(profile == BrokerProfile.RABBITMQ_3, ch.isOpen(), profile.name());
      sim.assertNothingLostSilently();
      sim.close();
    }
    sim = null;
  }

  @Test
  void rabbit4_classicQueues_neverTimeOut_K3() {
    start(BrokerProfile.RABBITMQ_4, "brokersim.consumer-timeout = 1s");
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "work");
    ch.basicConsume("q", false, new Collector(false));
    sim.advanceBy(Duration.ofHours(3));
    assertTrue(ch.isOpen());
  }

  @Test
  void rabbit4_quorum_cancelsTheConsumer_requeues_channelStaysOpen_lateAckIsHarmless_K3() {
    start(BrokerProfile.RABBITMQ_4, "brokersim.consumer-timeout = 2s");
    SimChannel slow = channel("slow");
    slow.queueDeclare("q", true, false, false, Map.of("x-queue-type", "quorum"));
    slow.basicPublish("", "q", "work");
    Collector got = new Collector(false);
    String tag = slow.basicConsume("q", false, got);
    sim.advanceBy(Duration.ofMillis(1999));
    assertTrue(got.cancelled.isEmpty());
    sim.advanceBy(Duration.ofMillis(1));
    assertEquals(List.of(tag), got.cancelled, "basic.cancel at the deadline, exactly");
    assertTrue(slow.isOpen());

    SimChannel other = channel("other");
    Delivery again = other.basicGet("q", false);
    assertTrue(again.redelivered());
    assertEquals(1L, again.properties().headers().get("x-acquired-count"));
    assertFalse(again.properties().headers().containsKey("x-delivery-count"), "a timeout is not a failed delivery");

    slow.basicAck(got.got.get(0).deliveryTag(), false); // the slow worker finishes, late
    sim.runUntilQuiet();
    assertTrue(slow.isOpen(), "its tag is still valid: no 406");
    assertTrue(sim.events().events(TraceEvent.Acked.class).isEmpty(), "the late ack acknowledges nothing");
    other.basicAck(again.deliveryTag(), false);
    sim.runUntilQuiet();
    assertEquals(1, sim.events().events(TraceEvent.Acked.class).size());
  }

  /**
   * RabbitMQ 4.3 keeps a timed-out consumer at the queue: once its client settles every delivery the queue took
   * back, the consumer gets messages again, for a tag the client dropped when it got basic.cancel (§10.3).
   */
  @Test
  void rabbit4_quorum_lateAckOfEveryTimedOutDelivery_revivesTheConsumerAtTheQueue_K3() {
    start(BrokerProfile.RABBITMQ_4, "brokersim.consumer-timeout = 1s");
    SimChannel slow = channel("slow");
    slow.queueDeclare("q", true, false, false, Map.of("x-queue-type", "quorum"));
    slow.basicPublish("", "q", "first");
    Collector got = new Collector(false);
    String tag = slow.basicConsume("q", false, got);
    sim.advanceBy(Duration.ofSeconds(1));
    assertEquals(List.of(tag), got.cancelled);
    sim.runUntilQuiet();
    long delivered = sim.events().events(TraceEvent.Delivered.class).size();
    slow.basicAck(got.got.get(0).deliveryTag(), false);
    sim.runUntilQuiet();
    List<TraceEvent.Delivered> after = sim.events().events(TraceEvent.Delivered.class);
    assertEquals(delivered + 1, after.size(), "the requeued message goes to the revived consumer");
    assertEquals(tag, after.get(after.size() - 1).consumerTag());
  }

  @Test
  void rabbit4_quorum_consumerArgumentWins_basicGetClosesTheChannel_K3() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-queue-type", "quorum", "x-consumer-timeout", 60_000));
    ch.basicPublish("", "q", "a");
    ch.basicPublish("", "q", "b");
    Collector got = new Collector(false);
    ch.basicQos(1);
    ch.basicConsume("q", "fast", false, false, Map.of("x-consumer-timeout", 1000), got);
    sim.advanceBy(Duration.ofSeconds(1));
    assertEquals(List.of("fast"), got.cancelled);

    SimChannel getter = channel("getter");
    getter.basicGet("q", false);
    sim.advanceBy(Duration.ofSeconds(59));
    assertTrue(getter.isOpen());
    sim.advanceBy(Duration.ofSeconds(1));
    assertFalse(getter.isOpen(), "basic.get has no consumer to cancel: the channel closes");
    assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: -1 ms. "
        + "This timeout value can be configured, see consumers doc guide to learn more",
        getter.closeCause().replyText());
  }

  @Test
  void closeFollowsTheChannelsEarlierFrames_inTraceOrder() {
    start(BrokerProfile.RABBITMQ_3, "brokersim.consumer-timeout = 10s");
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    for (int i = 0; i < 3; i++) {
      ch.basicPublish("", "q", "m" + i);
    }
    ch.basicConsume("q", false, new Collector(false));
    sim.advanceBy(Duration.ofMinutes(1));
    List<TraceRecord> records = sim.events().records();
    int lastDelivered = -1;
    int closed = -1;
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).event() instanceof TraceEvent.Delivered) {
        lastDelivered = i;
      } else if (records.get(i).event() instanceof TraceEvent.ChannelClosed) {
        closed = i;
      }
    }
    assertTrue(lastDelivered >= 0 && closed > lastDelivered);
  }

  @Test
  void settings_badValueRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Simulation.builder()
        .config(ConfigFactory.parseString("brokersim.consumer-timeout = soon")).build());
    assertTrue(e.getMessage().startsWith("brokersim.consumer-timeout ("), e.getMessage());
    assertTrue(e.getMessage().contains("'profile', 'off' or a duration"), e.getMessage());
    IllegalArgumentException interval = assertThrows(IllegalArgumentException.class, () -> Simulation.builder()
        .config(ConfigFactory.parseString("brokersim.consumer-timeout-check-interval = 0s")).build());
    assertTrue(interval.getMessage().contains("consumer-timeout-check-interval"), interval.getMessage());
  }

  @Test
  void settings_offAndBuilder() {
    start(BrokerProfile.RABBITMQ_3, "brokersim.consumer-timeout = off");
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    ch.basicPublish("", "q", "m");
    ch.basicGet("q", false);
    sim.advanceBy(Duration.ofHours(5));
    assertTrue(ch.isOpen());
    sim.close();

    sim = Simulation.builder().seed(7).profile(BrokerProfile.LAVINMQ).consumerTimeout(Duration.ofSeconds(30)).build();
    SimChannel lavin = channel("app");
    lavin.queueDeclare("q", true, false, false, null);
    lavin.basicPublish("", "q", "m");
    lavin.basicGet("q", false);
    sim.advanceBy(Duration.ofMinutes(1));
    assertFalse(lavin.isOpen(), "a broker-wide timeout configured on LavinMQ applies to every queue");
  }
}
