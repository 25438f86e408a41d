package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Replay;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.shrink.Firing;
import io.brokersim.scenarios.shrink.ScenarioShrink;
import io.brokersim.scenarios.shrink.Shrinker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code brokersim shrink NAME --seed N}: the smallest schedule of fault firings (and, where the scenario allows,
 * the fewest calls) that still fails the same way, as a fault file, with a report of that smallest run.
 */
@Command(name = "shrink", mixinStandardHelpOptions = true,
    description = {"Shrink a failing run to the fewest fault firings that still fail the same way.",
        "Takes the run's fault firings (its fault_injected events) as a schedule (rule X fires at its k-th match), "
            + "removes firings by "
            + "delta debugging until no single one can go (then calls, for scenarios whose calls are independent), "
            + "and prints that schedule as a fault file ('--out FILE' writes it), 'shrunk: N firings -> M in R runs' "
            + "and the account of the smallest run. The same failing seed always shrinks to the same schedule.",
        "Exit status: 0 when shrunk and the schedule replays the failure, 1 if the run passes or the schedule "
            + "does not replay it, 2 for bad usage or a bad fault file."})
final class ShrinkCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME",
      description = "Scenario name (see 'brokersim scenarios'), or the class name of your own Scenario.")
  String name;

  @Option(names = "--seed", paramLabel = "N", required = true, description = "Seed of the failing run.")
  long seed;

  @Option(names = "--profile", paramLabel = "P",
      description = "lavinmq, rabbitmq-3 or rabbitmq-4 (default ${DEFAULT-VALUE}).", defaultValue = "lavinmq")
  String profile;

  @Option(names = "--faults", paramLabel = "FILE",
      description = "The fault file of the failing run; its rules apply after the scenario's own.")
  Path faults;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the smallest schedule to FILE (a fault file).")
  Path out;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write the report of the smallest run to FILE (HTML for a name ending in .html, else Markdown).")
  Path report;

  @Option(names = "--max-runs", paramLabel = "N", defaultValue = "" + Shrinker.DEFAULT_MAX_RUNS,
      description = "Runs the search may make (default ${DEFAULT-VALUE}); it stops with the smallest failure so far.")
  int maxRuns;

  @CommandLine.Mixin
  ClasspathOption classpath;

  /** The shrink command for the run {@code replay} replays. */
  static String command(Replay replay) {
    String run = replay.command();
    int at = run.indexOf(" run ");
    return run.substring(0, at) + " shrink " + run.substring(at + " run ".length());
  }

  @Override
  public Integer call() throws Exception {
    try (AutoCloseable loader = classpath.install(spec)) {
      return shrink();
    }
  }

  private int shrink() throws IOException {
    if (maxRuns < 2) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-runs must be at least 2, got " + maxRuns);
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    Scenario scenario = Lookup.scenario(spec, name);
    BrokerProfile p = Lookup.profile(spec, profile, scenario);
    RunOptions options = RunOptions.NONE.withClasspath(classpath.classpath);
    if (faults != null) {
      FaultPlan plan = Lookup.faults(faults, List.of(scenario), err);
      if (plan == null) {
        return 2;
      }
      options = options.withFaults(plan, faults.toString());
    }
    ScenarioShrink.Outcome s;
    try {
      s = ScenarioShrink.shrink(scenario, seed, p, options, maxRuns, out == null ? "FILE" : out.toString());
    } catch (Shrinker.NothingToShrink e) {
      o.printf("%s (profile %s, seed %d) passes: there is no failure to shrink%n", scenario.name(), p.name(), seed);
      o.flush();
      return 1;
    }
    Shrinker.Result r = s.shrink();
    o.printf("shrinking %s (profile %s, seed %d%s): %d firings, %d calls%n", scenario.name(), p.name(), seed,
        faults == null ? "" : ", faults " + faults, r.original().size(), r.originalCalls().size());
    o.println("fails: " + r.signature().text());
    o.println(r.summary());
    o.println("smallest run:");
    if (r.minimal().isEmpty()) {
      o.println("  no fault firing: the failure happens without faults");
    }
    for (Firing f : r.minimal()) {
      o.println("  fires: " + f.describe());
    }
    if (!r.onlyCalls().isEmpty()) {
      o.println("  calls: " + String.join(", ", r.onlyCalls()));
    }
    o.println();
    if (s.faultFile() == null) {
      o.println("no fault file: " + s.problem());
    } else if (out != null) {
      Files.writeString(out, s.faultFile(), StandardCharsets.UTF_8);
      o.println("schedule: " + out);
    } else {
      o.println("schedule (save it and pass it with --faults; --out FILE writes it):");
      o.print(s.faultFile());
    }
    o.println();
    ResultPrinter.print(s.minimal(), o);
    if (report != null) {
      ReportFile.write(report, s.minimal());
      o.println("report: " + report);
    }
    o.println("replay: " + s.minimal().replayCommand());
    boolean same = r.replayed() && r.signature().equals(s.minimal().signature());
    if (!same) {
      o.println("warning: the schedule did not replay the smallest run exactly (a custom fault action that draws "
          + "from its rule's stream sees other numbers under a schedule)");
    }
    o.println("trace-sha256: " + s.minimal().traceSha256());
    o.flush();
    return same ? 0 : 1;
  }
}
