package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Priority queues (semantics §12; rows P1–P3): ordering, clamping, requeue, and the argument checks. */
class PriorityQueueIT extends SimulationTestBase {

  private static void publish(SimChannel ch, String body, Integer priority) {
    ch.basicPublish("", "q", false, BasicProperties.builder().priority(priority).build(),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> drain(SimChannel ch) {
    List<String> out = new ArrayList<>();
    for (Delivery d = ch.basicGet("q", true); d != null; d = ch.basicGet("q", true)) {
      out.add(d.bodyText());
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void highestFirst_aboveMaxTreatedAsMax_noPriorityIsZero_P1(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-max-priority", 5));
    publish(ch, "none", null);
    publish(ch, "p1", 1);
    publish(ch, "p200", 200);
    publish(ch, "p5", 5);
    publish(ch, "p0", 0);
    assertEquals(List.of("p200", "p5", "p1", "none", "p0"), drain(ch));
  }

  @Test
  void withoutMaxPriority_priorityIgnored_P1() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, null);
    publish(ch, "low", 0);
    publish(ch, "high", 9);
    assertEquals(List.of("low", "high"), drain(ch));
  }

  @Test
  void consumerWithBacklog_urgentMessageOvertakes_requeuedStaysAheadOfItsLevel_P2() {
    start(BrokerProfile.LAVINMQ);
    SimChannel ch = channel("app");
    ch.queueDeclare("q", true, false, false, Map.of("x-max-priority", 10));
    for (int i = 0; i < 3; i++) {
      publish(ch, "normal-" + i, null);
    }
    Delivery held = ch.basicGet("q", false);
    publish(ch, "urgent", 9);
    ch.basicNack(held.deliveryTag(), false, true);
    Collector got = new Collector(true);
    channel("worker").basicConsume("q", false, got);
    sim.runUntilQuiet();
    assertEquals(List.of("urgent", "normal-0", "normal-1", "normal-2"), got.bodies());
  }

  @Test
  void badMaxPriority_eachBrokersWords_P3() {
    start(BrokerProfile.RABBITMQ_4);
    AmqpException rabbit = assertThrows(AmqpException.class,
        () -> channel("a").queueDeclare("q", true, false, false, Map.of("x-max-priority", -1)));
    assertEquals("PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': {value_negative,-1}",
        rabbit.replyText());
    sim.close();
    start(BrokerProfile.LAVINMQ);
    AmqpException lavin = assertThrows(AmqpException.class,
        () -> channel("a").queueDeclare("q", true, false, false, Map.of("x-max-priority", "high")));
    assertEquals("PRECONDITION_FAILED - x-max-priority header not an integer", lavin.replyText());
  }
}
