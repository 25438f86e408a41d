package io.brokersim.core.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The "when" of a fault rule, over the events that match it, counted from 1:
 * fire on every match, once, on the Nth match only, on every Nth match, with a seeded probability, at an
 * explicit list of matches (a schedule), and only within a virtual-time window. All set conditions must hold.
 *
 * @param nth fire only on this occurrence (0 = any)
 * @param every fire on every {@code every}-th occurrence (0 = any)
 * @param once fire at most once
 * @param probability chance of firing, drawn from the rule's seeded stream (1 = always)
 * @param fromNanos window start, inclusive (virtual time)
 * @param untilNanos window end, exclusive ({@link Long#MAX_VALUE} = open)
 * @param atMatches fire exactly at these matches, ascending (null = not a schedule; empty = never); the
 *     replay of a run's firings, so it stands alone: no {@code nth}, {@code every}, {@code once} or probability
 */
public record Trigger(long nth, long every, boolean once, double probability, long fromNanos, long untilNanos,
    List<Long> atMatches) {

  /** The most matches one schedule may list. */
  public static final int MAX_AT_MATCHES = 100_000;

  public static final Trigger ALWAYS = new Trigger(0, 0, false, 1.0, 0, Long.MAX_VALUE);

  public Trigger {
    if (nth < 0 || every < 0) {
      throw new IllegalArgumentException("nth and every must be >= 0");
    }
    if (probability < 0 || probability > 1) {
      throw new IllegalArgumentException("probability must be between 0 and 1, was " + probability);
    }
    if (untilNanos <= fromNanos) {
      throw new IllegalArgumentException("the window must end after it starts");
    }
    if (atMatches != null) {
      if (nth > 0 || every > 0 || once || probability < 1) {
        throw new IllegalArgumentException("at-matches is a schedule of its own: no nth, every, once or probability");
      }
      if (atMatches.size() > MAX_AT_MATCHES) {
        throw new IllegalArgumentException("at most " + MAX_AT_MATCHES + " matches, got " + atMatches.size());
      }
      long previous = 0;
      for (Long n : atMatches) {
        if (n == null || n <= previous) {
          throw new IllegalArgumentException("at-matches must be ascending whole numbers >= 1, got " + atMatches);
        }
        previous = n;
      }
      atMatches = Collections.unmodifiableList(new ArrayList<>(atMatches));
    }
  }

  /** A trigger without a schedule. */
  public Trigger(long nth, long every, boolean once, double probability, long fromNanos, long untilNanos) {
    this(nth, every, once, probability, fromNanos, untilNanos, null);
  }

  public static Trigger oneShot() {
    return new Trigger(0, 0, true, 1.0, 0, Long.MAX_VALUE);
  }

  public static Trigger nth(long n) {
    return new Trigger(n, 0, false, 1.0, 0, Long.MAX_VALUE);
  }

  public static Trigger everyNth(long n) {
    return new Trigger(0, n, false, 1.0, 0, Long.MAX_VALUE);
  }

  public static Trigger probability(double p) {
    return new Trigger(0, 0, false, p, 0, Long.MAX_VALUE);
  }

  /** Fires exactly at these matches (ascending, from 1); none fires nowhere. */
  public static Trigger atMatches(List<Long> matches) {
    return new Trigger(0, 0, false, 1.0, 0, Long.MAX_VALUE, matches);
  }

  public Trigger between(java.time.Duration from, java.time.Duration until) {
    return new Trigger(nth, every, once, probability, from.toNanos(), until.toNanos(), atMatches);
  }

  /**
   * This trigger's window with {@code matches} as its schedule: the same events count, so match k is the same
   * event as under this trigger, as long as the run takes the same course up to it.
   */
  public Trigger scheduled(List<Long> matches) {
    return new Trigger(0, 0, false, 1.0, fromNanos, untilNanos, matches);
  }

  boolean inWindow(long nowNanos) {
    return nowNanos >= fromNanos && nowNanos < untilNanos;
  }

  /** For a schedule: whether match {@code n} is in it (always true without one). */
  boolean scheduledAt(long n) {
    return atMatches == null || Collections.binarySearch(atMatches, n) >= 0;
  }
}
