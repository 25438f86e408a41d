package io.brokersim.scenarios.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SequenceDiagramTest {

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Scenario s : Catalogue.all()) {
      for (BrokerProfile p : s.profiles()) {
        for (long seed = 0; seed < 3; seed++) {
          out.add(Arguments.of(s.name(), p.name(), seed));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @MethodSource("runs")
  void report_everyCatalogueRun_mermaidBlockIsValidSequenceDiagram(String scenario, String profile, long seed) {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find(scenario).orElseThrow(), seed,
        BrokerProfile.byName(profile).orElseThrow());
    List<String> diagram = mermaidBlock(MarkdownReport.of(r));
    assertEquals(List.of(), MermaidSequenceSyntax.problems(diagram), String.join("\n", diagram));
    long steps = diagram.stream().filter(l -> !l.strip().startsWith("participant")).count() - 1;
    assertTrue(steps <= SequenceDiagram.MAX_STEPS + 2, "diagram too long: " + steps + " steps");
  }

  @Test
  void diagram_lostReply_drawsTheDropAgainstTheDeletedCallbackQueue() {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("lost-reply-requester-connection-dropped").orElseThrow(), 42,
        BrokerProfile.LAVINMQ);
    String diagram = String.join("\n", SequenceDiagram.of(r));
    assertTrue(diagram.contains("connection lost (no close handshake)"), diagram);
    assertTrue(diagram.contains("queue deleted"), diagram);
    assertTrue(diagram.matches("(?s).*P\\d+-xP\\d+: t=\\d+\\.\\d{3}s reply client-1 dropped: no queue amq\\.gen-.*"),
        diagram);
    assertTrue(diagram.contains("basic.return 312 NO_ROUTE for reply client-2"), diagram);
  }

  @Test
  void diagram_healthyRun_drawsTwoCallsAndSaysHowManyItLeftOut() {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("rpc-callback-queue").orElseThrow(), 0, BrokerProfile.LAVINMQ);
    String diagram = String.join("\n", SequenceDiagram.of(r));
    assertTrue(diagram.contains("18 more calls not shown: 18 answered once"), diagram);
  }

  /** Every direct reply-to scenario draws the reply-to registry, under every profile. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"rpc-direct-reply-to", "seed-direct-reply-to-as-written",
      "reply-consumer-with-ack", "publish-before-reply-consumer", "lost-reply-requester-channel-closed",
      "liveness-probe-before-reply"})
  void diagram_directReplyToScenarios_drawTheReplyToRegistry(String scenario) {
    for (BrokerProfile p : Catalogue.find(scenario).orElseThrow().profiles()) {
      String diagram = String.join("\n", SequenceDiagram.of(ScenarioRunner.run(Catalogue.find(scenario).orElseThrow(),
          0, p)));
      assertTrue(diagram.matches("(?s).*participant P\\d+ as reply-to registry.*"), p.name() + "\n" + diagram);
      assertTrue(diagram.matches("(?s).*P\\d+->>P\\d+: resolve reply .*"), p.name() + "\n" + diagram);
    }
  }

  @Test
  void diagram_deadRequesterChannel_faultNoteAndDropAtTheRegistry_perProfile() {
    for (BrokerProfile p : BrokerProfile.ALL) {
      ScenarioResult r = ScenarioRunner.run(Catalogue.find("lost-reply-requester-channel-closed").orElseThrow(), 1, p);
      String diagram = String.join("\n", SequenceDiagram.of(r));
      assertTrue(diagram.contains("fault rule requester-channel-dies: dead-reply-channel"), diagram);
      // RabbitMQ's registry drops the reply; LavinMQ looks the dead name up, then routes it normally to nothing.
      assertTrue(diagram.matches("(?s).*P\\d+-xP\\d+: t=\\d\\.\\d{3}s reply gone-a-1 dropped: .*"), diagram);
      assertTrue(diagram.contains("basic.return 312 NO_ROUTE for reply gone-b-1") == (p != BrokerProfile.RABBITMQ_4),
          diagram);
      String md = MarkdownReport.of(r);
      assertTrue(md.contains("## Fault rules\n\n| rule | from | what | fired |"), md);
      assertTrue(md.contains("| `requester-channel-dies` | scenario | at routed, match correlation-id = gone-*, "
          + "has-reply-to = true, action dead-reply-channel, when always | 2 |"), md);
    }
  }

  @Test
  void diagram_brokerRestart_showsTheRestartAndTheLostQueue() {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("broker-restart-loses-transient-callback-queue").orElseThrow(),
        0, BrokerProfile.RABBITMQ_3);
    String diagram = String.join("\n", SequenceDiagram.of(r));
    assertTrue(diagram.contains("fault rule broker-restart: broker-restart"), diagram);
    assertTrue(diagram.contains("connection cut by the broker restart (fault rule broker-restart)"), diagram);
    assertTrue(diagram.contains("queue deleted (restart)"), diagram);
    assertTrue(diagram.contains("reply client-4 dropped: no queue client.replies"), diagram);
  }

  @Test
  void diagram_requestExpires_labelsTheDeadLetterAndTheClientsFinding() {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("request-expires-in-queue").orElseThrow(), 0,
        BrokerProfile.LAVINMQ);
    String diagram = String.join("\n", SequenceDiagram.of(r));
    assertTrue(diagram.contains("request client-2 dead-lettered (expired) to exchange rpc.dlx"), diagram);
    assertTrue(diagram.contains("route dead letter of request client-2"), diagram);
    assertTrue(diagram.contains("found its request client-2 in timeouts"), diagram);
  }

  @Test
  void diagram_seedAsWritten_saysWhyTheRequestWentNowhere() {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find("seed-direct-reply-to-as-written").orElseThrow(), 0,
        BrokerProfile.LAVINMQ);
    String diagram = String.join("\n", SequenceDiagram.of(r));
    assertTrue(diagram.contains("request seed-requester-1 dropped: no queue is named (empty)"), diagram);
  }

  @Test
  void clean_removesWhatMermaidRejects() {
    assertEquals("a, b/1 (x) its %", SequenceDiagram.clean("a; b#1 <x> it's %%"));
    assertFalse(SequenceDiagram.clean("x".repeat(500)).length() > 90);
  }

  @Test
  void validator_rejectsWhatMermaidRejects() {
    assertEquals(List.of(), MermaidSequenceSyntax.problems(List.of("sequenceDiagram", "participant A as client",
        "participant B", "A->>B: hello", "B-->>A: ok", "A-xB: lost", "Note over A,B: a note", "alt x", "A->>B: y",
        "else z", "end")));
    assertProblem("'sequenceDiagram'", "graph TD", "A-->B");
    assertProblem("used before it is declared", "sequenceDiagram", "participant A", "A->>B: hi");
    assertProblem("';' ends", "sequenceDiagram", "participant A", "Note over A: one; two");
    assertProblem("'#' starts", "sequenceDiagram", "participant A", "Note over A: msg #3");
    assertProblem("unbalanced double quotes", "sequenceDiagram", "participant A", "Note over A: say \"hi");
    assertProblem("not a sequenceDiagram statement", "sequenceDiagram", "participant A", "A=>A: hi");
    assertProblem("not closed", "sequenceDiagram", "participant A", "alt x", "Note over A: y");
    assertProblem("before the first message", "sequenceDiagram", "participant A", "Note over A: y", "participant B");
  }

  private static void assertProblem(String fragment, String... lines) {
    List<String> problems = MermaidSequenceSyntax.problems(Arrays.asList(lines));
    assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), fragment + " not in " + problems);
  }

  static List<String> mermaidBlock(String markdown) {
    int start = markdown.indexOf("```mermaid\n");
    assertTrue(start >= 0, "no mermaid block");
    int end = markdown.indexOf("\n```", start + 11);
    return Arrays.asList(markdown.substring(start + 11, end).split("\n"));
  }
}
