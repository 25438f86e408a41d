package io.brokersim.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.actor.BrokerActor;
import io.brokersim.core.actor.BrokerContext;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.Runtime;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The options every broker front door shares ({@link Simulation}, {@link LiveBroker}): profile, vhost,
 * seed, fault plan, extra trace sinks and configuration, with defaults from {@code reference.conf}.
 */
public abstract class BrokerBuilder<B extends BrokerBuilder<B>> {
  private static final Config DEFAULTS = ConfigFactory.load().getConfig("brokersim");

  BrokerProfile profile = BrokerProfile.byName(DEFAULTS.getString("profile"))
      .orElseThrow(() -> new IllegalArgumentException("brokersim.profile: unknown profile '"
          + DEFAULTS.getString("profile") + "'; expected one of lavinmq, rabbitmq-3, rabbitmq-4"));
  String vhost = DEFAULTS.getString("vhost");
  long seed;
  boolean seedGiven;
  FaultPlan faults = FaultPlan.NONE;
  Config config = ConfigFactory.empty();
  final List<TraceSink> sinks = new ArrayList<>();

  BrokerBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  public B profile(BrokerProfile value) {
    profile = Objects.requireNonNull(value);
    return self();
  }

  /**
   * The seed of every seeded decision (fault probabilities). A {@link Simulation} also draws its
   * server-generated names from it; a {@link LiveBroker} does only when a seed is given, which makes
   * its reply names, {@code amq.gen-} and {@code amq.ctag-} names predictable (reproduction work only).
   */
  public B seed(long value) {
    seed = value;
    seedGiven = true;
    return self();
  }

  /** Fault rules to inject (see docs/faults.md). */
  public B faults(FaultPlan value) {
    faults = Objects.requireNonNull(value);
    return self();
  }

  /** An extra trace sink, e.g. a JSON Lines file. */
  public B sink(TraceSink sink) {
    sinks.add(Objects.requireNonNull(sink));
    return self();
  }

  /** Extra Pekko/brokersim configuration over the defaults. */
  public B config(Config value) {
    config = Objects.requireNonNull(value);
    return self();
  }

  /**
   * The vhost guardian for a runtime: creates the trace over {@code allSinks} (handed to
   * {@code traceReady}) and the broker context with the fault injector seeded from the runtime;
   * server-generated names come from {@code names}.
   */
  Behavior<BrokerActor.Command> guardian(Runtime rt, List<TraceSink> allSinks, Consumer<Trace> traceReady,
      RandomSource names) {
    Trace trace = Trace.create(rt::nowNanos, allSinks.toArray(new TraceSink[0]));
    traceReady.accept(trace);
    FaultInjector injector = new FaultInjector(faults.rules(), rt.entropy().fork("faults"));
    return BrokerActor.create(new BrokerContext(profile, vhost, trace, rt::nowNanos, names, injector));
  }

  /** The run's seeded stream for names, as a {@link Simulation} (and a live broker given a seed) uses. */
  static RandomSource seededNames(Runtime rt) {
    return rt.entropy().fork("broker");
  }
}
