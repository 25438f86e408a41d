package io.brokersim.scenarios;

import io.brokersim.core.profile.BrokerProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many (scenario, profile, seed) combinations, {@code jobs} at a time, one simulation per thread. A shard
 * ({@code k} of {@code n}) takes every n-th seed of the range, so a CI matrix can split a sweep across machines
 * and the union of the shards is the whole range.
 */
public final class Sweep {

  /** Runs one sweep may plan at most. */
  public static final long MAX_RUNS = 1_000_000L;

  /** One run of a sweep. */
  public record Run(Scenario scenario, BrokerProfile profile, long seed) {

    /** The command that replays it. */
    public String replayCommand() {
      return replay(RunOptions.NONE).command();
    }

    /** The replay of this run with {@code options} (its fault file). */
    public Replay replay(RunOptions options) {
      return Replay.of(scenario, profile.name(), seed, options);
    }
  }

  /** A run whose expectations did not all hold, with the first problem and how it failed. */
  public record Failure(Run run, String problem, FailureSignature signature) {}

  /**
   * Failures that failed the same way: one scenario, one {@link FailureSignature}.
   *
   * @param scenario the scenario's name
   * @param signature how they failed
   * @param failures the failing runs, ordered by profile and seed; the first has the smallest seed
   */
  public record FailureGroup(String scenario, FailureSignature signature, List<Failure> failures) {

    public FailureGroup {
      failures = List.copyOf(failures);
    }

    /** The run to look at first: the smallest seed (of the first profile with one). */
    public Failure first() {
      return failures.stream().min(Comparator.comparingLong((Failure f) -> f.run().seed())
          .thenComparing(f -> f.run().profile().name())).orElseThrow();
    }

    public int count() {
      return failures.size();
    }

    /** The profiles among the failures, in the order of the sweep. */
    public List<String> profiles() {
      return failures.stream().map(f -> f.run().profile().name()).distinct().toList();
    }
  }

  /**
   * What a sweep found.
   *
   * @param runs runs made
   * @param failures failing runs, ordered by scenario, profile and seed
   * @param distinctTraces distinct trace hashes among the runs
   * @param wallTime real time the sweep took
   */
  public record Summary(int runs, List<Failure> failures, int distinctTraces, Duration wallTime) {

    public int passed() {
      return runs - failures.size();
    }

    /** The failures grouped by scenario and signature, the largest group first (then by scenario and signature). */
    public List<FailureGroup> groups() {
      Map<String, List<Failure>> byKey = new LinkedHashMap<>();
      for (Failure f : failures) {
        byKey.computeIfAbsent(f.run().scenario().name() + "\u0000" + f.signature().text(), k -> new ArrayList<>())
            .add(f);
      }
      List<FailureGroup> out = new ArrayList<>();
      for (List<Failure> fs : byKey.values()) {
        out.add(new FailureGroup(fs.get(0).run().scenario().name(), fs.get(0).signature(), fs));
      }
      out.sort(Comparator.comparingInt(FailureGroup::count).reversed().thenComparing(FailureGroup::scenario)
          .thenComparing(g -> g.signature().text()));
      return out;
    }
  }

  /** Told after each run; called from the sweep's worker threads, one call at a time. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total, int failed);
  }

  private Sweep() {}

  /**
   * The runs of shard {@code shard}/{@code shards} (1-based) of seeds {@code from..to} (inclusive) for each
   * scenario and each of {@code profiles} it declares (every declared profile when {@code profiles} is empty).
   */
  public static List<Run> plan(List<Scenario> scenarios, List<BrokerProfile> profiles, long from, long to,
      int shard, int shards) {
    if (shards < 1 || shard < 1 || shard > shards) {
      throw new IllegalArgumentException("shard must be k/n with 1 <= k <= n, got " + shard + "/" + shards);
    }
    if (to < from) {
      throw new IllegalArgumentException("empty seed range " + from + ".." + to);
    }
    long seeds = to - from + 1;
    if (seeds <= 0 || seeds > MAX_RUNS) {
      throw new IllegalArgumentException("seed range " + from + ".." + to + " is larger than " + MAX_RUNS);
    }
    List<Run> runs = new ArrayList<>();
    for (Scenario s : scenarios) {
      for (BrokerProfile p : s.profiles()) {
        if (!profiles.isEmpty() && !profiles.contains(p)) {
          continue;
        }
        for (long i = shard - 1; i < seeds; i += shards) {
          if (runs.size() >= MAX_RUNS) {
            throw new IllegalArgumentException("the sweep would make more than " + MAX_RUNS + " runs");
          }
          runs.add(new Run(s, p, from + i));
        }
      }
    }
    return runs;
  }

  /** Makes every run, {@code jobs} at a time. */
  public static Summary run(List<Run> runs, int jobs, Progress progress) {
    return run(runs, jobs, RunOptions.NONE, progress);
  }

  /**
   * Makes every run, {@code jobs} at a time, with {@code options} (extra fault rules; a trace file would be
   * overwritten by every run, so leave it out).
   */
  public static Summary run(List<Run> runs, int jobs, RunOptions options, Progress progress) {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
    }
    long start = System.nanoTime();
    List<Failure> failures = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, runs.size())), r -> {
      Thread t = new Thread(r, "brokersim-sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>(runs.size());
      for (Run run : runs) {
        futures.add(pool.submit(() -> {
          Failure failure = null;
          String hash = null;
          try {
            ScenarioResult r = ScenarioRunner.run(run.scenario(), run.seed(), run.profile(), options);
            hash = r.traceSha256();
            if (!r.passed()) {
              failure = new Failure(run, r.firstProblem(), r.signature());
            }
          } catch (RuntimeException | AssertionError e) {
            failure = new Failure(run, "the run threw " + e, new FailureSignature("error: the run threw "
                + e.getClass().getName(), ""));
          }
          synchronized (failures) {
            if (failure != null) {
              failures.add(failure);
            }
            if (hash != null) {
              hashes.add(hash);
            }
            progress.update(done.incrementAndGet(), runs.size(), failures.size());
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("sweep worker failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    failures.sort(Comparator.comparing((Failure f) -> f.run().scenario().name())
        .thenComparing(f -> f.run().profile().name()).thenComparingLong(f -> f.run().seed()));
    return new Summary(runs.size(), List.copyOf(failures), hashes.size(), Duration.ofNanos(System.nanoTime() - start));
  }
}
