package io.brokersim.scenarios;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fault plans as the scenarios use them: a scenario's rules merged with a fault file's, and rules in words. */
public final class FaultRules {

  private FaultRules() {}

  /**
   * The scenario's rules followed by the file's. A file rule named like a scenario rule, at the same boundary with
   * the same match and action type, reschedules it: it takes that rule's place, with its own {@code when} (this is
   * how the schedule {@code brokersim shrink} writes replays a scenario's own rules). Any other reuse of a scenario
   * rule's name is an error (each rule has its own seeded stream, named after it).
   */
  public static FaultPlan merge(FaultPlan scenario, FaultPlan file, String fileName) {
    if (file.isEmpty()) {
      return scenario;
    }
    List<FaultRule> rules = new ArrayList<>(scenario.rules());
    for (FaultRule r : file.rules()) {
      int same = indexOf(scenario.rules(), r.name());
      if (same < 0) {
        rules.add(r);
      } else if (reschedules(r, scenario.rules().get(same))) {
        rules.set(same, r);
      } else {
        throw new IllegalArgumentException("fault rule '" + r.name() + "' in " + (fileName == null ? "the fault file"
            : fileName) + " has the same name as a rule of the scenario; rename it (a rule of that name replaces the "
            + "scenario's only with the same at, match and action type, as a new schedule for it)");
      }
    }
    return new FaultPlan(rules);
  }

  /** Whether {@code r} is {@code original} with another trigger (or other settings of the same action type). */
  public static boolean reschedules(FaultRule r, FaultRule original) {
    return r.name().equals(original.name()) && r.at() == original.at() && r.match().equals(original.match())
        && r.action().name().equals(original.action().name());
  }

  private static int indexOf(List<FaultRule> rules, String name) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One rule in the words of a fault file: {@code at routed, match has-reply-to = true, action dead-reply-channel,
   * when once = true}.
   */
  public static String describe(FaultRule r) {
    return "at " + r.at().configName() + ", match " + describe(r.match()) + ", action " + r.action().name()
        + ", when " + describe(r.when());
  }

  static String describe(Match m) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> f : textFields(m).entrySet()) {
      parts.add(f.getKey() + " = " + (f.getKey().equals("exchange") ? "\"" + f.getValue() + "\"" : f.getValue()));
    }
    if (m.hasReplyTo() != null) {
      parts.add("has-reply-to = " + m.hasReplyTo());
    }
    for (Map.Entry<String, String> p : m.properties().entrySet()) {
      parts.add("property " + p.getKey() + " = " + p.getValue());
    }
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      parts.add("header " + h.getKey() + " = " + h.getValue());
    }
    return parts.isEmpty() ? "any event" : String.join(", ", parts);
  }

  /** The text predicates a match sets, by their fault-file keys, in the order of docs/faults.md. */
  static Map<String, String> textFields(Match m) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] keys = {"exchange", "routing-key", "queue", "consumer-tag", "client", "connection", "channel",
        "correlation-id", "reply-to"};
    String[] values = {m.exchange(), m.routingKey(), m.queue(), m.consumerTag(), m.client(), m.connection(),
        m.channel(), m.correlationId(), m.replyTo()};
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null) {
        out.put(keys[i], values[i]);
      }
    }
    return out;
  }

  static String describe(Trigger t) {
    String when = FaultFileText.when(t);
    return when.isEmpty() ? "always" : when;
  }
}
