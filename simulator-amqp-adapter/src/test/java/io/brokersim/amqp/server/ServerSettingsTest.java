package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.brokersim.core.profile.BrokerProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

  @Test
  void defaults_resolveProfileValues() {
    ServerSettings lavin = ServerSettings.from(ConfigFactory.empty(), BrokerProfile.LAVINMQ);
    assertEquals("127.0.0.1", lavin.host());
    assertEquals(5672, lavin.port());
    assertEquals(300, lavin.heartbeatSeconds());
    assertEquals(2048, lavin.channelMax());
    assertEquals(131072, lavin.frameMaxBytes());
    assertEquals(128L << 20, lavin.maxMessageSizeBytes());
    assertEquals(List.of(new ServerSettings.User("guest", "guest", true)), lavin.users());
    assertEquals("/", lavin.vhost());
    assertEquals(4096, lavin.backlog());
    assertEquals(64, lavin.maxConcurrentHandshakes());
    assertEquals(Duration.ofSeconds(2), lavin.memoryGcInterval());
    ServerSettings rabbit4 = ServerSettings.from(ConfigFactory.empty(), BrokerProfile.RABBITMQ_4);
    assertEquals(60, rabbit4.heartbeatSeconds());
    assertEquals(2047, rabbit4.channelMax());
    assertEquals(16L << 20, rabbit4.maxMessageSizeBytes());
    assertEquals(128L << 20,
        ServerSettings.from(ConfigFactory.empty(), BrokerProfile.RABBITMQ_3).maxMessageSizeBytes());
  }

  @Test
  void overrides_areRead() {
    ServerSettings s = ServerSettings.from(ConfigFactory.parseString("""
        brokersim.server {
          port = 0
          heartbeat = 5
          channel-max = 16
          outbound-high-watermark = 2 MiB
          outbound-low-watermark = 512 KiB
          close-timeout = 250ms
          backlog = 512
          max-concurrent-handshakes = 8
          memory-gc-interval = 100ms
        }"""), BrokerProfile.LAVINMQ);
    assertEquals(512, s.backlog());
    assertEquals(8, s.maxConcurrentHandshakes());
    assertEquals(Duration.ofMillis(100), s.memoryGcInterval());
    assertEquals(0, s.port());
    assertEquals(5, s.heartbeatSeconds());
    assertEquals(16, s.channelMax());
    assertEquals(2L << 20, s.outboundHighWatermarkBytes());
    assertEquals(512L << 10, s.outboundLowWatermarkBytes());
    assertEquals(Duration.ofMillis(250), s.closeTimeout());
    assertEquals(1234, s.withPort(1234).port());
  }

  @Test
  void invalidValues_refused() {
    assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server { outbound-high-watermark = 1 KiB, outbound-low-watermark = 2 KiB }"),
        BrokerProfile.LAVINMQ));
    assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.frame-max = 4096"), BrokerProfile.RABBITMQ_4));
    assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.max-concurrent-handshakes = 0"), BrokerProfile.LAVINMQ));
    assertThrows(RuntimeException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.heartbeat = often"), BrokerProfile.LAVINMQ));
    assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.channel-max = 2048"), BrokerProfile.RABBITMQ_3));
  }
}
