package io.brokersim.core.fault;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.brokersim.core.model.NearestName;
import io.brokersim.core.model.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads a {@link FaultPlan} from a HOCON fault file ({@code docs/faults.md}, {@code docs/architecture.md}):
 *
 * <pre>
 * faults {
 *   rules = [
 *     {
 *       name = "dead-reply-channel"              # required, unique
 *       at = routed                              # required: a Boundary.configName()
 *       match { has-reply-to = true }            # optional: every set predicate must hold
 *       action { type = dead-reply-channel }     # required: a FaultActions type and its settings
 *       when { once = true }                     # optional: once, nth, every, probability, from, until,
 *                                                # or at-matches = [3, 7] (a schedule)
 *     }
 *   ]
 * }
 * </pre>
 *
 * <p>Validation is strict because a typo in a fault file otherwise gives a rule that silently never
 * fires: unknown keys are rejected at every level, values must have their own type (no {@code "3"} for
 * {@code 3}), and every problem names its field path and line. All problems of a file are reported at
 * once, in line order. Substitutions ({@code ${x}}) resolve within the file only, never from the
 * environment, so a file means the same thing on every machine.
 */
public final class FaultFile {
  private FaultFile() {}

  /** The most rules one plan may hold. */
  public static final int MAX_RULES = 1000;

  /** The longest rule name, in characters (names appear in every trace event the rule causes). */
  public static final int MAX_NAME_CHARS = 200;

  /** The most copies a {@code duplicate} action may add per event. */
  public static final int MAX_COPIES = 1000;

  /** The most frames a {@code reorder} may hold one frame behind. */
  public static final int MAX_REORDER_FRAMES = 10_000;

  /** AMQP {@code reply-text} is a shortstr (spec: connection.close / channel.close). */
  private static final int MAX_REPLY_TEXT_BYTES = 255;

  private static final List<String> ROOT_KEYS = List.of("faults");
  private static final List<String> FAULTS_KEYS = List.of("rules");
  private static final List<String> RULE_KEYS = List.of("name", "at", "match", "action", "when");
  private static final List<String> MATCH_TEXT_KEYS = List.of("exchange", "routing-key", "queue", "consumer-tag",
      "client", "connection", "channel", "correlation-id", "reply-to", "frame-type", "method");
  private static final List<String> MATCH_KEYS = concat(MATCH_TEXT_KEYS, List.of("has-reply-to", "property",
      "header"));
  private static final List<String> WHEN_KEYS = List.of("once", "nth", "every", "probability", "from", "until",
      "at-matches");

  /** The settings of each built-in action type besides {@code type}, in {@link FaultActions} order. */
  static final Map<String, List<String>> BUILT_IN_SETTINGS = builtInSettings();

  private static Map<String, List<String>> builtInSettings() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("drop", List.of());
    m.put("delay", List.of("delay"));
    m.put("duplicate", List.of("copies"));
    m.put("close-channel", List.of("code", "text"));
    m.put("close-connection", List.of("code", "text"));
    m.put("cut-connection", List.of());
    m.put("cancel-consumer", List.of());
    m.put("crash-consumer", List.of());
    m.put("dead-reply-channel", List.of("scope", "code", "text"));
    m.put("pause-queue", List.of("queue"));
    m.put("resume-queue", List.of("queue"));
    m.put("broker-restart", List.of());
    m.put("stop-heartbeats", List.of("direction"));
    m.put("truncate", List.of());
    m.put("corrupt", List.of());
    m.put("reorder", List.of("frames", "max-hold"));
    m.put("reset-connection", List.of());
    m.put("half-open", List.of("direction"));
    m.put("throttle", List.of("direction", "bytes-per-second"));
    return Collections.unmodifiableMap(m);
  }

  /** Boundaries whose events name a queue, where pause-queue / resume-queue may leave {@code queue} out. */
  private static final Set<Boundary> QUEUE_BOUNDARIES =
      EnumSet.of(Boundary.ROUTED, Boundary.ENQUEUED, Boundary.DELIVERED);

  /**
   * Match fields that events at a boundary never carry, so a rule matching on them could never fire: no
   * queue before routing, no consumer before delivery, no channel inside a queue.
   */
  private static final Map<String, Set<Boundary>> NEVER_SET = neverSet();

  private static Map<String, Set<Boundary>> neverSet() {
    Map<String, Set<Boundary>> m = new LinkedHashMap<>();
    m.put("queue", EnumSet.of(Boundary.PUBLISH_RECEIVED));
    m.put("consumer-tag", EnumSet.of(Boundary.PUBLISH_RECEIVED, Boundary.ROUTED, Boundary.ENQUEUED));
    m.put("connection", EnumSet.of(Boundary.ENQUEUED));
    m.put("client", EnumSet.of(Boundary.ENQUEUED));
    m.put("channel", EnumSet.of(Boundary.ENQUEUED));
    m.put("frame-type", EnumSet.copyOf(FaultEffects.CORE_BOUNDARIES));
    m.put("method", EnumSet.copyOf(FaultEffects.CORE_BOUNDARIES));
    m.put("exchange", EnumSet.copyOf(FaultEffects.WIRE_BOUNDARIES));
    m.put("routing-key", EnumSet.copyOf(FaultEffects.WIRE_BOUNDARIES));
    m.get("queue").addAll(FaultEffects.WIRE_BOUNDARIES);
    m.get("consumer-tag").addAll(FaultEffects.WIRE_BOUNDARIES);
    return Collections.unmodifiableMap(m);
  }

  private static final Pattern METHOD_NAME = Pattern.compile("[a-z*]+\\.[a-z*-]+|\\*");
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern LINE_SUFFIX = Pattern.compile(": \\d+(-\\d+)?$");

  /** A fault file that cannot be loaded; {@link #problems()} lists every problem, in line order. */
  public static final class FaultFileException extends IllegalArgumentException {

    /**
     * One problem: {@code field} is the path of the bad value ({@code faults.rules[0].at}), or null for a
     * problem with the file as a whole (syntax, missing file); {@code line} is -1 when unknown.
     */
    public record Problem(String field, int line, String origin, String message, String hint) {

      /** E.g. {@code faults.rules[0].at: unknown boundary 'routd' at line 5 of x.conf; expected one of …}. */
      public String describe() {
        StringBuilder sb = new StringBuilder();
        if (field != null) {
          sb.append(field).append(": ");
        }
        sb.append(message);
        if (line > 0) {
          sb.append(" at line ").append(line).append(" of ").append(origin);
        } else {
          sb.append(" in ").append(origin);
        }
        if (hint != null && !hint.isEmpty()) {
          sb.append("; ").append(hint);
        }
        return sb.toString();
      }
    }

    private final List<Problem> problems;

    FaultFileException(List<Problem> problems) {
      super(message(problems));
      this.problems = List.copyOf(problems);
    }

    private static String message(List<Problem> problems) {
      if (problems.size() == 1) {
        return problems.get(0).describe();
      }
      return problems.size() + " problems in the fault file:\n  "
          + problems.stream().map(Problem::describe).collect(Collectors.joining("\n  "));
    }

    /** Every problem found, in line order (never empty). */
    public List<Problem> problems() {
      return problems;
    }

    /** The field path of the first problem, or null for a problem with the file as a whole. */
    public String field() {
      return problems.get(0).field();
    }

    /** The line of the first problem, or -1 when unknown. */
    public int line() {
      return problems.get(0).line();
    }
  }

  /** Loads the fault file at {@code file}; problems name the file as given. */
  public static FaultPlan load(Path file) {
    return load(file, false);
  }

  /**
   * As {@link #load(Path)}, for a {@code Simulation}: its clients are in-process and exchange no frames, so a
   * rule at {@code frame-read} or {@code frame-written} could never fire and is refused with its field and line.
   */
  public static FaultPlan loadForSimulation(Path file) {
    return load(file, true);
  }

  private static FaultPlan load(Path file, boolean simulation) {
    String origin = file.toString();
    if (!Files.isRegularFile(file)) {
      throw new FaultFileException(List.of(new FaultFileException.Problem(null, -1, origin,
          "cannot read the fault file", Files.exists(file) ? "it is not a regular file" : "no such file")));
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseFile(file.toFile(), options(origin).setAllowMissing(false));
    } catch (ConfigException e) {
      throw syntax(e, origin);
    }
    return fromConfig(parsed, origin, simulation);
  }

  /** Parses fault-file text; {@code originDescription} (e.g. a file name) appears in problems. */
  public static FaultPlan parse(String hocon, String originDescription) {
    Config parsed;
    try {
      parsed = ConfigFactory.parseString(hocon, options(originDescription));
    } catch (ConfigException e) {
      throw syntax(e, originDescription);
    }
    return fromConfig(parsed, originDescription, false);
  }

  /** Builds a plan from the root of a parsed fault file (a config whose only key is {@code faults}). */
  public static FaultPlan fromConfig(Config root) {
    return fromConfig(root, describe(root.origin(), "the fault config"), false);
  }

  private static FaultPlan fromConfig(Config root, String origin, boolean simulation) {
    Config resolved;
    try {
      resolved = root.resolve(ConfigResolveOptions.noSystem());
    } catch (ConfigException e) {
      throw syntax(e, origin);
    }
    Reader reader = new Reader(origin, simulation);
    FaultPlan plan = reader.plan(resolved.root());
    reader.throwIfAny();
    return plan;
  }

  private static ConfigParseOptions options(String origin) {
    return ConfigParseOptions.defaults().setOriginDescription(origin).setSyntax(ConfigSyntax.CONF);
  }

  /** Turns a parse or resolve failure into a problem with the line Typesafe Config reports. */
  private static FaultFileException syntax(ConfigException e, String fallbackOrigin) {
    ConfigOrigin o = e.origin();
    String detail = e.getMessage();
    if (o != null && detail != null && detail.startsWith(o.description() + ": ")) {
      detail = detail.substring(o.description().length() + 2);
    }
    if (detail != null) {
      // Typesafe Config's advice for .properties files does not apply to fault files.
      detail = detail.replace(", or you may be able to rename the file .properties rather than .conf", "");
    }
    String what = e instanceof ConfigException.UnresolvedSubstitution ? "unresolved substitution"
        : e instanceof ConfigException.IO ? "cannot read the fault file" : "syntax error";
    return new FaultFileException(List.of(new FaultFileException.Problem(null, o == null ? -1 : o.lineNumber(),
        describe(o, fallbackOrigin), what, detail)));
  }

  /** The file or description an origin names, without Typesafe Config's line suffix. */
  private static String describe(ConfigOrigin o, String fallback) {
    if (o == null) {
      return fallback;
    }
    if (o.filename() != null) {
      return o.filename();
    }
    if (o.url() != null) {
      return o.url().toString();
    }
    String d = o.description();
    if (d == null || d.startsWith("merge of ")) {
      return fallback;
    }
    return LINE_SUFFIX.matcher(d).replaceFirst("");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  /** One pass over a parsed file, collecting problems instead of stopping at the first. */
  private static final class Reader {
    private final String origin;
    private final List<FaultFileException.Problem> problems = new ArrayList<>();
    private final Map<String, Integer> nameLines = new LinkedHashMap<>();
    private final boolean simulation;

    Reader(String origin, boolean simulation) {
      this.origin = origin;
      this.simulation = simulation;
    }

    void throwIfAny() {
      if (!problems.isEmpty()) {
        List<FaultFileException.Problem> sorted = new ArrayList<>(problems);
        // Stable: problems on one line keep the order they were found in.
        sorted.sort(Comparator.comparingInt(p -> p.line() < 0 ? Integer.MAX_VALUE : p.line()));
        throw new FaultFileException(sorted);
      }
    }

    private void problem(String field, ConfigOrigin where, String message, String hint) {
      problems.add(new FaultFileException.Problem(field, where == null ? -1 : where.lineNumber(),
          describe(where, origin), message, hint));
    }

    FaultPlan plan(ConfigObject root) {
      onlyKeys(root, "", ROOT_KEYS, null);
      ConfigValue faults = root.get("faults");
      if (faults == null) {
        problem("faults", root.origin(), "missing", "a fault file holds faults { rules = [ ... ] }");
        return null;
      }
      ConfigObject f = object(faults, "faults");
      if (f == null) {
        return null;
      }
      onlyKeys(f, "faults", FAULTS_KEYS, null);
      ConfigValue rules = f.get("rules");
      if (rules == null) {
        problem("faults.rules", f.origin(), "missing", "write rules = [] for a plan without faults");
        return null;
      }
      if (rules.valueType() != ConfigValueType.LIST) {
        wrongType("faults.rules", rules, "a list of rules");
        return null;
      }
      ConfigList list = (ConfigList) rules;
      if (list.size() > MAX_RULES) {
        problem("faults.rules", list.origin(), "has " + list.size() + " rules",
            "at most " + MAX_RULES + " are allowed");
        return null;
      }
      List<FaultRule> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        FaultRule r = rule(list.get(i), "faults.rules[" + i + "]");
        if (r != null) {
          out.add(r);
        }
      }
      return problems.isEmpty() ? new FaultPlan(out) : null;
    }

    private FaultRule rule(ConfigValue v, String path) {
      ConfigObject o = object(v, path);
      if (o == null) {
        return null;
      }
      int before = problems.size();
      onlyKeys(o, path, RULE_KEYS, null);
      String name = name(o, path);
      Boundary at = boundary(o, path);
      Match match = o.containsKey("match") ? match(o.get("match"), path + ".match", at) : Match.ANY;
      Trigger when = o.containsKey("when") ? trigger(o.get("when"), path + ".when") : Trigger.ALWAYS;
      FaultAction action = action(o, path, at);
      if (problems.size() > before || name == null || at == null || action == null) {
        return null;
      }
      return new FaultRule(name, at, match, action, when);
    }

    private String name(ConfigObject rule, String path) {
      String field = path + ".name";
      ConfigValue v = rule.get("name");
      if (v == null) {
        problem(field, rule.origin(), "missing", "every rule needs a unique name (it appears in the trace)");
        return null;
      }
      if (v.valueType() != ConfigValueType.STRING) {
        wrongType(field, v, "a string");
        return null;
      }
      String name = (String) v.unwrapped();
      if (name.isBlank()) {
        problem(field, v.origin(), "must not be blank", null);
        return null;
      }
      if (name.length() > MAX_NAME_CHARS) {
        problem(field, v.origin(), "is " + name.length() + " characters long", "at most " + MAX_NAME_CHARS
            + " are allowed");
        return null;
      }
      if (name.chars().anyMatch(Character::isISOControl)) {
        problem(field, v.origin(), "contains a control character", null);
        return null;
      }
      Integer first = nameLines.putIfAbsent(name, v.origin().lineNumber());
      if (first != null) {
        problem(field, v.origin(), "duplicate rule name '" + name + "'", "the name is already used at line " + first
            + "; rule names must be unique");
        return null;
      }
      return name;
    }

    private Boundary boundary(ConfigObject rule, String path) {
      String field = path + ".at";
      ConfigValue v = rule.get("at");
      List<String> names = Arrays.stream(Boundary.values()).map(Boundary::configName).toList();
      if (v == null) {
        problem(field, rule.origin(), "missing", "expected one of " + String.join(", ", names));
        return null;
      }
      if (v.valueType() != ConfigValueType.STRING) {
        wrongType(field, v, "a boundary name");
        return null;
      }
      String s = (String) v.unwrapped();
      Boundary b = Boundary.fromConfigName(s).orElse(null);
      if (b == null) {
        problem(field, v.origin(), "unknown boundary '" + s + "'", oneOf(names, s));
      } else if (simulation && FaultEffects.WIRE_BOUNDARIES.contains(b)) {
        problem(field, v.origin(), "boundary '" + s + "' has no events in a simulation", "its clients are"
            + " in-process and exchange no frames; wire rules act on TCP clients of a live broker (brokersim"
            + " serve); use one of " + FaultEffects.CORE_BOUNDARIES.stream().map(Boundary::configName)
                .collect(Collectors.joining(", ")));
        return null;
      } else if (!FaultEffects.anyApplies(b)) {
        // A rule there would load and do nothing: refuse it until the boundary is built.
        problem(field, v.origin(), "boundary '" + s + "' is not built yet: no action takes effect there",
            "use one of " + FaultEffects.CORE_BOUNDARIES.stream().map(Boundary::configName)
                .collect(Collectors.joining(", ")));
        return null;
      }
      return b;
    }

    private Match match(ConfigValue v, String path, Boundary at) {
      ConfigObject o = object(v, path);
      if (o == null) {
        return Match.ANY;
      }
      onlyKeys(o, path, MATCH_KEYS, null);
      for (Map.Entry<String, Set<Boundary>> never : NEVER_SET.entrySet()) {
        if (at != null && o.containsKey(never.getKey()) && never.getValue().contains(at)) {
          problem(path + "." + never.getKey(), o.get(never.getKey()).origin(), at.configName() + " events have no "
              + never.getKey() + ", so the rule could never fire", hintFor(never.getKey(), at));
        }
      }
      Match.Builder b = Match.builder();
      text(o, "exchange", path, b::exchange);
      text(o, "routing-key", path, b::routingKey);
      text(o, "queue", path, b::queue);
      text(o, "consumer-tag", path, b::consumerTag);
      text(o, "client", path, b::client);
      text(o, "connection", path, b::connection);
      text(o, "channel", path, b::channel);
      text(o, "correlation-id", path, b::correlationId);
      text(o, "reply-to", path, b::replyTo);
      text(o, "frame-type", path, t -> {
        if (t.indexOf('*') < 0 && !Match.FRAME_TYPES.contains(t)) {
          problem(path + ".frame-type", o.get("frame-type").origin(), "unknown frame type '" + t + "'",
              oneOf(Match.FRAME_TYPES, t));
        } else {
          b.frameType(t);
        }
      });
      text(o, "method", path, m -> {
        if (!METHOD_NAME.matcher(m).matches()) {
          problem(path + ".method", o.get("method").origin(), "is not an AMQP method name: '" + m + "'",
              "expected class.method as the spec names it, e.g. basic.deliver or basic.* (a glob)");
        } else {
          b.method(m);
        }
      });
      ConfigValue has = o.get("has-reply-to");
      if (has != null) {
        if (has.valueType() == ConfigValueType.BOOLEAN) {
          b.hasReplyTo((Boolean) has.unwrapped());
        } else {
          wrongType(path + ".has-reply-to", has, "true or false");
        }
      }
      ConfigObject properties = o.containsKey("property") ? object(o.get("property"), path + ".property") : null;
      if (properties != null) {
        for (Map.Entry<String, ConfigValue> e : inFileOrder(properties)) {
          String field = join(path + ".property", e.getKey());
          if (!Match.PROPERTY_NAMES.contains(e.getKey())) {
            problem(field, e.getValue().origin(), "unknown property '" + e.getKey() + "'",
                oneOf(Match.PROPERTY_NAMES, e.getKey()) + " (headers go in match.header)");
            continue;
          }
          String value = scalar(field, e.getValue());
          if (value != null) {
            b.property(e.getKey(), value);
          }
        }
      }
      ConfigObject headers = o.containsKey("header") ? object(o.get("header"), path + ".header") : null;
      if (headers != null) {
        for (Map.Entry<String, ConfigValue> e : inFileOrder(headers)) {
          String value = scalar(join(path + ".header", e.getKey()), e.getValue());
          if (value != null) {
            b.header(e.getKey(), value);
          }
        }
      }
      return b.build();
    }

    private static String hintFor(String field, Boundary at) {
      if (field.equals("queue")) {
        return "match the routing-key, or use the rule at routed (the first queue the publish was routed to)";
      }
      if (field.equals("consumer-tag")) {
        return "use the rule at delivered or ack-received";
      }
      if (field.equals("frame-type") || field.equals("method")) {
        return "frames exist only at frame-read and frame-written";
      }
      if (FaultEffects.WIRE_BOUNDARIES.contains(at)) {
        return "a frame names no " + field + "; match its method or the message's properties, or use a core"
            + " boundary";
      }
      return "enqueued events carry only the message and the queue";
    }

    private void text(ConfigObject o, String key, String path, Consumer<String> set) {
      ConfigValue v = o.get(key);
      if (v != null) {
        String s = scalar(path + "." + key, v);
        if (s != null) {
          set.accept(s);
        }
      }
    }

    /** Text to match: a string, or a number or boolean taken as its text ({@code delivery-mode = 2}). */
    private String scalar(String field, ConfigValue v) {
      return switch (v.valueType()) {
        case STRING, NUMBER, BOOLEAN -> String.valueOf(v.unwrapped());
        case OBJECT -> {
          wrongType(field, v, "text to match (quote names that contain dots: \"x.tenant\" = ...)");
          yield null;
        }
        default -> {
          wrongType(field, v, "text to match");
          yield null;
        }
      };
    }

    private Trigger trigger(ConfigValue v, String path) {
      ConfigObject o = object(v, path);
      if (o == null) {
        return Trigger.ALWAYS;
      }
      onlyKeys(o, path, WHEN_KEYS, null);
      boolean once = false;
      ConfigValue onceValue = o.get("once");
      if (onceValue != null) {
        if (onceValue.valueType() == ConfigValueType.BOOLEAN) {
          once = (Boolean) onceValue.unwrapped();
        } else {
          wrongType(path + ".once", onceValue, "true or false");
        }
      }
      long nth = count(o, "nth", path);
      long every = count(o, "every", path);
      if (once && nth > 0) {
        problem(path + ".once", onceValue.origin(), "cannot be combined with nth",
            "nth already fires at most once; remove once");
      }
      if (nth > 0 && every > 0) {
        problem(path + ".every", o.get("every").origin(), "cannot be combined with nth",
            "nth = " + nth + " fires on that match only; choose nth or every");
      }
      double probability = 1.0;
      ConfigValue p = o.get("probability");
      if (p != null) {
        if (p.valueType() != ConfigValueType.NUMBER) {
          wrongType(path + ".probability", p, "a number between 0 and 1");
        } else {
          double d = ((Number) p.unwrapped()).doubleValue();
          if (d >= 0 && d <= 1) {
            probability = d;
          } else {
            problem(path + ".probability", p.origin(), "must be between 0 and 1, was " + p.render(), null);
          }
        }
      }
      Duration from = duration(o, "from", path);
      Duration until = duration(o, "until", path);
      long fromNanos = 0;
      long untilNanos = Long.MAX_VALUE;
      if (from != null) {
        if (from.isNegative()) {
          problem(path + ".from", o.get("from").origin(), "must not be negative", null);
        } else {
          fromNanos = nanos(path + ".from", o.get("from"), from);
        }
      }
      if (until != null) {
        untilNanos = nanos(path + ".until", o.get("until"), until);
        if (untilNanos <= fromNanos) {
          problem(path + ".until", o.get("until").origin(), "the window must end after it starts",
              "until = " + o.get("until").unwrapped() + " is not after from = "
                  + (from == null ? "0s" : o.get("from").unwrapped()));
        }
      }
      List<Long> atMatches = o.containsKey("at-matches") ? atMatches(o, path) : null;
      if (atMatches != null) {
        for (String other : List.of("once", "nth", "every", "probability")) {
          if (o.containsKey(other)) {
            problem(path + "." + other, o.get(other).origin(), "cannot be combined with at-matches",
                "at-matches lists every match the rule fires at; remove " + other);
          }
        }
      }
      if (untilNanos <= fromNanos || (atMatches != null && (once || nth > 0 || every > 0 || probability < 1))) {
        return Trigger.ALWAYS; // already reported; keeps the Trigger constructor from throwing
      }
      return new Trigger(nth, every, once, probability, fromNanos, untilNanos, atMatches);
    }

    /** {@code at-matches}: a list of whole numbers >= 1, ascending, without repeats (empty: never fires). */
    private List<Long> atMatches(ConfigObject o, String path) {
      String field = path + ".at-matches";
      ConfigValue v = o.get("at-matches");
      if (v.valueType() != ConfigValueType.LIST) {
        wrongType(field, v, "a list of match numbers, e.g. [3, 7]");
        return null;
      }
      ConfigList list = (ConfigList) v;
      if (list.size() > Trigger.MAX_AT_MATCHES) {
        problem(field, v.origin(), "lists " + list.size() + " matches", "at most " + Trigger.MAX_AT_MATCHES
            + " are allowed");
        return null;
      }
      List<Long> out = new ArrayList<>(list.size());
      long previous = 0;
      for (int i = 0; i < list.size(); i++) {
        ConfigValue e = list.get(i);
        Object n = e.unwrapped();
        if (e.valueType() != ConfigValueType.NUMBER || !(n instanceof Integer || n instanceof Long)) {
          wrongType(field + "[" + i + "]", e, "a whole number of at least 1");
          return null;
        }
        long l = ((Number) n).longValue();
        if (l < 1) {
          problem(field + "[" + i + "]", e.origin(), "must be at least 1, was " + l, "matches count from 1");
          return null;
        }
        if (l <= previous) {
          problem(field + "[" + i + "]", e.origin(), l == previous ? "repeats " + l : l + " comes after " + previous,
              "list the matches in ascending order, each once");
          return null;
        }
        previous = l;
        out.add(l);
      }
      return out;
    }

    /** {@code nth} or {@code every}: a whole number of at least 1, or 0 when absent. */
    private long count(ConfigObject o, String key, String path) {
      ConfigValue v = o.get(key);
      if (v == null) {
        return 0;
      }
      Object n = v.unwrapped();
      if (v.valueType() != ConfigValueType.NUMBER || !(n instanceof Integer || n instanceof Long)) {
        wrongType(path + "." + key, v, "a whole number of at least 1");
        return 0;
      }
      long l = ((Number) n).longValue();
      if (l < 1) {
        problem(path + "." + key, v.origin(), "must be at least 1, was " + l, "leave " + key
            + " out to fire on any match");
        return 0;
      }
      return l;
    }

    private long nanos(String field, ConfigValue v, Duration d) {
      try {
        return d.toNanos();
      } catch (ArithmeticException e) {
        problem(field, v.origin(), "is too long", "at most about 292 years of virtual time");
        return Long.MAX_VALUE;
      }
    }

    /** A HOCON duration with a unit ({@code 250ms}, {@code 2s}); bare numbers are refused as ambiguous. */
    private Duration duration(ConfigObject o, String key, String path) {
      ConfigValue v = o.get(key);
      if (v == null) {
        return null;
      }
      String field = path + "." + key;
      if (v.valueType() != ConfigValueType.STRING) {
        wrongType(field, v, "a duration with a unit, e.g. 250ms or 2s");
        return null;
      }
      try {
        return ConfigFactory.empty().withValue("d", v).getDuration("d");
      } catch (ConfigException e) {
        problem(field, v.origin(), "is not a duration: '" + v.unwrapped() + "'",
            "expected a number and a unit, e.g. 250ms, 2s, 1m");
        return null;
      }
    }

    private FaultAction action(ConfigObject rule, String path, Boundary at) {
      String field = path + ".action";
      ConfigValue v = rule.get("action");
      if (v == null) {
        problem(field, rule.origin(), "missing", "e.g. action { type = drop }; types: "
            + String.join(", ", FaultActions.types()));
        return null;
      }
      ConfigObject o = object(v, field);
      if (o == null) {
        return null;
      }
      ConfigValue t = o.get("type");
      if (t == null) {
        problem(field + ".type", o.origin(), "missing", "expected one of " + String.join(", ", FaultActions.types()));
        return null;
      }
      if (t.valueType() != ConfigValueType.STRING) {
        wrongType(field + ".type", t, "an action type name");
        return null;
      }
      String type = (String) t.unwrapped();
      List<String> types = FaultActions.types();
      if (!types.contains(type)) {
        problem(field + ".type", t.origin(), "unknown action type '" + type + "'", oneOf(types, type));
        return null;
      }
      int before = problems.size();
      List<String> settings = BUILT_IN_SETTINGS.get(type);
      if (settings != null) {
        checkBuiltIn(o, field, type, settings, at);
      }
      if (problems.size() > before) {
        return null;
      }
      try {
        FaultAction a = FaultActions.create(type, o.toConfig());
        if (a == null) {
          problem(field, o.origin(), "the factory of action type '" + type + "' returned no action", null);
        }
        return a;
      } catch (ConfigException e) {
        // A custom factory read a setting that is missing or has the wrong type.
        String detail = e.getMessage();
        if (e.origin() != null && detail.startsWith(e.origin().description() + ": ")) {
          detail = detail.substring(e.origin().description().length() + 2);
        }
        problem(field, e.origin() != null && e.origin().lineNumber() > 0 ? e.origin() : o.origin(),
            "bad settings for action type '" + type + "'", detail);
        return null;
      } catch (IllegalArgumentException e) {
        problem(field, o.origin(), "bad settings for action type '" + type + "'", e.getMessage());
        return null;
      }
    }

    /** Keys, values and boundary of a built-in action, so {@link FaultActions#create} cannot fail. */
    private void checkBuiltIn(ConfigObject o, String path, String type, List<String> settings, Boundary at) {
      onlyKeys(o, path, concat(List.of("type"), settings), settings.isEmpty()
          ? type + " takes no settings besides type" : null);
      Set<Boundary> where = FaultActions.where(type);
      if (at != null && where != null && !where.contains(at)) {
        problem(path + ".type", o.get("type").origin(), type + " has no effect at boundary '" + at.configName() + "'",
            where.isEmpty() ? type + " takes effect at no boundary"
                : "use it at " + where.stream().map(Boundary::configName).collect(Collectors.joining(", "))
                    + (type.equals("dead-reply-channel") ? " (close-channel and close-connection work elsewhere)" : ""));
      }
      switch (type) {
        case "delay" -> {
          if (!o.containsKey("delay")) {
            problem(path + ".delay", o.origin(), "missing", "e.g. delay = 250ms");
          } else {
            Duration d = duration(o, "delay", path);
            if (d != null && d.isNegative()) {
              problem(path + ".delay", o.get("delay").origin(), "must not be negative, was " + o.get("delay")
                  .unwrapped(), null);
            } else if (d != null) {
              nanos(path + ".delay", o.get("delay"), d);
            }
          }
        }
        case "duplicate" -> {
          ConfigValue c = o.get("copies");
          if (c != null) {
            Object n = c.unwrapped();
            if (c.valueType() != ConfigValueType.NUMBER || !(n instanceof Integer)) {
              wrongType(path + ".copies", c, "a whole number from 1 to " + MAX_COPIES);
            } else if ((Integer) n < 1 || (Integer) n > MAX_COPIES) {
              problem(path + ".copies", c.origin(), "must be from 1 to " + MAX_COPIES + ", was " + n, null);
            }
          }
        }
        case "pause-queue", "resume-queue" -> {
          ConfigValue q = o.get("queue");
          if (q == null) {
            if (at != null && !QUEUE_BOUNDARIES.contains(at)) {
              problem(path + ".queue", o.origin(), "missing", at.configName() + " events have no queue; name one, "
                  + "or use the rule at routed, enqueued or delivered");
            }
          } else if (q.valueType() != ConfigValueType.STRING || ((String) q.unwrapped()).isEmpty()) {
            wrongType(path + ".queue", q, "a queue name");
          }
        }
        case "dead-reply-channel" -> {
          ConfigValue s = o.get("scope");
          if (s != null && !(s.valueType() == ConfigValueType.STRING
              && List.of("channel", "connection").contains((String) s.unwrapped()))) {
            problem(path + ".scope", s.origin(), "must be channel or connection, was " + s.render(), null);
          }
        }
        case "stop-heartbeats", "half-open", "throttle" -> {
          ConfigValue d = o.get("direction");
          if (d != null && !(d.valueType() == ConfigValueType.STRING
              && Effect.Direction.fromConfigName((String) d.unwrapped()) != null)) {
            problem(path + ".direction", d.origin(), "must be to-client, from-client or both, was " + d.render(),
                null);
          }
          if (type.equals("throttle")) {
            ConfigValue r = o.get("bytes-per-second");
            if (r == null) {
              problem(path + ".bytes-per-second", o.origin(), "missing", "e.g. bytes-per-second = 64k");
            } else {
              Long n = null;
              try {
                n = ConfigFactory.empty().withValue("r", r).getBytes("r");
              } catch (ConfigException e) {
                problem(path + ".bytes-per-second", r.origin(), "must be a size in octets, was " + r.render(),
                    "e.g. 65536 or 64k");
              }
              if (n != null && n < 1) {
                problem(path + ".bytes-per-second", r.origin(), "must be at least 1, was " + r.render(), null);
              }
            }
          }
        }
        case "reorder" -> {
          ConfigValue f = o.get("frames");
          if (f != null && (f.valueType() != ConfigValueType.NUMBER || !(f.unwrapped() instanceof Integer)
              || (Integer) f.unwrapped() < 1 || (Integer) f.unwrapped() > MAX_REORDER_FRAMES)) {
            problem(path + ".frames", f.origin(), "must be a whole number from 1 to " + MAX_REORDER_FRAMES + ", was "
                + f.render(), null);
          }
          if (o.containsKey("max-hold")) {
            Duration d = duration(o, "max-hold", path);
            if (d != null && (d.isNegative() || d.isZero())) {
              problem(path + ".max-hold", o.get("max-hold").origin(), "must be positive, was "
                  + o.get("max-hold").unwrapped(), null);
            }
          }
        }
        default -> {
          // no settings to check beyond code and text below
        }
      }
      if (settings.contains("code")) {
        ConfigValue c = o.get("code");
        if (c != null) {
          Object n = c.unwrapped();
          if (c.valueType() != ConfigValueType.NUMBER || !(n instanceof Integer) || !isReplyCode((Integer) n)) {
            problem(path + ".code", c.origin(), "must be an AMQP reply code, was " + c.render(), "expected one of "
                + Arrays.stream(ReplyCode.values()).map(r -> r.code() + " " + r.name())
                .collect(Collectors.joining(", ")));
          }
        }
      }
      if (settings.contains("text")) {
        ConfigValue x = o.get("text");
        if (x != null) {
          if (x.valueType() != ConfigValueType.STRING) {
            wrongType(path + ".text", x, "a string");
          } else if (((String) x.unwrapped()).getBytes(StandardCharsets.UTF_8).length > MAX_REPLY_TEXT_BYTES) {
            problem(path + ".text", x.origin(), "is longer than " + MAX_REPLY_TEXT_BYTES + " bytes",
                "AMQP reply-text is a short string");
          }
        }
      }
    }

    private static boolean isReplyCode(int code) {
      return Arrays.stream(ReplyCode.values()).anyMatch(r -> r.code() == code);
    }

    private ConfigObject object(ConfigValue v, String field) {
      if (v.valueType() == ConfigValueType.OBJECT) {
        return (ConfigObject) v;
      }
      wrongType(field, v, "an object { ... }");
      return null;
    }

    private void onlyKeys(ConfigObject o, String path, List<String> allowed, String hint) {
      for (Map.Entry<String, ConfigValue> e : inFileOrder(o)) {
        if (!allowed.contains(e.getKey())) {
          problem(join(path, e.getKey()), e.getValue().origin(), "unknown key '" + e.getKey() + "'",
              hint != null ? hint : oneOf(allowed, e.getKey()));
        }
      }
    }

    private void wrongType(String field, ConfigValue v, String expected) {
      problem(field, v.origin(), "must be " + expected + ", was " + kind(v), null);
    }

    private static String kind(ConfigValue v) {
      return switch (v.valueType()) {
        case OBJECT -> "an object";
        case LIST -> "a list";
        case NULL -> "null";
        case STRING -> "the string " + v.render();
        case NUMBER -> "the number " + v.render();
        case BOOLEAN -> v.render();
      };
    }
  }

  /** An object's entries sorted by line, then key: a HOCON object keeps no order of its own. */
  private static List<Map.Entry<String, ConfigValue>> inFileOrder(ConfigObject o) {
    return o.entrySet().stream()
        .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
            .thenComparing(Map.Entry::getKey))
        .toList();
  }

  private static String join(String path, String key) {
    String k = SIMPLE_KEY.matcher(key).matches() ? key : ConfigUtil.quoteString(key);
    return path.isEmpty() ? k : path + "." + k;
  }

  /** "expected one of a, b, c", plus a suggestion when {@code given} is a near miss. */
  static String oneOf(List<String> known, String given) {
    return "expected one of " + String.join(", ", known) + NearestName.suggestion(given, known);
  }
}
