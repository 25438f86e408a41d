package io.brokersim.core.trace;

/**
 * Receives every record of a {@link Trace}, in sequence order, one call at a time (the trace holds its lock
 * while it calls sinks, or is confined to one thread, so a sink needs no locking of its own for {@code accept}).
 */
public interface TraceSink {

  /** Takes one record; must not call back into the trace. */
  void accept(TraceRecord record);
}
