package io.brokersim.scenarios;

import com.typesafe.config.ConfigUtil;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultAction;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.runtime.Entropy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fault rules written back as a fault file ({@code docs/faults.md}) that {@code FaultFile} loads into the same
 * rules: how {@code brokersim shrink} hands a schedule to the user. Built-in actions only: the settings of a
 * custom action are known to its factory alone, so a rule with one cannot be written.
 */
public final class FaultFileText {

  private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private FaultFileText() {}

  /** Whether {@link #of} can write {@code rule} (its action is a built-in type). */
  public static boolean writable(FaultRule rule) {
    return action(rule) != null;
  }

  /**
   * The fault file holding {@code rules} in order, after {@code comments} (one {@code #} line each); throws
   * {@link IllegalArgumentException} naming the first rule whose action a fault file cannot restate.
   */
  public static String of(List<FaultRule> rules, List<String> comments) {
    StringBuilder b = new StringBuilder();
    for (String c : comments) {
      for (String line : c.split("\n")) {
        b.append("# ").append(line).append('\n');
      }
    }
    b.append("faults {\n  rules = [\n");
    for (FaultRule r : rules) {
      String action = action(r);
      if (action == null) {
        throw new IllegalArgumentException("fault rule '" + r.name() + "' has action '" + r.action().name()
            + "', which is not a built-in type: a fault file cannot restate its settings");
      }
      b.append("    {\n");
      b.append("      name = ").append(ConfigUtil.quoteString(r.name())).append('\n');
      b.append("      at = ").append(r.at().configName()).append('\n');
      String match = match(r.match());
      if (!match.isEmpty()) {
        b.append("      match { ").append(match).append(" }\n");
      }
      b.append("      action { ").append(action).append(" }\n");
      String when = when(r.when());
      if (!when.isEmpty()) {
        b.append("      when { ").append(when).append(" }");
        if (r.when().atMatches() != null && r.when().atMatches().isEmpty()) {
          b.append("   # never fires");
        }
        b.append('\n');
      }
      b.append("    }\n");
    }
    b.append("  ]\n}\n");
    return b.toString();
  }

  private static String match(Match m) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> f : FaultRules.textFields(m).entrySet()) {
      parts.add(f.getKey() + " = " + ConfigUtil.quoteString(f.getValue()));
    }
    if (m.hasReplyTo() != null) {
      parts.add("has-reply-to = " + m.hasReplyTo());
    }
    if (!m.properties().isEmpty()) {
      parts.add("property { " + table(m.properties()) + " }");
    }
    if (!m.headers().isEmpty()) {
      parts.add("header { " + table(m.headers()) + " }");
    }
    return String.join(", ", parts);
  }

  private static String table(Map<String, String> values) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = BARE_KEY.matcher(e.getKey()).matches() ? e.getKey() : ConfigUtil.quoteString(e.getKey());
      parts.add(key + " = " + ConfigUtil.quoteString(e.getValue()));
    }
    return String.join(", ", parts);
  }

  /** A trigger's {@code when { ... }} body, as the loader reads it back ("" for a rule that always fires). */
  static String when(Trigger t) {
    List<String> parts = new ArrayList<>();
    if (t.atMatches() != null) {
      parts.add("at-matches = " + t.atMatches().toString());
    }
    if (t.once()) {
      parts.add("once = true");
    }
    if (t.nth() > 0) {
      parts.add("nth = " + t.nth());
    }
    if (t.every() > 0) {
      parts.add("every = " + t.every());
    }
    if (t.probability() < 1) {
      parts.add("probability = " + t.probability());
    }
    if (t.fromNanos() > 0) {
      parts.add("from = " + duration(Duration.ofNanos(t.fromNanos())));
    }
    if (t.untilNanos() != Long.MAX_VALUE) {
      parts.add("until = " + duration(Duration.ofNanos(t.untilNanos())));
    }
    return String.join(", ", parts);
  }

  /**
   * The {@code action { ... }} body of a built-in action, read back from the one effect it always returns; null for
   * anything else. Built-in actions ignore the event and the stream, so asking costs nothing and changes nothing.
   */
  private static String action(FaultRule rule) {
    FaultAction a = rule.action();
    List<Effect> effects;
    try {
      effects = a.apply(new FaultEvent(rule.at(), null, null, null, null, null, null, null, null, null, 0),
          new Entropy(0));
    } catch (RuntimeException e) {
      return null;
    }
    if (effects == null || effects.size() != 1) {
      return null;
    }
    Effect e = effects.get(0);
    String type = "type = " + a.name();
    return switch (a.name()) {
      case "drop", "cut-connection", "cancel-consumer", "crash-consumer", "broker-restart", "stop-heartbeats" ->
          e.kind().name().equals(kindOf(a.name())) ? type : null;
      case "delay" -> e instanceof Effect.Delay d ? type + ", delay = " + duration(d.delay()) : null;
      case "duplicate" -> e instanceof Effect.Duplicate d ? type + ", copies = " + d.copies() : null;
      case "close-channel" -> e instanceof Effect.CloseChannel c ? type + close(c.code(), c.text()) : null;
      case "close-connection" -> e instanceof Effect.CloseConnection c ? type + close(c.code(), c.text()) : null;
      case "dead-reply-channel" -> e instanceof Effect.CloseChannel c ? type + ", scope = channel" + close(c.code(),
          c.text()) : e instanceof Effect.CloseConnection c ? type + ", scope = connection" + close(c.code(), c.text())
          : null;
      case "pause-queue", "resume-queue" -> e instanceof Effect.PauseQueue p
          && p.paused() == a.name().equals("pause-queue")
          ? type + (p.queue() == null ? "" : ", queue = " + ConfigUtil.quoteString(p.queue())) : null;
      default -> null;
    };
  }

  /** A duration as a fault file writes it: whole seconds, else milliseconds, else finer. */
  static String duration(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    return nanos % 1_000L == 0 ? nanos / 1_000L + "us" : nanos + "ns";
  }

  private static String kindOf(String type) {
    return switch (type) {
      case "broker-restart" -> Effect.Kind.RESTART_BROKER.name();
      default -> type.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    };
  }

  private static String close(int code, String text) {
    return ", code = " + code + (text == null ? "" : ", text = " + ConfigUtil.quoteString(text));
  }
}
