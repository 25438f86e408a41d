package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one fault interpreter: fired rules at a boundary to what the broker does, without any actor. */
class FaultDecisionTest {

  private static FaultInjector.Fired fired(String rule, FaultAction action) {
    return new FaultInjector.Fired(new FaultRule(rule, Boundary.ROUTED, null, action, null),
        action.apply(null, null));
  }

  private static final FaultDecision.Site SITE = new FaultDecision.Site("exchange:orders", "conn-1/ch-1", "conn-1",
      "rpc");

  @Test
  void decide_nothingFired_isNone() {
    assertTrue(FaultDecision.decide(Boundary.ROUTED, List.of()).isEmpty());
  }

  @Test
  void decide_delaysAddUp_duplicatesAccumulate_firstDropWins() {
    FaultDecision d = FaultDecision.decide(Boundary.ROUTED, List.of(
        fired("slow", FaultActions.delay(Duration.ofMillis(100))),
        fired("slower", FaultActions.delay(Duration.ofMillis(50))),
        fired("twice", FaultActions.duplicate(2)),
        fired("lose", FaultActions.drop()),
        fired("lose-again", FaultActions.drop())));

    assertEquals(Duration.ofMillis(150), d.delay());
    assertEquals(List.of("twice", "twice"), d.duplicateRules());
    assertEquals("lose", d.dropRule());
  }

  @Test
  void decide_effectThatDoesNotApplyHere_isRecordedAsNoEffect() {
    FaultDecision d = FaultDecision.decide(Boundary.ENQUEUED, List.of(fired("close", FaultActions.closeChannel(406,
        null))));

    assertNull(d.close());
    assertEquals("close-channel: close-channel 406 (no effect at enqueued)", d.steps().get(0).description());
  }

  @Test
  void decide_deadLetterAtRouted_hasNoChannelToClose() {
    FaultDecision d = FaultDecision.decide(Boundary.ROUTED,
        List.of(fired("dead", FaultActions.deadReplyChannel(false, 406, null))), false);

    assertNull(d.close());
    assertTrue(d.steps().get(0).description().endsWith("(no effect at routed)"));
  }

  @Test
  void records_nameTheTargetOfEachEffect() {
    FaultDecision d = FaultDecision.decide(Boundary.ROUTED, List.of(
        fired("hold", FaultActions.delay(Duration.ofMillis(5))),
        fired("dup", FaultActions.duplicate(2)),
        fired("dead", FaultActions.deadReplyChannel(true, 320, null)),
        fired("pause", FaultActions.pauseQueue(null)),
        fired("boom", FaultActions.brokerRestart())));

    List<FaultDecision.Record> r = d.records(SITE, "conn-1/ch-1#7");
    assertEquals(List.of(
        new FaultDecision.Record("hold", "delay: delay 5ms", "exchange:orders", "conn-1/ch-1#7", null),
        new FaultDecision.Record("dup", "duplicate", "exchange:orders", "conn-1/ch-1#7", "conn-1/ch-1#7~dup1"),
        new FaultDecision.Record("dup", "duplicate", "exchange:orders", "conn-1/ch-1#7", "conn-1/ch-1#7~dup2"),
        new FaultDecision.Record("dead", "dead-reply-channel: close-connection 320", "conn-1", "conn-1/ch-1#7", null),
        new FaultDecision.Record("pause", "pause-queue", "rpc", "conn-1/ch-1#7", null),
        new FaultDecision.Record("boom", "broker-restart", "broker", "conn-1/ch-1#7", null)), r);
  }

  @Test
  void takesEvent_closeAtRoutedLetsTheRequestThrough_elsewhereItTakesIt() {
    FaultDecision d = FaultDecision.decide(Boundary.ROUTED, List.of(fired("dead",
        FaultActions.deadReplyChannel(false, 406, null))));
    assertEquals(false, d.takesEvent(Boundary.ROUTED));
    assertEquals(true, d.takesEvent(Boundary.DELIVERED));
  }

  @ParameterizedTest(name = "{0} at {1} -> {2}")
  @CsvSource({
      "DROP,            ACK_RECEIVED,     true",
      "DUPLICATE,       DELIVERED,        false",
      "DUPLICATE,       REPLY_RESOLVED,   true",
      "CLOSE_CHANNEL,   ENQUEUED,         false",
      "CANCEL_CONSUMER, DELIVERED,        true",
      "CANCEL_CONSUMER, ROUTED,           false",
      "CRASH_CONSUMER,  ACK_RECEIVED,     true",
      "PAUSE_QUEUE,     ACK_RECEIVED,     false",
      "RESTART_BROKER,  REPLY_RESOLVED,   true",
      "STOP_HEARTBEATS, DELIVERED,        false",
      "DROP,            FRAME_READ,       true",
      "DUPLICATE,       FRAME_WRITTEN,    true",
      "CLOSE_CHANNEL,   FRAME_READ,       false",
      "CUT_CONNECTION,  FRAME_WRITTEN,    true",
      "RESTART_BROKER,  FRAME_READ,       false",
      "TRUNCATE,        FRAME_WRITTEN,    true",
      "TRUNCATE,        ROUTED,           false",
      "CORRUPT,         FRAME_READ,       true",
      "REORDER,         FRAME_READ,       true",
      "RESET_CONNECTION, FRAME_WRITTEN,   true",
      "RESET_CONNECTION, DELIVERED,       false",
      "HALF_OPEN,       FRAME_READ,       true",
      "THROTTLE,        FRAME_WRITTEN,    true",
      "STOP_HEARTBEATS, FRAME_WRITTEN,    true",
  })
  void table_whereEachKindApplies(Effect.Kind kind, Boundary at, boolean applies) {
    assertEquals(applies, FaultEffects.applies(kind, at));
  }

  @Test
  void table_everyBoundaryHasEffects() {
    for (Boundary b : Boundary.values()) {
      assertTrue(FaultEffects.anyApplies(b), b.toString());
    }
  }
}
