package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.FaultRules;
import io.brokersim.scenarios.Replay;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.Sweep;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brokersim sweep NAME --seeds A..B}: many seeds in parallel, a summary and the failures grouped by how they
 * failed, one line per group.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run a scenario (or 'all') for a range of seeds, in parallel, one simulation per thread.",
        "Prints a summary and one line per way the runs failed (the failing expectation and what happened to the "
            + "call): how many runs, and the smallest seed, with the commands that replay and shrink it.",
        "Exit status: 0 if every run passes, 1 if any fails, 2 for bad usage or a bad fault file."})
final class SweepCommand implements Callable<Integer> {

  private static final Pattern RANGE = Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)");
  private static final Pattern SHARD = Pattern.compile("(\\d+)/(\\d+)");
  private static final int BAR_WIDTH = 30;
  /** Plain progress lines: one per this share of the runs. */
  private static final int PLAIN_LINES = 10;

  /** How progress is shown on stderr. */
  enum ProgressStyle { AUTO, BAR, LINES, NONE }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "Scenario name, or 'all' for the whole catalogue.")
  String name;

  @Option(names = "--seeds", paramLabel = "A..B", required = true, description = "Seeds to run, inclusive: 0..99.")
  String seeds;

  @Option(names = "--shard", paramLabel = "K/N", defaultValue = "1/1",
      description = "Run only shard K of N (every N-th seed, from the K-th); default ${DEFAULT-VALUE}.")
  String shard;

  @Option(names = "--jobs", paramLabel = "J", description = "Parallel runs (default: available processors).")
  Integer jobs;

  @Option(names = "--profile", paramLabel = "P",
      description = "Only this profile (default: every profile each scenario declares).")
  String profile;

  @Option(names = "--faults", paramLabel = "FILE",
      description = "Fault file (HOCON, docs/faults.md); its rules apply after each scenario's own.")
  Path faults;

  @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
      description = "auto (a bar if stderr is a terminal, else plain lines), bar, lines or none.")
  ProgressStyle progress;

  @Option(names = "--json", description = "Print the summary as JSON (every failure, grouped) instead of text.")
  boolean json;

  @CommandLine.Mixin
  ClasspathOption classpath;

  @Override
  public Integer call() throws Exception {
    try (AutoCloseable loader = classpath.install(spec)) {
      return sweep();
    }
  }

  private int sweep() {
    List<Scenario> scenarios = "all".equals(name) ? Catalogue.all() : List.of(Lookup.scenario(spec, name));
    List<BrokerProfile> profiles = profile == null ? List.of() : List.of(Lookup.profile(spec, profile));
    long[] range = parse(RANGE, seeds, "--seeds must look like A..B, e.g. 0..99");
    long[] k = parse(SHARD, shard, "--shard must look like K/N, e.g. 2/4");
    if (k[0] > Integer.MAX_VALUE || k[1] > Integer.MAX_VALUE) {
      throw usage("--shard K/N is too large: " + shard);
    }
    int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
    if (parallel < 1) {
      throw usage("--jobs must be at least 1");
    }
    List<Sweep.Run> runs;
    try {
      runs = Sweep.plan(scenarios, profiles, range[0], range[1], (int) k[0], (int) k[1]);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (runs.isEmpty()) {
      throw usage("nothing to run: " + (profile == null ? "no seed falls in this shard"
          : "no scenario declares profile " + profile));
    }

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RunOptions options = RunOptions.NONE.withClasspath(classpath.classpath);
    if (faults != null) {
      FaultPlan plan = Lookup.faults(faults, scenarios, err);
      if (plan == null) {
        return 2;
      }
      options = options.withFaults(plan, faults.toString());
    }
    if (!json) {
      out.printf("sweep %s: seeds %s, shard %s, %d runs, %d jobs%n", name, seeds, shard, runs.size(), parallel);
      if (faults != null) {
        out.printf("fault rules from %s, after each scenario's own:%n", faults);
        for (FaultRule r : options.faults().rules()) {
          out.printf("  %s: %s%n", r.name(), FaultRules.describe(r));
        }
      }
      out.flush();
    }
    Sweep.Summary s = Sweep.run(runs, parallel, options, reporter(err));
    if (json) {
      out.println(SweepJson.of(name, seeds, shard, s, options));
    } else {
      print(s, options, out);
    }
    out.flush();
    return s.failures().isEmpty() ? 0 : 1;
  }

  /** The summary, then one line per failure group: count, smallest seed, how it failed. */
  private static void print(Sweep.Summary s, RunOptions options, PrintWriter out) {
    out.printf(Locale.ROOT, "%d runs: %d passed, %d failed in %.1f s; %d distinct traces%n", s.runs(), s.passed(),
        s.failures().size(), s.wallTime().toMillis() / 1000.0, s.distinctTraces());
    List<Sweep.FailureGroup> groups = s.groups();
    if (groups.isEmpty()) {
      return;
    }
    out.printf("%d failure%s in %d group%s (runs, smallest seed, how they failed):%n", s.failures().size(),
        s.failures().size() == 1 ? "" : "s", groups.size(), groups.size() == 1 ? "" : "s");
    int countWidth = String.valueOf(groups.get(0).count()).length();
    boolean severalScenarios = groups.stream().map(Sweep.FailureGroup::scenario).distinct().count() > 1;
    for (Sweep.FailureGroup g : groups) {
      Sweep.Run first = g.first().run();
      out.printf("  %" + countWidth + "d  seed %d %s  %s%s%n", g.count(), first.seed(), first.profile().name(),
          severalScenarios ? g.scenario() + ": " : "", g.signature().text());
    }
    Replay replay = groups.get(0).first().run().replay(options);
    out.println("replay the first group's seed: " + replay.command());
    out.println("shrink it to its smallest schedule: " + ShrinkCommand.command(replay));
  }

  private Sweep.Progress reporter(PrintWriter err) {
    ProgressStyle style = progress == ProgressStyle.AUTO
        ? (stderrIsTerminal() ? ProgressStyle.BAR : ProgressStyle.LINES)
        : progress;
    return switch (style) {
      case BAR -> (done, total, failed) -> {
        int filled = (int) ((long) done * BAR_WIDTH / total);
        err.printf("\r[%s%s] %d/%d, %d failed", "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), done, total,
            failed);
        if (done == total) {
          err.println();
        }
        err.flush();
      };
      case LINES -> (done, total, failed) -> {
        int step = Math.max(1, total / PLAIN_LINES);
        if (done % step == 0 || done == total) {
          err.printf("sweep: %d/%d runs, %d failed%n", done, total, failed);
          err.flush();
        }
      };
      default -> (done, total, failed) -> { };
    };
  }

  /**
   * Whether file descriptor 2 is a terminal. Java 17 cannot ask about stderr alone ({@code System.console()}
   * looks at stdin and stdout), so on Linux read what fd 2 points to, and fall back to the console otherwise.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  private long[] parse(Pattern p, String text, String message) {
    Matcher m = p.matcher(text.trim());
    if (!m.matches()) {
      throw usage(message + ", got '" + text + "'");
    }
    try {
      return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    } catch (NumberFormatException e) {
      throw usage(message + ", got '" + text + "'");
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
