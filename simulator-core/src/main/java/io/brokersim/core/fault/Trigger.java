package io.brokersim.core.fault;

/**
 * The "when" of a fault rule, over the events that match it, counted from 1:
 * fire on every match, once, on the Nth match only, on every Nth match, with a seeded probability, and
 * only within a virtual-time window. All set conditions must hold.
 *
 * @param nth fire only on this occurrence (0 = any)
 * @param every fire on every {@code every}-th occurrence (0 = any)
 * @param once fire at most once
 * @param probability chance of firing, drawn from the rule's seeded stream (1 = always)
 * @param fromNanos window start, inclusive (virtual time)
 * @param untilNanos window end, exclusive ({@link Long#MAX_VALUE} = open)
 */
public record Trigger(long nth, long every, boolean once, double probability, long fromNanos, long untilNanos) {

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

  public Trigger between(java.time.Duration from, java.time.Duration until) {
    return new Trigger(nth, every, once, probability, from.toNanos(), until.toNanos());
  }

  boolean inWindow(long nowNanos) {
    return nowNanos >= fromNanos && nowNanos < untilNanos;
  }
}
