package io.brokersim.core.actor;

import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ConsumerTimeouts;
import io.brokersim.core.trace.Trace;
import java.util.function.LongSupplier;

/**
 * What every broker actor of one virtual host shares: the profile, the vhost name, the trace, the
 * clock (virtual nanoseconds under the deterministic runtime), the wall clock in epoch milliseconds
 * (for stamps on messages; fixed base plus virtual time under the deterministic runtime) and the run's
 * seeded randomness. Each actor forks its own random stream from {@code random} by a stable purpose name;
 * {@code faults} decides which fault rules fire at each boundary; {@code consumerTimeouts} are the
 * broker-wide consumer acknowledgement timeout settings (semantics §10); {@code vhosts} are every virtual host of
 * the broker (one context per vhost, all sharing it).
 */
public record BrokerContext(BrokerProfile profile, String vhost, Trace trace, LongSupplier clock,
    LongSupplier wallClock, RandomSource random, FaultInjector faults, ConsumerTimeouts.Settings consumerTimeouts,
    Vhosts vhosts) {

  public BrokerContext {
    faults = faults == null ? FaultInjector.NONE : faults;
    consumerTimeouts = consumerTimeouts == null ? ConsumerTimeouts.Settings.DEFAULTS : consumerTimeouts;
    vhosts = vhosts == null ? new Vhosts() : vhosts;
  }

  /** A context for a broker with one vhost (or whose others the guardian adds). */
  public BrokerContext(BrokerProfile profile, String vhost, Trace trace, LongSupplier clock, LongSupplier wallClock,
      RandomSource random, FaultInjector faults, ConsumerTimeouts.Settings consumerTimeouts) {
    this(profile, vhost, trace, clock, wallClock, random, faults, consumerTimeouts, null);
  }

  /**
   * The context of another vhost of the same broker: same trace, clocks, faults and settings; its own
   * seeded stream (forked by the vhost's name), so its generated names do not repeat the default vhost's.
   */
  BrokerContext forVhost(String name) {
    return new BrokerContext(profile, name, trace, clock, wallClock, random.fork("vhost " + name), faults,
        consumerTimeouts, vhosts);
  }

  /** A context with each profile's default consumer timeout. */
  public BrokerContext(BrokerProfile profile, String vhost, Trace trace, LongSupplier clock, LongSupplier wallClock,
      RandomSource random, FaultInjector faults) {
    this(profile, vhost, trace, clock, wallClock, random, faults, ConsumerTimeouts.Settings.DEFAULTS);
  }

  public long now() {
    return clock.getAsLong();
  }

  /** Seconds since the Unix epoch, as brokers write timestamps ({@code x-death.time}). */
  public long epochSeconds() {
    return wallClock.getAsLong() / 1000L;
  }
}
