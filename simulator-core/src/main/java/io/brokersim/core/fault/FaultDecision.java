package io.brokersim.core.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the rules that fired at one event do, decided once, purely, from {@link FaultEffects}' table: the
 * actor at the boundary applies the fields below and nothing else. Effects that do not apply at the
 * boundary are kept as steps (the trace shows them as "no effect") but set no field.
 *
 * <p>Combination rules: the first rule that drops (or closes) wins the message's fate; delays add up;
 * every duplicate adds its copies; the first close, cancel, crash and restart are applied; every pause is
 * applied, in rule order. On the wire the first truncate, corrupt, reorder, heartbeat stop, half-open and
 * throttle of each direction apply; how they combine for the frame itself is the wire adapter's table
 * ({@code docs/faults.md}, "Wire boundaries").
 */
public final class FaultDecision {

  /** One fired effect, in rule order, as the trace records it. */
  public record Step(FaultRule rule, Effect effect, Boundary at, boolean applies) {

    /** The trace's action text: the action's name, its effect when that says more, and "no effect" when ignored. */
    public String description() {
      if (applies && effect.kind() == Effect.Kind.DUPLICATE) {
        return "duplicate"; // the fate ledger derives the copy from exactly this action name
      }
      String action = rule.action().name();
      String shown = FaultEffects.describe(effect);
      String text = action.equals(shown) ? action : action + ": " + shown;
      return applies ? text : text + " (no effect at " + at.configName() + ")";
    }
  }

  /**
   * A close ordered by a rule: a channel close, a connection close, a cut, a consumer crash (a cut), or on the
   * wire a reset.
   */
  public record Close(Effect.Kind kind, int code, String text, String rule) {}

  /** A frame held back behind {@code frames} later ones, for at most {@code maxHold}. */
  public record Reorder(int frames, Duration maxHold, String rule) {}

  /** A change to a TCP connection in one or both directions: heartbeats stopped, half-open, throttled. */
  public record WireChange(Effect.Kind kind, Effect.Direction direction, long bytesPerSecond, String rule) {}

  /** A pause or resume of a queue ({@code queue} null: the event's queue). */
  public record Pause(String queue, boolean paused, String rule) {}

  /**
   * Where an event happened, for naming the targets of effects: {@code name} is the place itself (a
   * channel id, {@code exchange:<name>}, a queue), {@code channel} and {@code connection} are what a close
   * acts on (the requester's at reply-resolved), {@code queue} the event's queue (null if none).
   */
  public record Site(String name, String channel, String connection, String queue) {}

  /** One trace record of a fired effect: rule, action text, target, message and (for copies) the new id. */
  public record Record(String rule, String action, String target, String msgId, String newMsgId) {}

  /** The decision when no rule fired. */
  public static final FaultDecision NONE = new FaultDecision(List.of());

  private final List<Step> steps;
  private String dropRule;
  private Duration delay;
  private final List<String> duplicateRules = new ArrayList<>(0);
  private Close close;
  private String cancelRule;
  private String crashRule;
  private final List<Pause> pauses = new ArrayList<>(0);
  private String restartRule;
  private String truncateRule;
  private String corruptRule;
  private Reorder reorder;
  private List<WireChange> wireChanges = List.of();

  private FaultDecision(List<Step> steps) {
    this.steps = steps;
  }

  /** The decision for the rules that fired at {@code at} (from {@link FaultInjector#decide}). */
  public static FaultDecision decide(Boundary at, List<FaultInjector.Fired> fired) {
    return decide(at, fired, true);
  }

  /**
   * As above; {@code withChannel} false for an event that has no channel although its boundary usually
   * does (a dead letter passing {@code routed}): closes, cancels and crashes then have no effect.
   */
  public static FaultDecision decide(Boundary at, List<FaultInjector.Fired> fired, boolean withChannel) {
    if (fired.isEmpty()) {
      return NONE;
    }
    List<Step> steps = new ArrayList<>();
    FaultDecision d = new FaultDecision(steps);
    for (FaultInjector.Fired f : fired) {
      String rule = f.rule().name();
      for (Effect e : f.effects()) {
        boolean applies = FaultEffects.applies(e.kind(), at) && (withChannel || !needsChannel(e.kind()));
        steps.add(new Step(f.rule(), e, at, applies));
        if (applies) {
          d.add(e, rule);
        }
      }
    }
    return d;
  }

  private static boolean needsChannel(Effect.Kind k) {
    return switch (k) {
      case CLOSE_CHANNEL, CLOSE_CONNECTION, CUT_CONNECTION, CANCEL_CONSUMER, CRASH_CONSUMER -> true;
      default -> false;
    };
  }

  private void add(Effect e, String rule) {
    switch (e.kind()) {
      case DROP -> dropRule = dropRule == null ? rule : dropRule;
      case DELAY -> {
        Duration more = ((Effect.Delay) e).delay();
        delay = delay == null ? more : delay.plus(more);
      }
      case DUPLICATE -> {
        for (int k = 0; k < ((Effect.Duplicate) e).copies(); k++) {
          duplicateRules.add(rule);
        }
      }
      case CLOSE_CHANNEL -> closeOnce(new Close(e.kind(), ((Effect.CloseChannel) e).code(),
          ((Effect.CloseChannel) e).text(), rule));
      case CLOSE_CONNECTION -> closeOnce(new Close(e.kind(), ((Effect.CloseConnection) e).code(),
          ((Effect.CloseConnection) e).text(), rule));
      case CUT_CONNECTION, RESET_CONNECTION -> closeOnce(new Close(e.kind(), 0, null, rule));
      case CANCEL_CONSUMER -> cancelRule = cancelRule == null ? rule : cancelRule;
      case CRASH_CONSUMER -> crashRule = crashRule == null ? rule : crashRule;
      case PAUSE_QUEUE -> pauses.add(new Pause(((Effect.PauseQueue) e).queue(), ((Effect.PauseQueue) e).paused(), rule));
      case RESTART_BROKER -> restartRule = restartRule == null ? rule : restartRule;
      case TRUNCATE -> truncateRule = truncateRule == null ? rule : truncateRule;
      case CORRUPT -> corruptRule = corruptRule == null ? rule : corruptRule;
      case REORDER -> {
        if (reorder == null) {
          Effect.Reorder r = (Effect.Reorder) e;
          reorder = new Reorder(r.frames(), r.maxHold(), rule);
        }
      }
      case STOP_HEARTBEATS -> wireChange(new WireChange(e.kind(), ((Effect.StopHeartbeats) e).direction(), 0, rule));
      case HALF_OPEN -> wireChange(new WireChange(e.kind(), ((Effect.HalfOpen) e).direction(), 0, rule));
      case THROTTLE -> wireChange(new WireChange(e.kind(), ((Effect.Throttle) e).direction(),
          ((Effect.Throttle) e).bytesPerSecond(), rule));
    }
  }

  private void wireChange(WireChange c) {
    if (wireChanges.isEmpty()) {
      wireChanges = new ArrayList<>(1);
    }
    wireChanges.add(c);
  }

  private void closeOnce(Close c) {
    if (close == null) {
      close = c;
    }
  }

  /** True when no rule fired. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** Every fired effect in rule order, applied or not, for the trace. */
  public List<Step> steps() {
    return steps;
  }

  /** The rule that dropped the event, or null. */
  public String dropRule() {
    return dropRule;
  }

  /** The total delay, or null for none. */
  public Duration delay() {
    return delay;
  }

  /** One entry per extra copy, naming the rule that made it (copy k is {@code <msgId>~dup<k>}). */
  public List<String> duplicateRules() {
    return duplicateRules;
  }

  /** The id of copy {@code k} (from 1) of message {@code msgId}. */
  public static String duplicateId(String msgId, int k) {
    return msgId + "~dup" + k;
  }

  /** The close ordered by a rule, or null. */
  public Close close() {
    return close;
  }

  /** The rule that cancels the consumer, or null. */
  public String cancelRule() {
    return cancelRule;
  }

  /** The rule that crashes the consumer, or null. */
  public String crashRule() {
    return crashRule;
  }

  /** Queue pauses and resumes, in rule order. */
  public List<Pause> pauses() {
    return pauses;
  }

  /** The rule that restarts the broker, or null. */
  public String restartRule() {
    return restartRule;
  }

  /** The rule that cuts the frame in the middle, or null. */
  public String truncateRule() {
    return truncateRule;
  }

  /** The rule that flips the frame's end octet, or null. */
  public String corruptRule() {
    return corruptRule;
  }

  /** How the frame is held back, or null. */
  public Reorder reorder() {
    return reorder;
  }

  /** Heartbeat stops, half-opens and throttles of the frame's connection, in rule order. */
  public List<WireChange> wireChanges() {
    return wireChanges;
  }

  /** The trace records of this decision for the event's message {@code msgId} at {@code site}, in rule order. */
  public List<Record> records(Site site, String msgId) {
    List<Record> out = new ArrayList<>(steps.size());
    int copies = 0;
    for (Step s : steps) {
      String rule = s.rule().name();
      if (!s.applies()) {
        out.add(new Record(rule, s.description(), site.name(), msgId, null));
        continue;
      }
      switch (s.effect().kind()) {
        case DUPLICATE -> {
          for (int k = 0; k < ((Effect.Duplicate) s.effect()).copies(); k++) {
            out.add(new Record(rule, s.description(), site.name(), msgId, duplicateId(msgId, ++copies)));
          }
        }
        case CLOSE_CHANNEL -> out.add(new Record(rule, s.description(), site.channel(), msgId, null));
        case CLOSE_CONNECTION, CUT_CONNECTION, CRASH_CONSUMER, RESET_CONNECTION ->
            out.add(new Record(rule, s.description(), site.connection(), msgId, null));
        case PAUSE_QUEUE -> {
          String q = ((Effect.PauseQueue) s.effect()).queue();
          out.add(new Record(rule, s.description(), q == null ? site.queue() : q, msgId, null));
        }
        case RESTART_BROKER -> out.add(new Record(rule, s.description(), "broker", msgId, null));
        default -> out.add(new Record(rule, s.description(), site.name(), msgId, null));
      }
    }
    return out;
  }

  /**
   * True when the event itself is taken out of the normal path here: dropped, closed instead (a close at
   * publish-received, delivered, ack-received or reply-resolved consumes the event), or delayed.
   */
  public boolean takesEvent(Boundary at) {
    return dropRule != null || delay != null || (close != null && at != Boundary.ROUTED);
  }
}
