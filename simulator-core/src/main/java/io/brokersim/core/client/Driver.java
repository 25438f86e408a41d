package io.brokersim.core.client;

import java.util.concurrent.CompletionStage;

/**
 * Turns a pending result into a value for the blocking conveniences: the deterministic runtime runs
 * the simulation until the result is there (timeouts in virtual time); the live runtime waits.
 */
public interface Driver {

  /** A scheduled task that can still be cancelled. */
  interface Scheduled {
    /** Cancels the task; false if it already ran or was cancelled. */
    boolean cancel();
  }

  /**
   * Runs {@code task} after {@code delay} on the broker's threads (virtual time and the simulation
   * thread in a {@code Simulation}); client timeouts use it.
   */
  Scheduled schedule(java.time.Duration delay, Runnable task);


  /** Waits for {@code stage}; rethrows its failure (e.g. {@link AmqpException}) unwrapped. */
  <T> T await(CompletionStage<T> stage);
}
