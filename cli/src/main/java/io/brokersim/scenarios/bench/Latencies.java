package io.brokersim.scenarios.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, recorded from many threads, read as percentiles. Keeps at most
 * {@link #MAX_SAMPLES}; later samples are counted but not kept, which only matters for runs far longer
 * than the benchmarks make.
 */
final class Latencies {

  static final int MAX_SAMPLES = 4_000_000;

  private long[] samples = new long[1 << 16];
  private int size;
  private long dropped;

  synchronized void record(long nanos) {
    if (size == samples.length) {
      if (size == MAX_SAMPLES) {
        dropped++;
        return;
      }
      samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, size * 2));
    }
    samples[size++] = nanos;
  }

  synchronized int count() {
    return size;
  }

  /** The {@code p}-th percentile (0 < p <= 100), nearest-rank, in nanoseconds; NaN without samples. */
  synchronized double percentile(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
  }

  synchronized long dropped() {
    return dropped;
  }
}
