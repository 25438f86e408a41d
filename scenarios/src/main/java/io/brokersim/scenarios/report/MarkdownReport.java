package io.brokersim.scenarios.report;

import io.brokersim.scenarios.RpcCall;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.VirtualTime;

/**
 * The Markdown report of one run: verdict and replay command, what the scenario teaches (marked as what the
 * scenario means to show when this run did not go that way), the fault rules it ran with and how often each fired, a
 * Mermaid sequence diagram of the calls that matter, every call with the fate of its request and replies, a
 * plain-language explanation of each lost, late or duplicated reply, and the expectations.
 */
public final class MarkdownReport {

  private MarkdownReport() {}

  /** The report of {@code r}. */
  public static String of(ScenarioResult r) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(r.scenario()).append(": ").append(r.verdict()).append("\n\n");
    b.append(r.description()).append("\n\n");
    b.append("| profile | seed | verdict | virtual time | trace-sha256 |\n|---|---|---|---|---|\n");
    b.append("| ").append(r.profile()).append(" | ").append(r.seed()).append(" | ").append(r.verdict()).append(" | ")
        .append(VirtualTime.format(r.virtualNanos()).substring(2)).append(" | `").append(r.traceSha256())
        .append("` |\n\n");
    b.append(ReportText.verdict(r)).append("\n\n");
    b.append("Replay: `").append(r.replayCommand()).append("`\n\n");

    b.append("## ").append(ReportText.teachingHeading(r)).append("\n\n");
    String caveat = ReportText.teachingCaveat(r);
    if (caveat != null) {
      b.append("*").append(caveat).append("*\n\n");
    }
    b.append(r.teaching()).append("\n\n");

    if (!r.faults().isEmpty()) {
      b.append("## Fault rules\n\n| rule | from | what | fired |\n|---|---|---|---|\n");
      for (ScenarioResult.FaultReport f : r.faults()) {
        b.append("| `").append(f.rule()).append("` | ").append(cell(f.source())).append(" | ")
            .append(cell(f.description())).append(" | ").append(f.fired()).append(" |\n");
      }
      b.append('\n');
    }

    Diagram diagram = SequenceDiagram.diagram(r);
    b.append("## Sequence\n\n").append(ReportText.diagramCaption(r, diagram)).append("\n\n```mermaid\n");
    for (String line : diagram.mermaid()) {
      b.append(line).append('\n');
    }
    b.append("```\n\n");

    b.append("## Calls\n\n");
    if (r.calls().isEmpty()) {
      b.append("No RPC call was made.\n\n");
    } else {
      b.append("| call | caller | request | for the caller | request message | replies |\n"
          + "|---|---|---|---|---|---|\n");
      for (ScenarioResult.CallReport c : r.calls()) {
        RpcCall call = c.call();
        b.append("| ").append(call.correlationId()).append(" | ").append(cell(call.requester())).append(" | ")
            .append(cell(call.request())).append(" | ").append(cell(call.summary())).append(" | ")
            .append(cell(c.request())).append(" | ")
            .append(c.replies().isEmpty() ? "none published" : cell(String.join("\n", c.replies()))).append(" |\n");
      }
      b.append('\n');
    }

    if (!r.explanations().isEmpty()) {
      b.append("## Why\n\n");
      for (ScenarioResult.Explanation e : r.explanations()) {
        b.append("### ").append(e.correlationId()).append("\n\n");
        b.append(e.client()).append("\n\n");
        b.append("The broker's record:\n\n");
        for (String line : e.broker().split("\n")) {
          b.append("- ").append(line).append('\n');
        }
        b.append('\n');
      }
    }

    b.append("## Expectations\n\n| | expectation | because |\n|---|---|---|\n");
    for (ScenarioResult.ExpectationResult e : r.expectations()) {
      b.append("| ").append(e.holds() ? "PASS" : "FAIL").append(" | ").append(cell(e.description())).append(" | ")
          .append(cell(e.reason())).append(" |\n");
    }
    if (!r.errors().isEmpty()) {
      b.append("\n## Errors in the scenario's code\n\n");
      for (String e : r.errors()) {
        b.append("- ").append(e.replace("\n", " ")).append('\n');
      }
    }
    return b.toString();
  }

  /** A table cell: pipes escaped, line breaks as {@code <br>}. */
  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", "<br>");
  }
}
