package io.brokersim.scenarios;

import io.brokersim.core.fault.FaultPlan;
import java.nio.file.Path;
import java.util.List;

/**
 * Options of one run beyond scenario, seed and profile.
 *
 * @param traceFile where to write the trace as JSON Lines, or null
 * @param faults extra fault rules, applied after the scenario's own ({@code --faults FILE}); a rule named like one
 *     of the scenario's with the same at, match and action type takes its place ({@link FaultRules#merge})
 * @param faultsSource where {@code faults} came from, as given on the command line (for the report and the
 *     replay command), or null
 * @param onlyCalls the calls to make, by correlation_id ({@code --only-calls}); the scenario's other calls are left
 *     out (never sent, never logged), for a scenario that allows it ({@link Scenario#callsAreIndependent}); empty
 *     for every call
 * @param messageFates whether the result keeps every message's fate and the fate ledger's explanation of it (for
 *     the HTML report, which shows them on a click)
 * @param classpath where the scenario's class was loaded from, as given with {@code --classpath} (for the replay
 *     command), or null
 */
public record RunOptions(Path traceFile, FaultPlan faults, String faultsSource, List<String> onlyCalls,
    boolean messageFates, String classpath) {

  /** No trace file, no extra faults. */
  public static final RunOptions NONE = new RunOptions(null);

  public RunOptions {
    faults = faults == null ? FaultPlan.NONE : faults;
    onlyCalls = onlyCalls == null ? List.of() : List.copyOf(onlyCalls);
  }

  /** A trace file and no extra faults. */
  public RunOptions(Path traceFile) {
    this(traceFile, FaultPlan.NONE, null, List.of(), false, null);
  }

  /** These options with {@code plan}, loaded from {@code source}, as the extra fault rules. */
  public RunOptions withFaults(FaultPlan plan, String source) {
    return new RunOptions(traceFile, plan, source, onlyCalls, messageFates, classpath);
  }

  /** These options making only {@code calls} (empty: every call). */
  public RunOptions withOnlyCalls(List<String> calls) {
    return new RunOptions(traceFile, faults, faultsSource, calls, messageFates, classpath);
  }

  /** These options keeping every message's fate and explanation. */
  public RunOptions withMessageFates() {
    return new RunOptions(traceFile, faults, faultsSource, onlyCalls, true, classpath);
  }

  /** These options naming where the scenario's class came from. */
  public RunOptions withClasspath(String value) {
    return new RunOptions(traceFile, faults, faultsSource, onlyCalls, messageFates, value);
  }
}
