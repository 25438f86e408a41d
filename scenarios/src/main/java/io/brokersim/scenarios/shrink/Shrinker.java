package io.brokersim.scenarios.shrink;

import io.brokersim.core.fault.FaultRule;
import io.brokersim.scenarios.FailureSignature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Shrinks a failing run to the fewest fault firings (and, where the subject allows, the fewest calls) that still fail
 * the same way, by delta debugging (Zeller's ddmin): firings are named by {@link Firing#key} and the run is repeated
 * with subsets of them until no single firing can be taken away. Every run is deterministic, so the same failing run
 * always shrinks to the same schedule. The result is handed back as a schedule: each rule with
 * {@code at-matches} = the matches it fired at in the smallest run, which replays that run exactly.
 */
public final class Shrinker {

  /** Runs a shrink may make unless told otherwise (then two more: the smallest run's record and its replay). */
  public static final int DEFAULT_MAX_RUNS = 500;

  /** Something that can be run again and again with other fault rules: a scenario, a test method. */
  public interface Subject {

    /**
     * Runs once with {@code rules} as every fault rule of the run, making only {@code onlyCalls} (every call when
     * empty; only a subject with {@link #callsAreIndependent} is asked for fewer).
     */
    Outcome run(List<FaultRule> rules, List<String> onlyCalls);

    /** Whether calls may be left out ({@code Scenario.callsAreIndependent}). */
    default boolean callsAreIndependent() {
      return false;
    }
  }

  /**
   * One run of a subject.
   *
   * @param signature how it failed, or null if it passed
   * @param traceSha256 its trace hash
   * @param calls the calls it made (by correlation_id, in send order)
   */
  public record Outcome(FailureSignature signature, String traceSha256, List<String> calls) {
    public Outcome {
      calls = List.copyOf(calls);
    }
  }

  /**
   * What a shrink found.
   *
   * @param signature how the original run failed, and the smallest one still fails
   * @param original the original run's firings, in order
   * @param minimal the smallest run's firings, in order, with their match numbers in that run
   * @param schedule every rule of the run, each with {@code at-matches} = its matches in {@link #minimal} (an empty
   *     list for a rule that does not fire), in the original order
   * @param originalCalls the calls the original run made
   * @param onlyCalls the calls the smallest run makes, or empty when it makes them all
   * @param runs how many runs the shrink made, the original one included
   * @param oneMinimal whether taking away any one firing (or call) was tried and no longer fails the same way; false
   *     when the run limit stopped the search first
   * @param replayed whether the schedule, as a plain fault file would give it, failed the same way with the same
   *     trace as the smallest run found (the last run the shrink makes)
   * @param originalTrace the original run's trace hash
   * @param minimalTrace the smallest run's trace hash
   */
  public record Result(FailureSignature signature, List<Firing> original, List<Firing> minimal,
      List<FaultRule> schedule, List<String> originalCalls, List<String> onlyCalls, int runs, boolean oneMinimal,
      boolean replayed, String originalTrace, String minimalTrace) {

    public Result {
      original = List.copyOf(original);
      minimal = List.copyOf(minimal);
      schedule = List.copyOf(schedule);
      originalCalls = List.copyOf(originalCalls);
      onlyCalls = List.copyOf(onlyCalls);
    }

    /** {@code shrunk: 5 firings -> 1 in 12 runs}, plus the calls when some were left out. */
    public String summary() {
      return "shrunk: " + plural(original.size(), "firing") + " -> " + minimal.size()
          + (onlyCalls.isEmpty() ? "" : ", " + plural(originalCalls.size(), "call") + " -> " + onlyCalls.size())
          + " in " + plural(runs, "run") + (oneMinimal ? "" : " (stopped at the run limit: not proven minimal)");
    }

    private static String plural(int n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }

  /** The run passed: there is nothing to shrink. */
  public static final class NothingToShrink extends IllegalArgumentException {
    NothingToShrink(String message) {
      super(message);
    }
  }

  private final Subject subject;
  private final List<FaultRule> rules;
  private final int maxRuns;
  private int runs;
  private FailureSignature signature;
  private final Map<String, Attempt> attempts = new HashMap<>();

  private Shrinker(Subject subject, List<FaultRule> rules, int maxRuns) {
    this.subject = subject;
    this.rules = List.copyOf(rules);
    this.maxRuns = maxRuns;
  }

  /**
   * Shrinks the failing run that {@code subject} makes with {@code rules}, in at most {@code maxRuns} runs; throws
   * {@link NothingToShrink} if it passes.
   */
  public static Result shrink(Subject subject, List<FaultRule> rules, int maxRuns) {
    if (maxRuns < 2) {
      throw new IllegalArgumentException("a shrink needs at least 2 runs, got " + maxRuns);
    }
    return new Shrinker(subject, rules, maxRuns).shrink();
  }

  /** One run with some firings and calls, remembered so that ddmin never repeats a run. */
  private record Attempt(boolean fails, Outcome outcome, List<Firing> firings) {}

  private Result shrink() {
    Instrumented recording = Instrumented.recording(rules);
    Outcome first = subject.run(recording.rules(), List.of());
    runs++;
    if (first.signature() == null) {
      throw new NothingToShrink("the run passes: there is no failure to shrink");
    }
    signature = first.signature();
    List<Firing> original = List.copyOf(recording.firings());
    Map<String, Firing> byKey = new LinkedHashMap<>();
    for (Firing f : original) {
      byKey.put(f.key(), f);
    }
    List<String> keys = new ArrayList<>(byKey.keySet());
    List<String> calls = first.calls();

    boolean[] complete = {true};
    List<String> firings = ddmin(keys, true, k -> attempt(k, List.of(), true).fails(), complete);
    List<String> onlyCalls = List.of();
    if (subject.callsAreIndependent() && calls.size() > 1) {
      List<String> kept = ddmin(calls, false, c -> attempt(firings, c, true).fails(), complete);
      if (kept.size() < calls.size()) {
        onlyCalls = kept;
      }
    }
    List<String> finalCalls = onlyCalls;
    List<String> finalFirings = onlyCalls.isEmpty() || firings.size() < 2 ? firings
        : ddmin(firings, true, k -> attempt(k, finalCalls, true).fails(), complete);
    // Known already, unless the limit stopped the first search before it tried anything.
    Attempt smallest = attempt(finalFirings, onlyCalls, false);

    List<FaultRule> schedule = schedule(smallest.firings());
    Outcome replay = subject.run(schedule, onlyCalls);
    runs++;
    boolean replayed = signature.equals(replay.signature())
        && Objects.equals(replay.traceSha256(), smallest.outcome().traceSha256());
    return new Result(signature, original, smallest.firings(), schedule, calls, onlyCalls, runs,
        complete[0], replayed, first.traceSha256(), smallest.outcome().traceSha256());
  }

  /** Every rule, scheduled at the matches it fired at in {@code firings}, in the original order. */
  private List<FaultRule> schedule(List<Firing> firings) {
    List<FaultRule> out = new ArrayList<>(rules.size());
    for (FaultRule r : rules) {
      List<Long> matches = firings.stream().filter(f -> f.rule().equals(r.name())).map(Firing::match).sorted()
          .distinct().toList();
      out.add(new FaultRule(r.name(), r.at(), r.match(), r.action(), r.when().scheduled(matches)));
    }
    return out;
  }

  private Attempt attempt(List<String> keys, List<String> onlyCalls, boolean limited) {
    String id = String.join("\u0002", keys) + "\u0003" + String.join("\u0002", onlyCalls);
    Attempt known = attempts.get(id);
    if (known != null) {
      return known;
    }
    if (limited && runs >= maxRuns) {
      throw new OutOfRuns();
    }
    Instrumented selecting = Instrumented.selecting(rules, new LinkedHashSet<>(keys));
    Outcome o = subject.run(selecting.rules(), onlyCalls);
    runs++;
    Attempt a = new Attempt(signature.equals(o.signature()), o, List.copyOf(selecting.firings()));
    attempts.put(id, a);
    return a;
  }

  /** The run limit was reached in the middle of a search. */
  private static final class OutOfRuns extends RuntimeException {
    OutOfRuns() {
      super(null, null, false, false);
    }
  }

  /**
   * Zeller's ddmin: the smallest sublist of {@code items} (order kept) for which {@code fails} holds, 1-minimal when
   * it finishes (the empty list is tried first when {@code tryNone}); clears {@code complete[0]} when the run limit stops it first (the smallest failing list so far is
   * returned).
   */
  private static <T> List<T> ddmin(List<T> items, boolean tryNone, Predicate<List<T>> fails, boolean[] complete) {
    List<T> c = List.copyOf(items);
    try {
      if (tryNone && fails.test(List.of())) {
        return List.of();
      }
      int n = 2;
      while (c.size() >= 2) {
        List<List<T>> chunks = split(c, n);
        List<T> next = null;
        for (List<T> chunk : chunks) {
          if (fails.test(chunk)) {
            next = chunk;
            n = 2;
            break;
          }
        }
        if (next == null && n > 2) {
          for (int i = 0; i < chunks.size() && next == null; i++) {
            List<T> complement = complement(chunks, i);
            if (fails.test(complement)) {
              next = complement;
              n = Math.max(n - 1, 2);
            }
          }
        }
        if (next != null) {
          c = next;
        } else if (n >= c.size()) {
          break;
        } else {
          n = Math.min(n * 2, c.size());
        }
      }
      return c;
    } catch (OutOfRuns e) {
      complete[0] = false;
      return c;
    }
  }

  private static <T> List<List<T>> split(List<T> c, int n) {
    List<List<T>> out = new ArrayList<>(n);
    int start = 0;
    for (int i = 0; i < n; i++) {
      int end = start + (c.size() - start) / (n - i);
      out.add(List.copyOf(c.subList(start, end)));
      start = end;
    }
    return out;
  }

  private static <T> List<T> complement(List<List<T>> chunks, int skip) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      if (i != skip) {
        out.addAll(chunks.get(i));
      }
    }
    return out;
  }

  /** The keys of {@code firings}, for tests. */
  static Set<String> keys(List<Firing> firings) {
    Set<String> out = new LinkedHashSet<>();
    for (Firing f : firings) {
      out.add(f.key());
    }
    return out;
  }
}
