package io.brokersim.scenarios.shrink;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.FaultFileText;
import io.brokersim.scenarios.FaultRules;
import io.brokersim.scenarios.Replay;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code brokersim shrink}: shrinks a failing scenario run (scenario, seed, profile, fault file) to its smallest
 * failing schedule, and runs that schedule once more, as the fault file it writes, for the report.
 */
public final class ScenarioShrink {

  private ScenarioShrink() {}

  /**
   * What a scenario shrink found.
   *
   * @param shrink the search and the schedule
   * @param minimal the run of the schedule as the written fault file gives it (its replay command names that file)
   * @param faultFile the schedule as a fault file, or null when a rule's action cannot be written (a custom action)
   * @param problem why {@code faultFile} is null, else null
   */
  public record Outcome(Shrinker.Result shrink, ScenarioResult minimal, String faultFile, String problem) {}

  /**
   * Shrinks the run of {@code scenario} with {@code options} (its fault file, its classpath), in at most
   * {@code maxRuns} runs; {@code outName} is the name the schedule will be saved under, for the replay command and
   * the report. Throws {@link Shrinker.NothingToShrink} if the run passes.
   */
  public static Outcome shrink(Scenario scenario, long seed, BrokerProfile profile, RunOptions options, int maxRuns,
      String outName) {
    List<FaultRule> rules = FaultRules.merge(scenario.faults(), options.faults(), options.faultsSource()).rules();
    RunOptions base = options.withOnlyCalls(List.of());
    Shrinker.Subject subject = new Shrinker.Subject() {
      @Override
      public Shrinker.Outcome run(List<FaultRule> plan, List<String> onlyCalls) {
        ScenarioResult r = ScenarioRunner.run(scenario, seed, profile,
            base.withFaults(new FaultPlan(plan), options.faultsSource()).withOnlyCalls(onlyCalls));
        return new Shrinker.Outcome(r.signature(), r.traceSha256(),
            r.calls().stream().map(c -> c.call().correlationId()).toList());
      }

      @Override
      public boolean callsAreIndependent() {
        return scenario.callsAreIndependent();
      }
    };
    Shrinker.Result result = Shrinker.shrink(subject, rules, maxRuns);
    ScenarioResult minimal = ScenarioRunner.run(scenario, seed, profile, options.withMessageFates()
        .withFaults(new FaultPlan(result.schedule()), outName).withOnlyCalls(result.onlyCalls()));
    String text = null;
    String problem = null;
    try {
      text = FaultFileText.of(result.schedule(), header(scenario, seed, profile, options, result, minimal));
    } catch (IllegalArgumentException e) {
      problem = e.getMessage();
    }
    return new Outcome(result, minimal, text, problem);
  }

  private static List<String> header(Scenario scenario, long seed, BrokerProfile profile, RunOptions options,
      Shrinker.Result r, ScenarioResult minimal) {
    List<String> lines = new ArrayList<>();
    Replay from = Replay.of(scenario, profile.name(), seed, options.withOnlyCalls(List.of()));
    lines.add("The smallest schedule of fault firings that still fails " + from.command());
    lines.add(r.summary());
    lines.add("fails: " + r.signature().text());
    for (io.brokersim.scenarios.shrink.Firing f : r.minimal()) {
      lines.add("fires: " + f.describe());
    }
    lines.add("replay: " + minimal.replayCommand());
    return lines;
  }
}
