package io.brokersim.scenarios.shrink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShrinkTest {

  private static final BrokerProfile P = BrokerProfile.LAVINMQ;

  /** The first seed whose run fails and in which both rules fire, several times in all. */
  private static long seedWhereBothRulesFire(Scenario s) {
    for (long seed = 0; seed < 200; seed++) {
      ScenarioResult r = ScenarioRunner.run(s, seed, P);
      Set<String> fired = r.faults().stream().filter(f -> f.fired() > 0).map(ScenarioResult.FaultReport::rule)
          .collect(Collectors.toSet());
      int firings = r.faults().stream().mapToInt(ScenarioResult.FaultReport::fired).sum();
      if (!r.passed() && fired.equals(Set.of(FlakyReplies.LOST, FlakyReplies.SLOW)) && firings >= 3) {
        return seed;
      }
    }
    throw new AssertionError("no seed in 0..199 fails with both rules firing");
  }

  @Test
  void shrink_twoProbabilisticRules_failureNeedsOneFiring_shrinksToIt_andTheFaultFileReplaysIt() {
    Scenario s = new FlakyReplies();
    long seed = seedWhereBothRulesFire(s);
    ScenarioShrink.Outcome o = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, Shrinker.DEFAULT_MAX_RUNS,
        "shrunk.conf");
    Shrinker.Result r = o.shrink();

    assertTrue(r.original().size() >= 3, r.original().toString());
    assertEquals(1, r.minimal().size(), r.minimal().toString());
    assertEquals(FlakyReplies.LOST, r.minimal().get(0).rule());
    assertTrue(r.oneMinimal() && r.replayed(), r.toString());
    assertTrue(r.summary().startsWith("shrunk: " + r.original().size() + " firings -> 1 in "), r.summary());
    assertEquals(List.of(), r.onlyCalls(), "the scenario's calls are not independent");
    assertEquals(ScenarioResult.Verdict.FAIL, o.minimal().verdict());
    assertEquals(r.signature(), o.minimal().signature());

    // The printed fault file, given back as a fault file, reschedules the scenario's own rules: same failure.
    FaultPlan file = FaultFile.parse(o.faultFile(), "shrunk.conf");
    assertEquals(List.of(FlakyReplies.LOST, FlakyReplies.SLOW), file.rules().stream().map(x -> x.name()).toList());
    assertEquals(List.of(), file.rules().get(1).when().atMatches());
    ScenarioResult replay = ScenarioRunner.run(s, seed, P, RunOptions.NONE.withFaults(file, "shrunk.conf"));
    assertEquals(r.signature(), replay.signature());
    assertEquals(o.minimal().traceSha256(), replay.traceSha256());
    assertEquals(1, replay.faults().stream().mapToInt(ScenarioResult.FaultReport::fired).sum());
    assertTrue(replay.replayCommand().endsWith("--seed " + seed + " --faults shrunk.conf"), replay.replayCommand());
  }

  @Test
  void shrink_sameFailingSeedTwice_sameSchedule() {
    Scenario s = new FlakyReplies();
    long seed = seedWhereBothRulesFire(s);
    ScenarioShrink.Outcome a = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, 500, "x.conf");
    ScenarioShrink.Outcome b = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, 500, "x.conf");
    assertEquals(a.faultFile(), b.faultFile());
    assertEquals(a.shrink().runs(), b.shrink().runs());
    assertEquals(a.minimal().traceSha256(), b.minimal().traceSha256());
  }

  @Test
  void shrink_recordingTheFirings_changesNothingInTheRun() {
    Scenario s = new FlakyReplies();
    long seed = seedWhereBothRulesFire(s);
    Shrinker.Result r = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, 500, "x.conf").shrink();
    ScenarioResult plain = ScenarioRunner.run(s, seed, P);
    assertEquals(plain.traceSha256(), r.originalTrace());
    int fired = plain.faults().stream().mapToInt(ScenarioResult.FaultReport::fired).sum();
    assertEquals(fired, r.original().size(), "one firing per fault_injected event of these one-effect actions");
  }

  @Test
  void shrink_independentCalls_leavesTheOtherCallsOut() {
    Scenario s = new FlakyReplies(true);
    long seed = seedWhereBothRulesFire(s);
    ScenarioShrink.Outcome o = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, 500, "x.conf");
    Shrinker.Result r = o.shrink();
    assertEquals(1, r.minimal().size(), r.minimal().toString());
    assertEquals(List.of(r.minimal().get(0).correlationId()), r.onlyCalls());
    assertTrue(r.summary().contains(", 10 calls -> 1 in "), r.summary());
    assertEquals(1, o.minimal().calls().size());
    assertTrue(o.minimal().replayCommand().endsWith("--faults x.conf --only-calls " + r.onlyCalls().get(0)),
        o.minimal().replayCommand());
    ScenarioResult replay = ScenarioRunner.run(s, seed, P, RunOptions.NONE
        .withFaults(FaultFile.parse(o.faultFile(), "x.conf"), "x.conf").withOnlyCalls(r.onlyCalls()));
    assertEquals(o.minimal().traceSha256(), replay.traceSha256());
  }

  @Test
  void shrink_passingRun_nothingToShrink() {
    Scenario s = new FlakyReplies();
    long seed = 0;
    while (!ScenarioRunner.run(s, seed, P).passed()) {
      seed++;
    }
    long passing = seed;
    assertThrows(Shrinker.NothingToShrink.class, () -> ScenarioShrink.shrink(s, passing, P, RunOptions.NONE, 500,
        "x.conf"));
  }

  @Test
  void shrink_runLimit_stopsWithTheSmallestFailureSoFar_notClaimedMinimal() {
    Scenario s = new FlakyReplies();
    long seed = seedWhereBothRulesFire(s);
    Shrinker.Result r = ScenarioShrink.shrink(s, seed, P, RunOptions.NONE, 2, "x.conf").shrink();
    assertFalse(r.oneMinimal());
    assertTrue(r.summary().endsWith("(stopped at the run limit: not proven minimal)"), r.summary());
    assertTrue(r.replayed(), "whatever it stopped at still fails the same way");
  }
}
