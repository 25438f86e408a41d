package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.runtime.Entropy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trigger semantics as the injector applies them, with rules loaded from fault files. */
class FaultInjectorTest {

  private static FaultEvent delivery(String queue, long virtualNanos) {
    return new FaultEvent(Boundary.DELIVERED, "msg", "", queue, queue, "ctag", "conn-1", "client", "conn-1/ch-1", null,
        virtualNanos);
  }

  private static FaultInjector injector(String when, long seed) {
    return new FaultInjector(plan(when).rules(), new Entropy(seed));
  }

  private static FaultPlan plan(String when) {
    return FaultFile.parse("""
        faults.rules = [
          { name = "r", at = delivered, match { queue = rpc_queue }, action { type = drop }, when { %s } }
        ]
        """.formatted(when), "test.conf");
  }

  /** The 1-based numbers of the matching deliveries the rule fired on, over {@code n} deliveries at t = 0. */
  private static List<Integer> firings(FaultInjector injector, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (!injector.decide(delivery("rpc_queue", 0)).isEmpty()) {
        out.add(i);
      }
    }
    return out;
  }

  private static boolean[] decisions(FaultInjector injector, int n) {
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = !injector.decide(delivery("rpc_queue", 0)).isEmpty();
    }
    return out;
  }

  @Test
  void decide_noWhen_firesOnEveryMatch() {
    assertEquals(List.of(1, 2, 3), firings(injector("", 1), 3));
  }

  @Test
  void decide_once_firesOnFirstMatchOnly() {
    assertEquals(List.of(1), firings(injector("once = true", 1), 5));
  }

  @Test
  void decide_nth_firesOnThatMatchOnly() {
    assertEquals(List.of(3), firings(injector("nth = 3", 1), 10));
  }

  @Test
  void decide_every_firesOnEveryNthMatch() {
    assertEquals(List.of(2, 4, 6), firings(injector("every = 2", 1), 7));
  }

  @Test
  void decide_onceWithEvery_firesOnFirstEveryNthMatch() {
    assertEquals(List.of(3), firings(injector("once = true, every = 3", 1), 10));
  }

  @Test
  void decide_nonMatchingEvents_doNotCount() {
    FaultInjector injector = injector("nth = 2", 1);

    assertTrue(injector.decide(delivery("rpc_queue", 0)).isEmpty());
    assertTrue(injector.decide(delivery("other", 0)).isEmpty());
    assertTrue(injector.decide(new FaultEvent(Boundary.ACK_RECEIVED, "msg", "", "rpc_queue", "rpc_queue", "ctag",
        "conn-1", "client", "conn-1/ch-1", null, 0)).isEmpty());
    assertEquals(1, injector.decide(delivery("rpc_queue", 0)).size());
  }

  @Test
  void decide_window_firesFromInclusiveUntilExclusive() {
    FaultInjector injector = injector("from = 2s, until = 5s", 1);
    long s = Duration.ofSeconds(1).toNanos();

    assertTrue(injector.decide(delivery("rpc_queue", 2 * s - 1)).isEmpty());
    assertFalse(injector.decide(delivery("rpc_queue", 2 * s)).isEmpty());
    assertFalse(injector.decide(delivery("rpc_queue", 5 * s - 1)).isEmpty());
    assertTrue(injector.decide(delivery("rpc_queue", 5 * s)).isEmpty());
  }

  @Test
  void decide_nthInWindow_countsOnlyMatchesInsideTheWindow() {
    FaultInjector injector = injector("nth = 2, from = 1s", 1);
    long s = Duration.ofSeconds(1).toNanos();

    assertTrue(injector.decide(delivery("rpc_queue", 0)).isEmpty());
    assertTrue(injector.decide(delivery("rpc_queue", 0)).isEmpty());
    assertTrue(injector.decide(delivery("rpc_queue", s)).isEmpty());
    assertFalse(injector.decide(delivery("rpc_queue", s)).isEmpty());
  }

  @Test
  void decide_atMatches_firesAtExactlyThoseMatches() {
    assertEquals(List.of(2, 5, 6), firings(injector("at-matches = [2, 5, 6]", 1), 10));
  }

  @Test
  void decide_atMatchesEmpty_neverFires() {
    assertEquals(List.of(), firings(injector("at-matches = []", 1), 10));
  }

  @Test
  void decide_atMatchesInWindow_countsLikeTheRuleItReplays() {
    FaultInjector probabilistic = injector("probability = 0.3, from = 1s", 7);
    long s = Duration.ofSeconds(1).toNanos();
    List<Long> fired = new ArrayList<>();
    long matches = 0;
    for (int i = 0; i < 200; i++) {
      long t = i % 3 == 0 ? 0 : s;   // a third of the events fall before the window and do not count
      boolean inWindow = t >= s;
      boolean f = !probabilistic.decide(delivery(i % 5 == 0 ? "other" : "rpc_queue", t)).isEmpty();
      if (inWindow && i % 5 != 0) {
        matches++;
        if (f) {
          fired.add(matches);
        }
      }
    }
    assertFalse(fired.isEmpty());

    String schedule = fired.toString();
    FaultInjector replay = injector("at-matches = " + schedule + ", from = 1s", 99);
    List<Long> replayed = new ArrayList<>();
    matches = 0;
    for (int i = 0; i < 200; i++) {
      long t = i % 3 == 0 ? 0 : s;
      boolean f = !replay.decide(delivery(i % 5 == 0 ? "other" : "rpc_queue", t)).isEmpty();
      if (t >= s && i % 5 != 0) {
        matches++;
        if (f) {
          replayed.add(matches);
        }
      }
    }
    assertEquals(fired, replayed);
  }

  @Test
  void decide_probability_sameSeedSameDecisions() {
    assertArrayEquals(decisions(injector("probability = 0.3", 42), 500), decisions(injector("probability = 0.3", 42),
        500));
  }

  @Test
  void decide_probability_otherSeedOtherDecisions() {
    assertFalse(Arrays.equals(decisions(injector("probability = 0.3", 42), 500),
        decisions(injector("probability = 0.3", 43), 500)));
  }

  @Test
  void decide_probability_firesAboutThatOften() {
    boolean[] d = decisions(injector("probability = 0.3", 42), 2000);
    int fired = 0;
    for (boolean b : d) {
      fired += b ? 1 : 0;
    }
    assertTrue(fired > 480 && fired < 720, "fired " + fired + " of 2000 at p = 0.3");
  }

  @Test
  void decide_probabilityZero_neverFires() {
    assertEquals(List.of(), firings(injector("probability = 0", 1), 100));
  }

  @Test
  void decide_onceWithProbability_firesOnFirstWinningDraw() {
    List<Integer> f = firings(injector("once = true, probability = 0.2", 5), 200);

    assertEquals(1, f.size());
  }

  @Test
  void decide_anotherRuleAdded_doesNotChangeThisRulesDecisions() {
    boolean[] alone = decisions(injector("probability = 0.5", 9), 300);
    FaultPlan two = FaultFile.parse("""
        faults.rules = [
          { name = "noise", at = delivered, action { type = delay, delay = 1ms }, when { probability = 0.5 } }
          { name = "r", at = delivered, match { queue = rpc_queue }, action { type = drop }, when { probability = 0.5 } }
        ]
        """, "test.conf");
    FaultInjector injector = new FaultInjector(two.rules(), new Entropy(9));
    boolean[] withNoise = new boolean[300];
    for (int i = 0; i < 300; i++) {
      withNoise[i] = injector.decide(delivery("rpc_queue", 0)).stream().anyMatch(f -> f.rule().name().equals("r"));
    }

    assertArrayEquals(alone, withNoise);
  }

  @Test
  void decide_firedRule_carriesRuleAndEffects() {
    FaultInjector injector = injector("", 1);

    List<FaultInjector.Fired> fired = injector.decide(delivery("rpc_queue", 0));

    assertEquals("r", fired.get(0).rule().name());
    assertEquals(List.of(new Effect.Drop()), fired.get(0).effects());
    assertArrayEquals(new int[] {1}, injector.firedCounts());
    assertTrue(injector.watches(Boundary.DELIVERED));
    assertFalse(injector.watches(Boundary.ROUTED));
  }

  // ------------------------------------------------------------------------------------- runtime changes

  private static FaultRule dropOn(String name, String queue, Trigger when) {
    return new FaultRule(name, Boundary.DELIVERED, Match.builder().queue(queue).build(), FaultActions.drop(), when);
  }

  @Test
  void arm_effectiveForTheNextEvent_andCountsFromArming() {
    FaultInjector injector = new FaultInjector(List.of(), new Entropy(1));
    assertFalse(injector.watches(Boundary.DELIVERED));
    assertTrue(injector.decide(delivery("rpc_queue", 0)).isEmpty());

    FaultInjector.Armed armed = injector.arm(dropOn("late", "rpc_queue", Trigger.nth(2)));

    assertTrue(injector.watches(Boundary.DELIVERED));
    assertEquals(List.of(2), firings(injector, 3), "the match before arming does not count");
    assertEquals(1, armed.firedCount());
    assertEquals(List.of("late"), injector.rules().stream().map(FaultRule::name).toList());
  }

  @Test
  void disarm_handle_stopsTheRuleAndClearsTheBoundary() {
    FaultInjector injector = new FaultInjector(List.of(), new Entropy(1));
    FaultInjector.Armed armed = injector.arm(dropOn("r", "rpc_queue", Trigger.ALWAYS));
    assertEquals(List.of(1, 2), firings(injector, 2));

    assertTrue(armed.disarm());

    assertFalse(armed.isArmed());
    assertFalse(armed.disarm(), "disarming twice is a no-op");
    assertFalse(injector.watches(Boundary.DELIVERED));
    assertEquals(List.of(), firings(injector, 3));
    assertEquals(2, armed.firedCount(), "the handle keeps its count");
  }

  @Test
  void arm_nameInUse_isRefusedNamingIt() {
    FaultInjector injector = injector("", 1);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> injector.arm(dropOn("r", "other", Trigger.ALWAYS)));

    assertTrue(e.getMessage().contains("'r' is already armed"), e.getMessage());
  }

  @Test
  void replace_keepsThePlaceAndStartsCountingAgain_oldHandleIsStale() {
    FaultPlan two = FaultFile.parse("""
        faults.rules = [
          { name = "a", at = delivered, action { type = delay, delay = 1ms } }
          { name = "r", at = delivered, match { queue = rpc_queue }, action { type = drop }, when { nth = 2 } }
        ]
        """, "test.conf");
    FaultInjector injector = new FaultInjector(two.rules(), new Entropy(1));
    FaultInjector.Armed old = injector.armed("r").orElseThrow();
    assertEquals(List.of(2), ruleFirings(injector, "r", 3));

    FaultInjector.Armed replaced = injector.replace(dropOn("r", "rpc_queue", Trigger.nth(1)));

    assertEquals(List.of("a", "r"), injector.rules().stream().map(FaultRule::name).toList());
    assertEquals(List.of(1), ruleFirings(injector, "r", 3));
    assertFalse(old.isArmed());
    assertFalse(old.disarm(), "the old handle does not disarm the replacement");
    assertTrue(replaced.isArmed());
  }

  @Test
  void replace_unknownName_isRefusedListingTheArmedRules() {
    FaultInjector injector = injector("", 1);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> injector.replace(dropOn("nope", "q", Trigger.ALWAYS)));

    assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[r]"), e.getMessage());
  }

  @Test
  void disarm_byName_ruleOfThePlan() {
    FaultInjector injector = injector("", 1);

    assertTrue(injector.disarm("r"));

    assertFalse(injector.disarm("r"));
    assertTrue(injector.decide(delivery("rpc_queue", 0)).isEmpty());
  }

  @Test
  void arm_probability_sameStreamAsTheSameRuleInAPlan() {
    FaultInjector planned = injector("probability = 0.3", 42);
    FaultInjector armedLater = new FaultInjector(List.of(), new Entropy(42));
    armedLater.arm(plan("probability = 0.3").rules().get(0));

    assertArrayEquals(decisions(planned, 300), decisions(armedLater, 300));
  }

  @Test
  void arm_onNone_isRefused() {
    assertThrows(IllegalStateException.class, () -> FaultInjector.NONE.arm(dropOn("r", "q", Trigger.ALWAYS)));
  }

  /** The 1-based numbers of the matching deliveries on which the rule {@code name} fired. */
  private static List<Integer> ruleFirings(FaultInjector injector, String name, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (injector.decide(delivery("rpc_queue", 0)).stream().anyMatch(f -> f.rule().name().equals(name))) {
        out.add(i);
      }
    }
    return out;
  }
}
