package io.brokersim.core.fault;

import io.brokersim.core.model.RandomSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, deterministically, which rules fire for an event. Each rule counts its own matching events
 * and draws from its own seeded stream, so adding a rule never changes another rule's decisions.
 * Thread-safe (the live broker calls it from several actors at once).
 */
public final class FaultInjector {

  /** A rule that fired, with the effects to apply. */
  public record Fired(FaultRule rule, List<Effect> effects) {}

  /** The injector of a run without faults. */
  public static final FaultInjector NONE = new FaultInjector(List.of(), null);

  private final List<FaultRule> rules;
  private final long[] matches;
  private final int[] fired;
  private final RandomSource[] random;
  private final Set<Boundary> boundaries = EnumSet.noneOf(Boundary.class);

  public FaultInjector(List<FaultRule> rules, RandomSource root) {
    if (root == null && !rules.isEmpty()) {
      throw new IllegalArgumentException("fault rules need a seeded random source");
    }
    this.rules = List.copyOf(rules);
    this.matches = new long[rules.size()];
    this.fired = new int[rules.size()];
    this.random = new RandomSource[rules.size()];
    for (int i = 0; i < this.rules.size(); i++) {
      FaultRule r = this.rules.get(i);
      boundaries.add(r.at());
      random[i] = root == null ? null : root.fork("fault-rule/" + r.name());
    }
  }

  /** Cheap check for the hot path: does any rule look at this boundary? */
  public boolean watches(Boundary b) {
    return boundaries.contains(b);
  }

  public List<FaultRule> rules() {
    return rules;
  }

  /** The rules that fire for {@code e}, in rule order (usually none). */
  public synchronized List<Fired> decide(FaultEvent e) {
    List<Fired> out = null;
    for (int i = 0; i < rules.size(); i++) {
      FaultRule r = rules.get(i);
      if (r.at() != e.boundary() || !r.when().inWindow(e.virtualNanos()) || !r.match().test(e)) {
        continue;
      }
      long n = ++matches[i];
      Trigger t = r.when();
      if ((t.once() && fired[i] > 0) || (t.nth() > 0 && n != t.nth()) || (t.every() > 0 && n % t.every() != 0)
          || !t.scheduledAt(n)) {
        continue;
      }
      if (t.probability() < 1.0 && random[i].nextDouble() >= t.probability()) {
        continue;
      }
      fired[i]++;
      if (out == null) {
        out = new ArrayList<>(1);
      }
      out.add(new Fired(r, r.action().apply(e, random[i])));
    }
    return out == null ? List.of() : out;
  }

  /** How many times each rule fired, in rule order. */
  public synchronized int[] firedCounts() {
    return fired.clone();
  }
}
