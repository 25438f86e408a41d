package io.brokersim.core.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How a simulation run gets time, randomness and completion: deterministic (virtual clock, one
 * driver thread) or live (real clock, Pekko's thread pools). Code outside this package reads the
 * clock and creates randomness only through this interface.
 */
public interface Runtime extends AutoCloseable {

    /** Nanoseconds since the runtime started: virtual in deterministic mode, monotonic wall time live. */
    long nowNanos();

    /**
     * Wall-clock time in milliseconds since the Unix epoch, for what a broker stamps on messages
     * ({@code x-death.time}): the real clock live; in deterministic mode a fixed instant
     * ({@link #SIMULATED_EPOCH_MILLIS}) plus virtual time, so a seed replays the same stamps.
     */
    long epochMillis();

    /** Where virtual time starts on the wall clock: 2026-01-01T00:00:00Z. */
    long SIMULATED_EPOCH_MILLIS = 1_767_225_600_000L;

    /** The run's root entropy; fork it per purpose. */
    Entropy entropy();

    /**
     * Waits for {@code future} and returns its value; a failure is rethrown as its cause
     * (unchecked causes as they are, checked ones inside one {@link java.util.concurrent.CompletionException}).
     * In deterministic mode the timeout is virtual time and waiting drives the loop.
     *
     * @throws AwaitTimeoutException if the future is not done within {@code timeout}
     */
    <R> R await(CompletionStage<R> future, Duration timeout);

    /** Deterministic: runs everything runnable at the current instant. Live: does nothing. */
    void runUntilQuiet();

    /**
     * Deterministic: moves virtual time forward, firing timers on the way.
     *
     * @throws UnsupportedOperationException in live mode, whose clock cannot be moved
     */
    void advanceBy(Duration duration);

    /** True for the virtual-time single-threaded runtime. */
    boolean isDeterministic();

    /** Terminates the actor system and waits for termination; calling it again does nothing. */
    @Override
    void close();
}
