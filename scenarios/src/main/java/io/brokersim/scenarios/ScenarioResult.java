package io.brokersim.scenarios;

import io.brokersim.core.trace.TraceRecord;
import java.util.List;

/**
 * Everything one run produced: the verdict and each expectation's outcome, the trace hash that identifies
 * the run, each call with the broker's account of its request and replies, and plain-language explanations
 * of every call that did not simply get its one reply.
 *
 * @param scenario the scenario's name
 * @param replayName the name {@code brokersim run} knows it by (see {@link Catalogue#replayName})
 * @param description its one-line description
 * @param teaching its teaching text (Markdown)
 * @param profile the broker profile's name
 * @param seed the seed
 * @param verdict PASS iff every expectation holds and the script raised no error
 * @param expectations each expectation's outcome, in declaration order, {@code nothingLostSilently} last
 * @param errors errors raised by the scenario's own code (empty for a clean run)
 * @param traceSha256 canonical SHA-256 of the trace: equal seeds give equal hashes
 * @param virtualNanos virtual time at the end of the run
 * @param calls every call, in send order
 * @param explanations why each lost, late, duplicated or misdelivered reply went the way it did
 * @param trace every trace record of the run
 * @param log everything the clients did and saw
 * @param faults the fault rules the run was built with (the scenario's, then the fault file's), in order
 * @param faultsFile the fault file given with {@code --faults}, as given, or null
 */
public record ScenarioResult(
    String scenario,
    String replayName,
    String description,
    String teaching,
    String profile,
    long seed,
    Verdict verdict,
    List<ExpectationResult> expectations,
    List<String> errors,
    String traceSha256,
    long virtualNanos,
    List<CallReport> calls,
    List<Explanation> explanations,
    List<TraceRecord> trace,
    List<RpcLog.Entry> log,
    List<FaultReport> faults,
    String faultsFile) {

  /** The outcome of a run. */
  public enum Verdict {
    /** Every expectation holds. */
    PASS,
    /** At least one expectation does not hold. */
    FAIL,
    /** The scenario's own code threw: the run says nothing about the broker. */
    ERROR
  }

  /**
   * One fault rule of the run.
   *
   * @param rule its name
   * @param source "scenario", or the fault file it came from
   * @param description the rule in the words of a fault file ({@link FaultRules#describe})
   * @param fired how many times it took effect (its {@code FaultInjected} events)
   */
  public record FaultReport(String rule, String source, String description, int fired) {}

  /** One expectation's outcome. */
  public record ExpectationResult(String description, boolean holds, String reason) {}

  /**
   * One call with the broker's account of it.
   *
   * @param call the call as the clients saw it
   * @param request what happened to the request message, e.g. "conn-1/ch-1#1 was acked on conn-2/ch-1 at t=0.05s"
   * @param replies what happened to each reply message published for it
   */
  public record CallReport(RpcCall call, String request, List<String> replies) {}

  /**
   * Why a call did not simply get its one reply.
   *
   * @param correlationId the call
   * @param client what the caller saw, in words
   * @param broker what the fate ledger says happened to the reply (or, with no reply, to the request)
   */
  public record Explanation(String correlationId, String client, String broker) {}

  public ScenarioResult {
    expectations = List.copyOf(expectations);
    errors = List.copyOf(errors);
    calls = List.copyOf(calls);
    explanations = List.copyOf(explanations);
    trace = List.copyOf(trace);
    log = List.copyOf(log);
    faults = List.copyOf(faults);
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }

  /** The first expectation that does not hold, or the first script error, for one-line summaries. */
  public String firstProblem() {
    if (!errors.isEmpty()) {
      return "error: " + errors.get(0);
    }
    for (ExpectationResult e : expectations) {
      if (!e.holds()) {
        return e.description() + ": " + e.reason();
      }
    }
    return "";
  }

  /** The command that replays this run. */
  public String replayCommand() {
    return "brokersim run " + replayName + " --profile " + profile + " --seed " + seed
        + (faultsFile == null ? "" : " --faults " + faultsFile);
  }
}
