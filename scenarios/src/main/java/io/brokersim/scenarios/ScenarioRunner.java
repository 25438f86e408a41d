package io.brokersim.scenarios;

import io.brokersim.core.Simulation;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.JsonLinesSink;
import io.brokersim.core.trace.MessageFate;
import io.brokersim.core.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one scenario on a fresh {@link Simulation}: builds it with the seed, the profile and the fault rules
 * (the scenario's, then any from a fault file), lets the scenario script it, checks the scenario's expectations
 * for that profile plus "nothing lost silently", and gathers the result. Runs are independent, so several can go
 * at once on different threads (one simulation per thread).
 */
public final class ScenarioRunner {

  private ScenarioRunner() {}

  /**
   * Runs the scenario {@code name} (see {@link Catalogue#resolve}); throws {@link IllegalArgumentException} if there
   * is none.
   */
  public static ScenarioResult run(String name, long seed, BrokerProfile profile, RunOptions options) {
    Scenario scenario = Catalogue.resolve(name).orElseThrow(() -> new IllegalArgumentException(
        "no scenario named '" + name + "'; known: " + String.join(", ", Catalogue.names())));
    return run(scenario, seed, profile, options);
  }

  /** Runs {@code scenario} with no trace file. */
  public static ScenarioResult run(Scenario scenario, long seed, BrokerProfile profile) {
    return run(scenario, seed, profile, RunOptions.NONE);
  }

  /**
   * Runs {@code scenario}; throws {@link IllegalArgumentException} for a profile it does not declare, or for a
   * fault file rule named like one of the scenario's.
   */
  public static ScenarioResult run(Scenario scenario, long seed, BrokerProfile profile, RunOptions options) {
    if (!scenario.profiles().contains(profile)) {
      throw new IllegalArgumentException("scenario '" + scenario.name() + "' does not declare profile '"
          + profile.name() + "'; it declares " + names(scenario.profiles()));
    }
    FaultPlan faults = FaultRules.merge(scenario.faults(), options.faults(), options.faultsSource());
    JsonLinesSink file = options.traceFile() == null ? null : JsonLinesSink.to(options.traceFile());
    try {
      Simulation.Builder builder = Simulation.builder().seed(seed).profile(profile).faults(faults);
      if (file != null) {
        builder.sink(file);
      }
      try (Simulation sim = builder.build()) {
        ScenarioContext ctx = new ScenarioContext(sim);
        ctx.onlyCalls(options.onlyCalls());
        return runOn(scenario, ctx, faultReports(scenario, options), options);
      }
    } finally {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the trace to " + options.traceFile(), e);
        }
      }
    }
  }

  private static ScenarioResult runOn(Scenario scenario, ScenarioContext ctx, List<ScenarioResult.FaultReport> faults,
      RunOptions options) {
    Simulation sim = ctx.sim();
    List<String> errors = new ArrayList<>();
    try {
      scenario.run(ctx);
    } catch (RuntimeException | AssertionError e) {
      errors.add("the scenario threw " + e);
    }
    List<Expectation> expectations = new ArrayList<>(scenario.expectations(sim.profile()));
    expectations.add(Expectations.nothingLostSilently());
    List<ScenarioResult.ExpectationResult> checked = ctx.check(expectations);
    errors.addAll(ctx.scriptErrors());

    List<ScenarioResult.CallReport> calls = new ArrayList<>();
    List<ScenarioResult.Explanation> explanations = new ArrayList<>();
    for (RpcCall call : ctx.log().calls()) {
      String request = Expectations.request(ctx, call.correlationId()).map(Expectations::phrase)
          .orElse("no request message was recorded");
      List<String> replies = new ArrayList<>();
      for (MessageFate reply : Expectations.replies(ctx, call.correlationId())) {
        replies.add(Expectations.phrase(reply));
      }
      calls.add(new ScenarioResult.CallReport(call, request, replies, FateChain.of(ctx, call)));
      if (!call.answeredOnce()) {
        explanations.add(new ScenarioResult.Explanation(call.correlationId(),
            call.requester() + "'s call " + call.correlationId() + " (request '" + call.request() + "') "
                + call.summary() + ".",
            Expectations.explanation(ctx, call.correlationId())));
      }
    }
    ScenarioResult.Verdict verdict = !errors.isEmpty() ? ScenarioResult.Verdict.ERROR
        : checked.stream().allMatch(ScenarioResult.ExpectationResult::holds) ? ScenarioResult.Verdict.PASS
        : ScenarioResult.Verdict.FAIL;
    return new ScenarioResult(scenario.name(), Replay.of(scenario, sim.profile().name(), sim.seed(), options),
        scenario.description(), scenario.teaching(), sim.profile().name(), sim.seed(), verdict, checked, errors,
        sim.traceSha256(), sim.nowNanos(), calls, explanations, sim.events().records(), ctx.log().entries(),
        fired(faults, sim), options.messageFates() ? messages(ctx) : List.of());
  }

  private static List<ScenarioResult.MessageReport> messages(ScenarioContext ctx) {
    List<ScenarioResult.MessageReport> out = new ArrayList<>();
    for (MessageFate m : ctx.sim().ledger().all()) {
      out.add(new ScenarioResult.MessageReport(m.msgId(), m.correlationId(), Expectations.phrase(m),
          ctx.sim().ledger().explain(m.msgId())));
    }
    return out;
  }

  /** One report per rule of the merged plan, in its order: a rescheduled scenario rule says so. */
  private static List<ScenarioResult.FaultReport> faultReports(Scenario scenario, RunOptions options) {
    String file = options.faultsSource() == null ? "fault file" : options.faultsSource();
    List<String> fromFile = options.faults().rules().stream().map(FaultRule::name).toList();
    List<ScenarioResult.FaultReport> out = new ArrayList<>();
    for (FaultRule r : FaultRules.merge(scenario.faults(), options.faults(), options.faultsSource()).rules()) {
      boolean scenarios = scenario.faults().rules().stream().anyMatch(x -> x.name().equals(r.name()));
      String source = !scenarios ? file : fromFile.contains(r.name()) ? "scenario, rescheduled by " + file
          : "scenario";
      out.add(new ScenarioResult.FaultReport(r.name(), source, FaultRules.describe(r), 0));
    }
    return out;
  }

  private static List<ScenarioResult.FaultReport> fired(List<ScenarioResult.FaultReport> rules, Simulation sim) {
    List<TraceEvent.FaultInjected> injected = sim.events().events(TraceEvent.FaultInjected.class);
    List<ScenarioResult.FaultReport> out = new ArrayList<>(rules.size());
    for (ScenarioResult.FaultReport r : rules) {
      int n = (int) injected.stream().filter(f -> f.rule().equals(r.rule())).count();
      out.add(new ScenarioResult.FaultReport(r.rule(), r.source(), r.description(), n));
    }
    return out;
  }

  private static String names(List<BrokerProfile> profiles) {
    return String.join(", ", profiles.stream().map(BrokerProfile::name).toList());
  }
}
