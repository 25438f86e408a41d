package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.profile.BrokerProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @Test
  void userPermissions_perVhost_readAndCompiled() {
    ServerSettings s = ServerSettings.from(ConfigFactory.parseString("""
        brokersim.vhosts = ["staging"]
        brokersim.server.users = [
          { name = "alice", password = "a", permissions { "staging" { configure = "^app\\\\.", write = ".*", read = ".*" } } }
          { name = "bob", password = "b", permissions {} }
          { name = "ops", password = "o" }
        ]"""), BrokerProfile.LAVINMQ);
    ServerSettings.User alice = s.users().get(0);
    assertTrue(alice.permissionsIn("/").isEmpty(), "no entry for / means no access to it");
    Permissions staging = alice.permissionsIn("staging").orElseThrow();
    assertTrue(staging.mayConfigure("app.q"));
    assertFalse(staging.mayConfigure("other"));
    assertEquals("alice", staging.user());
    assertTrue(s.users().get(1).permissionsIn("staging").isEmpty(), "an empty block grants nothing");
    assertTrue(s.users().get(2).permissionsIn("staging").orElseThrow().unrestricted(),
        "no block: everything everywhere");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{ name = a, password = b, tags = [admin] } | brokersim.server.users[0].tags (String: 1): unknown field",
      "{ name = a, password = b, permissions { nope { configure = x, write = x, read = x } } } | brokersim.server.users[0].permissions.\"nope\" (String: 1): no vhost 'nope'",
      "{ name = a, password = b, permissions { \"/\" { configure = x, write = x } } } | brokersim.server.users[0].permissions.\"/\" (String: 1): expected exactly configure, write and read",
      "{ name = a, password = b, permissions { \"/\" { configure = \"(\", write = x, read = x } } } | brokersim.server.users[0].permissions.\"/\" (String: 1): configure permission '(' is not a regular expression",
  })
  void userPermissions_badEntries_refusedNamingFieldAndLine(String user, String expected) {
    var e = assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.users = [" + user + "]"), BrokerProfile.RABBITMQ_3));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
