package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.TraceEvent.Acked;
import io.brokersim.core.trace.TraceEvent.ChannelClosed;
import io.brokersim.core.trace.TraceEvent.ConsumerAdded;
import io.brokersim.core.trace.TraceEvent.DeadLetterHeld;
import io.brokersim.core.trace.TraceEvent.DeadLettered;
import io.brokersim.core.trace.TraceEvent.Delivered;
import io.brokersim.core.trace.TraceEvent.Discarded;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.Expired;
import io.brokersim.core.trace.TraceEvent.FaultInjected;
import io.brokersim.core.trace.TraceEvent.Published;
import io.brokersim.core.trace.TraceEvent.QueueDeleted;
import io.brokersim.core.trace.TraceEvent.QueuePurged;
import io.brokersim.core.trace.TraceEvent.Rejected;
import io.brokersim.core.trace.TraceEvent.ReplyDropped;
import io.brokersim.core.trace.TraceEvent.ReplyRouted;
import io.brokersim.core.trace.TraceEvent.Requeued;
import io.brokersim.core.trace.TraceEvent.Returned;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FateLedgerTest {

  private static final String P = "conn-1/ch-1";
  private static final String C = "conn-2/ch-1";
  private static final String REPLY_NAME = "amq.rabbitmq.reply-to.g1";

  private final AtomicLong nanos = new AtomicLong();
  private final FateLedger ledger = FateLedger.create();
  private final MemorySink memory = new MemorySink();
  private final Trace trace = Trace.create(nanos::get, memory, ledger);

  private FateLedgerTest at(long millis) {
    nanos.set(millis * 1_000_000L);
    return this;
  }

  private FateLedgerTest r(TraceEvent... events) {
    for (TraceEvent e : events) {
      trace.record(e);
    }
    return this;
  }

  private FateLedgerTest publish(String msgId, String exchange, String key, boolean mandatory) {
    return r(new Published(msgId, P, exchange, key, mandatory, false, null, null, null, 3));
  }

  /** Publishes {@code msgId} to the default exchange and enqueues it in {@code queue}. */
  private FateLedgerTest enqueue(String msgId, String queue) {
    return publish(msgId, "", queue, false).r(new Routed(msgId, "", queue, List.of(queue)),
        new Enqueued(msgId, queue, 1));
  }

  private FateLedgerTest deliver(String msgId, String queue, long tag) {
    return r(new Delivered(msgId, queue, C, "ctag-1", tag, false, false));
  }

  private Fate fate(String msgId, String queue) {
    MessageFate.Copy copy = ledger.fateOf(msgId).orElseThrow().copies().stream()
        .filter(c -> queue == null ? c.queue() == null : queue.equals(c.queue()))
        .findFirst().orElseThrow();
    assertEquals(CopyState.SETTLED, copy.state(), copy.toString());
    return copy.fate();
  }

  // ----------------------------------------------------------------------------- one test per fate

  @Test
  void fate_deliveredThenAcked_isAcknowledged() {
    enqueue("m1", "q").at(100).deliver("m1", "q", 1).at(150).r(new Acked("m1", "q", C, 1));
    Fate f = fate("m1", "q");
    assertEquals(Fate.Kind.ACKNOWLEDGED, f.kind());
    assertEquals(C, f.channel());
    assertEquals(150_000_000L, f.virtualNanos());
    assertTrue(ledger.explain("m1").contains(
        "Message m1 in queue 'q' was acknowledged on channel conn-2/ch-1 at t=0.150s (delivery tag 1, "
            + "consumer 'ctag-1')"), ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void fate_autoAckDelivery_isAutoAcked() {
    enqueue("m1", "q").r(new Delivered("m1", "q", C, null, 1, false, true));
    assertEquals(Fate.Kind.AUTO_ACKED, fate("m1", "q").kind());
    assertTrue(ledger.explain("m1").contains("automatic acknowledgement to basic.get on channel conn-2/ch-1"));
  }

  @Test
  void fate_unroutableMandatory_isReturnedWithCode() {
    publish("m1", "x", "nowhere", true).r(new Routed("m1", "x", "nowhere", List.of()))
        .at(2).r(new Returned("m1", P, 312, "NO_ROUTE"));
    Fate f = fate("m1", null);
    assertEquals(Fate.Kind.RETURNED, f.kind());
    assertEquals(312, f.code());
    assertEquals(312, ledger.fateOf("m1").orElseThrow().returnCode());
    assertTrue(ledger.explain("m1").startsWith("Message m1 was returned to the publisher on channel conn-1/ch-1 "
        + "at t=0.002s with 312 NO_ROUTE: no queue matched routing key 'nowhere' on exchange 'x'."),
        ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void fate_unroutableMandatoryWithoutReturn_isReportedAsLost() {
    publish("m1", "x", "nowhere", true).r(new Routed("m1", "x", "nowhere", List.of()));
    LostMessageException e = assertThrows(LostMessageException.class, ledger::assertNothingLostSilently);
    assertTrue(e.getMessage().contains("matched no queue at t=0.000s and was published mandatory, yet no "
        + "basic.return was recorded"), e.getMessage());
  }

  @Test
  void fate_unroutableNotMandatory_isDroppedUnroutable_andNamesTheDeletedQueue() {
    r(new QueueDeleted("amq.gen-cb", "exclusive-owner-closed", 0));
    at(500).publish("m1", "", "amq.gen-cb", false).r(new Routed("m1", "", "amq.gen-cb", List.of()),
        new Discarded("m1", null, Discarded.CAUSE_UNROUTABLE, null));
    assertEquals(Fate.Kind.DROPPED_UNROUTABLE, fate("m1", null).kind());
    assertTrue(ledger.explain("m1").contains("was dropped as unroutable at t=0.500s: no queue matched routing key "
        + "'amq.gen-cb' on the default exchange and it was not mandatory (queue 'amq.gen-cb' was deleted at "
        + "t=0.000s, reason exclusive-owner-closed)"), ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void fate_faultDropBeforeRouting_isDroppedByFaultNamingRule() {
    publish("m1", "", "q", false)
        .r(new FaultInjected("lose-publish", "drop", P, "m1", null),
            new Discarded("m1", null, Discarded.CAUSE_FAULT, "lose-publish"));
    Fate f = fate("m1", null);
    assertEquals(Fate.Kind.DROPPED_BY_FAULT, f.kind());
    assertEquals("lose-publish", f.detail());
    assertTrue(ledger.explain("m1").contains("by fault rule 'lose-publish' (drop at 'conn-1/ch-1')"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void fate_ttlWithoutDeadLetterExchange_isExpired() {
    enqueue("m1", "q").at(30_000).r(new Expired("m1", "q"));
    assertEquals(Fate.Kind.EXPIRED, fate("m1", "q").kind());
    assertTrue(ledger.explain("m1").contains("expired at t=30.000s and was discarded, as queue 'q' has no "
        + "dead-letter exchange (never delivered)"), ledger.explain("m1"));
  }

  @Test
  void fate_purge_settlesReadyCopiesOnly() {
    enqueue("m1", "q").enqueue("m2", "q").deliver("m2", "q", 1).r(new QueuePurged("q", 1));
    assertEquals(Fate.Kind.PURGED, fate("m1", "q").kind());
    assertEquals(CopyState.LIVE_UNACKED, ledger.fateOf("m2").orElseThrow().onlyCopy().state());
    assertEquals(List.of(), ledger.anomalies());
  }

  @Test
  void fate_queueDeleted_settlesReadyAndUnacked_andToleratesLateAck() {
    enqueue("m1", "q").enqueue("m2", "q").deliver("m2", "q", 7)
        .at(40).r(new QueueDeleted("q", "client", 2)).at(41).r(new Acked("m2", "q", C, 7));
    assertEquals(Fate.Kind.DELETED_WITH_QUEUE, fate("m1", "q").kind());
    assertEquals(Fate.Kind.DELETED_WITH_QUEUE, fate("m2", "q").kind());
    assertEquals("client", fate("m2", "q").detail());
    assertTrue(ledger.explain("m1").contains("was discarded at t=0.040s when queue 'q' was deleted (reason client)"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void queueDeleted_perCopyDiscardsThenSummary_andLateArrival_settleWithoutAnomaly() {
    enqueue("m1", "q").enqueue("m2", "q").deliver("m2", "q", 1)
        .publish("m3", "", "q", false).r(new Routed("m3", "", "q", List.of("q")))
        .at(7).r(new Discarded("m1", "q", Discarded.CAUSE_QUEUE_DELETED, "client"),
            new Discarded("m2", "q", Discarded.CAUSE_QUEUE_DELETED, "client"),
            new QueueDeleted("q", "client", 2))
        .at(8).r(new Discarded("m3", "q", Discarded.CAUSE_QUEUE_DELETED, "routed to queue 'q' while it was deleted"));
    assertEquals(Fate.Kind.DELETED_WITH_QUEUE, fate("m1", "q").kind());
    assertEquals(Fate.Kind.DELETED_WITH_QUEUE, fate("m3", "q").kind());
    assertEquals(List.of(), ledger.anomalies());
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void purge_perCopyDiscardsThenSummary_countsBoth() {
    enqueue("m1", "q").enqueue("m2", "q")
        .r(new Discarded("m1", "q", Discarded.CAUSE_PURGED, "queue.purge"), new QueuePurged("q", 2));
    assertEquals(Fate.Kind.PURGED, fate("m1", "q").kind());
    assertEquals(Fate.Kind.PURGED, fate("m2", "q").kind());
    assertEquals(List.of(), ledger.anomalies());
  }

  @Test
  void fate_noAckDeliveryReachingClosedChannel_isDroppedConsumerGone() {
    enqueue("m1", "q").enqueue("m2", "q").at(3).r(new ChannelClosed(C, 200, "bye", 0, 0, "client"),
        new Discarded("m1", "q", Discarded.CAUSE_CONSUMER_GONE, "no-ack delivery reached a closed channel"),
        new Requeued("m2", "q", "channel-closed"));
    assertEquals(Fate.Kind.DROPPED_CONSUMER_GONE, fate("m1", "q").kind());
    assertTrue(ledger.explain("m1").contains("was lost at t=0.003s: it was delivered without acknowledgement"));
    assertEquals(List.of(), ledger.anomalies());
    ledger.assertNothingLostSilently(Set.of("m2@q"));
  }

  @Test
  void assertNothingLost_unroutableWithoutDiscard_throws() {
    publish("m1", "x", "k", false).r(new Routed("m1", "x", "k", List.of()));
    LostMessageException e = assertThrows(LostMessageException.class, ledger::assertNothingLostSilently);
    assertTrue(e.getMessage().contains("Message m1 matched no queue at t=0.000s, yet no Discarded (unroutable) "
        + "was recorded"), e.getMessage());
  }

  @Test
  void queueDeleted_countDiffersFromLedger_isAnomaly() {
    enqueue("m1", "q").r(new QueueDeleted("q", "client", 3));
    assertTrue(ledger.anomalies().get(0).contains(
        "queue 'q' was deleted reporting 3 messages discarded, but the ledger held 1 live copies in it"));
  }

  @Test
  void fate_nackWithoutRequeueOrDeadLetterExchange_isDiscardedRejected() {
    enqueue("m1", "q").deliver("m1", "q", 1)
        .r(new Rejected("m1", "q", C, 1, false, "basic.nack"),
            new Discarded("m1", "q", Discarded.CAUSE_REJECTED_NO_DLX, "basic.nack with requeue=false"));
    Fate f = fate("m1", "q");
    assertEquals(Fate.Kind.DISCARDED_REJECTED, f.kind());
    assertEquals("basic.nack", f.detail());
    assertTrue(ledger.explain("m1").contains("was rejected with basic.nack (requeue=false) on channel conn-2/ch-1"));
  }

  @Test
  void fate_lengthLimitRejectPublish_isDroppedOverflow() {
    publish("m1", "", "q", false).r(new Routed("m1", "", "q", List.of("q")),
        new Discarded("m1", "q", Discarded.CAUSE_OVERFLOW, "x-overflow reject-publish"));
    assertEquals(Fate.Kind.DROPPED_OVERFLOW, fate("m1", "q").kind());
    assertTrue(ledger.explain("m1").contains("because queue 'q' was full (x-overflow reject-publish)"));
  }

  @Test
  void fate_directReplyDelivered_isDeliveredReply() {
    directRequest("r-1");
    at(200).r(new Published("c2#1", C, "", REPLY_NAME, false, false, "r-1", null, null, 2),
        new ReplyRouted("c2#1", REPLY_NAME, P),
        new Delivered("c2#1", TraceEvent.replyQueue(REPLY_NAME), P, "amq.ctag-r", 1, false, true),
        new Acked("c1#1", "rpc", C, 1));
    Fate f = fate("c2#1", TraceEvent.replyQueue(REPLY_NAME));
    assertEquals(Fate.Kind.DELIVERED_REPLY, f.kind());
    assertEquals(P, f.channel());
    assertTrue(ledger.explainReplyFor("r-1").startsWith("Reply c2#1 (correlation_id 'r-1') to " + REPLY_NAME
        + " was delivered to the requester on channel conn-1/ch-1 at t=0.200s."), ledger.explainReplyFor("r-1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void directReply_mandatoryDeliveredAndReturned_keepsDeliveryAsFate_andRecordsTheReturn() {
    // RabbitMQ <= 4.1: a mandatory reply is delivered AND returned 312, because the reply name is no queue.
    directRequest("r-2");
    at(200).r(new Published("c2#1", C, "", REPLY_NAME, true, false, "r-2", null, null, 2),
        new ReplyRouted("c2#1", REPLY_NAME, P),
        new Delivered("c2#1", TraceEvent.replyQueue(REPLY_NAME), P, "amq.ctag-r", 1, false, true),
        new Returned("c2#1", C, 312, "NO_ROUTE"));
    assertEquals(Fate.Kind.DELIVERED_REPLY, fate("c2#1", TraceEvent.replyQueue(REPLY_NAME)).kind());
    assertEquals(312, ledger.fateOf("c2#1").orElseThrow().returnCode());
    assertTrue(ledger.explain("c2#1").contains("The publisher also got basic.return 312 NO_ROUTE at t=0.200s."),
        ledger.explain("c2#1"));
    assertEquals(List.of(), ledger.anomalies());
  }

  /** A requester on P consumes the reply pseudo-queue and sends request c1#1; a responder on C takes it. */
  private void directRequest(String correlationId) {
    r(new ConsumerAdded("amq.rabbitmq.reply-to", P, "amq.ctag-r", true, 0),
        new Published("c1#1", P, "", "rpc", false, false, correlationId, REPLY_NAME, null, 3),
        new Routed("c1#1", "", "rpc", List.of("rpc")),
        new Enqueued("c1#1", "rpc", 1));
    at(100).r(new Delivered("c1#1", "rpc", C, "ctag-s", 1, false, false));
  }

  @Test
  void fate_replyAfterRequesterChannelClosedByFault_isReplyDropped_explainedWithChannelTimeAndRule() {
    directRequest("r-7");
    at(1_200).r(new FaultInjected("dead-reply-channel", "close-channel", P, null, null),
        new ChannelClosed(P, 320, "CONNECTION_FORCED - fault", 0, 0, "fault"));
    at(1_250).r(new Published("conn-2/ch-1#4", C, "", REPLY_NAME, false, false, "r-7", null, null, 2),
        new ReplyDropped("conn-2/ch-1#4", REPLY_NAME, ReplyDropped.REASON_CHANNEL_CLOSED),
        new Acked("c1#1", "rpc", C, 1));
    Fate f = fate("conn-2/ch-1#4", TraceEvent.replyQueue(REPLY_NAME));
    assertEquals(Fate.Kind.REPLY_DROPPED, f.kind());
    assertEquals(P, f.channel());
    String why = ledger.explainReplyFor("r-7");
    assertTrue(why.startsWith("Reply conn-2/ch-1#4 (correlation_id 'r-7') to amq.rabbitmq.reply-to.g1 was dropped "
        + "at t=1.250s: the requester's channel conn-1/ch-1 was closed at t=1.200s with 320 "
        + "'CONNECTION_FORCED - fault' (fault rule 'dead-reply-channel')."), why);
    assertEquals(2, ledger.byCorrelationId("r-7").size());
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void explainReplyFor_noReplyPublished_explainsTheRequest() {
    directRequest("r-9");
    at(30_100).r(new Requeued("c1#1", "rpc", "channel-closed")).at(30_200).r(new Expired("c1#1", "rpc"));
    String why = ledger.explainReplyFor("r-9");
    assertTrue(why.startsWith("No reply with correlation_id 'r-9' was published. The request:\n"
        + "Message c1#1 (correlation_id 'r-9') in queue 'rpc' expired at t=30.200s"), why);
    assertTrue(why.contains("reply_to '" + REPLY_NAME + "'"), why);
    assertEquals("No message with correlation_id 'nope' was published.", ledger.explainReplyFor("nope"));
  }

  // ---------------------------------------------------------------------------------- dead letters

  @Test
  void deadLetter_isLinkedBothWays_andNewMessageHasItsOwnFate() {
    enqueue("m1", "work").deliver("m1", "work", 1)
        .at(10).r(new Rejected("m1", "work", C, 1, false, "basic.reject"),
            new DeadLettered("m1", "work", "rejected", "m1~dl1", "dlx"),
            new Routed("m1~dl1", "dlx", "work", List.of("parking")),
            new Enqueued("m1~dl1", "parking", 1));

    Fate original = fate("m1", "work");
    assertEquals(Fate.Kind.DEAD_LETTERED, original.kind());
    assertEquals("m1~dl1", original.detail());
    assertEquals(List.of("m1~dl1"), ledger.fateOf("m1").orElseThrow().derived());

    MessageFate dead = ledger.fateOf("m1~dl1").orElseThrow();
    assertEquals(new MessageFate.Origin("m1", MessageFate.Origin.DEAD_LETTERED, "work", "rejected"), dead.origin());
    assertEquals("dlx", dead.exchange());
    assertEquals(CopyState.LIVE_READY, dead.copy("parking").orElseThrow().state());

    assertTrue(ledger.explain("m1").contains("was dead-lettered at t=0.010s (reason rejected) to exchange 'dlx' "
        + "as message m1~dl1, which in queue 'parking' is still ready"), ledger.explain("m1"));
    assertTrue(ledger.explain("m1~dl1").contains("It is the dead letter of m1 from queue 'work' (reason rejected)"));
    ledger.assertNothingLostSilently(Set.of("m1~dl1@parking"));
  }

  @Test
  void fate_passedTheDeliveryLimitWithoutDlx_isDroppedDeliveryLimit_explained() {
    enqueue("m1", "q").at(10).deliver("m1", "q", 1).at(20)
        .r(new Rejected("m1", "q", C, 1, true, "basic.reject"),
            new Discarded("m1", "q", Discarded.CAUSE_DELIVERY_LIMIT, "delivered 1 times, 1 of them failed"));
    assertEquals(Fate.Kind.DROPPED_DELIVERY_LIMIT, fate("m1", "q").kind());
    assertTrue(ledger.explain("m1").contains("passed the delivery limit of queue 'q'"), ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void deadLetterHeld_isHeldByItsQueue_thenDeadLettered_withTheDeliveryCount() {
    enqueue("m1", "q").at(10).deliver("m1", "q", 1).at(20)
        .r(new Rejected("m1", "q", C, 1, false, "basic.reject"),
            new DeadLetterHeld("m1", "q", "rejected", "dead-letter exchange 'dlx' does not exist"));
    MessageFate held = ledger.fateOf("m1").orElseThrow();
    assertEquals(CopyState.DEAD_LETTER_HELD, held.onlyCopy().state());
    assertTrue(ledger.explain("m1").contains("is held by queue 'q' as a dead letter (reason rejected"),
        ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of("m1@q"));
    assertThrows(LostMessageException.class, () -> ledger.assertNothingLostSilently(Set.of()));

    at(180_020).r(new DeadLettered("m1", "q", "rejected", "m1~dl1", "dlx"),
        new Routed("m1~dl1", "dlx", "k", List.of("dead")), new Enqueued("m1~dl1", "dead", 1));
    assertEquals(Fate.Kind.DEAD_LETTERED, fate("m1", "q").kind());
    ledger.assertNothingLostSilently(Set.of("m1~dl1@dead"));
  }

  @Test
  void deadLetteredForDeliveryLimit_saysAfterHowManyDeliveries_andAckNamesTheLastRequeue() {
    enqueue("m1", "q").at(10).deliver("m1", "q", 1).r(new Requeued("m1", "q", "consumer-timeout"))
        .at(20).r(new Delivered("m1", "q", C, "ctag-1", 2, true, false), new Acked("m1", "q", C, 2));
    assertTrue(ledger.explain("m1").contains("after 2 deliveries; last requeued at t=0.010s (consumer-timeout)"),
        ledger.explain("m1"));
    enqueue("m2", "q").deliver("m2", "q", 3).r(new Requeued("m2", "q", "basic.reject")).deliver("m2", "q", 4)
        .r(new DeadLettered("m2", "q", "delivery_limit", "m2~dl1", "dlx"), new Routed("m2~dl1", "dlx", "k", List.of()),
            new Discarded("m2~dl1", null, Discarded.CAUSE_UNROUTABLE, "no binding"));
    assertTrue(ledger.explain("m2").contains("(reason delivery_limit, after 2 deliveries)"), ledger.explain("m2"));
  }

  @Test
  void deadLetter_toMissingExchange_isDroppedUnroutableWithDetail() {
    enqueue("m1", "q").r(new DeadLettered("m1", "q", "expired", "m1~dl1", "gone"),
        new Discarded("m1~dl1", null, Discarded.CAUSE_UNROUTABLE, "dead-letter exchange 'gone' does not exist"));
    assertEquals(Fate.Kind.DROPPED_UNROUTABLE, fate("m1~dl1", null).kind());
    assertTrue(ledger.explain("m1").contains("which was dropped as unroutable at t=0.000s: dead-letter exchange "
        + "'gone' does not exist"), ledger.explain("m1"));
    ledger.assertNothingLostSilently(Set.of());
  }

  @Test
  void fanout_toThreeQueues_mixedFates_eachCopyEndsOnItsOwn() {
    publish("m1", "fan", "", false).r(new Routed("m1", "fan", "", List.of("a", "b", "c")),
        new Enqueued("m1", "a", 1), new Enqueued("m1", "b", 1), new Enqueued("m1", "c", 1));
    at(5).deliver("m1", "a", 1).r(new Acked("m1", "a", C, 1));
    at(60_000).r(new Expired("m1", "b"), new DeadLettered("m1", "c", "expired", "m1~dl1", "dlx"),
        new Routed("m1~dl1", "dlx", "", List.of("dlq")), new Enqueued("m1~dl1", "dlq", 1));

    MessageFate m = ledger.fateOf("m1").orElseThrow();
    assertEquals(List.of("a", "b", "c"), m.copies().stream().map(MessageFate.Copy::queue).toList());
    assertEquals(Fate.Kind.ACKNOWLEDGED, fate("m1", "a").kind());
    assertEquals(Fate.Kind.EXPIRED, fate("m1", "b").kind());
    assertEquals(Fate.Kind.DEAD_LETTERED, fate("m1", "c").kind());
    assertTrue(m.settled());
    assertEquals(List.of("m1~dl1"), ledger.stillLive().stream().map(MessageFate::msgId).toList());
    assertEquals(3, ledger.explain("m1").lines().filter(l -> l.startsWith("Message m1 in queue")).count());
    ledger.assertNothingLostSilently(Set.of("m1~dl1@dlq"));
  }

  // ----------------------------------------------------------------------- nothing lost silently

  @Test
  void assertNothingLost_copyVanishedWithoutEvent_throwsNamingTheCopy() {
    enqueue("m1", "q").enqueue("m2", "q").deliver("m2", "q", 1);
    LostMessageException e = assertThrows(LostMessageException.class,
        () -> ledger.assertNothingLostSilently(Set.of("m2@q")));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).startsWith("Message m1 in queue 'q' is still ready (enqueued at "
        + "t=0.000s), but the broker does not hold it: it vanished without an event."), e.getMessage());
  }

  @Test
  void assertNothingLost_cleanRun_passes() {
    enqueue("m1", "q").deliver("m1", "q", 1).r(new Acked("m1", "q", C, 1));
    enqueue("m2", "q").deliver("m2", "q", 2).r(new ChannelClosed(C, 200, "Goodbye", 0, 0, "client"),
        new Requeued("m2", "q", "channel-closed"));
    ledger.assertNothingLostSilently(Set.of("m2@q"));
    ledger.assertNothingLostSilently();
    assertEquals(List.of("m2"), ledger.stillLive().stream().map(MessageFate::msgId).toList());
  }

  @Test
  void assertNothingLost_publishWithoutRoutingResult_throws() {
    publish("m1", "x", "k", false);
    LostMessageException e = assertThrows(LostMessageException.class, ledger::assertNothingLostSilently);
    assertTrue(e.getMessage().contains("Message m1 has no routing result"), e.getMessage());
  }

  @Test
  void assertNothingLost_copyRoutedButNeverEnqueued_throws() {
    publish("m1", "", "q", false).r(new Routed("m1", "", "q", List.of("q")));
    LostMessageException e = assertThrows(LostMessageException.class,
        () -> ledger.assertNothingLostSilently(Set.of()));
    assertTrue(e.getMessage().contains("Message m1 in queue 'q' was routed at t=0.000s but never reached the queue"),
        e.getMessage());
  }

  @Test
  void assertNothingLost_secondTerminalFate_throws() {
    enqueue("m1", "q").r(new Delivered("m1", "q", C, "ctag-1", 1, false, true), new Expired("m1", "q"));
    LostMessageException e = assertThrows(LostMessageException.class, ledger::assertNothingLostSilently);
    assertTrue(e.getMessage().contains("m1@q got 'expired' after its fate AUTO_ACKED at t=0.000s"), e.getMessage());
    assertEquals(Fate.Kind.AUTO_ACKED, fate("m1", "q").kind());
  }

  @Test
  void assertNothingLost_brokerHoldsSettledOrUnknownCopy_throws() {
    enqueue("m1", "q").deliver("m1", "q", 1).r(new Acked("m1", "q", C, 1));
    LostMessageException e = assertThrows(LostMessageException.class,
        () -> ledger.assertNothingLostSilently(Set.of("m1@q", "ghost@q", "m1@other")));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("The broker holds m1@q, but the ledger recorded its fate: was acknowledged"));
    assertTrue(e.getMessage().contains("The broker holds ghost@q, but message ghost was never published"));
    assertTrue(e.getMessage().contains("The broker holds m1@other, but the ledger never saw m1 reach queue 'other'"));
  }

  @Test
  void assertNothingLost_unackedOnClosedChannelWithoutRequeue_throws() {
    enqueue("m1", "q").deliver("m1", "q", 1).at(9).r(new ChannelClosed(C, 406, "PRECONDITION_FAILED", 60, 80, "server"));
    LostMessageException e = assertThrows(LostMessageException.class, ledger::assertNothingLostSilently);
    assertTrue(e.getMessage().contains("m1@q is still unacked on conn-2/ch-1, which closed at t=0.009s"), e.getMessage());
  }

  @Test
  void events_forUnknownMessageOrAckOfUndeliveredCopy_areAnomalies() {
    r(new Enqueued("stray", "q", 1));
    enqueue("m1", "q").r(new Acked("m1", "q", C, 5));
    List<String> anomalies = ledger.anomalies();
    assertEquals(2, anomalies.size(), anomalies.toString());
    assertTrue(anomalies.get(0).contains("'enqueued' for stray, which was never published"));
    assertTrue(anomalies.get(1).contains("m1@q was acked on conn-2/ch-1 while LIVE_READY"));
  }

  // ------------------------------------------------------------------------------ other journeys

  @Test
  void redelivery_afterRequeue_countsDeliveries() {
    enqueue("m1", "q").deliver("m1", "q", 1).at(5).r(new Requeued("m1", "q", "channel-closed"))
        .r(new Delivered("m1", "q", C, "ctag-2", 1, true, false)).r(new Acked("m1", "q", C, 1));
    assertEquals(2, ledger.fateOf("m1").orElseThrow().onlyCopy().deliveries());
    assertTrue(ledger.explain("m1").contains("consumer 'ctag-2', after 2 deliveries"), ledger.explain("m1"));
  }

  @Test
  void recoverWithoutRequeue_redeliversUnackedOnSameChannel_withoutAnomaly() {
    enqueue("m1", "q").deliver("m1", "q", 1)
        .r(new Delivered("m1", "q", C, "ctag-1", 2, true, false), new Acked("m1", "q", C, 2));
    assertEquals(List.of(), ledger.anomalies());
    r(new Delivered("m1", "q", "conn-9/ch-1", "ctag-9", 1, true, false));
    assertTrue(ledger.anomalies().get(0).contains("m1@q got 'delivered' after its fate ACKNOWLEDGED"));
  }

  @Test
  void delivered_whileUnackedOnAnotherChannel_isAnomaly() {
    enqueue("m1", "q").deliver("m1", "q", 1).r(new Delivered("m1", "q", "conn-9/ch-1", "ctag-9", 1, false, false));
    assertTrue(ledger.anomalies().get(0).contains("m1@q was delivered again while LIVE_UNACKED on conn-2/ch-1"),
        ledger.anomalies().toString());
  }

  @Test
  void faultDuplicate_createsLinkedMessage_thatMayEnqueueWithoutRouting() {
    publish("m1", "", "q", false).r(new Routed("m1", "", "q", List.of("q")),
        new FaultInjected("twice", FaultInjected.ACTION_DUPLICATE, "q", "m1", "m1~dup1"),
        new Enqueued("m1", "q", 1), new Enqueued("m1~dup1", "q", 2));
    MessageFate dup = ledger.fateOf("m1~dup1").orElseThrow();
    assertEquals(new MessageFate.Origin("m1", MessageFate.Origin.DUPLICATED, "q", "twice"), dup.origin());
    assertEquals(List.of("m1~dup1"), ledger.fateOf("m1").orElseThrow().derived());
    assertEquals(List.of(), ledger.anomalies());
    ledger.assertNothingLostSilently(Set.of("m1@q", "m1~dup1@q"));
    assertTrue(ledger.explain("m1~dup1").contains("It is a duplicate of m1 made at t=0.000s by fault rule 'twice'"));
  }

  @Test
  void replay_ofRecordedTrace_givesSameFates() {
    enqueue("m1", "q").deliver("m1", "q", 1).r(new Acked("m1", "q", C, 1));
    publish("m2", "x", "k", true).r(new Routed("m2", "x", "k", List.of()), new Returned("m2", P, 312, "NO_ROUTE"));
    FateLedger replayed = FateLedger.replay(memory.records());
    assertEquals(ledger.all(), replayed.all());
    assertEquals(ledger.explain("m2"), replayed.explain("m2"));
    assertNull(replayed.fateOf("nope").orElse(null));
  }
}
