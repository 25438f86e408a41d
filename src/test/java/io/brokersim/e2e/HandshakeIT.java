package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.LongStringHelper;
import io.brokersim.core.profile.BrokerProfile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The connection handshake of each profile (semantics §6) as the Java client sees it. */
@Timeout(60)
class HandshakeIT {

  @Test
  void connectionStart_advertisesTheModelledBrokerAndEveryCapability() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("props")) {
      Map<String, Object> props = c.getServerProperties();
      assertEquals("LavinMQ", props.get("product").toString());
      assertTrue(props.get("brokersim").toString().startsWith("brokersim "), props.toString());
      @SuppressWarnings("unchecked")
      Map<String, Object> caps = (Map<String, Object>) props.get("capabilities");
      for (String cap : List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
          "consumer_cancel_notify", "connection.blocked", "consumer_priorities", "authentication_failure_close",
          "per_consumer_qos", "direct_reply_to")) {
        assertEquals(Boolean.TRUE, caps.get(cap), cap);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
      "lavinmq,    300, 2048",
      "rabbitmq-3,  60, 2047",
      "rabbitmq-4,  60, 2047"})
  void tune_clientTakesTheProfilesHeartbeatAndChannelMax(String profile, int heartbeat, int channelMax)
      throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.byName(profile).orElseThrow())) {
      ConnectionFactory f = b.factory();
      f.setRequestedHeartbeat(0);
      f.setRequestedChannelMax(0);
      try (Connection c = f.newConnection("tune")) {
        assertEquals(heartbeat, c.getHeartbeat());
        assertEquals(channelMax, c.getChannelMax());
        assertEquals(131072, c.getFrameMax());
      }
      f.setRequestedHeartbeat(7);
      try (Connection c = f.newConnection("tune-7")) {
        assertEquals(7, c.getHeartbeat());
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | ACCESS_REFUSED - ",
      "rabbitmq-3 | ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.",
      "rabbitmq-4 | ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."})
  void wrongPassword_refusedWith403AndTheProfilesText(String profile, String text) throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.byName(profile).orElseThrow())) {
      ConnectionFactory f = b.factory();
      f.setPassword("not-guest");
      AuthenticationFailureException e = assertThrows(AuthenticationFailureException.class, f::newConnection);
      // CsvSource trims values, so LavinMQ's trailing space is restored here.
      assertEquals(text.endsWith("-") ? text + " " : text, e.getMessage());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | 100  | NOT_ALLOWED - failed to negotiate connection parameters: negotiated frame_max = 100 is lower than the minimum allowed value (4096)",
      "rabbitmq-3 | 100  | NOT_ALLOWED - negotiated frame_max = 100 is lower than the minimum allowed value (4096)",
      "rabbitmq-4 | 4096 | NOT_ALLOWED - negotiated frame_max = 4096 is lower than the minimum allowed value (8192)"})
  void frameMaxBelowTheProfilesMinimum_refusedWith530(String profile, int frameMax, String text) throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.byName(profile).orElseThrow())) {
      ConnectionFactory f = b.factory();
      f.setRequestedFrameMax(frameMax);
      AMQP.Connection.Close close = connectionCloseOf(assertThrows(IOException.class, f::newConnection));
      assertEquals(530, close.getReplyCode());
      assertEquals(text, close.getReplyText());
      assertEquals(10, close.getClassId());
      assertEquals(31, close.getMethodId());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | NOT_ALLOWED - vhost not found",
      "rabbitmq-3 | NOT_ALLOWED - vhost elsewhere not found"})
  void unknownVhost_refusedWith530(String profile, String text) throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.byName(profile).orElseThrow())) {
      ConnectionFactory f = b.factory();
      f.setVirtualHost("elsewhere");
      AMQP.Connection.Close close = connectionCloseOf(assertThrows(IOException.class, f::newConnection));
      assertEquals(530, close.getReplyCode());
      assertEquals(text, close.getReplyText());
    }
  }

  @Test
  void amqplain_logsIn() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3)) {
      ConnectionFactory f = b.factory();
      f.setSaslConfig(mechanisms -> {
        assertTrue(List.of(mechanisms).contains("AMQPLAIN"), List.of(mechanisms).toString());
        return new AmqPlain("guest", "guest");
      });
      try (Connection c = f.newConnection("amqplain")) {
        assertTrue(c.isOpen());
        c.createChannel().queueDeclare("via-amqplain", true, false, false, null);
      }
      f.setSaslConfig(mechanisms -> new AmqPlain("guest", "wrong"));
      assertThrows(AuthenticationFailureException.class, f::newConnection);
    }
  }

  @Test
  void customUsers_fromConfig() throws Exception {
    var config = com.typesafe.config.ConfigFactory.parseString(
        "brokersim.server.users = [ { name = alice, password = s3cret } ]");
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4, config)) {
      ConnectionFactory f = b.factory();
      f.setUsername("alice");
      f.setPassword("s3cret");
      try (Connection c = f.newConnection("alice")) {
        assertTrue(c.isOpen());
      }
      ConnectionFactory guest = b.factory();
      assertThrows(AuthenticationFailureException.class, guest::newConnection);
    }
  }

  static AMQP.Connection.Close connectionCloseOf(IOException e) {
    Throwable cause = e.getCause();
    ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, cause, String.valueOf(e));
    return assertInstanceOf(AMQP.Connection.Close.class, s.getReason());
  }

  /** AMQPLAIN, which the Java client does not ship: a field table of LOGIN and PASSWORD, no length prefix. */
  private record AmqPlain(String user, String password) implements SaslMechanism, SaslConfig {
    @Override
    public String getName() {
      return "AMQPLAIN";
    }

    @Override
    public LongString handleChallenge(LongString challenge, String username, String pass) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        entry(out, "LOGIN", user);
        entry(out, "PASSWORD", password);
        return LongStringHelper.asLongString(bytes.toByteArray());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static void entry(DataOutputStream out, String name, String value) throws IOException {
      out.writeByte(name.length());
      out.writeBytes(name);
      out.writeByte('S');
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      out.writeInt(v.length);
      out.write(v);
    }

    @Override
    public SaslMechanism getSaslMechanism(String[] mechanisms) {
      return this;
    }
  }
}
