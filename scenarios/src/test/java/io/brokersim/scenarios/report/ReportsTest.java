package io.brokersim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reports focus on the failing calls and never contradict their verdict; the HTML report is one offline file. */
class ReportsTest {

  private static final FaultPlan DROP_EVERY_REPLY = FaultFile.parse("""
      faults.rules = [
        { name = drop-callback-replies, at = routed, match { exchange = "", routing-key = "amq.gen-*" },
          action { type = drop } }
        { name = drop-direct-replies, at = reply-resolved, action { type = drop } }
      ]
      """, "drop-every-reply.conf");

  @Test
  void reports_ofEveryCatalogueScenario_neverContradictTheirVerdict() {
    for (Scenario s : Catalogue.all()) {
      BrokerProfile p = s.profiles().get(0);
      ScenarioResult passing = ScenarioRunner.run(s, 0, p);
      ScenarioResult broken = ScenarioRunner.run(s, 0, p, RunOptions.NONE.withFaults(DROP_EVERY_REPLY,
          "drop-every-reply.conf"));
      for (ScenarioResult r : List.of(passing, broken)) {
        String md = MarkdownReport.of(r);
        String html = HtmlReport.of(r);
        assertTrue(md.startsWith("# " + s.name() + ": " + r.verdict()), md);
        assertTrue(md.contains("**" + r.verdict() + "**"), s.name());
        assertTrue(html.contains("id=\"verdict\">" + r.verdict() + "<"), s.name());
        if (r.passed()) {
          assertTrue(md.contains("## What it shows") && !md.contains("did not go the way"), s.name());
        } else {
          assertFalse(md.contains("## What it shows"), s.name() + ": the teaching reads as what happened\n" + md);
          assertTrue(md.contains("## What the scenario is meant to show\n\n*This run did not go the way the text below "
              + "describes"), s.name());
          assertTrue(html.contains("What the scenario is meant to show"), s.name());
        }
      }
    }
  }

  @Test
  void diagram_failing100CallRun_drawsTheFailingCallAndItsMessagesOnly() {
    ScenarioResult r = ScenarioRunner.run(new HundredCalls(), 4, BrokerProfile.LAVINMQ);
    assertEquals(ScenarioResult.Verdict.FAIL, r.verdict());
    assertEquals(100, r.calls().size());
    List<String> failing = r.failingCalls();
    assertEquals(1, failing.size(), failing.toString());
    Diagram d = SequenceDiagram.diagram(r);
    for (Diagram.Step s : d.steps()) {
      assertTrue(s.correlationId() == null || s.correlationId().equals(failing.get(0)), s.toString());
    }
    assertTrue(d.steps().stream().anyMatch(s -> s.text().contains("fault rule lose-one-reply: drop")), d.toString());
    assertTrue(d.participants().size() <= 6, "lifelines: " + d.participants());
    assertEquals(List.of("99 more calls not shown: 99 answered once"), d.footnotes());
    assertEquals(List.of(), MermaidSequenceSyntax.problems(d.mermaid()), String.join("\n", d.mermaid()));
  }

  @Test
  void html_failing100CallRun_isOneOfflineFile_namingTheFailingCall_withItsFates() throws Exception {
    ScenarioResult r = ScenarioRunner.run(new HundredCalls(), 4, BrokerProfile.LAVINMQ,
        RunOptions.NONE.withMessageFates());
    String call = r.failingCalls().get(0);
    String html = HtmlReport.of(r);

    assertFalse(html.matches("(?s).*\\b(src|href)=\"(https?:)?//.*"), "nothing loaded from the network");
    assertFalse(html.contains("<link"), "no stylesheet outside the file");
    assertFalse(html.contains("<script src"), "no script outside the file");
    assertTrue(html.contains("<section class=\"failed\" id=\"failed\">"), html);
    assertTrue(html.contains("<a class=\"call\" href=\"#call-" + call + "\" data-call=\"" + call + "\">"), html);
    assertTrue(html.contains("<g class=\"step arrow\" id=\"step-0\" data-msg="), "arrows carry their message");
    assertTrue(html.contains("data-call=\"" + call + "\" tabindex=\"0\""), "and their call");
    String trace = html.substring(html.indexOf("<table id=\"trace-table\">"));
    trace = trace.substring(trace.indexOf("<tbody>"), trace.indexOf("</tbody>"));
    assertEquals(r.trace().size(), count(trace, "<tr"), "a row per trace event");
    assertTrue(html.indexOf("id=\"failed\"") < html.indexOf("<svg"), "what failed comes before the diagram");

    Matcher data = Pattern.compile("(?s)<script type=\"application/json\" id=\"report-data\">(.*?)</script>")
        .matcher(html);
    assertTrue(data.find());
    JsonNode root = new ObjectMapper().readTree(data.group(1));
    assertEquals(r.messages().size(), root.path("messages").size());
    assertTrue(root.path("calls").path(call).path("chain").asText().contains("reply dropped by fault "
        + "'lose-one-reply'"), root.path("calls").path(call).toString());
    boolean explained = false;
    for (JsonNode m : root.path("messages")) {
      explained |= call.equals(m.path("call").asText()) && m.path("explanation").asText()
          .contains("by fault rule 'lose-one-reply'");
    }
    assertTrue(explained, "the lost reply's fate names the rule");
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void markdown_flakyNetworkOnTheBaseline_saysTheRunRanWithThoseFaults() {
    Path file = Path.of("..", "examples", "faults", "flaky-network.conf");
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("rpc-callback-queue").orElseThrow(), 3, BrokerProfile.LAVINMQ,
        RunOptions.NONE.withFaults(FaultFile.load(file), file.toString()));
    String md = MarkdownReport.of(r);
    assertTrue(md.contains("*This run did not go the way the text below describes (it ran with the fault rules of "
        + file + " added)"), md);
    assertTrue(r.failingCalls().size() > 1, r.failingCalls().toString());
    assertTrue(md.contains("The calls the failed expectations name (" + String.join(", ", r.failingCalls())
        + ") and their messages only; " + r.failingCalls().size() + " of 20 calls are drawn."), md);
  }
}
