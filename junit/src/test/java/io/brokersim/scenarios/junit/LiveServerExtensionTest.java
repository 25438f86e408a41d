package io.brokersim.scenarios.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiveServerExtensionTest {

  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void liveServer_realJavaClient_roundTrip(LiveServer server) throws Exception {
    assertTrue(server.amqpUri().startsWith("amqp://guest:guest@127.0.0.1:"), server.amqpUri());
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(server.amqpUri());
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("junit")) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.basicPublish("", q, null, "hello".getBytes(StandardCharsets.UTF_8));
      GetResponse r = null;
      for (int i = 0; i < 100 && r == null; i++) {
        r = ch.basicGet(q, true);
        if (r == null) {
          Thread.sleep(10);
        }
      }
      assertEquals("hello", new String(r.getBody(), StandardCharsets.UTF_8));
    }
  }
}
