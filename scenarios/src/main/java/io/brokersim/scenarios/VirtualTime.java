package io.brokersim.scenarios;

import java.util.Locale;

/** Virtual time in the form the fate ledger writes it: {@code t=1.250s}. */
public final class VirtualTime {

  private VirtualTime() {}

  /** {@code t=<seconds>.<millis>s}. */
  public static String format(long virtualNanos) {
    long millis = Math.floorDiv(virtualNanos, 1_000_000L);
    return String.format(Locale.ROOT, "t=%d.%03ds", Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L));
  }
}
