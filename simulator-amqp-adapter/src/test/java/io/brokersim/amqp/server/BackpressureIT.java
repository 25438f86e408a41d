package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A consumer that stops reading its socket. Once the connection's outbound queue passes the high
 * watermark the channel's deliveries pause, so whatever is published afterwards waits in the broker's
 * queue, not on the heap of the stalled connection; everything is delivered once the consumer reads.
 *
 * <p>The pause acts through the actors' mailboxes, so deliveries already on their way when the
 * watermark is crossed still arrive: the overshoot depends on how far the broker lags behind the
 * publisher, not on how much is published. The test measures exactly that.
 */
@Timeout(120)
class BackpressureIT {

  private static final int HIGH_WATERMARK_BYTES = 256 * 1024;
  private static final int MAX_FIRST = 5_000;
  private static final int SECOND = 3500;
  private static final int BODY_BYTES = 8 * 1024;

  @Test
  void slowNoAckConsumer_laterPublishesWaitInTheQueue() throws Exception {
    String settings = "outbound-high-watermark = " + HIGH_WATERMARK_BYTES
        + "\noutbound-low-watermark = 64 KiB\nwrite-batch-size = 64 KiB";
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3, settings);
        RawClient consumer = RawClient.connectSlow(s.port(), 32 * 1024).handshake(0)) {
      SimChannel publisher = s.probe();
      publisher.queueDeclare("flood", true, false, false, null);
      consumer.openChannel(1);
      consumer.send(1, new AmqpMethod.BasicConsume(0, "flood", "slow", false, true, false, false, Map.of()));
      consumer.expect(1, AmqpMethod.BasicConsumeOk.class);

      // Fill the socket's buffers (their size is up to the kernel) until deliveries pause: a no-ack
      // consumer that is not paused takes every message, so a queue that keeps some means the pause holds.
      int first = 0;
      int readyAfterFirst = 0;
      while (readyAfterFirst == 0) {
        assertTrue(first < MAX_FIRST, "deliveries never paused");
        publish(publisher, 200);
        first += 200;
        readyAfterFirst = settledReady(publisher);
      }
      assertTrue(s.server.peakOutboundBytes() > HIGH_WATERMARK_BYTES);
      int held = readyAfterFirst;
      long peakAfterFirst = s.server.peakOutboundBytes();

      publish(publisher, SECOND);
      TestServer.await("the second batch held back in the queue",
          () -> publisher.queueDeclarePassive("flood").messageCount() == held + SECOND);
      long peakAfterSecond = s.server.peakOutboundBytes();
      System.out.printf("slow consumer: outbound peak %d KiB after %d messages, %d KiB after %d more"
              + " (%d MiB); %d messages wait in the queue%n", peakAfterFirst / 1024, first, peakAfterSecond / 1024,
          SECOND, (long) SECOND * BODY_BYTES >> 20, readyAfterFirst + SECOND);
      assertEquals(peakAfterFirst, peakAfterSecond, "the outbound queue did not grow while the socket was stalled");

      int delivered = 0;
      while (delivered < first + SECOND) {
        Frame f = consumer.next();
        if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.BasicDeliver) {
          delivered++;
        }
      }
      assertEquals(first + SECOND, delivered);
      assertEquals(0, publisher.queueDeclarePassive("flood").messageCount());
      // No bound is asserted for the drain: when deliveries resume, the queue hands a no-ack consumer its
      // whole backlog in one dispatch (QueueState.deliverReady), so the outbound queue briefly holds it.
    }
  }

  /** The queue's ready count once it has not changed for 200 ms. */
  private static int settledReady(SimChannel publisher) throws InterruptedException {
    int last = -1;
    for (int i = 0; i < 100; i++) {
      Thread.sleep(200);
      int now = publisher.queueDeclarePassive("flood").messageCount();
      if (now == last) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the queue never settled");
  }

  private static void publish(SimChannel publisher, int n) {
    byte[] body = new byte[BODY_BYTES];
    for (int i = 0; i < n; i++) {
      publisher.basicPublish("", "flood", BasicProperties.EMPTY, body);
    }
  }
}
