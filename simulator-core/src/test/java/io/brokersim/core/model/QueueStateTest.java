package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueueStateTest {

  private static Message msg(String id) {
    return new Message(id, "", "q", BasicProperties.EMPTY, id.getBytes());
  }

  private static List<String> ids(List<QueueState.Delivery<String>> ds) {
    return ds.stream().map(d -> d.entry().message().msgId()).toList();
  }

  @Test
  void deliverReady_twoConsumers_roundRobin() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("a", "ch-a", "ta", false, false, 0));
    q.addConsumer(new QueueConsumer<>("b", "ch-b", "tb", false, false, 0));
    for (int i = 1; i <= 4; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    List<QueueState.Delivery<String>> ds = q.deliverReady();
    assertEquals(List.of("a", "b", "a", "b"), ds.stream().map(d -> d.consumer().handle()).toList());
    assertEquals(List.of("m1", "m2", "m3", "m4"), ids(ds));
    assertEquals(4, q.unackedCount());
    assertEquals(0, q.readyCount());
  }

  @Test
  void deliverReady_prefetchReached_stopsUntilAck() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("a", "ch", "t", false, false, 2));
    for (int i = 1; i <= 3; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    List<QueueState.Delivery<String>> first = q.deliverReady();
    assertEquals(List.of("m1", "m2"), ids(first));
    assertEquals(1, q.readyCount());
    q.ack(first.get(0).deliveryId());
    assertEquals(List.of("m3"), ids(q.deliverReady()));
  }

  @Test
  void deliverReady_noAckConsumer_ignoresPrefetchAndTracksNothing() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("a", "ch", "t", true, false, 1));
    for (int i = 1; i <= 3; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    assertEquals(3, q.deliverReady().size());
    assertEquals(0, q.unackedCount());
  }

  @Test
  void requeue_middleMessage_returnsToOriginalPositionRedelivered() {
    QueueState<String> q = new QueueState<>();
    for (int i = 1; i <= 3; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    QueueState.Delivery<String> d1 = q.get("ch", false);
    QueueState.Delivery<String> d2 = q.get("ch", false);
    q.giveBack(d2.deliveryId(), Return.NACK);
    q.giveBack(d1.deliveryId(), Return.NACK);
    QueueState.Delivery<String> again = q.get("ch", true);
    assertEquals("m1", again.entry().message().msgId());
    assertTrue(again.redelivered());
    assertEquals("m2", q.get("ch", true).entry().message().msgId());
    QueueState.Delivery<String> third = q.get("ch", true);
    assertEquals("m3", third.entry().message().msgId());
    assertFalse(third.redelivered());
  }

  @Test
  void requeueChannel_unackedOfThatChannelOnly_requeued() {
    QueueState<String> q = new QueueState<>();
    for (int i = 1; i <= 3; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    q.get("ch-1", false);
    q.get("ch-2", false);
    q.get("ch-1", false);
    List<QueueState.Returned> back = q.giveBackChannel("ch-1");
    assertEquals(List.of("m1", "m3"), back.stream().map(r -> r.entry().message().msgId()).toList());
    assertEquals(2, q.readyCount());
    assertEquals(1, q.unackedCount());
  }

  @Test
  void expireHead_longTtlAtHead_blocksShorterBehind() {
    QueueState<String> q = new QueueState<>();
    q.enqueue(msg("long"), 1_000);
    q.enqueue(msg("short"), 10);
    assertTrue(q.expireHead(500).isEmpty());
    List<QueuedMessage> expired = q.expireHead(1_000);
    assertEquals(List.of("long", "short"), expired.stream().map(e -> e.message().msgId()).toList());
  }

  @Test
  void ack_unknownId_returnsNull() {
    assertNull(new QueueState<String>().ack(42));
  }

  @Test
  void clear_readyAndUnacked_allReturned() {
    QueueState<String> q = new QueueState<>();
    q.enqueue(msg("m1"), Long.MAX_VALUE);
    q.enqueue(msg("m2"), Long.MAX_VALUE);
    q.get("ch", false);
    assertEquals(2, q.clear().size());
    assertEquals(0, q.readyCount());
    assertEquals(0, q.unackedCount());
  }

  @Test
  void removeConsumersOf_channel_leavesOthersAndRoundRobinValid() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("a", "ch-1", "t1", false, false, 0));
    q.addConsumer(new QueueConsumer<>("b", "ch-2", "t2", false, false, 0));
    q.enqueue(msg("m1"), Long.MAX_VALUE);
    q.deliverReady();
    assertEquals(1, q.removeConsumersOf("ch-2").size());
    q.enqueue(msg("m2"), Long.MAX_VALUE);
    assertEquals("a", q.deliverReady().get(0).consumer().handle());
    assertTrue(q.everHadConsumer());
  }

  @Test
  void setBlockedOf_channel_noDeliveriesUntilUnblocked() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("a", "ch", "t", true, false, 0));
    q.setBlockedOf("ch", true);
    q.enqueue(msg("m1"), Long.MAX_VALUE);
    assertTrue(q.deliverReady().isEmpty());
    q.setBlockedOf("ch", false);
    assertEquals(List.of("m1"), ids(q.deliverReady()));
  }

  @Test
  void deliverReady_sharedCredit_twoQueuesTakeExactlyTheLimit() {
    ChannelCredit credit = new ChannelCredit();
    credit.setLimit(1);
    QueueState<String> q1 = new QueueState<>();
    QueueState<String> q2 = new QueueState<>();
    q1.addConsumer(new QueueConsumer<>("a", "ch", "t1", false, false, 0, credit));
    q2.addConsumer(new QueueConsumer<>("b", "ch", "t2", false, false, 0, credit));
    for (int i = 1; i <= 3; i++) {
      q1.enqueue(msg("a" + i), Long.MAX_VALUE);
      q2.enqueue(msg("b" + i), Long.MAX_VALUE);
    }
    // Both queues see credit before either takes it; only one may take it.
    assertTrue(q1.hasReadyConsumer() && q2.hasReadyConsumer());
    assertEquals(1, q1.deliverReady().size() + q2.deliverReady().size());
    assertEquals(1, credit.inUse());
  }

  @Test
  void deliverReady_rabbitmq3SharedCreditReached_holdsBackNoAckConsumersToo() {
    ChannelCredit credit = new ChannelCredit();
    credit.setLimit(1);
    credit.tryAcquire(); // the channel already holds one unacked message
    QueueState<String> blocked = new QueueState<>();
    blocked.addConsumer(new QueueConsumer<>("a", "ch", "t", true, false, 0, credit, true));
    QueueState<String> free = new QueueState<>();
    free.addConsumer(new QueueConsumer<>("b", "ch", "u", true, false, 0, credit, false));
    blocked.enqueue(msg("m1"), Long.MAX_VALUE);
    free.enqueue(msg("m2"), Long.MAX_VALUE);

    assertEquals(List.of(), blocked.deliverReady());
    assertEquals(List.of("m2"), ids(free.deliverReady()));
    assertEquals(1, credit.inUse(), "no-ack deliveries never count against the limit");
    credit.release(1);
    assertEquals(List.of(), blocked.deliverReady(), "parked until the channel says the credit has room");
    blocked.creditAvailable("ch");
    assertEquals(List.of("m1"), ids(blocked.deliverReady()));
  }

  @Test
  void deliverReady_consumerPriorities_highestWithCapacityFirst_roundRobinWithinALevel() {
    QueueState<String> q = new QueueState<>();
    q.addConsumer(new QueueConsumer<>("low", "ch", "l", false, false, 0, null, false, 0));
    q.addConsumer(new QueueConsumer<>("high1", "ch", "h1", false, false, 1, null, false, 10));
    q.addConsumer(new QueueConsumer<>("high2", "ch", "h2", false, false, 1, null, false, 10));
    for (int i = 1; i <= 5; i++) {
      q.enqueue(msg("m" + i), Long.MAX_VALUE);
    }
    List<QueueState.Delivery<String>> ds = q.deliverReady();
    // Both high-priority consumers take one each (prefetch 1), then the low one gets the rest.
    assertEquals(List.of("high1", "high2", "low", "low", "low"), ds.stream().map(d -> d.consumer().handle()).toList());
    q.ack(ds.get(0).deliveryId());
    q.enqueue(msg("m6"), Long.MAX_VALUE);
    assertEquals(List.of("high1"), q.deliverReady().stream().map(d -> d.consumer().handle()).toList());
  }
}
