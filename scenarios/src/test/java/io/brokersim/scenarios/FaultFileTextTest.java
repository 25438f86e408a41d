package io.brokersim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultAction;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.runtime.Entropy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules written back as a fault file load into the same rules; a schedule in a file reschedules a scenario rule. */
class FaultFileTextTest {

  static Stream<Path> examples() throws IOException {
    return Files.list(Path.of("..", "examples", "faults")).filter(p -> p.toString().endsWith(".conf")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void of_everyExampleFile_loadsBackIntoTheSameRules(Path file) {
    FaultPlan plan = FaultFile.load(file);
    assertSameRules(plan.rules(), FaultFile.parse(FaultFileText.of(plan.rules(), List.of("from " + file)), "x.conf")
        .rules());
  }

  @Test
  void of_everyBuiltInActionAndMatchField_andASchedule_loadBack() {
    Match everything = Match.builder().exchange("").routingKey("rpc_*").queue("q \"1\"").correlationId("c-1")
        .replyTo("amq.gen-*").hasReplyTo(true).property("delivery-mode", "2").header("x.retry", "3").build();
    List<FaultRule> rules = List.of(
        new FaultRule("a", Boundary.ROUTED, everything, FaultActions.drop(), Trigger.atMatches(List.of(3L, 7L))),
        new FaultRule("b", Boundary.DELIVERED, null, FaultActions.delay(Duration.ofNanos(1_500_000)),
            new Trigger(0, 2, true, 0.25, 2_000_000_000L, 30_000_000_000L)),
        new FaultRule("c", Boundary.ROUTED, null, FaultActions.duplicate(3), Trigger.nth(4)),
        new FaultRule("d", Boundary.DELIVERED, null, FaultActions.closeChannel(406, "it's \"gone\""), null),
        new FaultRule("e", Boundary.PUBLISH_RECEIVED, null, FaultActions.closeConnection(320, null), null),
        new FaultRule("f", Boundary.ROUTED, null, FaultActions.deadReplyChannel(true, 320, null), null),
        new FaultRule("g", Boundary.ROUTED, null, FaultActions.deadReplyChannel(false, 406, "x"), null),
        new FaultRule("h", Boundary.DELIVERED, null, FaultActions.pauseQueue("jobs"), null),
        new FaultRule("i", Boundary.DELIVERED, null, FaultActions.resumeQueue(null), null),
        new FaultRule("j", Boundary.DELIVERED, null, FaultActions.crashConsumer(), null),
        new FaultRule("k", Boundary.DELIVERED, null, FaultActions.cancelConsumer(), null),
        new FaultRule("l", Boundary.DELIVERED, null, FaultActions.cutConnection(), null),
        new FaultRule("m", Boundary.ROUTED, null, FaultActions.brokerRestart(), Trigger.atMatches(List.of())));
    String text = FaultFileText.of(rules, List.of("a comment"));
    assertTrue(text.startsWith("# a comment\nfaults {\n"), text);
    assertTrue(text.contains("when { at-matches = [] }   # never fires"), text);
    assertSameRules(rules, FaultFile.parse(text, "x.conf").rules());
  }

  @Test
  void of_customAction_cannotBeWritten() {
    FaultAction custom = new FaultAction() {
      @Override
      public String name() {
        return "jitter";
      }

      @Override
      public List<Effect> apply(FaultEvent event, RandomSource random) {
        return List.of(new Effect.Delay(Duration.ofMillis((long) (random.nextDouble() * 10))));
      }
    };
    FaultRule r = new FaultRule("j", Boundary.DELIVERED, null, custom, null);
    assertFalse(FaultFileText.writable(r));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultFileText.of(List.of(r),
        List.of()));
    assertTrue(e.getMessage().contains("'jitter', which is not a built-in type"), e.getMessage());
  }

  @Test
  void merge_fileRuleNamedLikeAScenarioRule_sameAtMatchAndAction_takesItsPlace() {
    FaultPlan scenario = FaultPlan.builder()
        .rule("first", Boundary.ROUTED, null, FaultActions.drop(), Trigger.probability(0.1))
        .rule("second", Boundary.DELIVERED, null, FaultActions.delay(Duration.ofMillis(5)), null).build();
    FaultPlan file = FaultPlan.builder()
        .rule("extra", Boundary.ROUTED, null, FaultActions.drop(), null)
        .rule("first", Boundary.ROUTED, null, FaultActions.drop(), Trigger.atMatches(List.of(2L))).build();
    FaultPlan merged = FaultRules.merge(scenario, file, "f.conf");
    assertEquals(List.of("first", "second", "extra"), merged.rules().stream().map(FaultRule::name).toList());
    assertEquals(List.of(2L), merged.rules().get(0).when().atMatches());

    FaultPlan other = FaultPlan.builder().rule("first", Boundary.ROUTED, null, FaultActions.duplicate(1), null).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultRules.merge(scenario, other,
        "f.conf"));
    assertTrue(e.getMessage().contains("fault rule 'first' in f.conf has the same name as a rule of the scenario"),
        e.getMessage());
  }

  /** Same names, boundaries, matches, triggers, action names and effects. */
  private static void assertSameRules(List<FaultRule> expected, List<FaultRule> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      FaultRule e = expected.get(i);
      FaultRule a = actual.get(i);
      assertEquals(e.name(), a.name());
      assertEquals(e.at(), a.at(), e.name());
      assertEquals(e.match(), a.match(), e.name());
      assertEquals(e.when(), a.when(), e.name());
      assertEquals(e.action().name(), a.action().name(), e.name());
      FaultEvent probe = new FaultEvent(e.at(), null, null, null, null, null, null, null, null, null, 0);
      assertEquals(e.action().apply(probe, new Entropy(0)), a.action().apply(probe, new Entropy(0)), e.name());
    }
  }
}
