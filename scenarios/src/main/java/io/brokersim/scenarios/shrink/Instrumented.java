package io.brokersim.scenarios.shrink;

import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultAction;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.model.RandomSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's fault rules, instrumented to name every firing ({@link Firing}) without changing what the rules do.
 * Recording keeps each rule as it is and adds a counting twin (same boundary, match and window, no effects, so it
 * changes nothing: no trace event, no draw from another rule's stream); selecting replaces each rule's trigger by
 * "the firings named here", counting in the rule itself. Either way a rule keeps its name, and with it its seeded
 * stream and its place among the scenario's rules.
 */
final class Instrumented {

  /** Counting twins are named with a prefix no fault file can write (control characters are refused there). */
  private static final String TWIN = "\u0001counts ";

  private final List<FaultRule> rules = new ArrayList<>();
  private final List<Firing> firings = new ArrayList<>();

  private Instrumented() {}

  /** The rules as they are, each with a counting twin after all of them. */
  static Instrumented recording(List<FaultRule> original) {
    Instrumented in = new Instrumented();
    List<FaultRule> twins = new ArrayList<>();
    for (FaultRule r : original) {
      Recorder recorder = in.new Recorder(r.name());
      in.rules.add(new FaultRule(r.name(), r.at(), r.match(), recorder.wrap(r.action()), r.when()));
      twins.add(new FaultRule(TWIN + r.name(), r.at(), r.match(), recorder.twin(), window(r.when())));
    }
    in.rules.addAll(twins);
    return in;
  }

  /** The rules firing at the firings named in {@code keys} ({@link Firing#key}) and nowhere else. */
  static Instrumented selecting(List<FaultRule> original, Set<String> keys) {
    Instrumented in = new Instrumented();
    for (FaultRule r : original) {
      Selector selector = in.new Selector(r.name(), keys, r.action());
      in.rules.add(new FaultRule(r.name(), r.at(), r.match(), selector, window(r.when())));
    }
    return in;
  }

  List<FaultRule> rules() {
    return rules;
  }

  /** The firings of the run made with {@link #rules}, in the order they happened. */
  List<Firing> firings() {
    return firings;
  }

  /** Every event in the rule's window: the events its match counter counts. */
  private static Trigger window(Trigger t) {
    return new Trigger(0, 0, false, 1.0, t.fromNanos(), t.untilNanos());
  }

  /** A rule's match numbers: overall, and per correlation_id. */
  private static final class Count {
    private long matches;
    private final Map<String, Long> perCorrelation = new HashMap<>();

    Firing next(String rule, FaultEvent e) {
      matches++;
      long occurrence = perCorrelation.merge(String.valueOf(e.correlationId()), 1L, Long::sum);
      return new Firing(rule, e.correlationId(), occurrence, matches, e.msgId());
    }
  }

  /**
   * Records a rule's firings: the wrapped action notes the event it fired on, the twin counts every match; whichever
   * of the two sees an event second records the firing (the injector asks every rule about the same event object).
   */
  private final class Recorder {
    private final String rule;
    private final Count count = new Count();
    private FaultEvent fired;
    private FaultEvent counted;
    private Firing current;

    Recorder(String rule) {
      this.rule = rule;
    }

    FaultAction wrap(FaultAction action) {
      return new Delegating(action) {
        @Override
        public List<Effect> apply(FaultEvent event, RandomSource random) {
          fired = event;
          if (counted == event) {
            firings.add(current);
          }
          return action.apply(event, random);
        }
      };
    }

    FaultAction twin() {
      return new FaultAction() {
        @Override
        public String name() {
          return "count";
        }

        @Override
        public List<Effect> apply(FaultEvent event, RandomSource random) {
          counted = event;
          current = count.next(rule, event);
          if (fired == event) {
            firings.add(current);
          }
          return List.of();
        }
      };
    }
  }

  /** A rule that counts its own matches and fires at the named ones only. */
  private final class Selector extends Delegating {
    private final String rule;
    private final Set<String> keys;
    private final Count count = new Count();

    Selector(String rule, Set<String> keys, FaultAction action) {
      super(action);
      this.rule = rule;
      this.keys = keys;
    }

    @Override
    public List<Effect> apply(FaultEvent event, RandomSource random) {
      Firing f = count.next(rule, event);
      if (!keys.contains(f.key())) {
        return List.of();   // a firing without effects: the decision stays empty, nothing is traced
      }
      firings.add(f);
      return action.apply(event, random);
    }
  }

  /** An action that keeps the name (and so the trace's words) of the action it wraps. */
  private abstract static class Delegating implements FaultAction {
    final FaultAction action;

    Delegating(FaultAction action) {
      this.action = action;
    }

    @Override
    public String name() {
      return action.name();
    }

    @Override
    public String toString() {
      return action.toString();
    }
  }
}
