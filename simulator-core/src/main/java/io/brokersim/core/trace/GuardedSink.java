package io.brokersim.core.trace;

/**
 * A built-in sink whose queries take the lock of the {@link Trace} it was added to. The trace calls a sink's
 * {@code accept} only under that lock (or, for a {@link Trace#confined confined} trace, from its one thread), so
 * recording an event takes one lock in all (none when confined) instead of one per sink, and a query never sees
 * a sink in the middle of an event.
 */
abstract class GuardedSink {

  /** The trace that adopted this sink, or null. */
  private volatile Trace trace;

  void adoptedBy(Trace owner) {
    trace = owner;
  }

  /**
   * The lock of queries: the sink itself until a trace adopts it, then the trace's, after the trace has
   * handed this sink every event recorded so far (a shared trace may hold events another thread recorded
   * while this one was handing events to the sinks).
   */
  final Object lock() {
    Trace owner = trace;
    if (owner == null) {
      return this;
    }
    owner.applyPending();
    return owner;
  }
}
