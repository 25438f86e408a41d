package io.brokersim.core.trace;

/**
 * A built-in sink whose queries take the lock of the {@link Trace} it was added to. The trace calls a sink's
 * {@code accept} only under that lock (or, for a {@link Trace#confined confined} trace, from its one thread), so
 * recording an event takes one lock in all (none when confined) instead of one per sink, and a query never sees
 * a sink in the middle of an event.
 */
abstract class GuardedSink {

  /** The lock of queries: the sink itself until a trace adopts it. */
  volatile Object lock = this;
}
