package io.brokersim.scenarios.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code wire-startup}: time from spawning a broker process to the first AMQP connection it accepts (the Java
 * client's {@code newConnection} returns: TCP, protocol header, SASL, tune and {@code connection.open} done).
 *
 * <p>By default it spawns {@code java -jar brokersim.jar serve --port 0}, reads the port from the
 * {@code brokersim listening on amqp://HOST:PORT} line and connects. It times the JVM as the {@code ./brokersim}
 * launcher runs it, with an AppCDS archive of the classes {@code serve} loads (written by one unmeasured first
 * start with {@code -XX:ArchiveClassesAtExit}, into a temporary directory), and, alternating with those starts,
 * plain {@code java -jar} without the archive. With {@code --serve-command} it spawns that command instead (e.g.
 * {@code rabbitmq-server}) and tries {@code --uri} every {@value ServerProcess#POLL_MILLIS} ms from the moment
 * of the spawn.
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
    if (!custom) {
      return brokersim(s);
    }
    List<String> command = s.serveCommand();
    int reps = s.repetitions(5);
    long[] millis = new long[reps];
    for (int i = 0; i < reps; i++) {
      try {
        millis[i] = once(command, s.uri()) / 1_000_000;
      } catch (Exception e) {
        return unavailable(ServerProcess.whyUnavailable(e));
      }
      s.log("  start %d of %d: %d ms", i + 1, reps, millis[i]);
    }
    return List.of(
        Measurement.cost(NAME, "median", TimedLoop.median(millis.clone()), "ms",
            String.format("%s; median of %d starts, trying %s every %d ms", String.join(" ", command), reps,
                WireBenchmarks.redact(s.uri()), ServerProcess.POLL_MILLIS)),
        Measurement.cost(NAME, "min", Arrays.stream(millis).min().orElseThrow(), "ms", "fastest of the same starts"));
  }

  /** brokersim serve with the launcher's class-data archive, alternating with starts without one. */
  private static List<Measurement> brokersim(BenchSettings s) throws Exception {
    Path dir = Files.createTempDirectory("brokersim-cds");
    try {
      Path archive = dir.resolve("serve.jsa");
      List<String> plain = ServerProcess.brokersimServe(s.brokersimJar(), s.profile().name(), List.of());
      List<String> dump = ServerProcess.brokersimServe(s.brokersimJar(), s.profile().name(),
          List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off"));
      List<String> shared = ServerProcess.brokersimServe(s.brokersimJar(), s.profile().name(),
          List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off"));
      int reps = s.repetitions(5);
      long[] withArchive = new long[reps];
      long[] without = new long[reps];
      try {
        long first = once(dump, null) / 1_000_000;
        if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
          return unavailable("failed: the first start wrote no class-data archive (" + archive + ")");
        }
        s.log("  first start, writing the class-data archive: %d ms", first);
        for (int i = 0; i < reps; i++) {
          withArchive[i] = once(shared, null) / 1_000_000;
          without[i] = once(plain, null) / 1_000_000;
          s.log("  start %d of %d: %d ms with the archive, %d ms without", i + 1, reps, withArchive[i], without[i]);
        }
      } catch (Exception e) {
        return unavailable(ServerProcess.whyUnavailable(e));
      }
      String how = String.join(" ", plain) + "; median of " + reps + " starts, port from its 'listening on' line";
      return List.of(
          Measurement.cost(NAME, "median", TimedLoop.median(withArchive.clone()), "ms",
              "with the AppCDS archive the ./brokersim launcher writes on a first run; " + how),
          Measurement.cost(NAME, "min", Arrays.stream(withArchive).min().orElseThrow(), "ms",
              "fastest of the same starts"),
          Measurement.cost(NAME, "median-no-cds", TimedLoop.median(without.clone()), "ms",
              "no class-data archive (java -jar), alternating with the starts above"));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
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
