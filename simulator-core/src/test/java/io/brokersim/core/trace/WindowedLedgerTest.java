package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.TraceEvent.Acked;
import io.brokersim.core.trace.TraceEvent.Delivered;
import io.brokersim.core.trace.TraceEvent.Discarded;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.Published;
import io.brokersim.core.trace.TraceEvent.QueueDeleted;
import io.brokersim.core.trace.TraceEvent.Returned;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A fate ledger that keeps a window of settled messages: what it forgets, what it keeps, what it still counts. */
class WindowedLedgerTest {

  private static final String P = "conn-1/ch-1";
  private static final String C = "conn-2/ch-1";

  private final FateLedger ledger = FateLedger.keepingSettled(3);
  private final Trace trace = Trace.create(() -> 0L, ledger);

  private void r(TraceEvent... events) {
    for (TraceEvent e : events) {
      trace.record(e);
    }
  }

  private void enqueue(String msgId, String correlationId) {
    r(new Published(msgId, P, "", "q", false, false, correlationId, null, null, 3),
        new Routed(msgId, "", "q", List.of("q")), new Enqueued(msgId, "q", 1));
  }

  private void deliverAndAck(String msgId, long tag) {
    r(new Delivered(msgId, "q", C, "ctag-1", tag, false, false), new Acked(msgId, "q", C, tag));
  }

  @Test
  void keepingSettled_pastTheWindow_forgetsTheOldestToSettle_keepsLiveOnes() {
    enqueue("live", "c-live");
    for (int i = 1; i <= 5; i++) {
      enqueue("m" + i, "c" + i);
    }
    // Settle out of publish order: m5 first, then m1..m4.
    deliverAndAck("m5", 1);
    for (int i = 1; i <= 4; i++) {
      deliverAndAck("m" + i, i + 1);
    }
    // Settled in order m5, m1, m2, m3, m4: the window of 3 keeps m2, m3, m4.
    assertFalse(ledger.fateOf("m5").isPresent());
    assertFalse(ledger.fateOf("m1").isPresent());
    assertTrue(ledger.fateOf("m2").isPresent());
    assertTrue(ledger.fateOf("m4").isPresent());
    assertTrue(ledger.fateOf("live").isPresent(), "a live message is always kept");
    assertEquals(4, ledger.size());
    assertEquals(List.of("live", "m2", "m3", "m4"), ledger.all().stream().map(MessageFate::msgId).toList());
    assertEquals(List.of("m3", "m4"), ledger.recent(2).stream().map(MessageFate::msgId).toList());
    assertEquals(List.of(), ledger.byCorrelationId("c1"), "a forgotten message leaves its correlation_id index");
    assertEquals(1, ledger.byCorrelationId("c3").size());
    assertEquals("c4", ledger.correlationIdOf("m4"));
    assertNull(ledger.correlationIdOf("m1"));

    FateSummary summary = ledger.summary();
    assertEquals(6, summary.messages());
    assertEquals(1, summary.liveMessages());
    assertEquals(2, summary.forgotten());
    assertEquals(5, summary.count(Fate.Kind.ACKNOWLEDGED), "forgotten messages still count");
    assertEquals(List.of(), ledger.anomalies());
  }

  @Test
  void keepingSettled_lateEventForAForgottenMessage_isNoAnomaly() {
    for (int i = 1; i <= 5; i++) {
      enqueue("m" + i, null);
      deliverAndAck("m" + i, i);
    }
    r(new Acked("m1", "q", C, 1));
    assertEquals(List.of(), ledger.anomalies());
  }

  @Test
  void keepingSettled_sameCorrelationId_forgetsOneAndKeepsTheChainOfTheOthers() {
    enqueue("request", "call-1");
    enqueue("reply", "call-1");
    enqueue("late-reply", "call-1");
    deliverAndAck("reply", 1);
    for (int i = 1; i <= 3; i++) {
      enqueue("x" + i, null);
      deliverAndAck("x" + i, 10 + i);
    }
    // "reply" settled first and is forgotten; request (live) and late-reply (live) stay on the chain.
    assertEquals(List.of("request", "late-reply"),
        ledger.byCorrelationId("call-1").stream().map(MessageFate::msgId).toList());
  }

  @Test
  void summary_countsFatesWithTheirReasons() {
    FateLedger all = FateLedger.create();
    Trace t = Trace.create(() -> 0L, all);
    t.record(new Published("u1", P, "x", "nowhere", true, false, null, null, null, 3));
    t.record(new Routed("u1", "x", "nowhere", List.of()));
    t.record(new Returned("u1", P, 312, "NO_ROUTE"));
    t.record(new Published("d1", P, "", "q", false, false, null, null, null, 3));
    t.record(new Routed("d1", "", "q", List.of("q")));
    t.record(new Discarded("d1", "q", Discarded.CAUSE_FAULT, "drop-it"));
    t.record(new Published("k1", P, "", "q", false, false, null, null, null, 3));
    t.record(new Routed("k1", "", "q", List.of("q")));
    t.record(new Enqueued("k1", "q", 1));
    t.record(new QueueDeleted("q", "client", 1));

    FateSummary s = all.summary();
    assertEquals(3, s.messages());
    assertEquals(0, s.liveMessages());
    assertEquals(List.of(
        "fates of 3 messages: 0 still live",
        "  1 returned to their publisher (312 NO_ROUTE: 1)",
        "  1 dropped by fault rules (rule 'drop-it': 1)",
        "  1 deleted with their queue"), s.lines());
  }

  @Test
  void keepingSettled_belowOne_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> FateLedger.keepingSettled(0));
  }
}
