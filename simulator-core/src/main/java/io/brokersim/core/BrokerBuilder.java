package io.brokersim.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.actor.Vhosts;
import io.brokersim.core.actor.BrokerContext;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ConsumerTimeouts;
import io.brokersim.core.runtime.Runtime;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceSink;
import java.time.Duration;
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
  /** Set by {@link #vhost}; null: {@code brokersim.vhost} from the configuration. */
  private String vhost;
  /** Set by {@link #vhosts}; null: {@code brokersim.vhosts} from the configuration. */
  private List<String> moreVhosts;
  long seed;
  boolean seedGiven;
  FaultPlan faults = FaultPlan.NONE;
  Config config = ConfigFactory.empty();
  boolean ledger = true;
  int settledMessagesKept;
  final List<TraceSink> sinks = new ArrayList<>();
  /** Set by {@link #consumerTimeout}; null: {@code brokersim.consumer-timeout} from the configuration. */
  private Long consumerTimeoutMillis;

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

  /**
   * The default virtual host's name (overrides {@code brokersim.vhost}): in-process clients connect to it unless
   * they name another, and the single vhost of a broker given no others.
   */
  public B vhost(String name) {
    vhost = checkedVhostName(Objects.requireNonNull(name), "vhost");
    return self();
  }

  /**
   * More virtual hosts beside the default one (overrides {@code brokersim.vhosts}), each with its own exchanges,
   * queues and reply names (docs/semantics.md §13).
   */
  public B vhosts(String... names) {
    List<String> list = new ArrayList<>();
    for (String n : names) {
      list.add(checkedVhostName(Objects.requireNonNull(n), "vhosts"));
    }
    moreVhosts = List.copyOf(list);
    return self();
  }

  private static String checkedVhostName(String name, String setting) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("brokersim." + setting + ": a vhost name must not be empty");
    }
    return name;
  }

  /** The default vhost's name, from {@link #vhost} or the configuration. */
  String defaultVhost() {
    if (vhost != null) {
      return vhost;
    }
    Config c = config.withFallback(ConfigFactory.load()).getConfig("brokersim");
    String name = c.getString("vhost");
    if (name.isEmpty()) {
      throw new IllegalArgumentException(where(c, "vhost") + ": a vhost name must not be empty");
    }
    return name;
  }

  /**
   * The other vhosts, from {@link #vhosts} or {@code brokersim.vhosts}; an empty name, a repeated one or the
   * default vhost's is refused naming the setting and where it was set.
   */
  List<String> moreVhosts() {
    String first = defaultVhost();
    Config c = config.withFallback(ConfigFactory.load()).getConfig("brokersim");
    List<String> names;
    try {
      names = moreVhosts != null ? moreVhosts : c.getStringList("vhosts");
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(where(c, "vhosts") + ": expected a list of vhost names, such as [\"test\"]",
          e);
    }
    java.util.Set<String> seen = new java.util.LinkedHashSet<>(List.of(first));
    for (String n : names) {
      String at = moreVhosts != null ? "brokersim.vhosts (builder)" : where(c, "vhosts");
      if (n.isEmpty()) {
        throw new IllegalArgumentException(at + ": a vhost name must not be empty");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException(at + ": vhost '" + n + "' is named twice (the default vhost, brokersim.vhost,"
            + " is '" + first + "')");
      }
    }
    return List.copyOf(names);
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

  /**
   * Keep a fate ledger (default true): it follows every message to its fate, checks that nothing is lost
   * silently and explains each message. Off, {@code assertNothingLostSilently()} and explanations are not
   * available, and the broker saves the ledger's work per event and its memory per message (it remembers every
   * message of the run).
   */
  public B ledger(boolean value) {
    ledger = value;
    return self();
  }

  /**
   * The broker-wide consumer acknowledgement timeout (RabbitMQ's {@code consumer_timeout}, LavinMQ's
   * {@code consumer_timeout}; semantics §10); {@code null} turns it off. Overrides
   * {@code brokersim.consumer-timeout}.
   */
  public B consumerTimeout(Duration value) {
    consumerTimeoutMillis = value == null ? -1 : value.toMillis();
    return self();
  }

  /**
   * Bounds the fate ledger's memory for a long run: messages with a live copy are always kept, settled ones
   * only the {@code n} most recent to settle (0, the default, keeps every message). Forgotten messages are no
   * longer explained, but still counted in {@code ledger().summary()}.
   */
  public B settledMessagesKept(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("settled messages kept must be 0 (all) or more, was " + n);
    }
    settledMessagesKept = n;
    return self();
  }

  /** The fate ledger these options ask for, or null. */
  FateLedger newLedger() {
    if (!ledger) {
      return null;
    }
    return settledMessagesKept == 0 ? FateLedger.create() : FateLedger.keepingSettled(settledMessagesKept);
  }

  /** Extra Pekko/brokersim configuration over the defaults. */
  public B config(Config value) {
    config = Objects.requireNonNull(value);
    return self();
  }

  /**
   * The vhost guardian for a runtime: creates the trace over {@code allSinks} (handed to
   * {@code traceReady}) and the broker context with the fault injector (handed to {@code faultsReady}) seeded
   * from the runtime; server-generated names come from {@code names}; {@code vhosts} learns every vhost's actor.
   */
  Behavior<VhostActor.Command> guardian(Runtime rt, List<TraceSink> allSinks, Consumer<Trace> traceReady,
      Consumer<FaultInjector> faultsReady, RandomSource names, Vhosts vhosts) {
    TraceSink[] sinks = allSinks.toArray(new TraceSink[0]);
    // The deterministic runtime runs every actor on its driver thread: its trace needs no lock.
    Trace trace = rt.isDeterministic() ? Trace.confined(rt::nowNanos, sinks) : Trace.create(rt::nowNanos, sinks);
    traceReady.accept(trace);
    FaultInjector injector = new FaultInjector(faults.rules(), rt.entropy().fork("faults"));
    faultsReady.accept(injector);
    return VhostActor.create(new BrokerContext(profile, defaultVhost(), trace, rt::nowNanos, rt::epochMillis,
        names, injector, consumerTimeouts(), vhosts), moreVhosts());
  }

  /** The run's seeded stream for names, as a {@link Simulation} (and a live broker given a seed) uses. */
  static RandomSource seededNames(Runtime rt) {
    return rt.entropy().fork("broker");
  }

  /**
   * The consumer timeout settings: {@code brokersim.consumer-timeout} ({@code profile}, {@code off} or a
   * duration) and {@code brokersim.consumer-timeout-check-interval}, from the configuration over the defaults,
   * unless {@link #consumerTimeout} set the timeout. A value that cannot take effect is refused, naming the
   * setting and where it was set.
   */
  ConsumerTimeouts.Settings consumerTimeouts() {
    Config c = config.withFallback(ConfigFactory.load()).getConfig("brokersim");
    Long timeout = consumerTimeoutMillis;
    if (timeout == null) {
      String raw = c.getString("consumer-timeout").trim();
      if (raw.equals("off")) {
        timeout = -1L;
      } else if (!raw.equals("profile")) {
        timeout = duration(c, "consumer-timeout", "'profile', 'off' or a duration such as 30m");
      }
    }
    long interval = duration(c, "consumer-timeout-check-interval", "a positive duration such as 60s");
    if (interval <= 0) {
      throw new IllegalArgumentException(where(c, "consumer-timeout-check-interval")
          + ": must be a positive duration, was " + c.getString("consumer-timeout-check-interval"));
    }
    return new ConsumerTimeouts.Settings(timeout, interval);
  }

  private static long duration(Config c, String key, String expected) {
    try {
      long ms = c.getDuration(key).toMillis();
      if (ms < 0) {
        throw new IllegalArgumentException(where(c, key) + ": must not be negative, was " + c.getString(key));
      }
      return ms;
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new IllegalArgumentException(where(c, key) + ": expected " + expected + ", was '" + c.getString(key)
          + "'", e);
    }
  }

  private static String where(Config c, String key) {
    var origin = c.getValue(key).origin();
    return "brokersim." + key + " (" + origin.description() + ")";
  }
}
