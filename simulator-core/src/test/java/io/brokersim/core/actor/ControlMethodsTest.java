package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.model.Outcome;
import io.brokersim.core.profile.BrokerProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names as each profile takes them (semantics §3.4) and the empty-queue shortcut (§2.1), without actors. */
class ControlMethodsTest {

  private static String prepare(String profile, ClientMethod m, String last) {
    Outcome<ClientMethod> o = ControlMethods.prepare(BrokerProfile.byName(profile).orElseThrow(), m, last);
    return o.isOk() ? o.value().toString() : o.errorOrNull().replyCode() + " " + o.errorOrNull().text();
  }

  @ParameterizedTest(name = "{0}: purge ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | a\\r\\nb   | QueuePurge[queue=ab, noWait=false]",
      "lavinmq    | a\\r\\nb   | 406 PRECONDITION_FAILED - Queue name isn't valid",
      "lavinmq    | plain     | QueuePurge[queue=plain, noWait=false]",
  })
  void prepare_namesPerProfile(String profile, String name, String expected) {
    String actual = prepare(profile, new ClientMethod.QueuePurge(name.replace("\\r", "\r").replace("\\n", "\n"), false),
        null);
    assertEquals(expected, actual);
  }

  @ParameterizedTest(name = "{0}: bind '''' with last queue {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | q1 | QueueBind[queue=q1, exchange=x, routingKey=q1, noWait=false, arguments=null]",
      "rabbitmq-3 |    | 404 NOT_FOUND - no previously declared queue",
      "lavinmq    |    | QueueBind[queue=, exchange=x, routingKey=, noWait=false, arguments=null]",
  })
  void prepare_emptyQueueName_meansTheLastDeclared(String profile, String last, String expected) {
    assertEquals(expected, prepare(profile, new ClientMethod.QueueBind("", "x", "", false, null), last));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"rabbitmq-3", "lavinmq"})
  void prepare_nameOver255Octets_isRefused(String profile) {
    String name = "é".repeat(128); // 256 octets of UTF-8
    assertEquals("406", prepare(profile, new ClientMethod.QueueDelete(name, false, false, false), null)
        .substring(0, 3));
  }
}
