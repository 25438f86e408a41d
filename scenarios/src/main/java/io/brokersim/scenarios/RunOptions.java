package io.brokersim.scenarios;

import java.nio.file.Path;

/**
 * Options of one run beyond scenario, seed and profile.
 *
 * @param traceFile where to write the trace as JSON Lines, or null
 */
public record RunOptions(Path traceFile) {

  /** No trace file. */
  public static final RunOptions NONE = new RunOptions(null);
}
