package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME",
      description = "Scenario name (see 'brokersim scenarios'), or the class name of your own Scenario.")
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
      description = "Write a report to FILE: a single-file HTML page for a name ending in .html (diagram, fates, "
          + "filterable trace; works offline), else Markdown with a Mermaid sequence diagram.")
  Path report;

  @Option(names = "--faults", paramLabel = "FILE",
      description = "Fault file (HOCON, docs/faults.md); its rules apply after the scenario's own.")
  Path faults;

  @Option(names = "--only-calls", paramLabel = "IDS", split = ",",
      description = "Make only these calls (correlation_ids, comma-separated) and leave the others out, as "
          + "'brokersim shrink' prints it; for scenarios whose calls are independent.")
  List<String> onlyCalls;

  @CommandLine.Mixin
  ClasspathOption classpath;

  @Override
  public Integer call() throws Exception {
    try (AutoCloseable loader = classpath.install(spec)) {
      return runIt();
    }
  }

  private int runIt() {
    PrintWriter err = spec.commandLine().getErr();
    Scenario scenario = Lookup.scenario(spec, name);
    BrokerProfile p = Lookup.profile(spec, profile, scenario);
    RunOptions options = new RunOptions(trace).withClasspath(classpath.classpath);
    if (onlyCalls != null && !onlyCalls.isEmpty()) {
      if (!scenario.callsAreIndependent()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "scenario '" + scenario.name()
            + "' does not allow leaving calls out (its calls are not independent), so --only-calls does not apply");
      }
      options = options.withOnlyCalls(onlyCalls);
    }
    if (report != null && ReportFile.isHtml(report)) {
      options = options.withMessageFates();
    }
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
        ReportFile.write(report, r);
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("brokersim: cannot write " + (e instanceof UncheckedIOException u ? u.getCause() : e).getMessage());
      err.flush();
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    ResultPrinter.print(r, out);
    List<String> missing = new ArrayList<>(options.onlyCalls());
    missing.removeAll(r.calls().stream().map(c -> c.call().correlationId()).toList());
    if (!missing.isEmpty()) {
      out.println("note: the scenario made no call " + String.join(", ", missing));
    }
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
    return r.passed() ? 0 : 1;
  }
}
