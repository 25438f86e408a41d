package io.brokersim.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.MessageFate;
import io.brokersim.scenarios.junit.LiveServer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * Spring AMQP after channel errors: the caching connection factory replaces a closed channel with a new one of the
 * same number, and the listener container restarts its consumer on it. Each is a new channel for the broker, so
 * message ids never collide, every restarted consumer gets a new generated tag (as RabbitMQ gives), and the ledger
 * balances.
 */
@SpringBootTest(classes = SpringChannelErrorIT.App.class)
@AutoConfigureBrokersim(profile = "rabbitmq-4")
class SpringChannelErrorIT {

  static final List<String> CONSUMER_TAGS = new CopyOnWriteArrayList<>();
  static final CountDownLatch ACKED = new CountDownLatch(2);

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    Queue jobs() {
      return new Queue("jobs");
    }

    /**
     * A listener with a bug: on the first delivery of a message it acknowledges a delivery tag the channel never
     * gave, so the broker closes the channel (406) and the message is redelivered to the restarted consumer.
     */
    @Bean
    SimpleMessageListenerContainer jobsContainer(ConnectionFactory connections) {
      SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connections);
      c.setQueueNames("jobs");
      c.setPrefetchCount(1);
      c.setRecoveryInterval(100);
      c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
      c.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
        MessageProperties p = message.getMessageProperties();
        CONSUMER_TAGS.add(p.getConsumerTag());
        if (p.isRedelivered()) {
          channel.basicAck(p.getDeliveryTag(), false);
          ACKED.countDown();
        } else {
          channel.basicAck(p.getDeliveryTag() + 1000, false);
        }
      });
      return c;
    }
  }

  @Autowired
  RabbitTemplate template;

  @Autowired
  LiveServer broker;

  @Test
  @Timeout(30)
  void channelErrors_reusedNumbers_newConsumerTagsAndTheLedgerBalances() throws Exception {
    // 404 closes the template's channel; the caching factory opens a new one, with the same number, for job-1.
    // (A publish to a missing exchange would close it too, but asynchronously: publishes pipelined behind it on
    // the closing channel are ignored, by RabbitMQ and by brokersim alike.)
    assertThrows(AmqpException.class, () -> template.execute(ch -> ch.exchangeDeclarePassive("no-such-exchange")));
    template.convertAndSend("", "jobs", "job-1");
    template.convertAndSend("", "jobs", "job-2");

    assertTrue(ACKED.await(20, TimeUnit.SECONDS), () -> "both jobs acknowledged; consumer tags " + CONSUMER_TAGS
        + "\n" + broker.messages().explain());
    // job-1 to the first consumer (channel closed), to the second (acked); job-2 to the second (channel closed),
    // to the third (acked).
    assertEquals(4, CONSUMER_TAGS.size(), CONSUMER_TAGS.toString());
    assertEquals(3, new LinkedHashSet<>(CONSUMER_TAGS).size(), "three consumers, three tags: " + CONSUMER_TAGS);

    broker.eventually(() -> broker.messages().toQueue("jobs").acknowledged().assertCount(2));
    List<MessageFate> published = broker.messages().published().list();
    assertEquals(2, published.size(), published.toString());
    assertEquals(2, published.stream().map(MessageFate::msgId).distinct().count());
    assertTrue(broker.broker().ledger().anomalies().isEmpty(), broker.broker().ledger().anomalies().toString());
    broker.assertNothingLostSilently();
  }
}
