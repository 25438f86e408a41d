package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.BasicProperties;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentHeaderCodecTest {

  @Test
  void allFourteenProperties_roundTrip_flagsFFFC() {
    Frame.ContentHeader header = Frame.ContentHeader.basic(1, 1L << 40, Samples.allProperties());

    byte[] payload = encode(header);

    assertArrayEquals(hex("003c 0000 0000010000000000 fffc"), Arrays.copyOf(payload, 14));
    assertEquals(header, decode(1, payload));
  }

  @Test
  void noProperties_roundTrip_flagsZeroAndNothingAfter() {
    Frame.ContentHeader header = Frame.ContentHeader.basic(2, 0, BasicProperties.EMPTY);

    byte[] payload = encode(header);

    assertArrayEquals(hex("003c 0000 0000000000000000 0000"), payload);
    assertEquals(header, decode(2, payload));
  }

  @ParameterizedTest(name = "property {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
  void singleProperty_roundTrip_setsOnlyItsFlagBit(int index) throws ReflectiveOperationException {
    BasicProperties only = onlyProperty(index);
    Frame.ContentHeader header = Frame.ContentHeader.basic(0, 5, only);

    byte[] payload = encode(header);

    int flags = ((payload[12] & 0xFF) << 8) | (payload[13] & 0xFF);
    assertEquals(1 << (15 - index), flags);
    assertEquals(header, decode(0, payload));
  }

  @Test
  void contentTypeAndDeliveryMode_exactWireBytes() {
    BasicProperties props = BasicProperties.builder().contentType("t").deliveryMode(2).build();

    assertArrayEquals(hex("003c 0000 0000000000000003 9000 01 74 02"),
        encode(Frame.ContentHeader.basic(0, 3, props)));
  }

  @Test
  void weightAndClassId_preserved() {
    byte[] payload = hex("003c 0007 0000000000000009 0000");

    Frame.ContentHeader header = decode(4, payload);

    assertEquals(60, header.classId());
    assertEquals(7, header.weight());
    assertEquals(9, header.bodySize());
  }

  @Test
  void continuationWordWithoutProperties_accepted() {
    Frame.ContentHeader header = decode(0, hex("003c 0000 0000000000000000 8001 0000 01 74"));

    assertEquals("t", header.properties().contentType());
  }

  @Test
  void undefinedFlagBit_syntaxError() {
    CodecException e = assertThrows(CodecException.class,
        () -> decode(0, hex("003c 0000 0000000000000000 0002")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void propertiesOnClassWithoutProperties_syntaxError() {
    CodecException e = assertThrows(CodecException.class,
        () -> decode(0, hex("0032 0000 0000000000000000 8000 01 74")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void truncatedProperty_syntaxErrorNamingIt() {
    CodecException e = assertThrows(CodecException.class,
        () -> decode(0, hex("003c 0000 0000000000000000 8000 05 74")));

    assertEquals(502, e.error().replyCode());
    assertTrue(e.error().text().contains("content-type"), e.error().text());
  }

  @Test
  void truncatedProperty_rabbitMqDialect_541InternalErrorAsMeasured() {
    CodecException e = assertThrows(CodecException.class, () -> ContentHeaderCodec.decode(1,
        ByteBuffer.wrap(hex("003c 0000 0000000000000000 8000")), Dialect.RABBITMQ));

    assertEquals(new CodecError(541, "INTERNAL_ERROR", 0, 0), e.error());
  }

  @Test
  void truncatedProperty_lavinMqDialect_501FrameError() {
    CodecException e = assertThrows(CodecException.class, () -> ContentHeaderCodec.decode(1,
        ByteBuffer.wrap(hex("003c 0000 0000000000000000 8000")), Dialect.LAVINMQ));

    assertEquals(501, e.error().replyCode());
    assertTrue(e.error().text().startsWith("FRAME_ERROR - content header content-type"), e.error().text());
  }

  @Test
  void propertyNotUtf8_keptOctetForOctet() {
    byte[] payload = hex("003c 0000 0000000000000000 0400 02 63ff");
    Frame.ContentHeader h = ContentHeaderCodec.decode(1, ByteBuffer.wrap(payload), Dialect.RABBITMQ);
    WireWriter w = new WireWriter();
    ContentHeaderCodec.encode(h, w);

    assertArrayEquals(payload, w.toByteArray());
  }

  @Test
  void trailingOctets_syntaxError() {
    CodecException e = assertThrows(CodecException.class,
        () -> decode(0, hex("003c 0000 0000000000000000 0000 00")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void priorityOutOfOctetRange_encodeThrowsIllegalArgument() {
    BasicProperties props = BasicProperties.builder().priority(256).build();

    assertThrows(IllegalArgumentException.class, () -> encode(Frame.ContentHeader.basic(0, 0, props)));
  }

  /** Properties with only component {@code index} set to a sample value of its type. */
  private static BasicProperties onlyProperty(int index) throws ReflectiveOperationException {
    RecordComponent[] components = BasicProperties.class.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    Class<?> type = types[index];
    args[index] = type == String.class ? "v" + index
        : type == Integer.class ? Integer.valueOf(200)
        : type == Long.class ? Long.valueOf(1_700_000_000L)
        : Map.of("k", "v");
    return BasicProperties.class.getConstructor(types).newInstance(args);
  }

  private static byte[] encode(Frame.ContentHeader header) {
    WireWriter out = new WireWriter();
    ContentHeaderCodec.encode(header, out);
    return out.toByteArray();
  }

  private static Frame.ContentHeader decode(int channel, byte[] payload) {
    return ContentHeaderCodec.decode(channel, ByteBuffer.wrap(payload));
  }
}
