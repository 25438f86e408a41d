package io.brokersim.core;

import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.actor.Vhosts;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.LiveRuntime;
import io.brokersim.core.runtime.SecureRandomSource;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.Messages;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The same broker actors as {@link Simulation}, on real threads and the real clock, for serving real
 * clients (the wire adapter) and for in-process clients that want live behaviour. The trace and fate
 * ledger work the same way; the order of concurrent events is whatever the threads produce.
 */
public final class LiveBroker implements AutoCloseable, Driver {
  private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(30);

  private final BrokerProfile profile;
  private final long seed;
  private final LiveRuntime<VhostActor.Command> runtime;
  private final Trace trace;
  private final FaultInjector faults;
  private final FateLedger ledger;
  private final Vhosts vhosts = new Vhosts();
  private final boolean predictableNames;
  private boolean closed;

  private LiveBroker(Builder b) {
    this.profile = b.profile;
    this.seed = b.seed;
    this.ledger = b.newLedger();
    List<TraceSink> sinks = new ArrayList<>(b.sinks);
    if (ledger != null) {
      sinks.add(ledger);
    }
    Trace[] holder = new Trace[1];
    FaultInjector[] injector = new FaultInjector[1];
    // Names that grant access (reply names, amq.gen-, amq.ctag-) come from a CSPRNG unless a seed was
    // given explicitly; fault probabilities stay seeded either way.
    this.predictableNames = b.seedGiven;
    this.runtime = LiveRuntime.start(rt -> b.guardian(rt, sinks, t -> holder[0] = t, f -> injector[0] = f,
        predictableNames ? BrokerBuilder.seededNames(rt) : SecureRandomSource.create(), vhosts),
        b.systemName, b.seed, b.config);
    this.trace = holder[0];
    this.faults = injector[0];
    // Front ends look vhosts up on their own threads without waiting (findVhost).
    await(vhosts.ready());
  }

  public static Builder builder() {
    return new Builder();
  }

  public BrokerProfile profile() {
    return profile;
  }

  /** The seed of seeded fault decisions, and of server-generated names when {@link #predictableNames()}. */
  public long seed() {
    return seed;
  }

  /**
   * True when the builder was given a seed: server-generated names are then computable from it and
   * can be forged by any client. Otherwise they come from a CSPRNG.
   */
  public boolean predictableNames() {
    return predictableNames;
  }

  /** The default virtual host's actor: front ends send {@code VhostActor.Connect} here (or to {@link #vhost(String)}). */
  public ActorRef<VhostActor.Command> vhost() {
    return runtime.system();
  }

  /** The actor system, e.g. to materialize the wire adapter's streams on it. */
  public ActorSystem<VhostActor.Command> system() {
    return runtime.system();
  }

  /**
   * What the broker holds now: exchanges, bindings, queues with their counts and consumers, connections and
   * channels, as their actors report them (see {@link BrokerView}). Actors that do not answer within five
   * seconds are left out.
   */
  public BrokerView inspect() {
    return inspect(vhostNames().get(0));
  }

  /** {@link #inspect()} of vhost {@code vhost}. */
  public BrokerView inspect(String vhost) {
    return BrokerVhosts.inspect(vhosts, this, vhost, runtime.system().scheduler());
  }

  /** The actor of vhost {@code name}, if the broker has one by that name; never blocks. */
  public java.util.Optional<ActorRef<VhostActor.Command>> findVhost(String name) {
    return vhosts.get(name);
  }

  /** The actor of vhost {@code name}; an unknown name is refused. */
  public ActorRef<VhostActor.Command> vhost(String name) {
    return BrokerVhosts.actor(vhosts, this, name);
  }

  /** Every vhost's name, the default first. */
  public List<String> vhostNames() {
    return BrokerVhosts.names(vhosts, this);
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

  /** The fate ledger, or null if the builder turned it off (long-running servers). */
  public FateLedger ledger() {
    return ledger;
  }

  /**
   * The broker's view of every message so far, to narrow and assert on (see {@link Messages}). Real clients
   * run on their own threads: what a selection reads is what the broker has recorded when it is asked.
   */
  public Messages messages() {
    if (ledger == null) {
      throw new IllegalStateException("this broker was built with ledger(false)");
    }
    return Messages.of(ledger, "seed " + seed + ", profile " + profile.name());
  }

  /** Connects an in-process client. */
  public SimConnection connect(String clientName) {
    return await(SimConnection.open(vhost(), clientName, this));
  }

  /** Connects an in-process client to {@code vhost} as {@code user}, who may do what {@code permissions} allow. */
  public SimConnection connect(String clientName, String vhost, String user, Permissions permissions) {
    return await(SimConnection.open(vhost(vhost), clientName, user, permissions, this));
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    var system = runtime.system();
    var cancellable = system.scheduler().scheduleOnce(delay, task, system.executionContext());
    return cancellable::cancel;
  }

  @Override
  public <T> T await(CompletionStage<T> stage) {
    return runtime.await(stage, AWAIT_TIMEOUT);
  }

  /** Checks the ledger against the queues' live copies (see {@link Simulation#assertNothingLostSilently()}). */
  public void assertNothingLostSilently() {
    if (ledger == null) {
      throw new IllegalStateException("this broker was built with ledger(false)");
    }
    ledger.assertNothingLostSilently(new LinkedHashSet<>(BrokerVhosts.liveCopies(vhosts, this)));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      runtime.close();
    }
  }

  /** Options of a live broker. */
  public static final class Builder extends BrokerBuilder<Builder> {
    private String systemName = "brokersim";

    private Builder() {}

    public Builder systemName(String value) {
      systemName = Objects.requireNonNull(value);
      return this;
    }

    public LiveBroker build() {
      return new LiveBroker(this);
    }
  }
}
