package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

  private static OutboundQueue.Entry entry(int channel, int size) {
    return new OutboundQueue.Entry(channel, OutboundQueue.Kind.DATA, ByteString.fromArray(new byte[size]));
  }

  @Test
  void offer_wakesOnlyWhenNoWakeIsPending() {
    OutboundQueue q = new OutboundQueue();
    assertTrue(q.offer(entry(1, 10)));
    assertFalse(q.offer(entry(1, 10)));
    q.woken();
    assertTrue(q.offer(entry(2, 10)));
  }

  @Test
  void countsQueuedAndPeakOctets() {
    OutboundQueue q = new OutboundQueue();
    q.offer(entry(1, 100));
    q.offer(entry(1, 50));
    assertEquals(150, q.queuedBytes());
    assertEquals(100, q.poll().size());
    assertEquals(50, q.queuedBytes());
    assertEquals(150, q.peakBytes());
    q.poll();
    assertTrue(q.isEmpty());
    assertEquals(0, q.queuedBytes());
  }

  @Test
  void manyProducers_keepEachProducersOrder() throws Exception {
    OutboundQueue q = new OutboundQueue();
    int producers = 4;
    int each = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      int channel = p + 1;
      threads[p] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < each; i++) {
          q.offer(new OutboundQueue.Entry(channel, OutboundQueue.Kind.DATA, ByteString.fromArray(java.nio.ByteBuffer.allocate(4).putInt(i).array())));
        }
      });
      threads[p].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
    int[] next = new int[producers + 1];
    AtomicInteger total = new AtomicInteger();
    OutboundQueue.Entry e;
    while ((e = q.poll()) != null) {
      int value = e.bytes().asByteBuffer().getInt();
      assertEquals(next[e.channel()]++, value, "order of channel " + e.channel());
      total.incrementAndGet();
    }
    assertEquals(producers * each, total.get());
  }
}
