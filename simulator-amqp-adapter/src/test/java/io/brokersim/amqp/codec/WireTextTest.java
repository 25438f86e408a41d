package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireTextTest {

  @Test
  void decodeEncode_everyOneAndTwoOctetString_roundTrips() {
    for (int a = 0; a < 256; a++) {
      assertArrayEquals(new byte[] {(byte) a}, WireText.encode(WireText.decode(new byte[] {(byte) a})));
      for (int b = 0; b < 256; b++) {
        byte[] octets = {(byte) a, (byte) b};
        assertArrayEquals(octets, WireText.encode(WireText.decode(octets)), () -> hexOf(octets));
      }
    }
  }

  @Test
  void decodeEncode_randomOctets_roundTripWithTheirLength() {
    Random random = new Random(19);
    for (int i = 0; i < 20_000; i++) {
      byte[] octets = new byte[random.nextInt(256)];
      random.nextBytes(octets);
      String text = WireText.decode(octets);
      assertArrayEquals(octets, WireText.encode(text), () -> hexOf(octets));
      assertEquals(octets.length, text.getBytes(StandardCharsets.UTF_8).length, "core counts the same length");
    }
  }

  @Test
  void decode_wellFormedUtf8_isTheUsualString() {
    assertEquals("qé€😀", WireText.decode("qé€😀".getBytes(StandardCharsets.UTF_8)));
    assertEquals("plain", WireText.decode("plain".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void decode_namesThatDifferOnlyInMalformedOctets_stayDifferent() {
    // With replacement characters both would be "q\uFFFD", and a publish to one would reach the other.
    assertNotEquals(WireText.decode(hex("71 ff")), WireText.decode(hex("71 fe")));
    assertNotEquals(WireText.decode(hex("71 ff")), WireText.decode(hex("71 ef bf bd")));
  }

  @Test
  void encode_ninetyLoneLeadOctets_staysNinetyOctets() {
    byte[] tag = new byte[90];
    java.util.Arrays.fill(tag, (byte) 0xC3);
    assertEquals(90, WireText.encode(WireText.decode(tag)).length);
  }

  /** The cases measured against RabbitMQ 3.10.8 ({@code queue.declare} accepted or closed with 501). */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "71 ff, false",
      "71 c3, false",
      "71 c0 af, false",
      "71 e0 80 af, false",
      "71 e0 9f bf, false",
      "71 f0 8f bf bf, false",
      "71 f8 88 80 80 80, false",
      "80, false",
      "c1 bf, false",
      "71 ed a0 80, true",
      "71 f4 90 80 80, true",
      "f7 bf bf bf, true",
      "71 ef bf bf, true",
      "71 ef bf be, true",
      "71 00 78, true",
      "c2 80, true",
      "e0 a0 80, true",
      "f0 90 80 80, true",
      "'', true"
  })
  void isRabbitMqUtf8_matchesXmerlUcs(String octets, boolean accepted) {
    assertEquals(accepted, WireText.isRabbitMqUtf8(octets.isEmpty() ? new byte[0] : hex(octets)));
  }

  private static String hexOf(byte[] octets) {
    StringBuilder b = new StringBuilder();
    for (byte o : octets) {
      b.append(String.format("%02x ", o & 0xFF));
    }
    return b.toString().trim();
  }
}
