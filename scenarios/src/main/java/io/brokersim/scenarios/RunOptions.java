package io.brokersim.scenarios;

import io.brokersim.core.fault.FaultPlan;
import java.nio.file.Path;

/**
 * Options of one run beyond scenario, seed and profile.
 *
 * @param traceFile where to write the trace as JSON Lines, or null
 * @param faults extra fault rules, applied after the scenario's own ({@code --faults FILE})
 * @param faultsSource where {@code faults} came from, as given on the command line (for the report and the
 *     replay command), or null
 */
public record RunOptions(Path traceFile, FaultPlan faults, String faultsSource) {

  /** No trace file, no extra faults. */
  public static final RunOptions NONE = new RunOptions(null);

  public RunOptions {
    faults = faults == null ? FaultPlan.NONE : faults;
  }

  /** A trace file and no extra faults. */
  public RunOptions(Path traceFile) {
    this(traceFile, FaultPlan.NONE, null);
  }

  /** These options with {@code plan}, loaded from {@code source}, as the extra fault rules. */
  public RunOptions withFaults(FaultPlan plan, String source) {
    return new RunOptions(traceFile, plan, source);
  }
}
