package io.brokersim.scenarios.cli;

import ch.qos.logback.classic.Level;
import io.brokersim.scenarios.bench.BenchReport;
import io.brokersim.scenarios.bench.BenchSettings;
import io.brokersim.scenarios.bench.BenchSuite;
import io.brokersim.scenarios.bench.Measurement;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brokersim bench}: throughput, latency, startup and memory, as a table or JSON (docs/benchmarks.md). */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure the simulator: the deterministic loop in-process, the AMQP server over",
        "TCP with the RabbitMQ Java client, process start to first connection, and heap",
        "per message and per connection. Each benchmark warms up, then measures for a",
        "bounded time. Prints a table with the machine in the header (JSON with --json);",
        "progress goes to stderr. docs/benchmarks.md explains every number.",
        "Exit status: 0 if every benchmark ran, 1 if one failed, 2 for bad usage."})
final class BenchCommand implements Callable<Integer> {

  private static final Duration FULL_WARMUP = Duration.ofSeconds(15);
  private static final Duration FULL_MEASURE = Duration.ofSeconds(10);
  private static final Duration QUICK_WARMUP = Duration.ofMillis(500);
  private static final Duration QUICK_MEASURE = Duration.ofSeconds(1);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Print the results as JSON on stdout instead of the table.")
  boolean json;

  @Option(names = "--only", paramLabel = "NAME",
      description = "Run only these benchmarks: names or prefixes, comma-separated (det, wire-rpc, mem-...).")
  String only;

  @Option(names = "--uri", paramLabel = "URI",
      description = "Run the wire benchmarks against this broker (amqp://user:pass@host:port) instead of a server"
          + " started in this JVM.")
  String uri;

  @Option(names = "--quick", description = "A short smoke run: ~1 s per benchmark and small sizes.")
  boolean quick;

  @Option(names = "--profile", paramLabel = "P", defaultValue = "rabbitmq-3",
      description = "Profile of the simulations and of the in-process server (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--warmup", paramLabel = "SECONDS",
      description = "Warmup per benchmark (default 15, or 0.5 with --quick).")
  Double warmupSeconds;

  @Option(names = "--measure", paramLabel = "SECONDS",
      description = "Measurement time per benchmark (default 10, or 1 with --quick).")
  Double measureSeconds;

  @Option(names = "--serve-command", paramLabel = "CMD",
      description = {"With --uri: a command (split at spaces) that starts the broker at --uri. Each wire benchmark"
          + " spawns it and stops it after; wire-startup times it instead of 'java -jar brokersim.jar serve"
          + " --port 0'. E.g. --serve-command rabbitmq-server."})
  String serveCommand;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "JSON of another run (e.g. against RabbitMQ): the table adds its values and the ratios.")
  Path baseline;

  @Option(names = "--from", paramLabel = "FILE",
      description = "Do not run anything: print the table of a saved --json run (with --baseline, the ratios).")
  Path from;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<BenchSuite.Benchmark> selected;
    try {
      selected = BenchSuite.select(only);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    BenchReport base = null;
    if (baseline != null) {
      try {
        base = BenchReport.readJson(baseline);
      } catch (IOException | RuntimeException e) {
        throw usage("cannot read --baseline " + baseline + ": " + e.getMessage());
      }
    }
    if (from != null) {
      try {
        BenchReport saved = BenchReport.readJson(from);
        out.print(json ? saved.toJson() : saved.toTable(base));
        out.flush();
        return 0;
      } catch (IOException | RuntimeException e) {
        throw usage("cannot read --from " + from + ": " + e.getMessage());
      }
    }
    if (serveCommand != null && uri == null) {
      throw usage("--serve-command needs --uri: the address the command's broker listens on");
    }
    quietLogging();
    BenchSettings settings = new BenchSettings(quick,
        duration(warmupSeconds, quick ? QUICK_WARMUP : FULL_WARMUP, "--warmup"),
        duration(measureSeconds, quick ? QUICK_MEASURE : FULL_MEASURE, "--measure"),
        parseUri(), Lookup.profile(spec, profile),
        serveCommand == null ? List.of() : Arrays.stream(serveCommand.trim().split("\\s+")).toList(),
        brokersimJar(), err);
    BenchReport report = BenchSuite.run(selected, settings);
    if (json) {
      out.print(report.toJson());
    } else {
      out.print(report.toTable(base));
    }
    out.flush();
    return report.rows().stream().anyMatch(BenchCommand::failed) ? 1 : 0;
  }

  private URI parseUri() {
    if (uri == null) {
      return null;
    }
    try {
      URI u = new URI(uri);
      if (!"amqp".equals(u.getScheme()) || u.getHost() == null) {
        throw usage("--uri must look like amqp://user:pass@host:port, got '" + uri + "'");
      }
      return u;
    } catch (URISyntaxException e) {
      throw usage("--uri is not a URI: " + e.getMessage());
    }
  }

  private Duration duration(Double seconds, Duration fallback, String option) {
    if (seconds == null) {
      return fallback;
    }
    if (seconds < 0 || seconds > 3600) {
      throw usage(option + " must be 0..3600 seconds, got " + seconds);
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /**
   * The shaded jar for {@code wire-startup}: the jar this command runs from, else
   * {@code cli/target/brokersim.jar} under the working directory; null if neither exists.
   */
  static Path brokersimJar() {
    try {
      Path self = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self) && self.getFileName().toString().equals("brokersim.jar")) {
        return self;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // Fall back to the build directory.
    }
    Path built = Path.of("cli", "target", "brokersim.jar").toAbsolutePath();
    return Files.isRegularFile(built) ? built : null;
  }

  /** Server and client logs would interleave with the table; only warnings and errors are shown. */
  private static void quietLogging() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.WARN);
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** True if a row is a failure rather than a deliberate "not measured". */
  static boolean failed(Measurement m) {
    return !m.measured() && m.note().startsWith("not measured: failed");
  }
}
