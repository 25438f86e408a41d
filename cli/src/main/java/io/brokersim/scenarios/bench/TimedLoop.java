package io.brokersim.scenarios.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * Runs a benchmark's rounds until a wall-clock budget is spent: first for the warmup (results thrown away), then
 * for the measurement. A round times only its own hot part, so per-round setup (a fresh simulation, say) is not
 * counted; the budget counts everything, so a run always ends.
 */
final class TimedLoop {

  /** Operations done in some nanoseconds. */
  record Rate(long operations, long nanos) {

    static final Rate NONE = new Rate(0, 0);

    double perSecond() {
      return nanos == 0 ? 0 : operations * 1e9 / nanos;
    }

    Rate plus(Rate other) {
      return new Rate(operations + other.operations, nanos + other.nanos);
    }
  }

  /** One round: does some operations and says how many, and how long the timed part took. */
  @FunctionalInterface
  interface Round {
    Rate run() throws Exception;
  }

  private TimedLoop() {}

  /** Warms up for {@code warmup}, then returns the rate of the rounds run during {@code measure}. */
  static Rate run(Duration warmup, Duration measure, Round round) throws Exception {
    runFor(warmup, round);
    return runFor(measure, round);
  }

  /** Runs rounds until {@code budget} has passed (at least one round). */
  static Rate runFor(Duration budget, Round round) throws Exception {
    long end = System.nanoTime() + budget.toNanos();
    Rate total = Rate.NONE;
    do {
      total = total.plus(round.run());
    } while (System.nanoTime() < end);
    return total;
  }

  /** Times a round whose operations all count: {@code ops} operations in the time {@code body} takes. */
  static Rate time(long ops, ThrowingRunnable body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return new Rate(ops, System.nanoTime() - start);
  }

  /** The median of some samples (sorted in place). */
  static double median(long[] samples) {
    Arrays.sort(samples);
    int n = samples.length;
    return n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
