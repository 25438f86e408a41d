package io.brokersim.core.trace;

import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The event log every broker actor writes to: {@link #record} stamps an event with the next sequence number
 * (from 1) and the clock's virtual time, then hands it to each sink in the order they were added.
 *
 * <p>Safe for concurrent use (the live runtime records from many threads). A shared trace stamps an event
 * (sequence number and time) and queues it under a lock held for just that, then hands queued events to the
 * sinks, in sequence order, under a second lock, the sinks' lock; a thread that finds another one already
 * handing events over leaves its event to that thread instead of waiting (unless {@value #MAX_PENDING} events are
 * queued: then it waits and helps). So threads recording at once do not wait for each other's sink work, and
 * every sink sees records in sequence order; a query of a built-in sink
 * first hands over what is queued, so it sees every event recorded before it was made. A {@link #confined}
 * trace, for the single-threaded deterministic runtime, takes no lock and queues nothing. Each record is encoded
 * to JSON at most once, and only when a {@link LineSink} is attached; the trace hash ({@link HashingSink}) and
 * the fate ledger need no JSON.
 */
public final class Trace {

  private static final TraceSink[] NO_SINKS = new TraceSink[0];
  /**
   * Queued events beyond which a recording thread waits for the sinks and feeds them itself, as if the trace
   * had one lock: threads that record faster than the sinks take events cannot grow the queue without bound.
   */
  static final int MAX_PENDING = 4096;

  private final LongSupplier clockNanos;
  private final boolean confined;
  private final TraceJson json = new TraceJson();
  /** Replaced, never mutated, so {@link #enabled()} can read it without the lock. */
  private volatile TraceSink[] sinks = NO_SINKS;
  /** Guards {@link #seq} and the order of {@link #pending} (shared traces). */
  private final Object stamp = new Object();
  private long seq;
  /** Stamped events not yet handed to the sinks, in sequence order (shared traces). */
  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  /** How many events {@link #pending} holds (shared traces). */
  private final AtomicInteger pendingCount = new AtomicInteger();
  /** True while a thread hands queued events to the sinks (shared traces). */
  private final AtomicBoolean applying = new AtomicBoolean();

  private record Pending(long seq, long nanos, TraceEvent event) {}

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
  public void addSink(TraceSink sink) {
    synchronized (stamp) {
      synchronized (this) {
        applyQueued();
        if (sink instanceof GuardedSink guarded) {
          guarded.adoptedBy(this);
        }
        sinks = Arrays.copyOf(sinks, sinks.length + 1);
        sinks[sinks.length - 1] = sink;
      }
    }
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
      long n = ++seq;
      if (sinks.length > 0) {
        deliver(n, clockNanos.getAsLong(), event);
      }
      return;
    }
    int queued;
    synchronized (stamp) {
      long n = ++seq;
      if (sinks.length == 0) {
        return;
      }
      pending.offer(new Pending(n, clockNanos.getAsLong(), event));
      queued = pendingCount.incrementAndGet();
    }
    if (queued > MAX_PENDING) {
      synchronized (this) {
        applyQueued();
      }
      return;
    }
    // Hand queued events over unless another thread is doing it; that thread checks the queue again after
    // it stops, so an event queued while it was busy is not left behind.
    while (!pending.isEmpty() && applying.compareAndSet(false, true)) {
      try {
        synchronized (this) {
          applyQueued();
        }
      } finally {
        applying.set(false);
      }
    }
  }

  /** Hands every queued event to the sinks, waiting for a thread that is doing so; for queries. */
  void applyPending() {
    if (!pending.isEmpty()) {
      synchronized (this) {
        applyQueued();
      }
    }
  }

  /** Under this trace's lock. */
  private void applyQueued() {
    for (Pending p = pending.poll(); p != null; p = pending.poll()) {
      pendingCount.decrementAndGet();
      deliver(p.seq(), p.nanos(), p.event());
    }
  }

  private void deliver(long n, long nanos, TraceEvent event) {
    TraceSink[] targets = sinks;
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
  public long lastSeq() {
    if (confined) {
      return seq;
    }
    synchronized (stamp) {
      return seq;
    }
  }

  /** Flushes every sink that buffers output. */
  public synchronized void flush() {
    applyQueued();
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
