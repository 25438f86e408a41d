package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** x-death bookkeeping per profile (semantics §5.5), on plain messages. */
class DeadLetteringTest {

  private static final long NOW = 1_780_000_000L;

  /** Entries as a 3.10-era client wrote them (the Java client's XDeathHeaderGrowth): no count, no time. */
  private static Map<String, Object> legacy(String queue) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", "expired");
    m.put("queue", queue);
    m.put("exchange", "fanout0");
    m.put("routing-keys", List.of("k1", "k2"));
    m.put("random", "r-" + queue);
    return m;
  }

  private static Map<String, Object> wellFormed(String queue, long count) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("reason", "rejected");
    m.put("queue", queue);
    m.put("time", new FieldTables.Timestamp(NOW - 60));
    m.put("exchange", "x");
    m.put("routing-keys", List.of("k"));
    m.put("extra", "dropped by 3.13");
    return m;
  }

  private static Message published(List<Object> deaths) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("x-death", deaths);
    return new Message("m-1", "", "q1", BasicProperties.builder().headers(headers).build(), new byte[0]);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> deaths(Message m) {
    return (List<Map<String, Object>>) m.properties().headers().get("x-death");
  }

  private static Message dead(String profile, Message m, String queue, DeadLettering.Reason reason) {
    return DeadLettering.deadLetter(BrokerProfile.byName(profile).orElseThrow(), m, m.msgId() + "+", queue, reason,
        "dlx", null, NOW);
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 21", "rabbitmq-3, 1", "rabbitmq-4, 1"})
  void legacyPublishedEntries_keptOnlyByLavinMq(String profile, int entries) {
    List<Object> legacy = new ArrayList<>();
    for (String q : List.of("q97", "q97", "q98", "q99", "q99")) {
      for (int i = 0; i < 4; i++) {
        legacy.add(legacy(q));
      }
    }
    Message out = dead(profile, published(legacy), "q1", DeadLettering.Reason.EXPIRED);
    assertEquals(entries, deaths(out).size());
    assertEquals("q1", deaths(out).get(0).get("queue"), "the new death comes first");
    assertTrue(out.deathsByBroker());
  }

  @Test
  void wellFormedPublishedEntry_rabbitMq3RecoversAndCountsOn_rabbitMq4Ignores() {
    Message m = published(List.of(wellFormed("q1", 5)));

    List<Map<String, Object>> r3 = deaths(dead("rabbitmq-3", m, "q1", DeadLettering.Reason.REJECTED));
    assertEquals(1, r3.size());
    assertEquals(6L, r3.get(0).get("count"));
    assertFalse(r3.get(0).containsKey("extra"), "recovered with the x-death fields only");

    List<Map<String, Object>> r4 = deaths(dead("rabbitmq-4", m, "q1", DeadLettering.Reason.REJECTED));
    assertEquals(1, r4.size());
    assertEquals(1L, r4.get(0).get("count"), "a publisher's x-death is not trusted");

    List<Map<String, Object>> lavin = deaths(dead("lavinmq", m, "q1", DeadLettering.Reason.REJECTED));
    assertEquals(6, lavin.get(0).get("count"));
  }

  @ParameterizedTest
  @CsvSource({"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void brokerWrittenDeaths_countedOnUnderEveryProfile(String profile) {
    Message once = dead(profile, published(List.of()), "q1", DeadLettering.Reason.REJECTED);
    Message twice = dead(profile, once, "q1", DeadLettering.Reason.REJECTED);
    assertEquals(1, deaths(twice).size());
    assertEquals(2L, FieldTables.integerValue(deaths(twice).get(0).get("count")));
  }
}
