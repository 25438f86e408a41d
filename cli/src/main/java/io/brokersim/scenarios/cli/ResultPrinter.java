package io.brokersim.scenarios.cli;

import io.brokersim.scenarios.ScenarioResult;
import java.io.PrintWriter;

/** The console account of one run, as {@code run} and {@code shrink} print it. */
final class ResultPrinter {

  /** Calls listed one by one on the console; a longer run lists only the failing ones (the report lists all). */
  static final int MAX_LISTED_CALLS = 10;

  private ResultPrinter() {}

  /** Everything but the closing lines (replay, files, trace hash). */
  static void print(ScenarioResult r, PrintWriter out) {
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
      int shown = 0;
      for (ScenarioResult.Explanation e : r.explanations()) {
        if (shown++ == MAX_LISTED_CALLS) {
          out.printf("  ... and %d more (the report has them all)%n", r.explanations().size() - MAX_LISTED_CALLS);
          break;
        }
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
    if (r.signature() != null) {
      out.println("failed as: " + r.signature().text());
    }
  }
}
