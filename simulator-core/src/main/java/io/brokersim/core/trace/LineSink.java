package io.brokersim.core.trace;

/**
 * A sink that consumes the canonical JSON line of each record. A {@link Trace} encodes each record once and
 * hands the same bytes to all its line sinks, so a file sink and a hashing sink cost one encoding.
 */
public interface LineSink extends TraceSink {

  /**
   * Takes the UTF-8 bytes {@code utf8[0, length)} of one JSON line, ending with {@code '\n'}. The array is
   * reused by the caller after the call returns.
   */
  void acceptLine(TraceRecord record, byte[] utf8, int length);

  /** Encodes the record itself; used only when the sink is driven directly rather than by a {@link Trace}. */
  @Override
  default void accept(TraceRecord record) {
    byte[] line = TraceJson.line(record);
    acceptLine(record, line, line.length);
  }
}
