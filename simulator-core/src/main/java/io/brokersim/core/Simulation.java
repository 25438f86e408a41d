package io.brokersim.core;

import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.actor.Vhosts;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.DeterministicRuntime;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.HashingSink;
import io.brokersim.core.trace.MemorySink;
import io.brokersim.core.trace.Messages;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A deterministic, in-memory broker: one seed, one thread, virtual time. Connect in-process clients,
 * drive them, advance the clock, then read the trace, its hash and the fate of every message.
 *
 * <pre>{@code
 * try (Simulation sim = Simulation.builder().seed(42).profile(BrokerProfile.RABBITMQ_4).build()) {
 *   SimChannel ch = sim.connect("app").openChannel();
 *   ...
 *   sim.assertNothingLostSilently();
 * }
 * }</pre>
 */
public final class Simulation implements AutoCloseable, Driver {
  private final long seed;
  private final BrokerProfile profile;
  private final DeterministicRuntime<VhostActor.Command> runtime;
  private final Trace trace;
  private final FaultInjector faults;
  private final MemorySink memory;
  private final HashingSink hash;
  private final FateLedger ledger;
  private final Vhosts vhosts = new Vhosts();
  private boolean closed;

  private Simulation(Builder b) {
    this.seed = b.seed;
    this.profile = b.profile;
    this.memory = b.keepEvents ? new MemorySink() : null;
    this.hash = b.traceHash ? new HashingSink() : null;
    this.ledger = b.newLedger();
    List<TraceSink> sinks = new ArrayList<>();
    if (hash != null) {
      sinks.add(hash);
    }
    if (ledger != null) {
      sinks.add(ledger);
    }
    if (memory != null) {
      sinks.add(memory);
    }
    sinks.addAll(b.sinks);
    Trace[] holder = new Trace[1];
    FaultInjector[] injector = new FaultInjector[1];
    this.runtime = DeterministicRuntime.start(
        rt -> b.guardian(rt, sinks, t -> holder[0] = t, f -> injector[0] = f, BrokerBuilder.seededNames(rt), vhosts),
        "brokersim", seed, b.config);
    this.trace = holder[0];
    this.faults = injector[0];
  }

  /** A simulation with this seed and the default profile. */
  public static Simulation create(long seed) {
    return builder().seed(seed).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public long seed() {
    return seed;
  }

  public BrokerProfile profile() {
    return profile;
  }

  /** The default virtual host's actor, for front ends that speak its protocol directly. */
  public ActorRef<VhostActor.Command> vhost() {
    return runtime.system();
  }

  /** Connects an in-process client and waits until the connection is open. */
  public SimConnection connect(String clientName) {
    return await(SimConnection.open(vhost(), clientName, this));
  }

  /** Connects an in-process client to vhost {@code vhost} (see {@link Builder#vhosts}), as a user who may do all. */
  public SimConnection connect(String clientName, String vhost) {
    return connect(clientName, vhost, "guest", Permissions.ALL);
  }

  /** Connects an in-process client to {@code vhost} as {@code user}, who may do what {@code permissions} allow. */
  public SimConnection connect(String clientName, String vhost, String user, Permissions permissions) {
    return await(SimConnection.open(vhost(vhost), clientName, user, permissions, this));
  }

  /** The actor of vhost {@code name}; an unknown name is refused. */
  public ActorRef<VhostActor.Command> vhost(String name) {
    return BrokerVhosts.actor(vhosts, this, name);
  }

  /** Every vhost's name, the default first. */
  public List<String> vhostNames() {
    return BrokerVhosts.names(vhosts, this);
  }

  /** Runs until no work is left at the current virtual time. */
  public void runUntilQuiet() {
    runtime.runUntilQuiet();
  }

  /** Advances virtual time, firing due timers in order. */
  public void advanceBy(Duration d) {
    runtime.advanceBy(d);
  }

  /** Virtual time since the start. */
  public Duration now() {
    return Duration.ofNanos(runtime.nowNanos());
  }

  public long nowNanos() {
    return runtime.nowNanos();
  }

  /** Runs the simulation until {@code stage} completes (advancing virtual time if needed); returns its value. */
  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    var system = runtime.system();
    var cancellable = system.scheduler().scheduleOnce(delay, task, system.executionContext());
    return cancellable::cancel;
  }

  @Override
  public <T> T await(CompletionStage<T> stage) {
    return runtime.await(stage);
  }

  /** Like {@link #await(CompletionStage)}, failing after {@code timeout} of virtual time. */
  public <T> T await(CompletionStage<T> stage, Duration timeout) {
    return runtime.await(stage, timeout);
  }

  /**
   * What the broker holds now: exchanges, bindings, queues with their counts and consumers, connections and
   * channels, as their actors report them (see {@link BrokerView}). Actors that do not answer within five
   * seconds of virtual time are left out.
   */
  public BrokerView inspect() {
    return inspect(vhostNames().get(0));
  }

  /** {@link #inspect()} of vhost {@code vhost}. */
  public BrokerView inspect(String vhost) {
    return BrokerVhosts.inspect(vhosts, this, vhost, runtime.system().scheduler());
  }

  public Trace trace() {
    return trace;
  }

  /**
   * The fault rules of this run: arm, replace and disarm rules while it runs, effective for the next matching
   * event ({@code faults().arm(rule)} returns the handle that disarms it).
   */
  public FaultInjector faults() {
    return faults;
  }

  /** Every trace record so far (kept unless the builder turned it off). */
  public MemorySink events() {
    if (memory == null) {
      throw new IllegalStateException("this simulation was built with keepEvents(false)");
    }
    return memory;
  }

  /** The fate ledger of every message so far; fails if the builder turned it off. */
  public FateLedger ledger() {
    if (ledger == null) {
      throw new IllegalStateException("this simulation was built with ledger(false)");
    }
    return ledger;
  }

  /**
   * The broker's view of every message so far, to narrow and assert on: {@code
   * messages().toQueue("rpc_queue").acknowledged().assertCount(1)}. Run the simulation first ({@link
   * #runUntilQuiet()}): a selection reads what the ledger has recorded when it is asked. Fails if the builder
   * turned the ledger off.
   */
  public Messages messages() {
    return Messages.of(ledger(), "seed " + seed + ", profile " + profile.name());
  }

  /**
   * The canonical SHA-256 of the trace so far: equal for equal seeds, inputs and code; {@code JsonLinesHash}
   * recomputes it from a JSON Lines trace file. Fails if the builder turned it off.
   */
  public String traceSha256() {
    if (hash == null) {
      throw new IllegalStateException("this simulation was built with traceHash(false)");
    }
    return hash.hex();
  }

  /**
   * Checks the fate ledger against what the queues actually hold: every message has exactly one
   * recorded fate or is really still in a queue. Throws {@code LostMessageException} otherwise.
   */
  public void assertNothingLostSilently() {
    FateLedger ledger = ledger();
    runUntilQuiet();
    ledger.assertNothingLostSilently(new LinkedHashSet<>(BrokerVhosts.liveCopies(vhosts, this)));
  }

  /** Work that arrived from foreign threads (must be 0 for a deterministic run). */
  public long foreignSubmissions() {
    return runtime.foreignSubmissions();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      runtime.close();
    }
  }

  /** Options of a simulation. */
  public static final class Builder extends BrokerBuilder<Builder> {
    private boolean keepEvents = true;
    private boolean traceHash = true;

    private Builder() {}

    /** Keep every trace record in memory (default true); hashing and the ledger work either way. */
    public Builder keepEvents(boolean value) {
      keepEvents = value;
      return this;
    }

    /**
     * Compute the trace hash (default true). Off, {@link Simulation#traceSha256()} is not available: nothing
     * proves that two runs did the same, and the run saves encoding and hashing every event.
     */
    public Builder traceHash(boolean value) {
      traceHash = value;
      return this;
    }

    /**
     * Builds the simulation; a rule of its fault plan at {@code frame-read} or {@code frame-written} is refused:
     * in-process clients exchange no frames, so it could never fire (wire rules need a live broker's TCP clients).
     */
    public Simulation build() {
      for (io.brokersim.core.fault.FaultRule r : faults.rules()) {
        if (io.brokersim.core.fault.FaultEffects.WIRE_BOUNDARIES.contains(r.at())) {
          throw new IllegalArgumentException("fault rule '" + r.name() + "' is at " + r.at().configName()
              + ": a simulation's clients are in-process and exchange no frames, so it could never fire; wire"
              + " rules act on TCP clients of a live broker (AmqpServer, brokersim serve)");
        }
      }
      return new Simulation(this);
    }
  }

  @Override
  public String toString() {
    return "Simulation(seed=" + seed + ", profile=" + profile + ", t=" + Duration.ofNanos(runtime.nowNanos()) + ")";
  }
}
