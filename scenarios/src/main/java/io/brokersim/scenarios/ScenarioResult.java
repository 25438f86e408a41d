package io.brokersim.scenarios;

import io.brokersim.core.trace.TraceRecord;
import java.util.List;

/**
 * Everything one run produced: the verdict and each expectation's outcome, the trace hash that identifies
 * the run, each call with the broker's account of its request and replies, and plain-language explanations
 * of every call that did not simply get its one reply.
 *
 * @param scenario the scenario's name
 * @param replay the command that replays the run
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
 * @param messages every message's fate and the fate ledger's explanation, in publish order, when the run was asked
 *     for them ({@link RunOptions#messageFates}), else empty
 */
public record ScenarioResult(
    String scenario,
    Replay replay,
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
    List<MessageReport> messages) {

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

  /**
   * One expectation's outcome.
   *
   * @param calls for one that does not hold, the calls its description and reason name (by correlation_id), in
   *     send order: the calls a report focuses on
   */
  public record ExpectationResult(String description, boolean holds, String reason, List<String> calls) {

    public ExpectationResult {
      calls = List.copyOf(calls);
    }

    public ExpectationResult(String description, boolean holds, String reason) {
      this(description, holds, reason, List.of());
    }
  }

  /**
   * One message of the run.
   *
   * @param msgId its id
   * @param correlationId its correlation_id, or null
   * @param fate its fate in a phrase ({@link Expectations#phrase})
   * @param explanation the fate ledger's account of it ({@code ledger.explain(msgId)})
   */
  public record MessageReport(String msgId, String correlationId, String fate, String explanation) {}

  /**
   * One call with the broker's account of it.
   *
   * @param call the call as the clients saw it
   * @param request what happened to the request message, e.g. "conn-1/ch-1#1 was acked on conn-2/ch-1 at t=0.05s"
   * @param replies what happened to each reply message published for it
   * @param chain its {@link FateChain}: what happened, without ids or times
   */
  public record CallReport(RpcCall call, String request, List<String> replies, String chain) {

    public CallReport {
      replies = List.copyOf(replies);
    }
  }

  /**
   * Why a call did not simply get its one reply.
   *
   * @param correlationId the call
   * @param client what the caller saw, in words
   * @param broker what the fate ledger says happened to the reply (or, with no reply, to the request)
   */
  public record Explanation(String correlationId, String client, String broker) {}

  private static final java.util.regex.Pattern EXCEPTION = java.util.regex.Pattern.compile(
      "[\\w$.]+(Exception|Error)\\b");

  public ScenarioResult {
    expectations = List.copyOf(expectations);
    errors = List.copyOf(errors);
    calls = List.copyOf(calls);
    explanations = List.copyOf(explanations);
    trace = List.copyOf(trace);
    log = List.copyOf(log);
    faults = List.copyOf(faults);
    messages = List.copyOf(messages);
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
    return replay.command();
  }

  /** The fault file given with {@code --faults}, as given, or null. */
  public String faultsFile() {
    return replay.faultsFile();
  }

  /** How the run failed, without ids or times; null for a run that passed. */
  public FailureSignature signature() {
    if (!errors.isEmpty()) {
      // Up to the exception's class: its message may hold ids and times.
      java.util.regex.Matcher m = EXCEPTION.matcher(errors.get(0));
      return new FailureSignature("error: " + (m.find() ? errors.get(0).substring(0, m.end()) : errors.get(0)), "");
    }
    for (ExpectationResult e : expectations) {
      if (!e.holds()) {
        String first = e.calls().isEmpty() ? null : e.calls().get(0);
        String chain = calls.stream().filter(c -> c.call().correlationId().equals(first)).map(CallReport::chain)
            .findFirst().orElse("");
        return new FailureSignature(e.description(), chain);
      }
    }
    return null;
  }

  /** The calls the failed expectations name, in send order (empty for a run that passed). */
  public List<String> failingCalls() {
    java.util.Set<String> named = new java.util.LinkedHashSet<>();
    for (ExpectationResult e : expectations) {
      named.addAll(e.calls());
    }
    return calls.stream().map(c -> c.call().correlationId()).filter(named::contains).toList();
  }
}
