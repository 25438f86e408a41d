/**
 * Runtimes for the simulator: {@link io.brokersim.core.runtime.DeterministicRuntime} (one driver
 * thread, virtual time, seeded {@link io.brokersim.core.runtime.Entropy}; same seed, same trace)
 * and {@link io.brokersim.core.runtime.LiveRuntime} (Pekko's thread pools and the real clock),
 * both behind {@link io.brokersim.core.runtime.Runtime}.
 *
 * <p>This is the only package that may read the clock or create randomness. Deterministic mode is
 * assembled from Pekko extension points, not a fork: {@link io.brokersim.core.runtime.VirtualTimeScheduler}
 * as {@code pekko.scheduler.implementation}, {@link io.brokersim.core.runtime.DeterministicExecutorConfigurator}
 * as every dispatcher's executor, and {@link io.brokersim.core.runtime.PumpingBlockContext} so
 * Pekko's start-up {@code Await}s complete; settings in {@code brokersim-deterministic.conf}.
 *
 * <p>Code that runs inside a deterministic system must avoid the traps listed in
 * docs/determinism.md §4, above all: javadsl {@code ActorContext.ask}/{@code pipeToSelf} and
 * callbacks on Pekko-made CompletionStages (they run on the common pool); {@code ActorRef.toString()}
 * or ref hash order in anything observable; {@code Set.of}/{@code Map.of} iteration; stream
 * operators that read {@code System.nanoTime} ({@code throttle}, {@code idleTimeout},
 * {@code keepAlive}, {@code backpressureTimeout}, {@code delay}, {@code dropWithin}); restart
 * limits, circuit breakers, random routers and backoff jitter. A run that broke the rules usually
 * shows up as {@code foreignSubmissions() > 0}, which {@code close()} reports.
 */
package io.brokersim.core.runtime;
