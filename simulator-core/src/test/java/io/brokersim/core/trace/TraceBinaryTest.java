package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.trace.TraceEvent.ChannelClosed;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.QueueDeclared;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canonical binary form, byte for byte, as its javadoc and docs/trace.md define it. */
class TraceBinaryTest {

  private static String hex(long seq, long nanos, TraceEvent event) {
    TraceBinary binary = new TraceBinary(8);
    binary.record(seq, nanos, event);
    return HexFormat.of().formatHex(Arrays.copyOf(binary.array(), binary.size()));
  }

  @Test
  void record_stringsAndInteger_areLengthPrefixedAndTagged() {
    assertEquals("03" + "ac02" + "08656e717565756564" + "03"
            + "04036d2d31" + "040171" + "0301",
        hex(3, 300, new Enqueued("m-1", "q", 1)));
  }

  @Test
  void record_booleansAndNull_areOneTagByte() {
    assertEquals("01" + "00" + "0e71756575655f6465636c61726564" + "05"
            + "040171" + "02" + "01" + "01" + "00",
        hex(1, 0, new QueueDeclared("q", true, false, false, null)));
  }

  @Test
  void record_nonAsciiEmptyAndList_encodeCharByChar() {
    assertEquals("01" + "00" + "06726f75746564" + "04"
            + "0402c3a9e282ac" + "0400" + "04016b" + "0502016101" + "62",
        hex(1, 0, new Routed("é€", "", "k", List.of("a", "b"))));
  }

  @Test
  void record_surrogatePair_isTwoThreeByteChars() {
    String text = hex(1, 0, new ChannelClosed("c", 0, "\uD83D\uDE00", 0, 0, "x")).substring(46);
    assertEquals("0402eda0bdedb880", text.substring(0, 16));
  }

  @Test
  void record_negativeInteger_takesTenBytes() {
    assertEquals("03ffffffffffffffffff01",
        hex(1, 0, new ChannelClosed("c", -1, "", 0, 0, "x")).substring(42, 64));
  }

  @Test
  void record_everyEventType_writesWhatTheSchemaWrites() throws Exception {
    for (int variant = 0; variant < 3; variant++) {
      for (TraceEvent e : JsonLinesHashTest.everyEventType(variant)) {
        TraceBinary direct = new TraceBinary(8);
        direct.record(5, 77, e);
        TraceBinary bySchema = new TraceBinary(8);
        bySchema.recordBySchema(5, 77, e);
        assertEquals(HexFormat.of().formatHex(Arrays.copyOf(bySchema.array(), bySchema.size())),
            HexFormat.of().formatHex(Arrays.copyOf(direct.array(), direct.size())), e.kind());
      }
    }
  }

  @Test
  void records_appendToOneBuffer_withSeqAndTimeAsDifferences() {
    TraceBinary binary = new TraceBinary(1);
    binary.record(1, 300, new Enqueued("m-1", "q", 1));
    binary.record(2, 300, new Enqueued("m-2", "q", 2));
    binary.reset();
    binary.record(3, 1_000_300, new Enqueued("m-3", "q", 3));
    String third = HexFormat.of().formatHex(Arrays.copyOf(binary.array(), binary.size()));
    // After reset the buffer is empty but the trace goes on: seq + 1, t + 1 ms (1,000,000 = c0 84 3d).
    assertEquals("01" + "c0843d" + hex(1, 0, new Enqueued("m-3", "q", 3)).substring(4), third);
    binary.reset();
    binary.record(4, 1_000_300, new Enqueued("m-4", "q", 4));
    assertEquals("0100", HexFormat.of().formatHex(Arrays.copyOf(binary.array(), 2)));
  }
}
