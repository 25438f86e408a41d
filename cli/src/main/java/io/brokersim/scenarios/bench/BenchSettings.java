package io.brokersim.scenarios.bench;

import io.brokersim.core.profile.BrokerProfile;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code brokersim bench} runs: warmup and measurement time per benchmark, the server the wire benchmarks
 * talk to, and where progress goes.
 *
 * @param quick short smoke run: small sizes and about a second per benchmark
 * @param warmup time each benchmark runs before it measures (JIT, connection setup, queues filled)
 * @param measure time each throughput benchmark measures for
 * @param uri the server of the wire benchmarks; null starts a LiveBroker and its AMQP server in this JVM
 * @param profile the broker profile of in-process simulations and of the in-process server
 * @param serveCommand with {@code uri}: a command that starts the broker at {@code uri}; the harness spawns it
 *     for each wire benchmark (and stops it after), and {@code wire-startup} times it. Empty: {@code wire-startup}
 *     times {@code java -jar <brokersim.jar> serve --port 0}
 * @param brokersimJar the shaded jar for that default command, or null if not found
 * @param progress where progress lines go (stderr)
 */
public record BenchSettings(boolean quick, Duration warmup, Duration measure, URI uri, BrokerProfile profile,
    List<String> serveCommand, Path brokersimJar, PrintWriter progress) {

  public BenchSettings {
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(measure, "measure");
    Objects.requireNonNull(profile, "profile");
    serveCommand = List.copyOf(serveCommand);
    Objects.requireNonNull(progress, "progress");
  }

  /** {@code full} when not quick, else {@code small}; for sizes that shrink in a quick run. */
  public int size(int full, int small) {
    return quick ? small : full;
  }

  /** Repetitions of a benchmark that measures whole runs (startups, virtual hours). */
  public int repetitions(int full) {
    return quick ? 1 : full;
  }

  /** Prints a progress line. */
  public void log(String format, Object... args) {
    progress.printf("bench: " + format + "%n", args);
    progress.flush();
  }
}
