package io.brokersim.scenarios.bench;

import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * {@code wire-startup}: time from spawning a broker process to the first AMQP connection it accepts (the Java
 * client's {@code newConnection} returns: TCP, protocol header, SASL, tune and {@code connection.open} done).
 *
 * <p>By default it spawns {@code java -jar brokersim.jar serve --port 0}, reads the port from the
 * {@code brokersim listening on amqp://HOST:PORT} line and connects. With {@code --serve-command} it spawns
 * that command instead (e.g. {@code rabbitmq-server}) and tries {@code --uri} every
 * {@value ServerProcess#POLL_MILLIS} ms from the moment of the spawn.
 */
final class StartupBenchmark {

  private static final String NAME = "wire-startup";

  private StartupBenchmark() {}

  static List<Measurement> run(BenchSettings s) throws Exception {
    boolean custom = !s.serveCommand().isEmpty();
    if (!custom && s.uri() != null) {
      return unavailable("--uri names a server the harness did not start; give --serve-command to time its start");
    }
    if (custom && s.uri() == null) {
      return unavailable("--serve-command needs --uri to poll");
    }
    if (!custom && s.brokersimJar() == null) {
      return unavailable("brokersim.jar not found (mvn -B -pl cli -am package -DskipTests)");
    }
    if (custom && ServerProcess.answers(s.uri())) {
      return unavailable("a server already answers at " + WireBenchmarks.redact(s.uri()) + "; stop it first");
    }
    List<String> command = custom ? s.serveCommand()
        : ServerProcess.brokersimServe(s.brokersimJar(), s.profile().name());
    int reps = s.repetitions(5);
    long[] millis = new long[reps];
    for (int i = 0; i < reps; i++) {
      try {
        millis[i] = once(command, custom ? s.uri() : null) / 1_000_000;
      } catch (Exception e) {
        return unavailable(ServerProcess.whyUnavailable(e));
      }
      s.log("  start %d of %d: %d ms", i + 1, reps, millis[i]);
    }
    long min = Arrays.stream(millis).min().orElseThrow();
    return List.of(
        Measurement.cost(NAME, "median", TimedLoop.median(millis.clone()), "ms",
            String.format("%s; median of %d starts%s", String.join(" ", command), reps,
                custom ? ", trying " + WireBenchmarks.redact(s.uri()) + " every " + ServerProcess.POLL_MILLIS + " ms"
                    : ", port from its 'listening on' line")),
        Measurement.cost(NAME, "min", min, "ms", "fastest of the same starts"));
  }

  /** Nanoseconds from spawn to the first open connection; {@code poll} null means use the announced address. */
  static long once(List<String> command, URI poll) throws Exception {
    try (ServerProcess p = ServerProcess.start(command)) {
      URI target = poll;
      if (target == null) {
        URI announced = p.awaitAnnounced();
        target = new URI("amqp", "guest:guest", announced.getHost(), announced.getPort(), null, null, null);
      }
      return p.awaitFirstConnection(WireBenchmarks.factory(target));
    }
  }

  private static List<Measurement> unavailable(String reason) {
    return List.of(Measurement.notMeasured(NAME, "median", "ms", reason));
  }
}
