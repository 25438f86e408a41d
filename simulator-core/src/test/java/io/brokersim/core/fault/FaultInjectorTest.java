package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
