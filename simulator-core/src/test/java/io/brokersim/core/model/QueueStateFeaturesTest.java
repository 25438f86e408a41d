package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The queue rules that differ by queue type and broker (semantics §9–§12): priority levels, where returns go,
 * delivery counting and the delivery limit, single active consumer, consumer timeouts, delivery headers.
 */
class QueueStateFeaturesTest {

  private static final QueueFeatures CLASSIC_PRIORITY_10 = features(10, 0, QueueFeatures.Requeue.ORIGINAL_POSITION,
      QueueFeatures.SingleActive.NONE, QueueFeatures.Counting.NONE, -1);
  private static final QueueFeatures QUORUM_4 = features(31, 4, QueueFeatures.Requeue.RETURNS_FIRST,
      QueueFeatures.SingleActive.NONE, QueueFeatures.Counting.FAILED_RETURNS, 20);

  private static QueueFeatures features(int maxPriority, int defaultPriority, QueueFeatures.Requeue requeue,
      QueueFeatures.SingleActive sac, QueueFeatures.Counting counting, long limit) {
    return new QueueFeatures(QueueType.CLASSIC, maxPriority, defaultPriority, requeue, sac, counting,
        DeliveryHeaders.NONE, limit, false, false, -1, true, true, true, false);
  }

  private static Message msg(String id, Integer priority) {
    return new Message(id, "", "q", BasicProperties.builder().priority(priority).build(), id.getBytes());
  }

  private static List<String> ready(QueueState<String> q) {
    return q.readySnapshot().stream().map(e -> e.message().msgId()).toList();
  }

  private static QueueConsumer<String> consumer(String name, int prefetch, int priority) {
    return new QueueConsumer<>(name, "ch-" + name, name, false, false, prefetch, null, false, priority);
  }

  // ---------------------------------------------------------------------------------------------- priorities

  @ParameterizedTest(name = "max {0}, default {1}: priority {2} -> level {3}")
  @CsvSource(nullValues = "null", value = {
      "0,  0, 9,    0",   // no message priorities: one level
      "10, 0, null, 0",   // classic x-max-priority: no property is 0
      "10, 0, 5,    5",
      "10, 0, 200,  10",  // above the maximum: treated as the maximum
      "31, 4, null, 4",   // RabbitMQ 4.3 quorum: no property is 4
      "31, 4, 0,    0",
      "31, 4, 255,  31",
  })
  void levelOf_clampsToTheLevelsThereAre(int max, int dflt, Integer priority, int level) {
    assertEquals(level, features(max, dflt, QueueFeatures.Requeue.ORIGINAL_POSITION, QueueFeatures.SingleActive.NONE,
        QueueFeatures.Counting.NONE, -1).levelOf(priority));
  }

  @Test
  void priorityQueue_highestLevelFirst_publishOrderWithinALevel() {
    QueueState<String> q = new QueueState<>(CLASSIC_PRIORITY_10);
    q.enqueue(msg("low-1", null), Long.MAX_VALUE);
    q.enqueue(msg("mid", 5), Long.MAX_VALUE);
    q.enqueue(msg("low-2", 0), Long.MAX_VALUE);
    q.enqueue(msg("top-1", 10), Long.MAX_VALUE);
    q.enqueue(msg("top-2", 99), Long.MAX_VALUE);
    assertEquals(List.of("top-1", "top-2", "mid", "low-1", "low-2"), ready(q));
    assertEquals("top-1", q.get("ch", true).entry().message().msgId());
    assertEquals(4, q.readyCount());
  }

  @Test
  void priorityQueue_requeuedMessage_returnsToItsLevelAtItsPosition() {
    QueueState<String> q = new QueueState<>(CLASSIC_PRIORITY_10);
    q.enqueue(msg("a", 3), Long.MAX_VALUE);
    q.enqueue(msg("b", 3), Long.MAX_VALUE);
    QueueState.Delivery<String> a = q.get("ch", false);
    q.enqueue(msg("c", 7), Long.MAX_VALUE);
    q.giveBack(a.deliveryId(), Return.NACK);
    assertEquals(List.of("c", "a", "b"), ready(q));
  }

  @Test
  void quorum4_messageWithoutPriority_rankedAboveExplicitLowPriorities() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    q.enqueue(msg("p0", 0), Long.MAX_VALUE);
    q.enqueue(msg("none", null), Long.MAX_VALUE);
    q.enqueue(msg("p9", 9), Long.MAX_VALUE);
    assertEquals(List.of("p9", "none", "p0"), ready(q));
  }

  // -------------------------------------------------------------------------------------------- requeue order

  @Test
  void quorumReturns_servedFirstInReturnOrder_notAtOriginalPosition() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    for (String id : List.of("m1", "m2", "m3")) {
      q.enqueue(msg(id, null), Long.MAX_VALUE);
    }
    QueueState.Delivery<String> d1 = q.get("ch", false);
    QueueState.Delivery<String> d2 = q.get("ch", false);
    q.giveBack(d2.deliveryId(), Return.NACK);
    q.giveBack(d1.deliveryId(), Return.NACK);
    q.enqueue(msg("p9", 9), Long.MAX_VALUE);
    assertEquals(List.of("m2", "m1", "p9", "m3"), ready(q), "returns precede even a higher priority");
    assertTrue(q.get("ch", true).redelivered());
  }

  // ---------------------------------------------------------------------------------- counting and the limit

  @ParameterizedTest(name = "{0} counting, return by {1}: counts {2}")
  @CsvSource({
      "NONE,           REJECT,       false",
      "EVERY_RETURN,   NACK,         true",
      "EVERY_RETURN,   REJECT,       true",
      "EVERY_RETURN,   RECOVER,      true",
      "EVERY_RETURN,   CHANNEL_GONE, true",
      "FAILED_RETURNS, NACK,         false",
      "FAILED_RETURNS, REJECT,       true",
      "FAILED_RETURNS, RECOVER,      false",
      "FAILED_RETURNS, CHANNEL_GONE, true",
      "FAILED_RETURNS, TIMEOUT,      false",
  })
  void counts_perCountingRuleAndReturn(QueueFeatures.Counting counting, Return why, boolean counts) {
    QueueFeatures f = features(0, 0, QueueFeatures.Requeue.RETURNS_FIRST, QueueFeatures.SingleActive.NONE, counting, -1);
    assertEquals(counts, f.counts(why));
  }

  @ParameterizedTest(name = "limit {0}: message taken out at return {1}")
  @CsvSource({"0, 1", "1, 2", "3, 4", "20, 21"})
  void deliveryLimit_passedAtTheReturnAfterTheLimit(long limit, int takenOutAt) {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.RETURNS_FIRST,
        QueueFeatures.SingleActive.NONE, QueueFeatures.Counting.EVERY_RETURN, limit));
    q.enqueue(msg("poison", null), Long.MAX_VALUE);
    for (int i = 1; i < takenOutAt; i++) {
      QueueState.Returned r = q.giveBack(q.get("ch", false).deliveryId(), Return.REJECT);
      assertFalse(r.overLimit(), "return " + i);
      assertEquals(i, r.entry().deliveryCount());
    }
    QueueState.Returned last = q.giveBack(q.get("ch", false).deliveryId(), Return.REJECT);
    assertTrue(last.overLimit());
    assertEquals(limit + 1, last.entry().deliveryCount());
    assertEquals(0, q.readyCount(), "over the limit, the message is not requeued");
  }

  @Test
  void deliveryLimit_uncountedReturnsNeverReachIt() {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.RETURNS_FIRST,
        QueueFeatures.SingleActive.NONE, QueueFeatures.Counting.FAILED_RETURNS, 0));
    q.enqueue(msg("m", null), Long.MAX_VALUE);
    for (int i = 0; i < 50; i++) {
      assertFalse(q.giveBack(q.get("ch", false).deliveryId(), Return.NACK).overLimit());
    }
    QueuedMessage e = q.peek();
    assertEquals(50, e.returns());
    assertEquals(0, e.deliveryCount());
  }

  @Test
  void giveBackChannel_countsAsConsumerGone() {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.RETURNS_FIRST,
        QueueFeatures.SingleActive.NONE, QueueFeatures.Counting.FAILED_RETURNS, 0));
    q.enqueue(msg("m", null), Long.MAX_VALUE);
    q.get("ch-1", false);
    List<QueueState.Returned> back = q.giveBackChannel("ch-1");
    assertTrue(back.get(0).overLimit(), "a consumer that went away failed the delivery");
  }

  // -------------------------------------------------------------------------------------- delivery headers

  @ParameterizedTest(name = "{0}, returns {1}, failed {2}, noAck {3}: {4}")
  @CsvSource({
      "NONE,                             1, 1, false, '{}'",
      "DELIVERY_COUNT_LONG,              0, 0, false, '{}'",
      "DELIVERY_COUNT_LONG,              2, 2, false, '{x-delivery-count=2L}'",
      "DELIVERY_AND_ACQUIRED_COUNT_LONG, 3, 0, false, '{x-acquired-count=3L}'",
      "DELIVERY_AND_ACQUIRED_COUNT_LONG, 3, 1, true,  '{x-acquired-count=3L, x-delivery-count=1L}'",
      "DELIVERY_COUNT_INT,               2, 2, false, '{x-delivery-count=2}'",
      "DELIVERY_COUNT_INT,               2, 2, true,  '{}'",
  })
  void deliveryHeaders_perStyle(DeliveryHeaders style, int returns, int failed, boolean noAck, String expected) {
    QueuedMessage e = new QueuedMessage(msg("m", null), 1, Long.MAX_VALUE);
    for (int i = 0; i < returns; i++) {
      e.countReturn(i < failed);
    }
    Map<String, Object> h = style.annotate(e.message(), e, noAck).properties().headers();
    StringBuilder b = new StringBuilder("{");
    if (h != null) {
      h.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v)
          .append(v instanceof Long ? "L" : ""));
    }
    assertEquals(expected, b.append('}').toString());
  }

  // ----------------------------------------------------------------------------------- single active consumer

  @Test
  void singleActive_onlyTheActiveConsumerGetsMessages_countsDependOnType() {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.ORIGINAL_POSITION,
        QueueFeatures.SingleActive.FIRST_ATTACHED, QueueFeatures.Counting.NONE, -1));
    q.addConsumer(consumer("a", 0, 0));
    q.addConsumer(consumer("b", 0, 5));
    for (int i = 0; i < 3; i++) {
      q.enqueue(msg("m" + i, null), Long.MAX_VALUE);
    }
    assertEquals(List.of("a", "a", "a"), q.deliverReady().stream().map(d -> d.consumer().handle()).toList());
    assertEquals(2, q.consumerCount(), "classic queues and LavinMQ count waiting consumers");

    QueueFeatures quorum = new QueueFeatures(QueueType.QUORUM, 0, 0, QueueFeatures.Requeue.RETURNS_FIRST,
        QueueFeatures.SingleActive.FIRST_ATTACHED, QueueFeatures.Counting.EVERY_RETURN,
        DeliveryHeaders.DELIVERY_COUNT_LONG, -1, false, false, -1, false, false, false, false);
    QueueState<String> qq = new QueueState<>(quorum);
    qq.addConsumer(consumer("a", 0, 0));
    qq.addConsumer(consumer("b", 0, 0));
    assertEquals(1, qq.consumerCount(), "a quorum queue counts only the active consumer");
  }

  @ParameterizedTest(name = "{0}: after the active one goes, {1} is active")
  @CsvSource({
      "FIRST_ATTACHED,    low",
      "HIGHEST_PRIORITY,  high",
      "PRIORITY_TAKEOVER, high",
  })
  void singleActive_failover_perRule(QueueFeatures.SingleActive rule, String next) {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.ORIGINAL_POSITION, rule,
        QueueFeatures.Counting.NONE, -1));
    q.addConsumer(consumer("first", 0, 0));
    q.addConsumer(consumer("low", 0, 1));
    q.addConsumer(consumer("high", 0, 7));
    if (rule == QueueFeatures.SingleActive.PRIORITY_TAKEOVER) {
      assertEquals("high", q.activeConsumer().handle(), "an idle active consumer gives way at once");
      q.removeConsumer("ch-high", "high");
      assertEquals("low", q.activeConsumer().handle());
      return;
    }
    assertEquals("first", q.activeConsumer().handle(), "no takeover: the first stays active");
    q.removeConsumer("ch-first", "first");
    assertEquals(next, q.activeConsumer().handle());
  }

  @Test
  void priorityTakeover_waitsUntilTheActiveConsumerSettled() {
    QueueState<String> q = new QueueState<>(features(0, 0, QueueFeatures.Requeue.RETURNS_FIRST,
        QueueFeatures.SingleActive.PRIORITY_TAKEOVER, QueueFeatures.Counting.NONE, -1));
    q.addConsumer(consumer("old", 0, 1));
    q.enqueue(msg("m1", null), Long.MAX_VALUE);
    QueueState.Delivery<String> d = q.deliverReady().get(0);
    q.addConsumer(consumer("new", 0, 3));
    q.enqueue(msg("m2", null), Long.MAX_VALUE);
    assertTrue(q.deliverReady().isEmpty(), "the active consumer quiesces: nothing new for anyone");
    assertEquals("old", q.activeConsumer().handle());
    q.ack(d.deliveryId());
    assertEquals("new", q.activeConsumer().handle());
    assertEquals(List.of("new"), q.deliverReady().stream().map(x -> x.consumer().handle()).toList());
  }

  // ---------------------------------------------------------------------------------------- consumer timeouts

  @Test
  void timeOut_takesOverdueDeliveriesBack_consumerWaitsUntilItSettlesThem() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    QueueConsumer<String> c = new QueueConsumer<>("a", "ch", "a", false, false, 0, null, false, 0, 1_000);
    q.addConsumer(c);
    q.enqueue(msg("m1", null), Long.MAX_VALUE);
    q.enqueue(msg("m2", null), Long.MAX_VALUE);
    List<QueueState.Delivery<String>> ds = q.deliverReady(0, e -> { });
    assertEquals(2, ds.size());
    assertEquals(1_000_000_000L, q.nextDeadline());
    assertTrue(q.timeOut(999_999_999L).isEmpty(), "due at the deadline, not before");

    List<QueueState.TimedOut<String>> out = q.timeOut(1_000_000_000L);
    assertEquals(1, out.size());
    assertSame(c, out.get(0).consumer());
    assertEquals(List.of(ds.get(0).deliveryId(), ds.get(1).deliveryId()), out.get(0).deliveryIds());
    assertEquals(2, q.readyCount());
    assertEquals(0, out.get(0).returned().get(0).entry().deliveryCount(), "a timeout is not a failed delivery");
    assertTrue(c.timedOut());
    assertTrue(q.deliverReady(2_000_000_000L, e -> { }).isEmpty(), "a timed-out consumer gets nothing new");
    assertEquals(Long.MAX_VALUE, q.nextDeadline());

    q.settledAfterTimeout("ch", new long[] {ds.get(0).deliveryId()});
    assertTrue(c.timedOut());
    q.settledAfterTimeout("ch", new long[] {ds.get(1).deliveryId()});
    assertFalse(c.timedOut());
    assertEquals(2, q.deliverReady(2_000_000_000L, e -> { }).size());
  }

  @Test
  void timeOut_basicGet_groupedByChannel() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    q.enqueue(msg("m1", null), Long.MAX_VALUE);
    q.get("ch", false, 0, 500);
    List<QueueState.TimedOut<String>> out = q.timeOut(500_000_000L);
    assertNull(out.get(0).consumer());
    assertEquals("ch", out.get(0).channelId());
    assertEquals(1, q.readyCount());
  }

  @Test
  void pendingDeadLetters_countForTheLengthLimit_andGoWithClear() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    QueuedMessage e = q.enqueue(msg("m1", null), Long.MAX_VALUE);
    q.holdDeadLetter(q.dropHead(), "rejected");
    q.enqueue(msg("m2", null), Long.MAX_VALUE);
    assertEquals(1, q.readyCount());
    assertEquals(2, q.lengthForLimit());
    assertEquals(4, q.bytesForLimit());
    assertEquals(List.of(e), q.pendingDeadLetters().stream().map(QueueState.PendingDeadLetter::entry).toList());
    assertEquals(2, q.clear().size());
    assertEquals(0, q.pendingDeadLetterCount());
  }

  @Test
  void removeReady_keepsLevelsAndReturnsOfTheRest() {
    QueueState<String> q = new QueueState<>(QUORUM_4);
    q.enqueue(msg("a", 9), Long.MAX_VALUE);
    q.enqueue(msg("b", null), Long.MAX_VALUE);
    q.enqueue(msg("c", 9), Long.MAX_VALUE);
    q.giveBack(q.get("ch", false).deliveryId(), Return.NACK);
    List<QueuedMessage> gone = q.removeReady(m -> m.message().msgId().equals("c"));
    assertEquals(List.of("c"), gone.stream().map(m -> m.message().msgId()).toList());
    assertEquals(List.of("a", "b"), ready(q));
    assertEquals(Arrays.asList("a", "b"), q.purge().stream().map(m -> m.message().msgId()).toList());
  }
}
