package io.brokersim.scenarios.bench;

/**
 * One number a benchmark produced, with its unit; or, when {@code value} is NaN, the reason it was not measured
 * in {@code note}.
 *
 * @param benchmark the benchmark's name ({@code det-publish-ack}, {@code wire-rpc-direct-16}, ...)
 * @param metric what the number is ({@code throughput}, {@code p50}, ...)
 * @param value the number, NaN if not measured
 * @param unit its unit ({@code msgs/s}, {@code µs}, {@code bytes/message}, ...)
 * @param higherIsBetter true for rates, false for times and sizes (how a ratio against a baseline reads)
 * @param note how it was measured, or why it was not
 */
public record Measurement(String benchmark, String metric, double value, String unit, boolean higherIsBetter,
    String note) {

  /** A rate or count where more is better. */
  public static Measurement rate(String benchmark, String metric, double value, String unit, String note) {
    return new Measurement(benchmark, metric, value, unit, true, note);
  }

  /** A time or size where less is better. */
  public static Measurement cost(String benchmark, String metric, double value, String unit, String note) {
    return new Measurement(benchmark, metric, value, unit, false, note);
  }

  /** A row saying why nothing was measured. */
  public static Measurement notMeasured(String benchmark, String metric, String unit, String reason) {
    return new Measurement(benchmark, metric, Double.NaN, unit, true, "not measured: " + reason);
  }

  public boolean measured() {
    return !Double.isNaN(value);
  }
}
