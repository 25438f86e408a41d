package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.profile.BrokerProfile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-channel order with pipelined real clients: what a channel sends leaves in the order a broker sends it,
 * by construction, not by timing. Each case runs hundreds of times on fresh connections, where a race would
 * show (before routing moved into the channel, qos-ok overtook the 404 close in about one run in five).
 */
@Timeout(180)
class ChannelOrderIT {

  private static final int RUNS = 500;

  /** Which exchange a publish is refused for, and the close code the broker must send first. */
  enum Refusal {
    MISSING_EXCHANGE("no-such-exchange", 404),
    INTERNAL_EXCHANGE("internal-x", 403);

    final String exchange;
    final int code;

    Refusal(String exchange, int code) {
      this.exchange = exchange;
      this.code = code;
    }
  }

  @ParameterizedTest
  @EnumSource(Refusal.class)
  void publishThenQos_javaClient_channelCloseAlwaysPrecedesQosOk(Refusal refusal) throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3)) {
      declareInternalExchange(b);
      List<Integer> qosFirst = new ArrayList<>();
      for (int run = 0; run < RUNS; run++) {
        try (Connection c = b.connect("order-" + run)) {
          Channel ch = c.createChannel();
          ch.basicPublish(refusal.exchange, "k", null, "x".getBytes(UTF_8)); // asynchronous: no answer
          try {
            ch.basicQos(1);
            qosFirst.add(run);
          } catch (IOException | ShutdownSignalException e) {
            // Either way the close came first: while qos waited, or before the client even sent it.
            ShutdownSignalException s = e instanceof ShutdownSignalException sse ? sse
                : (ShutdownSignalException) e.getCause();
            assertEquals(refusal.code, ((AMQP.Channel.Close) s.getReason()).getReplyCode(), s.getMessage());
          }
        }
      }
      assertEquals(List.of(), qosFirst, "runs in which basic.qos-ok overtook the channel.close");
    }
  }

  @ParameterizedTest
  @EnumSource(Refusal.class)
  void publishThenQos_pika_channelCloseAlwaysPrecedesQosOk(Refusal refusal) throws Exception {
    Pika.require();
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ)) {
      declareInternalExchange(b);
      Pika.Result r = Pika.run("channel_order.py", String.valueOf(b.port()), String.valueOf(RUNS), refusal.exchange,
          String.valueOf(refusal.code));
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(List.of("closed-first " + RUNS + " of " + RUNS), r.lines(), r.output());
    }
  }

  /**
   * A nack with requeue, then a publish into the same {@code x-max-length = 1} queue, pipelined on one
   * channel: the requeue takes effect first, so the publish pushes the requeued message out (drop-head) and
   * exactly one message, the new one, is left.
   */
  @Test
  void nackRequeueThenPublish_maxLengthQueue_requeueTakesEffectFirst() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("nack-order")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("bounded", false, false, false, Map.of("x-max-length", 1));
      for (int run = 0; run < RUNS; run++) {
        ch.basicPublish("", "bounded", null, ("old-" + run).getBytes(UTF_8));
        GetResponse old = ch.basicGet("bounded", false);
        assertNotNull(old, "run " + run);
        ch.basicNack(old.getEnvelope().getDeliveryTag(), false, true); // asynchronous
        ch.basicPublish("", "bounded", null, ("new-" + run).getBytes(UTF_8)); // asynchronous
        assertEquals(1, ch.queueDeclarePassive("bounded").getMessageCount(), "run " + run);
        GetResponse left = ch.basicGet("bounded", true);
        assertEquals("new-" + run, new String(left.getBody(), UTF_8), "run " + run);
      }
    }
  }

  /**
   * {@code basic.qos(1, global = true)} on rabbitmq-3 is a limit shared by every consumer of the channel:
   * with two consumers on two full queues (whose queue actors run on different threads) exactly one
   * message is ever unacked, and one more arrives only after the ack.
   */
  @Test
  void globalQos_twoQueuesRacingForTheLastCredit_neverExceedTheLimit() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("global-qos")) {
      Channel setup = c.createChannel();
      for (int run = 0; run < 100; run++) {
        String q1 = "g1-" + run;
        String q2 = "g2-" + run;
        setup.queueDeclare(q1, false, false, true, null);
        setup.queueDeclare(q2, false, false, true, null);
        for (int i = 0; i < 5; i++) {
          setup.basicPublish("", q1, null, "a".getBytes(UTF_8));
          setup.basicPublish("", q2, null, "b".getBytes(UTF_8));
        }
        // A declare on the publishing channel is answered behind its publishes: both queues are full now.
        assertEquals(5, setup.queueDeclarePassive(q1).getMessageCount());
        assertEquals(5, setup.queueDeclarePassive(q2).getMessageCount());
        Channel ch = c.createChannel();
        ch.basicQos(1, true);
        AtomicInteger delivered = new AtomicInteger();
        CountDownLatch cancelled = new CountDownLatch(2);
        String t1 = ch.basicConsume(q1, false, counting(ch, delivered, cancelled));
        String t2 = ch.basicConsume(q2, false, counting(ch, delivered, cancelled));
        // Each queue answers a cancel after its last delivery to that consumer, and the client dispatches
        // cancel-ok after the deliveries before it: once both are in, every delivery has been counted.
        ch.basicCancel(t1);
        ch.basicCancel(t2);
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "run " + run + ": cancel-ok not dispatched");
        assertEquals(1, delivered.get(), "run " + run + ": unacked deliveries under a global limit of 1");
        ch.close();
      }
    }
  }

  private static DefaultConsumer counting(Channel ch, AtomicInteger delivered, CountDownLatch cancelled) {
    return new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) {
        delivered.incrementAndGet();
      }

      @Override
      public void handleCancelOk(String tag) {
        cancelled.countDown();
      }
    };
  }

  private static void declareInternalExchange(WireBroker b) throws Exception {
    try (Connection c = b.connect("setup")) {
      c.createChannel().exchangeDeclare("internal-x", "topic", false, false, true, null);
    }
  }

}
