package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.profile.BrokerProfile;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connections the server closes during the handshake, and clients that vanish, are logged at INFO. */
@Timeout(60)
class ConnectionLogIT {

  @Test
  void handshakeTimeout_loggedAtInfoWithPeerAndReason() throws Exception {
    try (LogCapture log = LogCapture.start();
        WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ,
            ConfigFactory.parseString("brokersim.server.handshake-timeout = 300ms"), null);
        Socket idle = new Socket("127.0.0.1", b.port())) {
      String peer = "/127.0.0.1:" + idle.getLocalPort();
      JavaClientIT.awaitTrue(() -> !log.messagesContaining(peer).isEmpty());
      List<String> lines = log.messagesContaining(peer);
      assertEquals(List.of("connection from " + peer + ": closed during the handshake (waiting for the protocol"
          + " header): handshake not completed within 300 ms"), lines);
      assertEquals(-1, idle.getInputStream().read(), "the server closed the socket");
    }
  }

  @Test
  void clientVanishing_loggedAtInfoWithNameAndReason() throws Exception {
    try (LogCapture log = LogCapture.start(); WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4)) {
      AtomicReference<Socket> socket = new AtomicReference<>();
      ConnectionFactory f = b.factory();
      f.setSocketConfigurator(s -> socket.set(s));
      Connection c = f.newConnection("vanishing");
      socket.get().close();
      JavaClientIT.awaitTrue(() -> !log.messagesContaining("connection lost").isEmpty());
      String line = log.messagesContaining("connection lost").get(0);
      assertTrue(line.matches("conn-\\d+ from /127\\.0\\.0\\.1:\\d+: connection lost \\(client 'vanishing', user"
          + " 'guest'\\): client closed the socket"), line);
      c.abort();
      log.assertNoStackTrace();
    }
  }
}
