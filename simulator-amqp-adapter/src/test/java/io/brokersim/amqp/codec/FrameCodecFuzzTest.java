package io.brokersim.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the frame decoder and, through it, the method and content header
 * codecs, in every {@link Dialect}. For any octets:
 *
 * <ul>
 *   <li>decoding never throws: it yields frames and at most one {@link CodecError};
 *   <li>the same octets fed in arbitrary chunks yield the same frames and the same error;
 *   <li>every frame the decoder accepted encodes again without an exception (nothing the read path
 *       accepts can make the write path throw) and decodes back to an equal frame.
 * </ul>
 *
 * <p>{@code mvn verify} fuzzes for 30 s from a fixed libFuzzer seed, starting from the seed inputs in
 * {@code src/test/resources/io/brokersim/amqp/codec/FrameCodecFuzzTestInputs/decodeAnyOctets}; a crash
 * found there stays as a regression input, replayed by every build. The longer run and its last result
 * are in docs/reliability.md.
 */
class FrameCodecFuzzTest {

  private static final int[] FRAME_MAX = {Frame.FRAME_MIN_SIZE, 8192, 131072};
  private static final List<MethodSpec> METHODS = MethodTable.methods();

  @FuzzTest(maxDuration = "30s")
  void decodeAnyOctets(FuzzedDataProvider data) {
    Dialect dialect = data.pickValue(Dialect.values());
    int frameMax = data.pickValue(FRAME_MAX);
    int chunk = data.consumeInt(1, 64);
    // Half the inputs are raw octets; the other half are frames whose structure is right and whose
    // fields are fuzzed, so that argument and property decoding are reached at every depth.
    byte[] octets = data.consumeBoolean() ? data.consumeRemainingAsBytes() : structuredFrames(data);

    FrameDecoder whole = new FrameDecoder(frameMax, dialect);
    FrameDecoder.Result all = whole.feed(ByteBuffer.wrap(octets));
    assertEquals(all.failed(), whole.state() == FrameDecoder.State.FAILED);

    FrameDecoder pieces = new FrameDecoder(frameMax, dialect);
    List<Frame> frames = new ArrayList<>();
    CodecError error = null;
    for (int at = 0; at < octets.length && error == null; at += chunk) {
      FrameDecoder.Result r = pieces.feed(ByteBuffer.wrap(octets, at, Math.min(chunk, octets.length - at)));
      frames.addAll(r.frames());
      error = r.error();
    }
    FrameEncoder encoder = new FrameEncoder(frameMax);
    // Frames compared by their encodings: a table's byte[] values are equal only by content.
    assertEquals(encodings(encoder, all.frames()), encodings(encoder, frames), "chunked decoding, same frames");
    assertEquals(all.error(), error, "chunked decoding fails the same way");

    for (Frame f : all.frames()) {
      if (f instanceof Frame.UndecodableHeader) {
        continue; // only ever received: the encoder refuses it by design
      }
      byte[] again = encoder.encode(f);
      assertTrue(again.length <= frameMax, "re-encoded frame fits frame_max");
      FrameDecoder.Result back = new FrameDecoder(frameMax, dialect).feed(again);
      assertFalse(back.failed(), () -> "re-encoded " + f + " does not decode: " + back.error());
      assertEquals(1, back.frames().size());
      assertArrayEquals(again, encoder.encode(back.frames().get(0)), () -> "unstable encoding of " + f);
    }
  }

  private static List<String> encodings(FrameEncoder encoder, List<Frame> frames) {
    List<String> out = new ArrayList<>();
    for (Frame f : frames) {
      // An undecodable header is only ever received, never encoded: compared by what it says.
      out.add(f instanceof Frame.UndecodableHeader u ? u.toString() : HexFormat.of().formatHex(encoder.encode(f)));
    }
    return out;
  }

  /** Method and content header frames with fuzzed fields, written octet by octet (no codec involved). */
  private static byte[] structuredFrames(FuzzedDataProvider data) {
    WireWriter out = new WireWriter();
    while (data.remainingBytes() > 0) {
      int channel = data.consumeInt(0, 3);
      WireWriter payload = new WireWriter();
      int type;
      if (data.consumeBoolean()) {
        type = Frame.TYPE_METHOD;
        MethodSpec spec = data.pickValue(METHODS);
        payload.shortUnsigned(spec.classId()).shortUnsigned(spec.methodId());
        for (FieldSpec field : spec.fields()) {
          fuzzedField(field.type(), data, payload);
        }
      } else {
        type = Frame.TYPE_HEADER;
        payload.shortUnsigned(data.consumeBoolean() ? MethodTable.BASIC_CLASS_ID : data.consumeInt(0, 0xFFFF));
        payload.shortUnsigned(0).longLong(data.consumeLong(0, 1 << 20));
        int flags = data.consumeInt(0, 0xFFFF) & 0xFFFC;
        payload.shortUnsigned(flags);
        List<FieldSpec> properties = MethodTable.basicProperties();
        for (int i = 0; i < properties.size(); i++) {
          if ((flags & (1 << (15 - i))) != 0) {
            fuzzedField(properties.get(i).type(), data, payload);
          }
        }
      }
      out.octet(type).shortUnsigned(channel).longUnsigned(payload.size()).bytes(payload.toByteArray())
          .octet(Frame.FRAME_END);
    }
    return out.toByteArray();
  }

  /** One field's octets: right length prefixes, fuzzed contents (a string need not be UTF-8). */
  private static void fuzzedField(FieldType type, FuzzedDataProvider data, WireWriter out) {
    switch (type) {
      case BIT, OCTET -> out.octet(data.consumeInt(0, 0xFF));
      case SHORT -> out.shortUnsigned(data.consumeInt(0, 0xFFFF));
      case LONG -> out.longUnsigned(data.consumeLong(0, 0xFFFF_FFFFL));
      case LONGLONG, TIMESTAMP -> out.longLong(data.consumeLong());
      case SHORTSTR -> {
        byte[] s = data.consumeBytes(data.consumeInt(0, 0xFF));
        out.octet(s.length).bytes(s);
      }
      case LONGSTR, TABLE -> {
        byte[] s = data.consumeBytes(data.consumeInt(0, 512));
        out.longUnsigned(s.length).bytes(s);
      }
    }
  }
}
