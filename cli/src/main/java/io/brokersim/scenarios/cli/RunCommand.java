package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import io.brokersim.scenarios.report.MarkdownReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brokersim run NAME}: one scenario, one seed; prints the verdict, the expectations and the trace hash. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run one scenario on the deterministic simulator.",
        "Prints the verdict, each expectation and 'trace-sha256: <hex>'; the same seed gives the same hash.",
        "Exit status: 0 if every expectation holds, 1 if not, 2 for bad usage or a bad fault file."})
final class RunCommand implements Callable<Integer> {

  /** Calls listed one by one on the console; a longer run is summarised (the report lists every call). */
  private static final int MAX_LISTED_CALLS = 10;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "Scenario name (see 'brokersim scenarios').")
  String name;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the run (default ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(names = "--profile", paramLabel = "P",
      description = "lavinmq, rabbitmq-3 or rabbitmq-4 (default ${DEFAULT-VALUE}).", defaultValue = "lavinmq")
  String profile;

  @Option(names = "--trace", paramLabel = "FILE", description = "Write the trace as JSON Lines to FILE.")
  Path trace;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Write a Markdown report with a Mermaid sequence diagram to FILE.")
  Path report;

  @Option(names = "--faults", paramLabel = "FILE",
      description = "Fault file (HOCON, docs/faults.md); its rules apply after the scenario's own.")
  Path faults;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Scenario scenario = Lookup.scenario(spec, name);
    BrokerProfile p = Lookup.profile(spec, profile, scenario);
    RunOptions options = new RunOptions(trace);
    if (faults != null) {
      FaultPlan plan = Lookup.faults(faults, List.of(scenario), err);
      if (plan == null) {
        return 2;
      }
      options = options.withFaults(plan, faults.toString());
    }
    ScenarioResult r;
    try {
      r = ScenarioRunner.run(scenario, seed, p, options);
      if (report != null) {
        Files.writeString(report, MarkdownReport.of(r), StandardCharsets.UTF_8);
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("brokersim: cannot write " + (e instanceof UncheckedIOException u ? u.getCause() : e).getMessage());
      err.flush();
      return 2;
    }
    print(r, spec.commandLine().getOut());
    return r.passed() ? 0 : 1;
  }

  private void print(ScenarioResult r, PrintWriter out) {
    out.printf("%s (profile %s, seed %d)%n  %s%n%n", r.scenario(), r.profile(), r.seed(), r.description());
    if (!r.faults().isEmpty()) {
      out.println("fault rules:");
      for (ScenarioResult.FaultReport f : r.faults()) {
        out.printf("  %s (%s; fired %s): %s%n", f.rule(), f.source(), f.fired() == 1 ? "once" : f.fired() + " times",
            f.description());
      }
    }
    int answered = (int) r.calls().stream().filter(c -> c.call().answeredOnce()).count();
    out.printf("calls: %d, %d answered exactly once%n", r.calls().size(), answered);
    if (r.calls().size() <= MAX_LISTED_CALLS) {
      for (ScenarioResult.CallReport c : r.calls()) {
        out.printf("  %-12s %s%n", c.call().correlationId(), c.call().summary());
      }
    }
    if (!r.explanations().isEmpty()) {
      out.println("why:");
      for (ScenarioResult.Explanation e : r.explanations()) {
        out.printf("  %s: %s%n", e.correlationId(), e.broker().replace("\n", "\n    "));
      }
    }
    out.println("expectations:");
    int holding = 0;
    for (ScenarioResult.ExpectationResult e : r.expectations()) {
      holding += e.holds() ? 1 : 0;
      out.printf("  %s  %s%n        %s%n", e.holds() ? "PASS" : "FAIL", e.description(), e.reason());
    }
    for (String e : r.errors()) {
      out.println("  ERROR " + e);
    }
    out.printf("verdict: %s (%d of %d expectations hold)%n", r.verdict(), holding, r.expectations().size());
    if (r.verdict() != ScenarioResult.Verdict.PASS) {
      out.println("replay: " + r.replayCommand());
    }
    if (trace != null) {
      out.println("trace: " + trace);
    }
    if (report != null) {
      out.println("report: " + report);
    }
    out.println("trace-sha256: " + r.traceSha256());
    out.flush();
  }
}
