package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.core.profile.BrokerProfile;
import java.util.HexFormat;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The protocol header each profile speaks, and what it answers to one it does not (§6.1). */
@Timeout(60)
class ProtocolHeaderIT {

  @ParameterizedTest
  @CsvSource({
      // profile,  header sent (hex),   answer (hex)
      "lavinmq,    474554202f20485454, 414d515000000901",   // "GET / HTT"
      "lavinmq,    414d515001016403,   414d515000000901",   // the Java test's crazy header
      "rabbitmq-3, 414d515001010800,   414d515000000901",   // 0-8
      "rabbitmq-3, 474554202f20485454, 414d515000000901",
      "rabbitmq-4, 474554202f20485454, 414d515003010000",   // AMQP 1.0 SASL header
      "rabbitmq-4, 414d515001016403,   414d515003010000",
      "rabbitmq-4, 414d515001010800,   414d515003010000",
      "rabbitmq-4, 414d515000000a00,   414d515000000901",   // AMQP 0-10: m >= 9
      "rabbitmq-4, 414d515000000900,   414d515000000901"})  // AMQP 0-9-0
  void unsupportedHeader_answeredWithTheProfilesHeaderThenClosed(String profile, String sent, String answer)
      throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.byName(profile).orElseThrow());
        RawClient c = s.client()) {
      byte[] header = HexFormat.of().parseHex(sent);
      c.write(header);
      assertArrayEquals(HexFormat.of().parseHex(answer), c.readRaw(64), "answer to " + RawClient.text(header));
      c.expectSocketClosed();
    }
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 414d515000000901", "lavinmq, 414d515001010009", "rabbitmq-4, 414d515001010009"})
  void supportedHeader_answeredWithConnectionStart(String profile, String sent) throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.byName(profile).orElseThrow());
        RawClient c = s.client()) {
      byte[] header = HexFormat.of().parseHex(sent);
      // Split the header across writes: the server must wait for all 8 octets.
      c.write(new byte[] {header[0], header[1], header[2]});
      Thread.sleep(50);
      c.write(java.util.Arrays.copyOfRange(header, 3, 8));
      AmqpMethod.ConnectionStart start = c.expect(0, AmqpMethod.ConnectionStart.class);
      assertEquals(9, start.versionMinor());
    }
  }
}
