package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.profile.BrokerProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Single active consumer (semantics §11; rows S1–S5) under every profile and queue type. */
class SingleActiveConsumerIT extends SimulationTestBase {

  private static Map<String, Object> sac(String type) {
    Map<String, Object> a = new HashMap<>();
    a.put("x-single-active-consumer", true);
    if (type.equals("quorum")) {
      a.put("x-queue-type", "quorum");
    }
    return a;
  }

  @ParameterizedTest(name = "{0} {1}: consumer_count {2}")
  @CsvSource({
      "lavinmq,    classic, 3",
      "rabbitmq-3, classic, 3",
      "rabbitmq-3, quorum,  1",
      "rabbitmq-4, classic, 3",
      "rabbitmq-4, quorum,  1",
  })
  void allMessagesToOneConsumer_failoverOnCancelAndClose_S1_S2(String profile, String type, int consumerCount) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel setup = channel("setup");
    setup.queueDeclare("q", true, false, false, sac(type));
    Collector[] got = new Collector[3];
    SimChannel[] chs = new SimChannel[3];
    for (int i = 0; i < 3; i++) {
      chs[i] = channel("c" + i);
      got[i] = new Collector(true);
      chs[i].basicConsume("q", "tag" + i, false, false, null, got[i]);
    }
    assertEquals(consumerCount, setup.queueDeclarePassive("q").consumerCount());
    for (int i = 0; i < 5; i++) {
      setup.basicPublish("", "q", "a" + i);
    }
    sim.runUntilQuiet();
    assertEquals(List.of(5, 0, 0), List.of(got[0].got.size(), got[1].got.size(), got[2].got.size()));

    chs[0].basicCancel("tag0");
    setup.basicPublish("", "q", "b");
    sim.runUntilQuiet();
    assertEquals(1, got[1].got.size(), "the next consumer takes over after a cancel");

    chs[1].close();
    setup.basicPublish("", "q", "c");
    sim.runUntilQuiet();
    assertEquals(List.of("c"), got[2].bodies(), "and after its channel closes");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"lavinmq, classic", "rabbitmq-3, quorum", "rabbitmq-4, quorum", "rabbitmq-3, classic"})
  void activeConsumerCrashesMidCall_unackedRequestRedeliveredToTheNext_S2(String profile, String type) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel setup = channel("setup");
    setup.queueDeclare("q", true, false, false, sac(type));
    SimConnection first = sim.connect("first");
    Collector firstGot = new Collector(false);
    first.openChannel().basicConsume("q", false, firstGot);
    Collector secondGot = new Collector(true);
    channel("second").basicConsume("q", false, secondGot);
    setup.basicPublish("", "q", "request");
    sim.runUntilQuiet();
    assertEquals(1, firstGot.got.size());
    first.cut();
    sim.runUntilQuiet();
    assertEquals(List.of("request"), secondGot.bodies());
    assertTrue(secondGot.got.get(0).redelivered());
  }

  @Test
  void rabbitClassic_exclusiveConsumeRefused_403_S3() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, sac("classic"));
    AmqpException e = assertThrows(AmqpException.class,
        () -> ch.basicConsume("q", "x", false, true, null, new Collector(false)));
    assertEquals(403, e.replyCode());
    assertEquals("ACCESS_REFUSED - queue 'q' in vhost '/' in exclusive use", e.replyText());
  }

  @Test
  void rabbitQuorum_basicGetRefused_405_S4() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, sac("quorum"));
    ch.basicPublish("", "q", "m");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicGet("q", false));
    assertEquals(405, e.replyCode());
    assertTrue(e.replyText().endsWith("not supported by <<\"quorum\">> queues with single active consumer"),
        e.replyText());
    SimChannel classic = channel("other");
    classic.queueDeclare("c", true, false, false, sac("classic"));
    classic.basicPublish("", "c", "m");
    assertEquals("m", classic.basicGet("c", true).bodyText(), "classic queues allow basic.get");
  }

  @Test
  void rabbit4Quorum_higherPriorityTakesOverOnceTheActiveOneSettled_S5() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel setup = channel("setup");
    setup.queueDeclare("q", true, false, false, sac("quorum"));
    SimChannel low = channel("low");
    Collector lowGot = new Collector(false);
    low.basicConsume("q", "low", false, false, Map.of("x-priority", 1), lowGot);
    setup.basicPublish("", "q", "m1");
    sim.runUntilQuiet();
    Collector highGot = new Collector(true);
    channel("high").basicConsume("q", "high", false, false, Map.of("x-priority", 3), highGot);
    setup.basicPublish("", "q", "m2");
    sim.runUntilQuiet();
    assertEquals(List.of("m1"), lowGot.bodies());
    assertTrue(highGot.got.isEmpty(), "the active consumer still holds m1");
    low.basicAck(lowGot.got.get(0).deliveryTag(), false);
    sim.runUntilQuiet();
    assertEquals(List.of("m2"), highGot.bodies(), "after the ack the higher priority consumer took over");
  }

  @Test
  void rabbitClassic_noTakeover_nextByPriorityOnFailover_S5() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel setup = channel("setup");
    setup.queueDeclare("q", true, false, false, sac("classic"));
    SimChannel first = channel("first");
    Collector firstGot = new Collector(true);
    first.basicConsume("q", "first", false, false, null, firstGot);
    Collector lowGot = new Collector(true);
    channel("low").basicConsume("q", "low", false, false, Map.of("x-priority", 1), lowGot);
    Collector highGot = new Collector(true);
    channel("high").basicConsume("q", "high", false, false, Map.of("x-priority", 5), highGot);
    setup.basicPublish("", "q", "m1");
    sim.runUntilQuiet();
    assertEquals(List.of("m1"), firstGot.bodies());
    first.basicCancel("first");
    setup.basicPublish("", "q", "m2");
    sim.runUntilQuiet();
    assertEquals(List.of("m2"), highGot.bodies());
    assertTrue(lowGot.got.isEmpty());
  }
}
