package io.brokersim.core.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A Pekko typed actor system on its configured dispatchers and the real clock, for serving real
 * clients. Same shape as {@link DeterministicRuntime}; not reproducible.
 */
public final class LiveRuntime<T> implements Runtime {

    /** Dispatchers whose {@code brokersim.live.<name>} settings are laid over {@code pekko.actor.<name>}. */
    private static final List<String> LIVE_DISPATCHERS = List.of("default-dispatcher", "internal-dispatcher");

    /** Where {@code brokersim.live.tcp-dispatcher} goes: the dispatcher of Pekko's TCP connection actors. */
    private static final String TCP_WORKER_DISPATCHER = "pekko.io.tcp.worker-dispatcher";

    /** Upper bound on how long {@link #close()} waits for the system to terminate. */
    private static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(30);

    private final Entropy entropy;
    private final long startNanos;
    private ActorSystem<T> system;
    private boolean closed;

    private LiveRuntime(Entropy entropy) {
        this.entropy = entropy;
        this.startNanos = System.nanoTime();
    }

    /** Starts {@code guardian} with entropy seeded from the clock; the seed is {@code entropy().seed()}. */
    public static <T> LiveRuntime<T> start(Behavior<T> guardian, String systemName, Config extraConfig) {
        return start(guardian, systemName, System.nanoTime() ^ System.currentTimeMillis(), extraConfig);
    }

    /** Starts {@code guardian} with entropy seeded from {@code seed}. */
    public static <T> LiveRuntime<T> start(Behavior<T> guardian, String systemName, long seed, Config extraConfig) {
        Objects.requireNonNull(guardian, "guardian");
        return start(runtime -> guardian, systemName, seed, extraConfig);
    }

    /** Builds the guardian from the runtime; {@link #system()} is not available inside the factory. */
    public static <T> LiveRuntime<T> start(Function<? super Runtime, ? extends Behavior<T>> guardianFactory,
            String systemName, long seed, Config extraConfig) {
        Objects.requireNonNull(guardianFactory, "guardianFactory");
        Objects.requireNonNull(systemName, "systemName");
        Objects.requireNonNull(extraConfig, "extraConfig");
        LiveRuntime<T> runtime = new LiveRuntime<>(new Entropy(seed));
        Behavior<T> guardian = Objects.requireNonNull(guardianFactory.apply(runtime), "guardianFactory returned null");
        runtime.system = ActorSystem.create(guardian, systemName, config(extraConfig));
        return runtime;
    }

    /**
     * {@code extraConfig} over the application config, with {@code brokersim.live.default-dispatcher} and
     * {@code brokersim.live.internal-dispatcher} laid over Pekko's dispatchers of the same names and
     * {@code brokersim.live.tcp-dispatcher} set as {@code pekko.io.tcp.worker-dispatcher}: the live broker's
     * dispatcher settings live under brokersim.
     */
    public static Config config(Config extraConfig) {
        Config merged = extraConfig.withFallback(ConfigFactory.load());
        for (String dispatcher : LIVE_DISPATCHERS) {
            String path = "brokersim.live." + dispatcher;
            if (merged.hasPath(path)) {
                merged = merged.getConfig(path).atPath("pekko.actor." + dispatcher).withFallback(merged);
            }
        }
        String tcp = "brokersim.live.tcp-dispatcher";
        if (merged.hasPath(tcp)) {
            String dispatcher = merged.getString(tcp);
            if (!merged.hasPath(dispatcher)) {
                throw new ConfigException.BadValue(merged.origin(), tcp,
                    "names no dispatcher configuration ('" + dispatcher + "')");
            }
            merged = ConfigFactory.parseMap(Map.of(TCP_WORKER_DISPATCHER, dispatcher), tcp)
                    .withFallback(merged);
        }
        return merged;
    }

    /** The actor system. */
    public ActorSystem<T> system() {
        if (system == null) {
            throw new IllegalStateException("the actor system is still being created");
        }
        return system;
    }

    @Override
    public long epochMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nowNanos() {
        return System.nanoTime() - startNanos;
    }

    @Override
    public Entropy entropy() {
        return entropy;
    }

    @Override
    public <R> R await(CompletionStage<R> future, Duration timeout) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<R> f = future.toCompletableFuture();
        try {
            return f.get(SimLoop.toNanosSaturated(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AwaitTimeoutException("future not completed within " + timeout + " of wall-clock time");
        } catch (ExecutionException e) {
            throw DeterministicRuntime.rethrowable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting a future", e);
        }
    }

    /** Live actors run on their own threads; there is nothing to drive. */
    @Override
    public void runUntilQuiet() {
        // intentionally empty
    }

    @Override
    public void advanceBy(Duration duration) {
        throw new UnsupportedOperationException(
                "LiveRuntime runs on the real clock; advanceBy is only available with DeterministicRuntime");
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }

    /** Terminates the system and waits up to 30 s for it; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        system.terminate();
        await(system.getWhenTerminated(), TERMINATION_TIMEOUT);
    }
}
