package io.brokersim.scenarios;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Fault plans as the scenarios use them: a scenario's rules merged with a fault file's, and rules in words. */
public final class FaultRules {

  private FaultRules() {}

  /**
   * The scenario's rules followed by the file's; a file rule may not reuse a scenario rule's name (each rule has
   * its own seeded stream, named after it).
   */
  public static FaultPlan merge(FaultPlan scenario, FaultPlan file, String fileName) {
    if (file.isEmpty()) {
      return scenario;
    }
    List<FaultRule> rules = new ArrayList<>(scenario.rules());
    for (FaultRule r : file.rules()) {
      if (scenario.rules().stream().anyMatch(s -> s.name().equals(r.name()))) {
        throw new IllegalArgumentException("fault rule '" + r.name() + "' in " + (fileName == null ? "the fault file"
            : fileName) + " has the same name as a rule of the scenario; rename it");
      }
      rules.add(r);
    }
    return new FaultPlan(rules);
  }

  /**
   * One rule in the words of a fault file: {@code at routed, match has-reply-to = true, action dead-reply-channel,
   * when once}.
   */
  public static String describe(FaultRule r) {
    return "at " + r.at().configName() + ", match " + describe(r.match()) + ", action " + r.action().name()
        + ", when " + describe(r.when());
  }

  static String describe(Match m) {
    List<String> parts = new ArrayList<>();
    add(parts, "exchange", m.exchange() == null ? null : "\"" + m.exchange() + "\"");
    add(parts, "routing-key", m.routingKey());
    add(parts, "queue", m.queue());
    add(parts, "consumer-tag", m.consumerTag());
    add(parts, "client", m.client());
    add(parts, "connection", m.connection());
    add(parts, "channel", m.channel());
    add(parts, "correlation-id", m.correlationId());
    add(parts, "reply-to", m.replyTo());
    add(parts, "has-reply-to", m.hasReplyTo() == null ? null : m.hasReplyTo().toString());
    for (Map.Entry<String, String> p : m.properties().entrySet()) {
      add(parts, "property " + p.getKey(), p.getValue());
    }
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      add(parts, "header " + h.getKey(), h.getValue());
    }
    return parts.isEmpty() ? "any event" : String.join(", ", parts);
  }

  static String describe(Trigger t) {
    List<String> parts = new ArrayList<>();
    if (t.once()) {
      parts.add("once");
    }
    if (t.nth() > 0) {
      parts.add("nth = " + t.nth());
    }
    if (t.every() > 0) {
      parts.add("every = " + t.every());
    }
    if (t.probability() < 1) {
      parts.add(String.format(Locale.ROOT, "probability = %s", t.probability()));
    }
    if (t.fromNanos() > 0) {
      parts.add("from = " + duration(t.fromNanos()));
    }
    if (t.untilNanos() != Long.MAX_VALUE) {
      parts.add("until = " + duration(t.untilNanos()));
    }
    return parts.isEmpty() ? "always" : String.join(", ", parts);
  }

  private static void add(List<String> parts, String key, String value) {
    if (value != null) {
      parts.add(key + " = " + value);
    }
  }

  private static String duration(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
