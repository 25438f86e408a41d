package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolHeaderTest {

  @Test
  void amqp091_accepted_consumesEightOctetsOnly() {
    ByteBuffer in = ByteBuffer.wrap(hex("414d5150 00000901 08"));

    assertEquals(ProtocolHeader.Verdict.ACCEPTED, ProtocolHeader.parse(in));
    assertEquals(8, in.position());
  }

  @Test
  void amqp09Header_acceptedAsAmqp091() {
    assertEquals(ProtocolHeader.Verdict.ACCEPTED, ProtocolHeader.parse(ByteBuffer.wrap(hex("414d5150 01010009"))));
  }

  @Test
  void fewerThanEightOctets_incomplete_consumesNothing() {
    ByteBuffer in = ByteBuffer.wrap(hex("414d5150 000009"));

    assertEquals(ProtocolHeader.Verdict.INCOMPLETE, ProtocolHeader.parse(in));
    assertEquals(0, in.position());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "414d5150 00000900", // 0-9-0
      "414d5150 00000902", // 0-9-2
      "414d5150 01010800", // 0-8
      "414d5150 00010000", // AMQP 1.0
      "414d5150 03010000", // AMQP 1.0 SASL
      "48545450 2f312e31", // HTTP/1.1
  })
  void otherHeaders_unsupported_consumeEightOctets(String header) {
    ByteBuffer in = ByteBuffer.wrap(hex(header));

    assertEquals(ProtocolHeader.Verdict.UNSUPPORTED, ProtocolHeader.parse(in));
    assertEquals(8, in.position());
  }

  @Test
  void replyHeader_isAmqp091() {
    assertArrayEquals(hex("414d5150 00000901"), ProtocolHeader.amqp091());
  }
}
