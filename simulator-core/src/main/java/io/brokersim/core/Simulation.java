package io.brokersim.core;

import io.brokersim.core.actor.BrokerActor;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.DeterministicRuntime;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.HashingSink;
import io.brokersim.core.trace.MemorySink;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

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
  private final DeterministicRuntime<BrokerActor.Command> runtime;
  private final Trace trace;
  private final MemorySink memory;
  private final HashingSink hash = new HashingSink();
  private final FateLedger ledger = FateLedger.create();
  private boolean closed;

  private Simulation(Builder b) {
    this.seed = b.seed;
    this.profile = b.profile;
    this.memory = b.keepEvents ? new MemorySink() : null;
    List<TraceSink> sinks = new ArrayList<>();
    sinks.add(hash);
    sinks.add(ledger);
    if (memory != null) {
      sinks.add(memory);
    }
    sinks.addAll(b.sinks);
    Trace[] holder = new Trace[1];
    this.runtime = DeterministicRuntime.start(
        rt -> b.guardian(rt, sinks, t -> holder[0] = t, BrokerBuilder.seededNames(rt)), "brokersim", seed,
        b.config);
    this.trace = holder[0];
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

  /** The virtual host's actor, for front ends that speak its protocol directly. */
  public ActorRef<BrokerActor.Command> vhost() {
    return runtime.system();
  }

  /** Connects an in-process client and waits until the connection is open. */
  public SimConnection connect(String clientName) {
    return await(SimConnection.open(vhost(), clientName, this));
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

  public Trace trace() {
    return trace;
  }

  /** Every trace record so far (kept unless the builder turned it off). */
  public MemorySink events() {
    if (memory == null) {
      throw new IllegalStateException("this simulation was built with keepEvents(false)");
    }
    return memory;
  }

  public FateLedger ledger() {
    return ledger;
  }

  /** The canonical SHA-256 of the trace so far: equal for equal seeds, inputs and code. */
  public String traceSha256() {
    return hash.hex();
  }

  /**
   * Checks the fate ledger against what the queues actually hold: every message has exactly one
   * recorded fate or is really still in a queue. Throws {@code LostMessageException} otherwise.
   */
  public void assertNothingLostSilently() {
    runUntilQuiet();
    CompletableFuture<List<String>> live = new CompletableFuture<>();
    vhost().tell(new BrokerActor.ReportLive(live::complete));
    List<String> copies = await(live);
    ledger.assertNothingLostSilently(new LinkedHashSet<>(copies));
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

    private Builder() {}

    /** Keep every trace record in memory (default true); hashing and the ledger work either way. */
    public Builder keepEvents(boolean value) {
      keepEvents = value;
      return this;
    }

    public Simulation build() {
      return new Simulation(this);
    }
  }

  @Override
  public String toString() {
    return "Simulation(seed=" + seed + ", profile=" + profile + ", t=" + Duration.ofNanos(runtime.nowNanos()) + ")";
  }
}
