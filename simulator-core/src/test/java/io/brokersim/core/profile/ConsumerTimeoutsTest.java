package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.QueueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Consumer acknowledgement timeouts per profile (semantics §10). */
class ConsumerTimeoutsTest {

  private static BrokerProfile profile(String name) {
    return BrokerProfile.byName(name).orElseThrow();
  }

  @ParameterizedTest(name = "{0} {1}: evaluated by {2}")
  @CsvSource({
      "lavinmq,    CLASSIC, CHANNEL",
      "rabbitmq-3, CLASSIC, CHANNEL",
      "rabbitmq-3, QUORUM,  CHANNEL",
      "rabbitmq-4, CLASSIC, NONE",
      "rabbitmq-4, QUORUM,  QUEUE",
  })
  void evaluation_perProfileAndType(String profile, QueueType type, ConsumerTimeouts.Evaluation who) {
    assertEquals(who, ConsumerTimeouts.evaluation(profile(profile), type));
  }

  @ParameterizedTest(name = "{0}, setting {1}, queue [{2}]: {3} ms")
  @CsvSource(nullValues = "null", value = {
      "rabbitmq-3, null,  null,   1800000",
      "lavinmq,    null,  null,   -1",
      "lavinmq,    5000,  null,   5000",
      "rabbitmq-3, -1,    null,   -1",
      "rabbitmq-3, null,  200,    200",
      "lavinmq,    null,  0,      0",
      "rabbitmq-3, 9000,  soon,   -1",
  })
  void channelTimeout_queueArgumentOverBrokerSetting(String profile, Long setting, String queueArg, long expected) {
    var args = queueArg == null ? java.util.Map.<String, Object>of()
        : QueueTypesTest.args("x-consumer-timeout=" + queueArg);
    ConsumerTimeouts.Settings s = new ConsumerTimeouts.Settings(setting, 60_000);
    assertEquals(expected, ConsumerTimeouts.channelTimeoutMillis(profile(profile), args, s));
  }

  @ParameterizedTest(name = "queue [{0}], consumer [{1}]: {2} ms")
  @CsvSource(nullValues = "null", value = {
      "null, null, 1800000",
      "500,  null, 500",
      "500,  50,   50",
      "null, 0,    0",
  })
  void queueTimeout_consumerArgumentFirst(String queueArg, String consumerArg, long expected) {
    var q = queueArg == null ? java.util.Map.<String, Object>of() : QueueTypesTest.args("x-consumer-timeout=" + queueArg);
    var c = consumerArg == null ? null : QueueTypesTest.args("x-consumer-timeout=" + consumerArg);
    assertEquals(expected, ConsumerTimeouts.queueTimeoutMillis(BrokerProfile.RABBITMQ_4, q, c,
        ConsumerTimeouts.Settings.DEFAULTS));
  }

  @ParameterizedTest(name = "delivered at {0} ms, now {1} ms, timeout {2} ms: overdue {3}")
  @CsvSource({
      "0,    1000, 1000, false",
      "0,    1001, 1000, true",
      "500,  60000, 1800000, false",
      "0,    1,    -1,   false",
      "10,   11,   0,    true",
  })
  void overdue_strictlyPastTheTimeout(long deliveredMs, long nowMs, long timeout, boolean overdue) {
    assertEquals(overdue, ConsumerTimeouts.overdue(deliveredMs * 1_000_000L, nowMs * 1_000_000L, timeout));
  }

  @Test
  void channelClosed_textsPerProfile() {
    AmqpError rabbit = ConsumerTimeouts.channelClosed(BrokerProfile.RABBITMQ_3, 3, 1_800_000);
    assertEquals(406, rabbit.replyCode());
    assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel 3 timed out. Timeout value used: "
        + "1800000 ms. This timeout value can be configured, see consumers doc guide to learn more", rabbit.text());
    assertEquals(0, rabbit.classId());
    AmqpError lavin = ConsumerTimeouts.channelClosed(BrokerProfile.LAVINMQ, 3, 100);
    assertEquals("PRECONDITION_FAILED - consumer timeout", lavin.text());
    assertEquals(60, lavin.classId());
    assertEquals(20, lavin.methodId());
    assertEquals("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: -1 ms. "
        + "This timeout value can be configured, see consumers doc guide to learn more",
        ConsumerTimeouts.releasedWithoutCancel(1).text());
  }

  @Test
  void settings_refuseWhatCannotTakeEffect() {
    assertThrows(IllegalArgumentException.class, () -> new ConsumerTimeouts.Settings(null, 0));
    assertThrows(IllegalArgumentException.class, () -> new ConsumerTimeouts.Settings(-2L, 1000));
  }
}
