package io.brokersim.core.trace;

/**
 * A {@link TraceSink} that takes each event with its stamps as separate values, so that the {@link Trace}
 * allocates no {@link TraceRecord} for it. For sinks that keep nothing per record, such as a hash or the fate
 * ledger.
 */
public interface EventSink extends TraceSink {

  /** Takes the event numbered {@code seq}, recorded at {@code virtualNanos}; must not call back into the trace. */
  void accept(long seq, long virtualNanos, TraceEvent event);

  @Override
  default void accept(TraceRecord record) {
    accept(record.seq(), record.virtualNanos(), record.event());
  }
}
