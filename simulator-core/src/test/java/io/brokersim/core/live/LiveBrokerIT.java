package io.brokersim.core.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.LiveBroker;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.profile.BrokerProfile;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LiveBrokerIT {

  @Test
  void liveBroker_publishConsumeAck_onRealThreads() throws Exception {
    try (LiveBroker broker = LiveBroker.builder().profile(BrokerProfile.RABBITMQ_3).build()) {
      SimChannel producer = broker.connect("producer").openChannel();
      SimChannel consumer = broker.connect("consumer").openChannel();
      producer.queueDeclare("live", true, false, false, null);
      int n = 2_000;
      CountDownLatch done = new CountDownLatch(n);
      AtomicInteger redelivered = new AtomicInteger();
      consumer.basicQos(50);
      consumer.basicConsume("live", false, (SimConsumer) (ch, d) -> {
        if (d.redelivered()) {
          redelivered.incrementAndGet();
        }
        ch.basicAck(d.deliveryTag(), false);
        done.countDown();
      });
      producer.confirmSelect();
      for (int i = 0; i < n; i++) {
        producer.basicPublish("", "live", "m" + i);
      }
      assertTrue(producer.waitForConfirms());
      assertTrue(done.await(30, TimeUnit.SECONDS), "all deliveries within 30 s");
      assertEquals(0, redelivered.get());
      consumer.close();
      assertEquals(0, producer.queueDeclarePassive("live").messageCount());
      broker.assertNothingLostSilently();
    }
  }

  /** Enqueue and dispatch read the clock once: a message with expiration "0" reaches a ready consumer. */
  @Test
  void zeroTtl_readyConsumer_alwaysDeliveredOnRealThreads() throws Exception {
    try (LiveBroker broker = LiveBroker.builder().profile(BrokerProfile.RABBITMQ_3).build()) {
      SimChannel producer = broker.connect("producer").openChannel();
      SimChannel consumer = broker.connect("consumer").openChannel();
      producer.queueDeclare("ttl0", true, false, false, null);
      int n = 500;
      CountDownLatch done = new CountDownLatch(n);
      consumer.basicConsume("ttl0", true, (SimConsumer) (ch, d) -> done.countDown());
      io.brokersim.core.model.BasicProperties zero =
          io.brokersim.core.model.BasicProperties.builder().expiration("0").build();
      for (int i = 0; i < n; i++) {
        producer.basicPublish("", "ttl0", false, zero, new byte[] {1});
        producer.queueDeclarePassive("ttl0"); // one at a time: the consumer is ready for each
      }
      assertTrue(done.await(30, TimeUnit.SECONDS), "delivered: " + (n - done.getCount()) + " of " + n);
      broker.assertNothingLostSilently();
    }
  }

  @Test
  void liveBroker_withoutSeed_generatesUnpredictableNames() {
    assertNotEquals(firstGeneratedQueue(LiveBroker.builder(), false), firstGeneratedQueue(LiveBroker.builder(), false));
  }

  @Test
  void liveBroker_withExplicitSeed_generatesTheSameNamesEveryRun() {
    assertEquals(firstGeneratedQueue(LiveBroker.builder().seed(7), true),
        firstGeneratedQueue(LiveBroker.builder().seed(7), true));
  }

  /** The amq.gen- name of the first server-named queue of a fresh broker's first connection. */
  private static String firstGeneratedQueue(LiveBroker.Builder builder, boolean predictable) {
    try (LiveBroker broker = builder.profile(BrokerProfile.RABBITMQ_3).build()) {
      assertEquals(predictable, broker.predictableNames());
      String name = broker.connect("app").openChannel().queueDeclare().queue();
      assertTrue(name.startsWith("amq.gen-"), name);
      return name;
    }
  }
}
