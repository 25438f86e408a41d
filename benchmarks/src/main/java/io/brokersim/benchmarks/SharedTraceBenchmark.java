package io.brokersim.benchmarks;

import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceEvent.Acked;
import io.brokersim.core.trace.TraceEvent.Delivered;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.Published;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live broker's shared trace, as {@code brokersim serve} records into it: the five events of one message
 * (published, routed, enqueued, delivered, acked) per operation, from several threads at once (one queue each,
 * like {@code wire-pubsub-4x4}), into a windowed fate ledger ({@code sinks=ledger}, what {@code serve} keeps) or
 * no sink at all ({@code sinks=none}, a {@code LiveBroker} built with {@code ledger(false)}). ops/s is messages
 * per second over all threads; {@code -t 1} against {@code -t 2} shows how much recording serialises threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(4)
public class SharedTraceBenchmark {

  /** Settled messages the ledger keeps, as {@code brokersim serve} configures it by default. */
  static final int SETTLED_KEPT = 10_000;

  @Param({"ledger", "none"})
  String sinks;

  Trace trace;
  FateLedger ledger;
  final AtomicInteger threads = new AtomicInteger();

  @Setup(Level.Iteration)
  public void setUp() {
    ledger = FateLedger.keepingSettled(SETTLED_KEPT);
    long start = System.nanoTime();
    trace = sinks.equals("ledger") ? Trace.create(() -> System.nanoTime() - start, ledger)
        : Trace.create(() -> System.nanoTime() - start);
  }

  /** One recording thread: its own queue, channel and message numbers. */
  @State(Scope.Thread)
  public static class Recorder {
    String queue;
    String channel;
    List<String> queues;
    long n;

    @Setup(Level.Trial)
    public void setUp(SharedTraceBenchmark shared) {
      int me = shared.threads.incrementAndGet();
      queue = "q-" + me;
      channel = "conn-" + me + "/ch-1";
      queues = List.of(queue);
    }
  }

  /** The five events of one message, published to its thread's queue and acked. */
  @Benchmark
  public long publishToAck(Recorder r) {
    long tag = ++r.n;
    String msgId = r.queue + "-" + tag;
    trace.record(new Published(msgId, r.channel, "", r.queue, false, false, null, null, null, 100));
    trace.record(new Routed(msgId, "", r.queue, r.queues));
    trace.record(new Enqueued(msgId, r.queue, 1));
    trace.record(new Delivered(msgId, r.queue, r.channel, "ctag", tag, false, false));
    trace.record(new Acked(msgId, r.queue, r.channel, tag));
    return tag;
  }
}
