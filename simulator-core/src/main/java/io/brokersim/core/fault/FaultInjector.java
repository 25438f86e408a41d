package io.brokersim.core.fault;

import io.brokersim.core.model.RandomSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, deterministically, which rules fire for an event. Each rule counts its own matching events
 * and draws from its own seeded stream, so adding a rule never changes another rule's decisions.
 *
 * <p>Rules can be armed, replaced and disarmed while the broker runs ({@link #arm}, {@link #replace},
 * {@link #disarm}): a change takes effect for the next event the injector decides, and an armed rule counts
 * matches from the moment it was armed. Its stream is forked from the run's seed by its name, exactly as for
 * a rule of the plan, so under the deterministic runtime arming at the same point of a run gives the same
 * decisions every time. Thread-safe (the live broker calls it from several actors at once, and a test arms
 * rules from its own thread).
 */
public final class FaultInjector {

  /** A rule that fired, with the effects to apply. */
  public record Fired(FaultRule rule, List<Effect> effects) {}

  /** The injector of a run without faults; it cannot arm rules (it has no seeded stream). */
  public static final FaultInjector NONE = new FaultInjector(List.of(), null);

  private static final Active[] NO_RULES = new Active[0];

  /** One armed rule with its own counters and stream; guarded by the injector's lock. */
  private static final class Active {
    final FaultRule rule;
    final RandomSource random;
    long matches;
    int fired;

    Active(FaultRule rule, RandomSource random) {
      this.rule = rule;
      this.random = random;
    }
  }

  private final RandomSource root;
  /** The armed rules in order (plan order, then arming order); replaced as a whole on every change. */
  private volatile Active[] active;
  /** Bit {@code b.ordinal()} is set while a rule looks at boundary {@code b}: the hot path reads only this. */
  private volatile long watched;

  public FaultInjector(List<FaultRule> rules, RandomSource root) {
    if (root == null && !rules.isEmpty()) {
      throw new IllegalArgumentException("fault rules need a seeded random source");
    }
    this.root = root;
    rules = new FaultPlan(rules).rules(); // a plan's checks: names are unique
    Active[] initial = new Active[rules.size()];
    for (int i = 0; i < initial.length; i++) {
      initial[i] = activate(rules.get(i));
    }
    publish(initial);
  }

  private Active activate(FaultRule rule) {
    return new Active(rule, root == null ? null : root.fork("fault-rule/" + rule.name()));
  }

  /** Installs {@code rules} as the armed set; callers hold the lock (or are the constructor). */
  private void publish(Active[] rules) {
    long bits = 0;
    for (Active a : rules) {
      bits |= 1L << a.rule.at().ordinal();
    }
    active = rules.length == 0 ? NO_RULES : rules;
    watched = bits;
  }

  /** Cheap check for the hot path: does any rule look at this boundary? */
  public boolean watches(Boundary b) {
    return (watched & (1L << b.ordinal())) != 0;
  }

  /** The armed rules, in order. */
  public List<FaultRule> rules() {
    Active[] now = active;
    List<FaultRule> out = new ArrayList<>(now.length);
    for (Active a : now) {
      out.add(a.rule);
    }
    return List.copyOf(out);
  }

  /** The rules that fire for {@code e}, in rule order (usually none). */
  public synchronized List<Fired> decide(FaultEvent e) {
    List<Fired> out = null;
    for (Active a : active) {
      FaultRule r = a.rule;
      if (r.at() != e.boundary() || !r.when().inWindow(e.virtualNanos()) || !r.match().test(e)) {
        continue;
      }
      long n = ++a.matches;
      Trigger t = r.when();
      if ((t.once() && a.fired > 0) || (t.nth() > 0 && n != t.nth()) || (t.every() > 0 && n % t.every() != 0)
          || !t.scheduledAt(n)) {
        continue;
      }
      if (t.probability() < 1.0 && a.random.nextDouble() >= t.probability()) {
        continue;
      }
      a.fired++;
      if (out == null) {
        out = new ArrayList<>(1);
      }
      out.add(new Fired(r, r.action().apply(e, a.random)));
    }
    return out == null ? List.of() : out;
  }

  /** How many times each armed rule fired since it was armed, in rule order. */
  public synchronized int[] firedCounts() {
    Active[] now = active;
    int[] out = new int[now.length];
    for (int i = 0; i < now.length; i++) {
      out[i] = now[i].fired;
    }
    return out;
  }

  // ------------------------------------------------------------------------------------- runtime changes

  /**
   * Arms {@code rule} after the armed ones, effective for the next event; its name must be free.
   *
   * @return the handle that disarms it
   */
  public synchronized Armed arm(FaultRule rule) {
    Objects.requireNonNull(rule, "rule");
    requireSeeded();
    if (indexOf(rule.name()) >= 0) {
      throw new IllegalArgumentException("a fault rule named '" + rule.name()
          + "' is already armed: replace it, or disarm it first");
    }
    Active a = activate(rule);
    Active[] now = active;
    Active[] next = Arrays.copyOf(now, now.length + 1);
    next[now.length] = a;
    publish(next);
    return new Armed(a);
  }

  /**
   * Replaces the armed rule of the same name, in its place, with fresh counters, effective for the next event.
   *
   * @return the handle of the new rule (the old handle no longer disarms anything)
   */
  public synchronized Armed replace(FaultRule rule) {
    Objects.requireNonNull(rule, "rule");
    requireSeeded();
    int i = indexOf(rule.name());
    if (i < 0) {
      throw new IllegalArgumentException("no fault rule named '" + rule.name() + "' is armed; armed: " + names());
    }
    Active a = activate(rule);
    Active[] next = active.clone();
    next[i] = a;
    publish(next);
    return new Armed(a);
  }

  /** Disarms the rule named {@code name}, effective for the next event; false if none is armed. */
  public synchronized boolean disarm(String name) {
    int i = indexOf(name);
    return i >= 0 && remove(active[i]);
  }

  /** The handle of the armed rule named {@code name} (a rule of the plan, or one armed at runtime). */
  public synchronized Optional<Armed> armed(String name) {
    int i = indexOf(name);
    return i < 0 ? Optional.empty() : Optional.of(new Armed(active[i]));
  }

  private boolean remove(Active a) {
    Active[] now = active;
    for (int i = 0; i < now.length; i++) {
      if (now[i] == a) {
        Active[] next = new Active[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        publish(next);
        return true;
      }
    }
    return false;
  }

  private int indexOf(String name) {
    Active[] now = active;
    for (int i = 0; i < now.length; i++) {
      if (now[i].rule.name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private List<String> names() {
    return rules().stream().map(FaultRule::name).toList();
  }

  private void requireSeeded() {
    if (root == null) {
      throw new IllegalStateException("this fault injector has no seeded random source (FaultInjector.NONE)");
    }
  }

  /** One armed rule: how often it fired, and the way to disarm it. */
  public final class Armed {
    private final Active active;

    private Armed(Active active) {
      this.active = active;
    }

    public FaultRule rule() {
      return active.rule;
    }

    /** How many times the rule fired since it was armed (it keeps its count after it is disarmed). */
    public int firedCount() {
      synchronized (FaultInjector.this) {
        return active.fired;
      }
    }

    /** Whether the rule is still armed (not disarmed, not replaced). */
    public boolean isArmed() {
      synchronized (FaultInjector.this) {
        for (Active a : FaultInjector.this.active) {
          if (a == active) {
            return true;
          }
        }
        return false;
      }
    }

    /** Disarms the rule, effective for the next event; false if it was disarmed or replaced already. */
    public boolean disarm() {
      synchronized (FaultInjector.this) {
        return remove(active);
      }
    }

    @Override
    public String toString() {
      return "Armed[" + active.rule.name() + " at " + active.rule.at().configName() + "]";
    }
  }
}
