package io.brokersim.scenarios.report;

import io.brokersim.scenarios.ScenarioResult;
import java.util.List;

/**
 * The sentences both reports put around a run, written from its verdict so that no fixed text contradicts it: a
 * scenario's teaching describes the run it is built for, and a run with extra faults may not be that run.
 */
final class ReportText {

  private ReportText() {}

  /** "PASS: all 4 expectations hold." or "FAIL: 1 of 2 expectations does not hold: every call ...". */
  static String verdict(ScenarioResult r) {
    int total = r.expectations().size();
    long failing = r.expectations().stream().filter(e -> !e.holds()).count();
    return switch (r.verdict()) {
      case PASS -> "**PASS**: " + (total == 1 ? "the expectation holds." : "all " + total + " expectations hold.");
      case FAIL -> "**FAIL**: " + failing + " of " + total + " expectation" + (total == 1 ? "" : "s")
          + (failing == 1 ? " does" : " do") + " not hold. First: " + r.firstProblem();
      case ERROR -> "**ERROR**: the scenario's own code threw, so the run says nothing about the broker: "
          + r.errors().get(0);
    };
  }

  static String teachingHeading(ScenarioResult r) {
    return r.passed() ? "What it shows" : "What the scenario is meant to show";
  }

  /** Null for a run that went as the scenario says; else why the teaching below does not describe this run. */
  static String teachingCaveat(ScenarioResult r) {
    if (r.passed()) {
      return null;
    }
    String faults = r.faultsFile() == null ? "" : " (it ran with the fault rules of " + r.faultsFile() + " added)";
    return "This run did not go the way the text below describes" + faults + ": see the expectations and the calls "
        + "that failed.";
  }

  /** What the diagram shows, in one sentence. */
  static String diagramCaption(ScenarioResult r, Diagram d) {
    List<String> failing = r.failingCalls();
    String shown = d.steps().stream().map(Diagram.Step::correlationId).filter(c -> c != null).distinct().count()
        + " of " + r.calls().size() + " calls";
    if (r.calls().isEmpty()) {
      return "The run made no RPC call; every message is drawn.";
    }
    if (!failing.isEmpty()) {
      return "The calls the failed expectations name (" + String.join(", ", failing.subList(0,
          Math.min(failing.size(), SequenceDiagram.MAX_FOCUS))) + (failing.size() > SequenceDiagram.MAX_FOCUS
          ? ", ..." : "") + ") and their messages only; " + shown + " are drawn.";
    }
    return shown + " are drawn: the ones that went wrong, or a sample when none did.";
  }
}
