package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod.BasicDeliver;
import io.brokersim.amqp.codec.AmqpMethod.BasicNack;
import io.brokersim.amqp.codec.AmqpMethod.BasicPublish;
import io.brokersim.amqp.codec.AmqpMethod.ConnectionClose;
import io.brokersim.amqp.codec.AmqpMethod.ConnectionStart;
import io.brokersim.amqp.codec.AmqpMethod.ConnectionTune;
import io.brokersim.amqp.codec.AmqpMethod.QueueDeclare;
import io.brokersim.amqp.codec.AmqpMethod.QueueDeclareOk;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MethodCodecTest {

  private final FrameEncoder encoder = new FrameEncoder(Samples.FRAME_MAX);

  static Stream<Arguments> everyMethodBothBitPatterns() {
    return MethodTable.methods().stream()
        .flatMap(m -> Stream.of(Arguments.of(m.name(), m, true), Arguments.of(m.name(), m, false)));
  }

  @ParameterizedTest(name = "{0} firstBit={2}")
  @MethodSource("everyMethodBothBitPatterns")
  void everyMethod_nonDefaultValues_roundTripsThroughFrames(String name, MethodSpec spec, boolean firstBit) {
    AmqpMethod method = Samples.nonDefault(spec, firstBit);
    byte[] wire = encoder.encodeMethod(9, method);

    FrameDecoder.Result result = new FrameDecoder(Samples.FRAME_MAX).feed(wire);

    assertFalse(result.failed(), () -> String.valueOf(result.error()));
    assertEquals(List.of(new Frame.Method(9, method)), result.frames());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethodBothBitPatterns")
  void everyMethod_identity_comesFromItsTableRow(String name, MethodSpec spec, boolean firstBit) {
    AmqpMethod method = Samples.nonDefault(spec, firstBit);

    assertEquals(spec, method.spec());
    assertEquals(spec.classId(), method.classId());
    assertEquals(spec.methodId(), method.methodId());
    assertEquals(name, method.name());
  }

  @Test
  void hasContent_everyMethod_onlyPublishReturnDeliverGetOk() {
    Set<String> content = MethodTable.methods().stream().filter(MethodSpec::hasContent)
        .map(MethodSpec::name).collect(Collectors.toSet());

    assertEquals(Set.of("basic.publish", "basic.return", "basic.deliver", "basic.get-ok"), content);
  }

  @Test
  void basicPublish_typicalValues_exactWireBytes() {
    BasicPublish publish = new BasicPublish(0, "ex", "rk", true, false);

    assertEquals(60, publish.classId());
    assertEquals(40, publish.methodId());
    assertEquals("basic.publish", publish.name());
    assertTrue(publish.hasContent());
    assertArrayEquals(hex("01 0001 0000000d 003c 0028 0000 02 6578 02 726b 01 ce"),
        encoder.encodeMethod(1, publish));
  }

  @Test
  void queueDeclare_fiveBits_packedIntoOneOctetLowBitFirst() {
    // passive=0 durable=1 exclusive=0 auto-delete=1 nowait=1 -> 0b11010
    QueueDeclare declare = new QueueDeclare(0, "q", false, true, false, true, true, Map.of());

    assertArrayEquals(hex("0032 000a 0000 01 71 1a 00000000"), payload(declare));
  }

  @Test
  void basicDeliver_bitBetweenStrings_occupiesItsOwnOctet() {
    BasicDeliver deliver = new BasicDeliver("c", 258, true, "e", "r");

    assertArrayEquals(hex("003c 003c 01 63 0000000000000102 01 01 65 01 72"), payload(deliver));
  }

  @Test
  void basicNack_twoBits_shareOneOctet() {
    assertArrayEquals(hex("003c 0078 0000000000000005 01"), payload(new BasicNack(5, true, false)));
    assertArrayEquals(hex("003c 0078 0000000000000005 02"), payload(new BasicNack(5, false, true)));
  }

  @Test
  void connectionTune_unsignedValues_exactWireBytes() {
    assertArrayEquals(hex("000a 001e ffff ffffffff 003c"), payload(new ConnectionTune(65_535, 0xFFFF_FFFFL, 60)));
  }

  @Test
  void queueDeclareOk_unsignedCounts_roundTrip() {
    QueueDeclareOk ok = new QueueDeclareOk("amq.gen-x", 0xFFFF_FFFFL, 3);

    assertEquals(ok, decode(payload(ok)));
  }

  @Test
  void connectionClose_failingIds_areArgumentsNotItsOwnIds() {
    ConnectionClose close = new ConnectionClose(540, "NOT_IMPLEMENTED - immediate=true", 60, 40);

    assertEquals(10, close.classId());
    assertEquals(50, close.methodId());
    assertEquals(60, close.failingClassId());
    assertEquals(40, close.failingMethodId());
    assertEquals(close, decode(payload(close)));
  }

  @Test
  void connectionStart_binaryLongStrings_preservedExactly() {
    LongString binary = LongString.of(new byte[] {0, (byte) 0xFF, (byte) 0xC3, 0x28});
    ConnectionStart start = new ConnectionStart(0, 9, Samples.table("server"), binary, LongString.of("en_US"));

    ConnectionStart decoded = (ConnectionStart) decode(payload(start));

    assertArrayEquals(binary.bytes(), decoded.mechanisms().bytes());
    assertEquals("en_US", decoded.locales().toString());
  }

  @Test
  void shortstr_255Octets_roundTrips() {
    String name = "é".repeat(127) + "x";
    BasicPublish publish = new BasicPublish(0, name, "", false, false);

    assertEquals(publish, decode(payload(publish)));
  }

  @Test
  void shortstr_256Octets_throwsIllegalArgument() {
    BasicPublish publish = new BasicPublish(0, "é".repeat(128), "", false, false);

    assertThrows(IllegalArgumentException.class, () -> payload(publish));
  }

  @Test
  void shortArgument_outOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> payload(new ConnectionTune(65_536, 0, 0)));
    assertThrows(IllegalArgumentException.class, () -> payload(new ConnectionTune(1, -1, 0)));
  }

  @Test
  void nullShortstr_encode_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> payload(new BasicPublish(0, null, "", false, false)));
  }

  @Test
  void nullTable_encode_writesEmptyTable() {
    QueueDeclare withNull = new QueueDeclare(0, "q", false, false, false, false, false, null);

    assertEquals(Map.of(), ((QueueDeclare) decode(payload(withNull))).arguments());
  }

  @Test
  void decode_trailingOctets_syntaxErrorWithIds() {
    byte[] payload = Samples.concat(payload(new BasicNack(1, false, false)), new byte[] {0});

    CodecException e = assertThrows(CodecException.class, () -> decode(payload));

    assertEquals(new CodecError(502, "SYNTAX_ERROR - basic.nack 1 octets after the last argument", 60, 120),
        e.error());
  }

  @Test
  void decode_unknownMethod_notImplementedWithIds() {
    CodecException e = assertThrows(CodecException.class, () -> decode(hex("003c 0063")));

    assertEquals(540, e.error().replyCode());
    assertEquals(60, e.error().classId());
    assertEquals(99, e.error().methodId());
  }

  @Test
  void methodsWithoutArguments_equalEachOther() {
    assertEquals(new AmqpMethod.TxSelect(), decode(hex("005a 000a")));
    assertNotEquals(new AmqpMethod.TxSelect(), new AmqpMethod.TxSelectOk());
  }

  @Test
  void decode_rabbitMqDialect_queueNameNotUtf8_501MalformedUtf8() {
    // queue.declare ticket 0, queue "q\xff", no bits, empty table
    CodecException e = assertThrows(CodecException.class,
        () -> MethodCodec.decode(ByteBuffer.wrap(hex("0032 000a 0000 02 71ff 00 00000000")), Dialect.RABBITMQ));

    assertEquals(new CodecError(501, "FRAME_ERROR - Malformed UTF-8 in shortstr", 0, 0), e.error());
  }

  @Test
  void decode_rabbitMqDialect_consumerTagOfLoneLeadOctets_501MalformedUtf8() {
    byte[] tag = new byte[90];
    java.util.Arrays.fill(tag, (byte) 0xC3);
    WireWriter w = new WireWriter().shortUnsigned(60).shortUnsigned(20).shortUnsigned(0).shortstr("q");
    w.octet(90).bytes(tag).octet(0).table(Map.of());
    CodecException e = assertThrows(CodecException.class,
        () -> MethodCodec.decode(w.toByteBuffer(), Dialect.RABBITMQ));

    assertEquals(501, e.error().replyCode());
  }

  @Test
  void decode_rabbitMqDialect_publishIsNotChecked_andKeepsItsOctets() {
    // basic.publish ticket 0, exchange "x\xff", routing key "r\xfe": RabbitMQ skips content-bearing methods.
    byte[] payload = hex("003c 0028 0000 02 78ff 02 72fe 00");
    BasicPublish p = (BasicPublish) MethodCodec.decode(ByteBuffer.wrap(payload), Dialect.RABBITMQ);

    assertArrayEquals(hex("78ff"), WireText.encode(p.exchange()));
    assertArrayEquals(payload, payload(p), "encodes back to the same octets");
  }

  @Test
  void decode_specAndLavinMqDialects_nameNotUtf8_acceptedOctetForOctet() {
    byte[] payload = hex("0032 000a 0000 02 71ff 00 00000000");
    for (Dialect d : List.of(Dialect.SPEC, Dialect.LAVINMQ)) {
      QueueDeclare q = (QueueDeclare) MethodCodec.decode(ByteBuffer.wrap(payload), d);
      assertArrayEquals(payload, payload(q), d.name());
      assertNotEquals("q\uFFFD", q.queue());
    }
  }

  @Test
  void decode_rabbitMqDialect_truncatedArguments_501CannotDecodeWithTheOctets() {
    CodecException e = assertThrows(CodecException.class,
        () -> MethodCodec.decode(ByteBuffer.wrap(hex("003c 000a 0000")), Dialect.RABBITMQ));

    assertEquals(new CodecError(501, "FRAME_ERROR - cannot decode <<0,0>>", 60, 10), e.error());
  }

  @Test
  void decode_rabbitMqDialect_trailingOctets_501CannotDecode() {
    CodecException e = assertThrows(CodecException.class, () -> MethodCodec.decode(
        ByteBuffer.wrap(hex("0032 000a 0000 01 71 00 00000000 0000")), Dialect.RABBITMQ));

    assertEquals("FRAME_ERROR - cannot decode <<0,0,1,113,0,0,0,0,0,0,0>>", e.error().text());
    assertEquals(50, e.error().classId());
  }

  @Test
  void decode_lavinMqDialect_truncatedArguments_501WithoutIds() {
    CodecException e = assertThrows(CodecException.class,
        () -> MethodCodec.decode(ByteBuffer.wrap(hex("003c 000a 0000")), Dialect.LAVINMQ));

    assertEquals(501, e.error().replyCode());
    assertTrue(e.error().text().startsWith("FRAME_ERROR - basic.qos prefetch-size: truncated"), e.error().text());
    assertEquals(0, e.error().classId());
  }

  private static byte[] payload(AmqpMethod method) {
    WireWriter out = new WireWriter();
    MethodCodec.encode(method, out);
    return out.toByteArray();
  }

  private static AmqpMethod decode(byte[] payload) {
    return MethodCodec.decode(ByteBuffer.wrap(payload));
  }
}
