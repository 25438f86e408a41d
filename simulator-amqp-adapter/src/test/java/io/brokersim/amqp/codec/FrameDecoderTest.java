package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.FRAME_MAX;
import static io.brokersim.amqp.codec.Samples.concat;
import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod.BasicPublish;
import io.brokersim.amqp.codec.AmqpMethod.ConnectionTuneOk;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameDecoderTest {

  private static final FrameEncoder ENCODER = new FrameEncoder(FRAME_MAX);

  static Stream<Arguments> streams() {
    return Samples.streams().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  static Stream<Arguments> pairsOfStreams() {
    List<Map.Entry<String, byte[]>> all = List.copyOf(Samples.streams().entrySet());
    List<Arguments> pairs = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Map.Entry<String, byte[]> a = all.get(i);
      Map.Entry<String, byte[]> b = all.get((i + 1) % all.size());
      pairs.add(Arguments.of(a.getKey() + " + " + b.getKey(), concat(a.getValue(), b.getValue())));
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void sample_splitAtEveryPosition_yieldsSameFrames(String name, byte[] wire) {
    assertSplitsAgree(wire);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairsOfStreams")
  void twoSamplesConcatenated_splitAtEveryPosition_yieldsSameFrames(String name, byte[] wire) {
    assertSplitsAgree(wire);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void sample_fedOneOctetAtATime_yieldsSameFrames(String name, byte[] wire) {
    List<Frame> whole = decodeWhole(wire);
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);
    List<Frame> frames = new ArrayList<>();
    for (byte b : wire) {
      FrameDecoder.Result result = decoder.feed(new byte[] {b});
      assertFalse(result.failed());
      frames.addAll(result.frames());
    }
    assertEquals(whole, frames);
    assertEquals(0, decoder.bufferedBytes());
  }

  @Test
  void allSamplesInOneChunk_yieldEveryFrameInOrder() {
    List<Frame> expected = new ArrayList<>();
    for (byte[] wire : Samples.streams().values()) {
      expected.addAll(decodeWhole(wire));
    }

    List<Frame> actual = decodeWhole(concat(Samples.streams().values().toArray(new byte[0][])));

    assertEquals(expected, actual);
    assertEquals(1 + 1 + 5 + 2 + 1 + 1, actual.size());
  }

  @Test
  void feedWithMaxFrames_stopsBeforeTheNextHeader_soFrameMaxCanChangeInBetween() {
    byte[] tuneOk = new FrameEncoder(4096).encodeMethod(0, new ConnectionTuneOk(2047, 131072, 0));
    byte[] big = new FrameEncoder(131072).encode(new Frame.Body(1, ByteBuffer.wrap(new byte[10_000])));
    ByteBuffer chunk = ByteBuffer.wrap(concat(tuneOk, big));
    FrameDecoder decoder = new FrameDecoder(4096);

    FrameDecoder.Result first = decoder.feed(chunk, 1);
    assertEquals(1, first.frames().size());
    assertEquals(tuneOk.length, chunk.position(), "the body frame's header is not read yet");
    decoder.setFrameMaxBytes(131072);
    FrameDecoder.Result rest = decoder.feed(chunk, 1);

    assertFalse(rest.failed(), () -> String.valueOf(rest.error()));
    assertEquals(10_000, ((Frame.Body) rest.frames().get(0)).size());
  }

  @Test
  void partialFrame_keptNotEmitted() {
    byte[] wire = ENCODER.encodeMethod(1, new BasicPublish(0, "x", "y", false, false));
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);

    FrameDecoder.Result first = decoder.feed(Arrays.copyOf(wire, wire.length - 1));

    assertEquals(List.of(), first.frames());
    assertEquals(FrameDecoder.State.READ_PAYLOAD, decoder.state());
    assertEquals(wire.length - 1, decoder.bufferedBytes());

    FrameDecoder.Result second = decoder.feed(new byte[] {wire[wire.length - 1]});

    assertEquals(1, second.frames().size());
    assertEquals(FrameDecoder.State.READ_HEADER, decoder.state());
    assertEquals(0, decoder.bufferedBytes());
  }

  @Test
  void feed_byteBuffer_consumedToLimit() {
    byte[] wire = ENCODER.heartbeat();
    ByteBuffer chunk = ByteBuffer.wrap(concat(wire, new byte[] {1, 0}));

    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(chunk);

    assertEquals(List.of(Frame.HEARTBEAT), result.frames());
    assertEquals(0, chunk.remaining());
  }

  @Test
  void badEndOctet_frameError501() {
    byte[] wire = ENCODER.heartbeat();
    wire[wire.length - 1] = 0x41;

    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(wire);

    assertEquals(501, result.error().replyCode());
    assertEquals("FRAME_ERROR - frame of type 8 on channel 0 ends with 0x41, not 0xce", result.error().text());
  }

  @Test
  void framesBeforeBadOne_stillReturned_thenFailedIsTerminal() {
    byte[] good = ENCODER.encodeMethod(1, new AmqpMethod.BasicAck(1, false));
    byte[] bad = ENCODER.heartbeat();
    bad[bad.length - 1] = 0;
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);

    FrameDecoder.Result result = decoder.feed(concat(good, bad, good));

    assertEquals(1, result.frames().size());
    assertEquals(501, result.error().replyCode());
    assertEquals(FrameDecoder.State.FAILED, decoder.state());
    FrameDecoder.Result later = decoder.feed(good);
    assertEquals(List.of(), later.frames());
    assertEquals(result.error(), later.error());
  }

  @Test
  void oversizedFrame_frameError501_fromHeaderAlone() {
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);

    FrameDecoder.Result result = decoder.feed(hex(String.format("03 0001 %08x", FRAME_MAX - 7)));

    assertTrue(result.failed());
    assertEquals(501, result.error().replyCode());
    assertEquals(0, decoder.bufferedBytes());
  }

  @Test
  void frameOfExactlyFrameMax_accepted() {
    byte[] wire = ENCODER.encode(new Frame.Body(1, Samples.body(FRAME_MAX - Frame.OVERHEAD)));
    assertEquals(FRAME_MAX, wire.length);

    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(wire);

    assertFalse(result.failed());
    assertEquals(1, result.frames().size());
  }

  @Test
  void raisedFrameMax_acceptsLargerFrames() {
    byte[] wire = new FrameEncoder(2 * FRAME_MAX).encode(new Frame.Body(1, Samples.body(FRAME_MAX)));
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);

    decoder.setFrameMaxBytes(2 * FRAME_MAX);
    FrameDecoder.Result result = decoder.feed(wire);

    assertFalse(result.failed());
  }

  @Test
  void unknownFrameType_frameError501() {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(hex("04 0000 00000000 ce"));

    assertEquals(501, result.error().replyCode());
  }

  @Test
  void heartbeatWithPayload_frameError501() {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(hex("08 0000 00000001 00 ce"));

    assertEquals(501, result.error().replyCode());
  }

  @Test
  void heartbeatOnChannelOne_passedThroughForTheConnectionToReject() {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(hex("08 0001 00000000 ce"));

    assertEquals(List.of(new Frame.Heartbeat(1)), result.frames());
  }

  @Test
  void methodPayloadShorterThanIds_frameError501() {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(hex("01 0001 00000003 003c 00 ce"));

    assertEquals(501, result.error().replyCode());
  }

  @Test
  void truncatedMethodArguments_syntaxError502WithIds() {
    // basic.publish whose routing-key announces 5 octets but carries 2
    FrameDecoder.Result result =
        new FrameDecoder(FRAME_MAX).feed(hex("01 0001 0000000a 003c 0028 0000 00 05 7273 ce"));

    CodecError error = result.error();
    assertEquals(502, error.replyCode());
    assertEquals(60, error.classId());
    assertEquals(40, error.methodId());
    assertEquals("SYNTAX_ERROR - basic.publish routing-key: truncated: needs 5 octets, 2 left", error.text());
  }

  @Test
  void missingBitOctet_syntaxError502() {
    FrameDecoder.Result result =
        new FrameDecoder(FRAME_MAX).feed(hex("01 0001 00000008 003c 0028 0000 00 00 ce"));

    assertEquals(502, result.error().replyCode());
  }

  @Test
  void badFieldTypeInArguments_syntaxError502WithIds() {
    WireWriter payload = new WireWriter();
    MethodCodec.encode(new AmqpMethod.QueueDeclare(0, "q", false, false, false, false, false, Map.of()), payload);
    byte[] bytes = payload.toByteArray();
    byte[] broken = concat(Arrays.copyOf(bytes, bytes.length - 4), hex("00000004 01 6b 5a 00"));
    byte[] wire = concat(hex(String.format("01 0001 %08x", broken.length)), broken, hex("ce"));

    CodecError error = new FrameDecoder(FRAME_MAX).feed(wire).error();

    assertEquals(new CodecError(502, error.text(), 50, 10), error);
  }

  @Test
  void unknownMethodId_notImplemented540WithIds() {
    CodecError error = new FrameDecoder(FRAME_MAX).feed(hex("01 0001 00000004 003c 0063 ce")).error();

    assertEquals(new CodecError(540, "NOT_IMPLEMENTED - unknown method: class 60, method 99", 60, 99), error);
  }

  @Test
  void unknownClassId_notImplemented540WithIds() {
    CodecError error = new FrameDecoder(FRAME_MAX).feed(hex("01 0001 00000004 0063 000a ce")).error();

    assertEquals(540, error.replyCode());
    assertEquals(99, error.classId());
    assertEquals(10, error.methodId());
  }

  @Test
  void contentHeaderShorterThanFixedPart_frameError501() {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(hex("02 0001 00000002 003c ce"));

    assertEquals(501, result.error().replyCode());
  }

  @Test
  void malformedContentHeaderProperties_syntaxError502() {
    FrameDecoder.Result result =
        new FrameDecoder(FRAME_MAX).feed(hex("02 0001 0000000f 003c 0000 0000000000000000 8000 05 ce"));

    assertEquals(502, result.error().replyCode());
  }

  @Test
  void errorBeforeFailure_isNull() {
    FrameDecoder decoder = new FrameDecoder(FRAME_MAX);

    FrameDecoder.Result result = decoder.feed(ENCODER.encodeMethod(0, new ConnectionTuneOk(2047, 131_072, 60)));

    assertNull(result.error());
    assertNull(decoder.error());
  }

  @Test
  void frameMaxBelowMinimum_constructorThrows() {
    assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(Frame.FRAME_MIN_SIZE - 1));
  }

  /** Feeds {@code wire} whole, then split in two at every position, and expects the same frames. */
  private static void assertSplitsAgree(byte[] wire) {
    List<Frame> whole = decodeWhole(wire);
    for (int split = 1; split < wire.length; split++) {
      FrameDecoder decoder = new FrameDecoder(FRAME_MAX);
      FrameDecoder.Result first = decoder.feed(Arrays.copyOfRange(wire, 0, split));
      FrameDecoder.Result second = decoder.feed(Arrays.copyOfRange(wire, split, wire.length));
      assertFalse(first.failed() || second.failed(), "split at " + split);
      List<Frame> frames = new ArrayList<>(first.frames());
      frames.addAll(second.frames());
      assertEquals(whole, frames, "split at " + split);
      assertEquals(0, decoder.bufferedBytes(), "split at " + split);
    }
  }

  private static List<Frame> decodeWhole(byte[] wire) {
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(wire);
    assertFalse(result.failed(), () -> String.valueOf(result.error()));
    return result.frames();
  }
}
