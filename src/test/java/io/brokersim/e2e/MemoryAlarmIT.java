package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.profile.BrokerProfile;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory alarm: connection.blocked / unblocked and publishers' sockets left unread meanwhile. */
@Timeout(60)
class MemoryAlarmIT {

  @Test
  void alarm_blocksPublishersUntilItClears() throws Exception {
    AtomicLong used = new AtomicLong();
    var config = ConfigFactory.parseString(
        "brokersim.server { memory-high-watermark = 0.5, memory-check-interval = 20ms }");
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3, config, used::get);
        Connection publisher = b.connect("publisher");
        Connection observer = b.connect("observer")) {
      CompletableFuture<String> blocked = new CompletableFuture<>();
      CompletableFuture<Void> unblocked = new CompletableFuture<>();
      publisher.addBlockedListener(new BlockedListener() {
        @Override
        public void handleBlocked(String reason) {
          blocked.complete(reason);
        }

        @Override
        public void handleUnblocked() {
          unblocked.complete(null);
        }
      });
      Channel obs = observer.createChannel();
      obs.queueDeclare("held", true, false, false, null);
      Channel pub = publisher.createChannel();
      pub.basicPublish("", "held", null, "before".getBytes(UTF_8));
      JavaClientIT.awaitTrue(() -> obs.queueDeclarePassive("held").getMessageCount() == 1);

      used.set(Long.MAX_VALUE);
      assertEquals("low on memory", blocked.get(10, TimeUnit.SECONDS));
      // The publish that finds the alarm on is read (RabbitMQ's "blocking" state); after it the server
      // stops reading this socket, so the next publish waits in the kernel buffers.
      pub.basicPublish("", "held", null, "first-while-blocked".getBytes(UTF_8));
      JavaClientIT.awaitTrue(() -> obs.queueDeclarePassive("held").getMessageCount() == 2);
      pub.basicPublish("", "held", null, "second-while-blocked".getBytes(UTF_8));
      Thread.sleep(300);
      assertEquals(2, obs.queueDeclarePassive("held").getMessageCount(), "a blocked publisher is not read");
      assertTrue(observer.isOpen(), "connections that do not publish keep working");

      used.set(0);
      unblocked.get(10, TimeUnit.SECONDS);
      JavaClientIT.awaitTrue(() -> obs.queueDeclarePassive("held").getMessageCount() == 3);
    }
  }
}
