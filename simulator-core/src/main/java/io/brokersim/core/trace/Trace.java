package io.brokersim.core.trace;

import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The event log every broker actor writes to: {@link #record} stamps an event with the next sequence number
 * (from 1) and the clock's virtual time, then hands it to each sink in the order they were added.
 *
 * <p>Safe for concurrent use (the live runtime records from many threads): one lock covers numbering,
 * timestamping and the calls to sinks, so every sink sees records in sequence order; the built-in sinks take no
 * lock of their own per event. A {@link #confined} trace, for the single-threaded deterministic runtime, takes
 * no lock at all. Each record is encoded
 * to JSON at most once, and only when a {@link LineSink} is attached; the trace hash ({@link HashingSink}) and
 * the fate ledger need no JSON.
 */
public final class Trace {

  private static final TraceSink[] NO_SINKS = new TraceSink[0];

  private final LongSupplier clockNanos;
  private final boolean confined;
  private final TraceJson json = new TraceJson();
  /** Replaced, never mutated, so {@link #enabled()} can read it without the lock. */
  private volatile TraceSink[] sinks = NO_SINKS;
  private long seq;

  private Trace(LongSupplier clockNanos, boolean confined) {
    this.clockNanos = clockNanos;
    this.confined = confined;
  }

  /** A trace stamped by {@code clockNanos} (virtual nanoseconds), feeding {@code sinks} in order. */
  public static Trace create(LongSupplier clockNanos, TraceSink... sinks) {
    return withSinks(new Trace(clockNanos, false), sinks);
  }

  /**
   * Like {@link #create}, for a single-threaded runtime: {@link #record} takes no lock, so every event must be
   * recorded by one thread (the deterministic runtime's driver). Queries of the built-in sinks still lock.
   */
  public static Trace confined(LongSupplier clockNanos, TraceSink... sinks) {
    return withSinks(new Trace(clockNanos, true), sinks);
  }

  /** The clock that stamps this trace's records, read now (virtual nanoseconds of the run). */
  public long nowNanos() {
    return clockNanos.getAsLong();
  }

  private static Trace withSinks(Trace trace, TraceSink[] sinks) {
    for (TraceSink sink : sinks) {
      trace.addSink(sink);
    }
    return trace;
  }

  /**
   * Adds a sink; it sees only records made after this call. The built-in sinks ({@link FateLedger},
   * {@link HashingSink}, {@link MemorySink}, {@link JsonLinesSink}) then answer queries under this trace's lock;
   * add each to one trace only.
   */
  public synchronized void addSink(TraceSink sink) {
    if (sink instanceof GuardedSink guarded) {
      guarded.lock = this;
    }
    sinks = Arrays.copyOf(sinks, sinks.length + 1);
    sinks[sinks.length - 1] = sink;
  }

  /** Whether any sink is attached; a caller may skip building an event when this is false. */
  public boolean enabled() {
    return sinks.length > 0;
  }

  /**
   * Records one event. An {@link EventSink} gets the event and its stamps as they are; a {@link TraceRecord} is
   * made only if another sink is attached, and the JSON line only if a {@link LineSink} is.
   */
  public void record(TraceEvent event) {
    if (confined) {
      recordUnlocked(event);
    } else {
      synchronized (this) {
        recordUnlocked(event);
      }
    }
  }

  private void recordUnlocked(TraceEvent event) {
    long n = ++seq;
    TraceSink[] targets = sinks;
    if (targets.length == 0) {
      return;
    }
    long nanos = clockNanos.getAsLong();
    TraceRecord record = null;
    int length = -1;
    for (TraceSink sink : targets) {
      if (sink instanceof EventSink events) {
        events.accept(n, nanos, event);
        continue;
      }
      if (record == null) {
        record = new TraceRecord(n, nanos, event);
      }
      if (sink instanceof LineSink line) {
        if (length < 0) {
          length = json.encode(record);
        }
        line.acceptLine(record, json.bytes(), length);
      } else {
        sink.accept(record);
      }
    }
  }

  /** The sequence number of the last recorded event, 0 before the first. */
  public synchronized long lastSeq() {
    return seq;
  }

  /** Flushes every sink that buffers output. */
  public synchronized void flush() {
    try {
      for (TraceSink sink : sinks) {
        if (sink instanceof Flushable f) {
          f.flush();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
