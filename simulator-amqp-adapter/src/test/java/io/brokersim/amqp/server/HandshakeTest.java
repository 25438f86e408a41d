package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.profile.BrokerProfile;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandshakeTest {

  private static ServerSettings settings(BrokerProfile p) {
    return ServerSettings.from(ConfigFactory.empty(), p);
  }

  @ParameterizedTest
  @CsvSource({
      "lavinmq,    414d515000000901, true",
      "lavinmq,    414d515001010009, true",
      "lavinmq,    414d515001010800, false",
      "rabbitmq-4, 414d515000000a00, false",
      "rabbitmq-4, 16030100a5010000, false"})
  void accepts_only091And09(String profile, String header, boolean accepted) {
    assertEquals(accepted, Handshake.accepts(HexFormat.of().parseHex(header)));
  }

  @ParameterizedTest
  @CsvSource({
      "lavinmq,    16030100a5010000, 414d515000000901",   // a TLS ClientHello
      "rabbitmq-3, 16030100a5010000, 414d515000000901",
      "rabbitmq-4, 16030100a5010000, 414d515003010000",
      "rabbitmq-4, 414d515000000900, 414d515000000901",
      "rabbitmq-4, 414d515000000800, 414d515003010000",
      "rabbitmq-4, 414d515001010009, 414d515003010000"})
  void unsupportedHeaderReply_perProfile(String profile, String header, String reply) {
    assertArrayEquals(HexFormat.of().parseHex(reply), Handshake.unsupportedHeaderReply(
        BrokerProfile.byName(profile).orElseThrow(), HexFormat.of().parseHex(header)));
  }

  @ParameterizedTest
  @CsvSource({"rabbitmq-3, RabbitMQ, 3.13.7", "rabbitmq-4, RabbitMQ, 4.3.5", "lavinmq, LavinMQ, 2.9.0"})
  void connectionStart_reportsTheModelledBroker(String profile, String product, String version) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    Map<String, Object> props = Handshake.connectionStart(p, settings(p)).serverProperties();
    assertEquals(product, props.get("product"));
    assertEquals(version, props.get("version"));
    assertTrue(String.valueOf(props.get("brokersim")).contains("profile " + profile), props.toString());
  }

  @Test
  void connectionStart_versionPropertiesAndCapabilities() {
    AmqpMethod.ConnectionStart start = Handshake.connectionStart(BrokerProfile.RABBITMQ_4,
        settings(BrokerProfile.RABBITMQ_4));
    assertEquals(0, start.versionMajor());
    assertEquals(9, start.versionMinor());
    assertEquals("RabbitMQ", start.serverProperties().get("product"));
    assertEquals("4.3.5", start.serverProperties().get("version"));
    assertEquals(List.of("capabilities", "cluster_name", "copyright", "information", "platform", "product", "version",
        "brokersim"), List.copyOf(start.serverProperties().keySet()), "RabbitMQ sends its properties sorted by key");
    assertTrue(String.valueOf(start.serverProperties().get("brokersim")).startsWith("brokersim "));
    assertFalse(String.valueOf(start.serverProperties().get("brokersim")).contains("${"), "version is filtered");
    @SuppressWarnings("unchecked")
    Map<String, Object> caps = (Map<String, Object>) start.serverProperties().get("capabilities");
    assertEquals(9, caps.size());
    assertTrue(caps.values().stream().allMatch(Boolean.TRUE::equals));
    assertEquals("PLAIN AMQPLAIN ANONYMOUS", start.mechanisms().toString());
    assertEquals("en_US", start.locales().toString());
  }

  @Test
  void mechanisms_anonymousOnlyWithAGuestUser() {
    ServerSettings noGuest = ServerSettings.from(ConfigFactory.parseString(
        "brokersim.server.users = [ { name = bob, password = x } ]"), BrokerProfile.RABBITMQ_4);
    assertEquals(List.of("PLAIN", "AMQPLAIN"), Handshake.mechanisms(BrokerProfile.RABBITMQ_4, noGuest));
    assertEquals(List.of("AMQPLAIN", "PLAIN"), Handshake.mechanisms(BrokerProfile.LAVINMQ, noGuest));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-4 | 2047 | 131072 | ",
      "rabbitmq-4 | 2047 | 8192   | ",
      "rabbitmq-4 | 2047 | 8191   | NOT_ALLOWED - negotiated frame_max = 8191 is lower than the minimum allowed value (8192)",
      "rabbitmq-3 | 2047 | 4096   | ",
      "rabbitmq-3 | 2047 | 131073 | NOT_ALLOWED - negotiated frame_max = 131073 is higher than the maximum allowed value (131072)",
      "rabbitmq-3 | 2048 | 131072 | NOT_ALLOWED - negotiated channel_max = 2048 is higher than the maximum allowed value (2047)",
      "lavinmq    | 2048 | 131072 | ",
      "lavinmq    | 1    | 0      | NOT_ALLOWED - failed to negotiate connection parameters: negotiated frame_max = 0 is higher than the maximum allowed value (131072)"})
  void checkTuneOk_limitsAndTexts(String profile, int channelMax, long frameMax, String text) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    AmqpError e = Handshake.checkTuneOk(p, settings(p), new AmqpMethod.ConnectionTuneOk(channelMax, frameMax, 60));
    if (text == null) {
      assertNull(e);
    } else {
      assertEquals(530, e.replyCode());
      assertEquals(text, e.text());
      assertEquals(10, e.classId());
      assertEquals(31, e.methodId());
      assertTrue(e.connectionScope());
    }
  }

  @Test
  void refusals_perProfile() {
    assertEquals("ACCESS_REFUSED - ", Handshake.loginRefused(BrokerProfile.LAVINMQ, "PLAIN").text());
    AmqpError rabbit = Handshake.loginRefused(BrokerProfile.RABBITMQ_3, "AMQPLAIN");
    assertEquals("ACCESS_REFUSED - Login was refused using authentication mechanism AMQPLAIN. For details see the"
        + " broker logfile.", rabbit.text());
    assertTrue(rabbit.connectionScope());
    assertEquals(0, rabbit.classId());
    assertNull(Handshake.unknownMechanism(BrokerProfile.LAVINMQ, "X"));
    assertEquals("NOT_ALLOWED - vhost not found", Handshake.vhostNotFound(BrokerProfile.LAVINMQ, "v").text());
    assertEquals("NOT_ALLOWED - vhost v not found", Handshake.vhostNotFound(BrokerProfile.RABBITMQ_3, "v").text());
    assertEquals("NOT_ALLOWED - 'u' doesn't have access to 'v'",
        Handshake.vhostRefused(BrokerProfile.LAVINMQ, "v", "u").text());
    AmqpError refused = Handshake.vhostRefused(BrokerProfile.RABBITMQ_4, "v", "u");
    assertEquals("NOT_ALLOWED - access to vhost 'v' refused for user 'u'", refused.text());
    assertEquals(10, refused.classId());
    assertEquals(40, refused.methodId());
  }

  @Test
  void describe_printsHeadersReadably() {
    assertEquals("AMQP\\0\\0\\9\\1", Handshake.describe(RawClient.AMQP_0_9_1));
  }
}
