package io.brokersim.core.client;

import java.util.concurrent.CompletionStage;

/**
 * Turns a pending result into a value for the blocking conveniences: the deterministic runtime runs
 * the simulation until the result is there (timeouts in virtual time); the live runtime waits.
 */
public interface Driver {

  /** Waits for {@code stage}; rethrows its failure (e.g. {@link AmqpException}) unwrapped. */
  <T> T await(CompletionStage<T> stage);
}
