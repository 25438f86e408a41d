package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.DeliveryHeaders;
import io.brokersim.core.model.QueueFeatures;
import io.brokersim.core.model.QueueLimits;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.QueueType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Queue types per profile (semantics §9, §11, §12): declaration checks, behaviour, consume and get rules. */
class QueueTypesTest {

  private static BrokerProfile profile(String name) {
    return BrokerProfile.byName(name).orElseThrow();
  }

  /** A table from "k=v;k=v" where v is an integer, true/false, or a string. */
  static Map<String, Object> args(String spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return m;
    }
    for (String kv : spec.split(";")) {
      String[] p = kv.split("=", 2);
      String v = p[1];
      Object value = v.matches("-?\\d+") ? (Object) Long.parseLong(v)
          : v.equals("true") || v.equals("false") ? (Object) Boolean.parseBoolean(v) : v;
      m.put(p[0], value);
    }
    return m;
  }

  private static String declare(String profile, String name, boolean durable, boolean exclusive, boolean autoDelete,
      String args) {
    AmqpError e = QueueTypes.declareError(profile(profile), "/", name, durable, exclusive, autoDelete, args(args));
    return e == null ? "ok" : e.replyCode() + " " + e.text();
  }

  @ParameterizedTest(name = "{0} declare {1} durable={2} exclusive={3} autoDelete={4} [{5}] -> {6}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3|q|true |false|false|x-queue-type=quorum|ok",
      "rabbitmq-4|q|true |false|false|x-queue-type=quorum|ok",
      "rabbitmq-3|q|true |false|true |x-queue-type=quorum|406 PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'q' in vhost '/'",
      "rabbitmq-4|q|true |true |false|x-queue-type=quorum|406 PRECONDITION_FAILED - invalid property 'exclusive-owner' for queue 'q' in vhost '/'",
      "rabbitmq-4|q|true |true |true |x-queue-type=quorum|406 PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'q' in vhost '/'",
      "rabbitmq-3|q|false|false|false|x-queue-type=quorum|406 PRECONDITION_FAILED - invalid property 'non-durable' for queue 'q' in vhost '/'",
      // 4.3 refuses a transient non-exclusive queue before the quorum queue's own checks (a 541).
      "rabbitmq-4|q|false|false|false|x-queue-type=quorum|541 INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.",
      "rabbitmq-3| |true |false|false|x-queue-type=quorum|406 PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_quorum_queue",
      "rabbitmq-4|q|true |false|false|x-queue-type=fake|406 PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'q' in vhost '/': \"unsupported queue type 'fake'\"",
      "rabbitmq-3|q|true |false|false|x-queue-type=7|406 PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'q' in vhost '/': {unacceptable_type,long}",
      "rabbitmq-4|q|true |false|false|x-queue-type=quorum;x-queue-mode=default|406 PRECONDITION_FAILED - invalid arg 'x-queue-mode' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue",
      "rabbitmq-3|q|true |false|false|x-queue-type=quorum;x-max-priority=5|406 PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue",
      "rabbitmq-4|q|true |false|false|x-queue-type=quorum;x-max-length=-5|406 PRECONDITION_FAILED - invalid arg 'x-max-length' for queue 'q' in vhost '/': {value_negative,-5}",
      "rabbitmq-4|q|true |false|false|x-queue-type=quorum;x-consumer-timeout=-1|406 PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/': {value_negative,-1}",
      "rabbitmq-3|q|true |false|false|x-queue-type=quorum;x-dead-letter-strategy=maybe|406 PRECONDITION_FAILED - invalid arg 'x-dead-letter-strategy' for queue 'q' in vhost '/': invalid_dlx_strategy",
      "rabbitmq-4|q|true |false|false|x-delivery-limit=5|406 PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue 'q' in vhost '/' of queue type rabbit_classic_queue",
      "rabbitmq-4|q|true |false|false|x-consumer-timeout=1000|406 PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/' of queue type rabbit_classic_queue",
      // 3.13 classic queues do not know x-consumer-timeout: kept, and read by the channel (§10.2).
      "rabbitmq-3|q|true |false|false|x-consumer-timeout=1000|ok",
      "rabbitmq-3|q|true |false|false|x-max-priority=256|406 PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,256}",
      "rabbitmq-3|q|true |false|false|x-max-priority=ten|406 PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': \"expected integer, got longstr\"",
      "rabbitmq-4|q|true |false|false|x-single-active-consumer=1|406 PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue 'q' in vhost '/': {unacceptable_type,long}",
      "rabbitmq-3|q|true |false|false|x-overflow=drop-tail|406 PRECONDITION_FAILED - invalid arg 'x-overflow' for queue 'q' in vhost '/': invalid_overflow",
      "rabbitmq-4|q|true |false|false|x-queue-type=quorum;x-delayed-retry-type=all|540 NOT_IMPLEMENTED - delayed retry (x-delayed-retry-type 'all') is not simulated by brokersim",
      "rabbitmq-4|q|true |false|false|x-queue-type=stream|540 NOT_IMPLEMENTED - stream queues (x-queue-type 'stream') are not simulated by brokersim",
      // LavinMQ has no quorum queues: the type is ignored, its own arguments are checked.
      "lavinmq   |q|false|true |true |x-queue-type=quorum|ok",
      "lavinmq   | |true |false|false|x-queue-type=quorum|ok",
      "lavinmq   |q|true |false|false|x-delivery-limit=-1|406 PRECONDITION_FAILED - x-delivery-limit header less than minimum value 0",
      "lavinmq   |q|true |false|false|x-max-priority=256|406 PRECONDITION_FAILED - x-max-priority header greater than maximum value 255",
      "lavinmq   |q|true |false|false|x-consumer-timeout=soon|406 PRECONDITION_FAILED - x-consumer-timeout header not an integer",
      "lavinmq   |q|true |false|false|x-single-active-consumer=yes|406 PRECONDITION_FAILED - x-single-active-consumer header not a boolean",
      "lavinmq   |q|true |false|false|x-queue-type=stream|540 NOT_IMPLEMENTED - stream queues (x-queue-type 'stream') are not simulated by brokersim",
  })
  void declareError_inTheBrokersOrder(String profile, String name, boolean durable, boolean exclusive,
      boolean autoDelete, String args, String expected) {
    String got = declare(profile.trim(), name == null ? "" : name, durable, exclusive, autoDelete, args);
    assertTrue(got.startsWith(expected), got);
  }

  @Test
  void declareError_lavinMqChecksArgumentsInTableOrder_priorityFirst() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("x-message-ttl", -1);
    a.put("x-expires", 0);
    a.put("x-max-priority", 300);
    assertEquals("PRECONDITION_FAILED - x-max-priority header greater than maximum value 255",
        QueueTypes.declareError(BrokerProfile.LAVINMQ, "/", "q", true, false, false, a).text());
    a.remove("x-max-priority");
    assertEquals("PRECONDITION_FAILED - x-message-ttl header less than minimum value 0",
        QueueTypes.declareError(BrokerProfile.LAVINMQ, "/", "q", true, false, false, a).text());
  }

  @Test
  void declareError_rabbitMqChecksInItsOwnOrder_notTheTables() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("x-message-ttl", -1);
    a.put("x-expires", 0);
    assertEquals("PRECONDITION_FAILED - invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}",
        QueueTypes.declareError(BrokerProfile.RABBITMQ_3, "/", "q", true, false, false, a).text());
  }

  private static QueueFeatures features(String profile, String args) {
    return QueueTypes.features(profile(profile), new QueueSpec("q", true, false, false, args(args), null),
        ConsumerTimeouts.Settings.DEFAULTS);
  }

  @ParameterizedTest(name = "{0} [{1}]: {2}, limit {3}, {4}, {5}, priorities 0..{6} default {7}")
  @CsvSource(delimiter = '|', value = {
      "lavinmq   |                                        |CLASSIC|-1|NONE          |NONE                            |0 |0",
      "lavinmq   |x-queue-type=quorum;x-delivery-limit=3  |CLASSIC|3 |EVERY_RETURN  |DELIVERY_COUNT_INT              |0 |0",
      "lavinmq   |x-max-priority=5                        |CLASSIC|-1|NONE          |NONE                            |5 |0",
      "rabbitmq-3|x-max-priority=10                       |CLASSIC|-1|NONE          |NONE                            |10|0",
      "rabbitmq-3|x-queue-type=quorum                     |QUORUM |-1|EVERY_RETURN  |DELIVERY_COUNT_LONG             |0 |0",
      "rabbitmq-3|x-queue-type=quorum;x-delivery-limit=-4 |QUORUM |0 |EVERY_RETURN  |DELIVERY_COUNT_LONG             |0 |0",
      "rabbitmq-4|x-queue-type=quorum                     |QUORUM |20|FAILED_RETURNS|DELIVERY_AND_ACQUIRED_COUNT_LONG|31|4",
      "rabbitmq-4|x-queue-type=quorum;x-delivery-limit=5  |QUORUM |5 |FAILED_RETURNS|DELIVERY_AND_ACQUIRED_COUNT_LONG|31|4",
      "rabbitmq-4|x-queue-type=quorum;x-delivery-limit=-1 |QUORUM |-1|FAILED_RETURNS|DELIVERY_AND_ACQUIRED_COUNT_LONG|31|4",
      "rabbitmq-4|x-queue-type=quorum;x-delivery-limit=lots|QUORUM|20|FAILED_RETURNS|DELIVERY_AND_ACQUIRED_COUNT_LONG|31|4",
  })
  void features_perProfileAndType(String profile, String args, QueueType type, long limit,
      QueueFeatures.Counting counting, DeliveryHeaders headers, int maxPriority, int defaultPriority) {
    QueueFeatures f = features(profile.trim(), args);
    assertEquals(type, f.type());
    assertEquals(limit, f.deliveryLimit());
    assertEquals(counting, f.counting());
    assertEquals(headers, f.deliveryHeaders());
    assertEquals(maxPriority, f.maxPriority());
    assertEquals(defaultPriority, f.defaultPriority());
    assertEquals(type == QueueType.QUORUM ? QueueFeatures.Requeue.RETURNS_FIRST
        : QueueFeatures.Requeue.ORIGINAL_POSITION, f.requeue());
  }

  @ParameterizedTest(name = "{0} [{1}]: single active {2}, counts waiting {3}, get allowed {4}")
  @CsvSource(delimiter = '|', value = {
      "lavinmq   |x-single-active-consumer=true                    |FIRST_ATTACHED   |true |true",
      "rabbitmq-3|x-single-active-consumer=true                    |HIGHEST_PRIORITY |true |true",
      "rabbitmq-4|x-single-active-consumer=true                    |HIGHEST_PRIORITY |true |true",
      "rabbitmq-3|x-single-active-consumer=true;x-queue-type=quorum|FIRST_ATTACHED   |false|false",
      "rabbitmq-4|x-single-active-consumer=true;x-queue-type=quorum|PRIORITY_TAKEOVER|false|false",
      "rabbitmq-4|x-single-active-consumer=false                   |NONE             |true |true",
  })
  void features_singleActiveConsumer(String profile, String args, QueueFeatures.SingleActive sac,
      boolean countsWaiting, boolean getAllowed) {
    QueueFeatures f = features(profile.trim(), args);
    assertEquals(sac, f.singleActive());
    assertEquals(countsWaiting, f.countsWaitingConsumers());
    assertEquals(getAllowed, f.basicGetWithSingleActive());
  }

  @ParameterizedTest(name = "{0} [{1}]: overflow {2}, blocking {3}, at-least-once {4}")
  @CsvSource(delimiter = '|', value = {
      "lavinmq   |x-overflow=reject-publish-dlx                       |DROP_HEAD         |false|false",
      "lavinmq   |x-overflow=reject-publish                           |REJECT_PUBLISH    |false|false",
      "rabbitmq-3|x-overflow=reject-publish-dlx                       |REJECT_PUBLISH_DLX|false|false",
      "rabbitmq-3|x-queue-type=quorum;x-overflow=reject-publish-dlx   |DROP_HEAD         |false|false",
      "rabbitmq-4|x-queue-type=quorum;x-overflow=reject-publish       |REJECT_PUBLISH    |true |false",
      "rabbitmq-4|x-queue-type=quorum;x-dead-letter-strategy=at-least-once;x-dead-letter-exchange=dlx|DROP_HEAD|false|false",
      "rabbitmq-3|x-queue-type=quorum;x-dead-letter-strategy=at-least-once;x-dead-letter-exchange=dlx;x-overflow=reject-publish|REJECT_PUBLISH|true|true",
      "rabbitmq-4|x-queue-type=quorum;x-dead-letter-strategy=at-least-once;x-overflow=reject-publish|REJECT_PUBLISH|true|false",
  })
  void limitsAndDeadLetterStrategy(String profile, String args, QueueLimits.Overflow overflow, boolean blocking,
      boolean atLeastOnce) {
    BrokerProfile p = profile(profile.trim());
    QueueSpec spec = new QueueSpec("q", true, false, false, args(args), null);
    assertEquals(overflow, QueueTypes.limits(p, spec).overflow());
    QueueFeatures f = QueueTypes.features(p, spec, ConsumerTimeouts.Settings.DEFAULTS);
    assertEquals(blocking, f.blockingRejectPublish());
    assertEquals(atLeastOnce, f.atLeastOnceDeadLetters());
  }

  @ParameterizedTest(name = "{0} {1} [{2}] shared prefetch {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3|QUORUM |                      |true |540 NOT_IMPLEMENTED - queue 'q' in vhost '/' does not support global qos",
      "rabbitmq-3|CLASSIC|                      |true |ok",
      "rabbitmq-4|QUORUM |x-priority=high       |false|406 PRECONDITION_FAILED - invalid arg 'x-priority' for queue 'q' in vhost '/': \"expected integer, got longstr\"",
      "rabbitmq-4|QUORUM |x-consumer-timeout=-1 |false|406 PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/': {value_negative,-1}",
      "rabbitmq-4|CLASSIC|x-consumer-timeout=100|false|406 PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/' of queue type rabbit_classic_queue",
      "rabbitmq-4|QUORUM |x-stream-offset=last  |false|406 PRECONDITION_FAILED - invalid arg 'x-stream-offset' for queue 'q' in vhost '/' of queue type rabbit_quorum_queue",
      "rabbitmq-3|QUORUM |x-consumer-timeout=100|false|ok",
      "lavinmq   |CLASSIC|x-priority=high       |false|406 PRECONDITION_FAILED - x-priority must be an integer",
      "lavinmq   |CLASSIC|x-priority=4294967296 |false|406 PRECONDITION_FAILED - x-priority out of bounds, must fit a 32-bit integer",
  })
  void consumeError_perProfile(String profile, QueueType type, String args, boolean shared, String expected) {
    AmqpError e = QueueTypes.consumeError(profile(profile.trim()), type, "q", "/", args(args), shared);
    assertEquals(expected, e == null ? "ok" : e.replyCode() + " " + e.text());
  }

  @Test
  void exclusiveConsume_refusedByClassicSingleActive_ignoredByQuorum() {
    QueueFeatures classicSac = features("rabbitmq-3", "x-single-active-consumer=true");
    assertTrue(QueueTypes.exclusiveConsumeRefused(classicSac, true, false, false));
    QueueFeatures lavinSac = features("lavinmq", "x-single-active-consumer=true");
    assertFalse(QueueTypes.exclusiveConsumeRefused(lavinSac, true, false, false));
    assertTrue(QueueTypes.exclusiveConsumeRefused(lavinSac, true, true, false));
    QueueFeatures quorum = features("rabbitmq-4", "x-queue-type=quorum");
    assertFalse(quorum.exclusiveConsumeEnforced());
  }

  @Test
  void basicGetWithSingleActiveConsumer_rabbit4PrintsTheTypeAsABinary() {
    assertEquals("RESOURCE_LOCKED - cannot obtain access to locked queue 'q' in vhost '/'. basic.get operations are "
        + "not supported by quorum queues with single active consumer",
        QueueTypes.basicGetWithSingleActiveConsumer(BrokerProfile.RABBITMQ_3, "q", "/").text());
    assertEquals("RESOURCE_LOCKED - cannot obtain access to locked queue 'q' in vhost '/'. basic.get operations are "
        + "not supported by <<\"quorum\">> queues with single active consumer",
        QueueTypes.basicGetWithSingleActiveConsumer(BrokerProfile.RABBITMQ_4, "q", "/").text());
  }

  @Test
  void typeOf_lavinMqIgnoresQuorum() {
    assertEquals(QueueType.CLASSIC, QueueTypes.typeOf(BrokerProfile.LAVINMQ, args("x-queue-type=quorum")));
    assertEquals(QueueType.QUORUM, QueueTypes.typeOf(BrokerProfile.RABBITMQ_3, args("x-queue-type=quorum")));
    assertNull(QueueTypes.declareError(BrokerProfile.RABBITMQ_4, "/", "q", true, false, false,
        args("x-queue-type=classic;x-max-priority=5")));
  }
}
