package io.brokersim.scenarios.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every benchmark of {@code brokersim bench}, in the order they run, and the runner that turns a failure into a
 * "not measured" row instead of ending the whole run. docs/benchmarks.md says what each one measures.
 */
public final class BenchSuite {

  /** What a benchmark does when it runs. */
  @FunctionalInterface
  public interface Body {
    List<Measurement> run(BenchSettings settings) throws Exception;
  }

  /**
   * One benchmark.
   *
   * @param name unique name; {@code --only} takes names or prefixes of names ({@code det}, {@code wire-rpc})
   * @param description one line for {@code --help} and the docs
   */
  public record Benchmark(String name, String description, Body body) {}

  private static final List<Benchmark> ALL = List.of(
      new Benchmark("det-publish-ack", "in-process publish -> route -> deliver -> ack, msgs/s",
          DeterministicBenchmarks::publishAck),
      new Benchmark("det-rpc-callback", "in-process RpcClient calls/s over a callback queue",
          s -> DeterministicBenchmarks.rpc(s, false)),
      new Benchmark("det-rpc-direct", "in-process RpcClient calls/s over direct reply-to",
          s -> DeterministicBenchmarks.rpc(s, true)),
      new Benchmark("det-virtual-hour", "wall time of one virtual hour of RPC at 100 calls/s with timeout timers",
          DeterministicBenchmarks::virtualHour),
      new Benchmark("det-scenario-seeds",
          "scenario seeds per hour (" + DeterministicBenchmarks.SCENARIO + ", or the closest catalogue scenario)",
          DeterministicBenchmarks::scenarioSeeds),
      new Benchmark("det-sim-create-close", "Simulation create + close, warm median",
          DeterministicBenchmarks::createClose),
      new Benchmark("wire-pubsub-autoack", "Java client, 1 producer / 1 consumer, auto-ack, msgs/s",
          s -> WireBenchmarks.pubSub(s, false)),
      new Benchmark("wire-pubsub-confirm-ack", "Java client, 1 producer with confirms / 1 consumer with manual acks",
          s -> WireBenchmarks.pubSub(s, true)),
      new Benchmark("wire-pubsub-4x4", "Java client, 4 producers / 4 consumers on 4 queues, auto-ack, msgs/s",
          s -> WireBenchmarks.pubSubPairs(s, 4)),
      new Benchmark("wire-rpc-direct-1", "Java client RPC over direct reply-to, 1 call in flight",
          s -> WireBenchmarks.rpc(s, true, 1)),
      new Benchmark("wire-rpc-direct-16", "Java client RPC over direct reply-to, 16 calls in flight",
          s -> WireBenchmarks.rpc(s, true, 16)),
      new Benchmark("wire-rpc-callback-1", "Java client RPC over a callback queue, 1 call in flight",
          s -> WireBenchmarks.rpc(s, false, 1)),
      new Benchmark("wire-rpc-callback-16", "Java client RPC over a callback queue, 16 calls in flight",
          s -> WireBenchmarks.rpc(s, false, 16)),
      new Benchmark("wire-startup", "process start to first accepted AMQP connection",
          StartupBenchmark::run),
      new Benchmark("mem-queued-messages", "heap per queued 100-byte message",
          MemoryBenchmarks::queuedMessages),
      new Benchmark("mem-idle-connection", "heap per idle connection, in-process client and TCP",
          MemoryBenchmarks::idleConnections));

  private BenchSuite() {}

  public static List<Benchmark> all() {
    return ALL;
  }

  /**
   * The benchmarks {@code only} names: a comma-separated list of names or name prefixes ({@code det,wire-rpc});
   * null or blank means all. Throws IllegalArgumentException for a part that matches nothing.
   */
  public static List<Benchmark> select(String only) {
    if (only == null || only.isBlank()) {
      return ALL;
    }
    List<String> parts = Arrays.stream(only.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    for (String part : parts) {
      if (ALL.stream().noneMatch(b -> b.name().startsWith(part))) {
        throw new IllegalArgumentException("no benchmark named or starting with '" + part + "'; known: "
            + String.join(", ", ALL.stream().map(Benchmark::name).toList()));
      }
    }
    return ALL.stream().filter(b -> parts.stream().anyMatch(p -> b.name().startsWith(p))).toList();
  }

  /** Runs the benchmarks in order; one that throws becomes a "not measured" row with the reason. */
  public static BenchReport run(List<Benchmark> benchmarks, BenchSettings settings) {
    Machine machine = Machine.current();
    List<Measurement> rows = new ArrayList<>();
    for (Benchmark b : benchmarks) {
      settings.log("%s ...", b.name());
      long start = System.nanoTime();
      List<Measurement> got;
      try {
        got = b.body().run(settings);
      } catch (Exception | AssertionError | OutOfMemoryError e) {
        got = List.of(Measurement.notMeasured(b.name(), "-", "-", "failed: " + e));
      }
      for (Measurement m : got) {
        settings.log("  %-24s %-14s %s %s (%.1f s)", m.benchmark(), m.metric(), BenchReport.format(m.value()),
            m.unit(), (System.nanoTime() - start) / 1e9);
      }
      rows.addAll(got);
    }
    return new BenchReport(machine, settings.quick() ? "quick" : "full",
        String.format(Locale.ROOT, "warmup %s, measure %s per benchmark", seconds(settings.warmup()),
            seconds(settings.measure())),
        settings.uri() == null ? "in-process LiveBroker + AMQP server, profile " + settings.profile().name()
            : WireBenchmarks.redact(settings.uri()),
        rows);
  }

  private static String seconds(java.time.Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
