package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.core.profile.BrokerProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handshake paths a real client library never takes (§6.2-§6.4), on a raw socket. */
@Timeout(60)
class HandshakeRulesIT {

  @Test
  void mechanisms_perProfile() throws Exception {
    assertEquals("AMQPLAIN PLAIN", mechanisms(BrokerProfile.LAVINMQ));
    assertEquals("PLAIN AMQPLAIN", mechanisms(BrokerProfile.RABBITMQ_3));
    assertEquals("PLAIN AMQPLAIN ANONYMOUS", mechanisms(BrokerProfile.RABBITMQ_4));
  }

  private static String mechanisms(BrokerProfile profile) throws Exception {
    try (TestServer s = TestServer.start(profile); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      AmqpMethod.ConnectionStart start = c.expect(0, AmqpMethod.ConnectionStart.class);
      assertEquals("en_US", start.locales().toString());
      return start.mechanisms().toString();
    }
  }

  @Test
  void anonymous_rabbitMq4_logsInAsGuest() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_4); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("ANONYMOUS", LongString.EMPTY));
      c.expect(0, AmqpMethod.ConnectionTune.class);
    }
  }

  @Test
  void unofferedMechanism_rabbitMq_503() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("EXTERNAL", LongString.EMPTY));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(503, close.replyCode());
      assertEquals("COMMAND_INVALID - unknown authentication mechanism 'EXTERNAL'", close.replyText());
    }
  }

  @Test
  void unofferedMechanism_lavinMq_closesTheSocket() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("ANONYMOUS", LongString.EMPTY));
      assertEquals(0, c.readRaw(1).length, "no frame, just the socket closing");
    }
  }

  @Test
  void badCredentialsWithoutAuthenticationFailureClose_closesTheSocketSilently() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      Map<String, Object> noCaps = new LinkedHashMap<>();
      noCaps.put("product", "old-client");
      c.send(0, new AmqpMethod.ConnectionStartOk(noCaps, "PLAIN", LongString.of("\0guest\0nope"), "en_US"));
      assertEquals(0, c.readRaw(1).length);
    }
  }

  @Test
  void tuneOkChannelMaxAboveServers_530() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("PLAIN", LongString.of("\0guest\0guest")));
      c.expect(0, AmqpMethod.ConnectionTune.class);
      c.send(0, new AmqpMethod.ConnectionTuneOk(0, 131072, 0));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(530, close.replyCode());
      assertEquals("NOT_ALLOWED - negotiated channel_max = 0 is higher than the maximum allowed value (2047)",
          close.replyText());
    }
  }

  @Test
  void tuneOkFrameMaxZero_530AboveMaximum() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("PLAIN", LongString.of("\0guest\0guest")));
      c.expect(0, AmqpMethod.ConnectionTune.class);
      c.send(0, new AmqpMethod.ConnectionTuneOk(2047, 0, 0));
      assertEquals("NOT_ALLOWED - failed to negotiate connection parameters: negotiated frame_max = 0 is higher"
          + " than the maximum allowed value (131072)", c.expectConnectionClose().replyText());
    }
  }

  @Test
  void wrongMethodDuringHandshake_503() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, new AmqpMethod.ConnectionOpen("/", "", false));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(503, close.replyCode());
      assertEquals("COMMAND_INVALID - expected 'connection.start-ok', got 'connection.open'", close.replyText());
    }
  }

  @Test
  void silentClient_closedAfterTheHandshakeTimeout() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ, "handshake-timeout = 300ms");
        RawClient c = s.client()) {
      long start = System.nanoTime();
      c.expectSocketClosed();
      assertTrue(System.nanoTime() - start < 4_000_000_000L);
      TestServer.await("connection gone", () -> s.server.connectionCount() == 0);
    }
  }

  @Test
  void clientCloseDuringHandshake_answeredWithCloseOk() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, new AmqpMethod.ConnectionClose(200, "bye", 0, 0));
      c.expect(0, AmqpMethod.ConnectionCloseOk.class);
      c.expectSocketClosed();
    }
  }
}
