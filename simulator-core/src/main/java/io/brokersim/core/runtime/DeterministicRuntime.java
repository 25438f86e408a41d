package io.brokersim.core.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.dispatch.Mailbox;

/**
 * A Pekko typed actor system that runs on one driver thread in virtual time: same seed, same
 * events in the same order at the same virtual instants.
 *
 * <p>The thread that calls {@code start} becomes the driver and the only thread allowed to call
 * the driving methods. Nothing runs unless the driver calls {@link #runUntilQuiet()},
 * {@link #advanceBy}, {@link #advanceTo} or {@link #await}. No Pekko thread is ever started.
 *
 * <p>Rules for code running inside (details in docs/determinism.md §4): no javadsl
 * {@code ActorContext.ask}/{@code pipeToSelf} and no callbacks on Pekko-made CompletionStages
 * (they hop to the common pool); never put {@code ActorRef.toString()} or hash-ordered collections
 * of refs into observable output; clock and randomness only from this runtime.
 */
public final class DeterministicRuntime<T> implements Runtime {

    /** Classpath resource with the deterministic Pekko settings. */
    public static final String CONFIG_RESOURCE = "brokersim-deterministic.conf";

    private final SimLoop loop;
    private final Entropy entropy;
    private final String systemName;
    private ActorSystem<T> system;
    private boolean closed;

    private DeterministicRuntime(SimLoop loop, Entropy entropy, String systemName) {
        this.loop = loop;
        this.entropy = entropy;
        this.systemName = systemName;
    }

    /** Starts {@code guardian} in a deterministic system and runs it until quiet at virtual time 0. */
    public static <T> DeterministicRuntime<T> start(Behavior<T> guardian, String systemName, long seed,
            Config extraConfig) {
        Objects.requireNonNull(guardian, "guardian");
        return start(runtime -> guardian, systemName, seed, extraConfig);
    }

    /**
     * Like {@link #start(Behavior, String, long, Config)}, but builds the guardian from the runtime
     * so actors can be handed its clock and entropy; {@link #system()} is not available yet inside
     * {@code guardianFactory}.
     */
    public static <T> DeterministicRuntime<T> start(Function<? super Runtime, ? extends Behavior<T>> guardianFactory,
            String systemName, long seed, Config extraConfig) {
        Objects.requireNonNull(guardianFactory, "guardianFactory");
        Objects.requireNonNull(systemName, "systemName");
        Objects.requireNonNull(extraConfig, "extraConfig");
        SimLoop loop = new SimLoop();
        loop.setTaskDescriber(DeterministicRuntime::describeTask);
        DeterministicRuntime<T> runtime = new DeterministicRuntime<>(loop, new Entropy(seed), systemName);
        Behavior<T> guardian = Objects.requireNonNull(guardianFactory.apply(runtime), "guardianFactory returned null");
        Config config = config(extraConfig);
        runtime.system = VirtualTimeScheduler.adopting(loop,
                () -> new PumpingBlockContext(loop).call(() -> ActorSystem.create(guardian, systemName, config)));
        runtime.runUntilQuiet();
        return runtime;
    }

    /** The deterministic settings over {@code extraConfig} over the application config. */
    public static Config config(Config extraConfig) {
        Config deterministic = ConfigFactory.parseResources(DeterministicRuntime.class, "/" + CONFIG_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
        return deterministic.withFallback(extraConfig).withFallback(ConfigFactory.load()).resolve();
    }

    /** The actor system; its guardian is the system ref itself. */
    public ActorSystem<T> system() {
        if (system == null) {
            throw new IllegalStateException("the actor system is still being created");
        }
        return system;
    }

    /** The event loop behind the system. */
    public SimLoop loop() {
        return loop;
    }

    @Override
    public Entropy entropy() {
        return entropy;
    }

    @Override
    public long nowNanos() {
        return loop.nowNanos();
    }

    @Override
    public long epochMillis() {
        return SIMULATED_EPOCH_MILLIS + loop.nowNanos() / 1_000_000L;
    }

    @Override
    public void runUntilQuiet() {
        loop.runUntilQuiet();
    }

    @Override
    public void advanceBy(Duration duration) {
        loop.advanceBy(duration);
    }

    /** Moves virtual time to {@code targetNanos}, firing timers on the way. */
    public void advanceTo(long targetNanos) {
        loop.advanceTo(targetNanos);
    }

    /**
     * Drives the loop (jumping virtual time as needed) until {@code future} is done and returns its
     * value; a failure is rethrown as its cause.
     *
     * @throws IllegalStateException if the future can never complete because nothing is runnable
     *     and no timer is pending
     */
    public <R> R await(CompletionStage<R> future) {
        CompletableFuture<R> f = observable(future);
        loop.runUntil(f::isDone);
        return resultOf(f);
    }

    /** {@inheritDoc} The timeout is virtual: on expiry the clock stands at now + timeout. */
    @Override
    public <R> R await(CompletionStage<R> future, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<R> f = observable(future);
        long start = loop.nowNanos();
        long deadline = SimLoop.saturatedAdd(start, SimLoop.toNanosSaturated(timeout));
        if (!loop.runUntil(f::isDone, deadline)) {
            throw new AwaitTimeoutException("future not completed within " + timeout + " of virtual time (waited from "
                    + SimLoop.describeTime(start) + " to " + SimLoop.describeTime(loop.nowNanos()) + ")");
        }
        return resultOf(f);
    }

    /**
     * Runs a driver-side Pekko call that blocks internally, such as
     * {@code Materializer.createMaterializer(system)}, pumping the loop before it blocks.
     */
    public <R> R runBlocking(Supplier<R> body) {
        if (!loop.isOwnerThread()) {
            throw new IllegalStateException("runBlocking must be called on the driver thread");
        }
        return new PumpingBlockContext(loop).call(body);
    }

    /** Work that reached the loop from a thread other than the driver; 0 in a deterministic run. */
    public long foreignSubmissions() {
        return loop.foreignSubmissions();
    }

    @Override
    public boolean isDeterministic() {
        return true;
    }

    /**
     * Terminates the system and pumps until termination completes; idempotent.
     *
     * @throws IllegalStateException if any work arrived from a foreign thread during the run, since
     *     the run was then not deterministic
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!loop.isOwnerThread()) {
            throw new IllegalStateException("close must be called on the driver thread '" + loop.owner().getName() + "'");
        }
        closed = true;
        system.terminate();
        CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
        try {
            loop.runUntil(terminated::isDone);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("actor system '" + systemName + "' did not finish terminating", e);
        }
        long foreign = loop.foreignSubmissions();
        if (foreign > 0) {
            throw new IllegalStateException(foreign + " work items reached the loop of '" + systemName
                    + "' from threads other than the driver; the run was not deterministic"
                    + " (usual causes: javadsl ask/pipeToSelf, CompletionStage callbacks, a dispatcher or"
                    + " executor not configured with DeterministicExecutorConfigurator)");
        }
    }

    private static <R> CompletableFuture<R> observable(CompletionStage<R> future) {
        Objects.requireNonNull(future, "future");
        try {
            return future.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            // Pekko's and Scala's stages support toCompletableFuture; this path is for exotic stages,
            // whose callback thread is theirs to choose.
            CompletableFuture<R> mirror = new CompletableFuture<>();
            future.whenComplete((value, failure) -> {
                if (failure != null) {
                    mirror.completeExceptionally(failure);
                } else {
                    mirror.complete(value);
                }
            });
            return mirror;
        }
    }

    static <R> R resultOf(CompletableFuture<R> done) {
        try {
            return done.join();
        } catch (CompletionException | CancellationException e) {
            throw rethrowable(e);
        }
    }

    /** Unwraps completion wrappers; unchecked causes as they are, checked ones in one CompletionException. */
    static RuntimeException rethrowable(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtimeException) {
            return runtimeException;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new CompletionException(cause);
    }

    /** Names actor mailboxes by path (never toString, which carries the random uid). */
    private static String describeTask(Runnable task) {
        if (task instanceof Mailbox mailbox) {
            ActorCell cell = mailbox.actor();
            return cell == null ? "mailbox (no actor)" : "mailbox of " + cell.self().path();
        }
        return task.getClass().getName();
    }
}
