package io.brokersim.core.fault;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of where each kind of {@link Effect} takes effect. The broker's actors apply only what
 * {@link FaultDecision} derives from it, the fault-file loader rejects a rule whose action has no effect at
 * its boundary, and the matrix in {@code docs/faults.md} is checked against it by a test. A new effect kind
 * means a row here, its handling in {@link FaultDecision}, and its tests.
 */
public final class FaultEffects {
  private FaultEffects() {}

  /** The boundaries where brokersim's core builds fault events (every runtime, every client). */
  public static final Set<Boundary> CORE_BOUNDARIES = Collections.unmodifiableSet(EnumSet.of(
      Boundary.PUBLISH_RECEIVED, Boundary.ROUTED, Boundary.ENQUEUED, Boundary.DELIVERED, Boundary.ACK_RECEIVED,
      Boundary.REPLY_RESOLVED));

  /** The boundaries where the wire adapter builds fault events: TCP clients of a live broker only. */
  public static final Set<Boundary> WIRE_BOUNDARIES = Collections.unmodifiableSet(EnumSet.of(Boundary.FRAME_READ,
      Boundary.FRAME_WRITTEN));

  private static final Map<Effect.Kind, Set<Boundary>> WHERE = where();

  private static Map<Effect.Kind, Set<Boundary>> where() {
    Map<Effect.Kind, Set<Boundary>> m = new EnumMap<>(Effect.Kind.class);
    Set<Boundary> all = EnumSet.allOf(Boundary.class);
    Set<Boundary> wire = EnumSet.copyOf(WIRE_BOUNDARIES);
    // The event itself goes no further, or later: everywhere an event exists (a frame on the wire too).
    m.put(Effect.Kind.DROP, all);
    m.put(Effect.Kind.DELAY, all);
    // Copies are new messages (or frames); a delivery or an ack is not a message that can be copied.
    m.put(Effect.Kind.DUPLICATE, EnumSet.of(Boundary.PUBLISH_RECEIVED, Boundary.ROUTED, Boundary.ENQUEUED,
        Boundary.REPLY_RESOLVED, Boundary.FRAME_READ, Boundary.FRAME_WRITTEN));
    // A channel close needs a channel: a queue accepting its copy has none, and a frame may be on channel 0.
    Set<Boundary> withChannel = EnumSet.complementOf(EnumSet.of(Boundary.ENQUEUED, Boundary.FRAME_READ,
        Boundary.FRAME_WRITTEN));
    m.put(Effect.Kind.CLOSE_CHANNEL, withChannel);
    // A connection close or cut needs a connection: every frame has one.
    Set<Boundary> withConnection = EnumSet.copyOf(withChannel);
    withConnection.addAll(wire);
    m.put(Effect.Kind.CLOSE_CONNECTION, withConnection);
    m.put(Effect.Kind.CUT_CONNECTION, EnumSet.copyOf(withConnection));
    m.put(Effect.Kind.CANCEL_CONSUMER, EnumSet.of(Boundary.DELIVERED));
    m.put(Effect.Kind.CRASH_CONSUMER, EnumSet.of(Boundary.DELIVERED, Boundary.ACK_RECEIVED));
    // Queue control from anywhere a queue is known (or named by the rule); not from acks or direct replies.
    m.put(Effect.Kind.PAUSE_QUEUE, EnumSet.of(Boundary.PUBLISH_RECEIVED, Boundary.ROUTED, Boundary.ENQUEUED,
        Boundary.DELIVERED));
    m.put(Effect.Kind.RESTART_BROKER, EnumSet.copyOf(CORE_BOUNDARIES));
    // Octets, sockets and heartbeats: only the wire adapter has them.
    for (Effect.Kind k : List.of(Effect.Kind.STOP_HEARTBEATS, Effect.Kind.TRUNCATE, Effect.Kind.CORRUPT,
        Effect.Kind.REORDER, Effect.Kind.RESET_CONNECTION, Effect.Kind.HALF_OPEN, Effect.Kind.THROTTLE)) {
      m.put(k, EnumSet.copyOf(wire));
    }
    for (Effect.Kind k : Effect.Kind.values()) {
      m.put(k, Collections.unmodifiableSet(m.get(k)));
    }
    return Collections.unmodifiableMap(m);
  }

  /** True when an effect of this kind does something at {@code at}. */
  public static boolean applies(Effect.Kind kind, Boundary at) {
    return WHERE.get(kind).contains(at);
  }

  /** The boundaries where an effect of this kind does something. */
  public static Set<Boundary> where(Effect.Kind kind) {
    return WHERE.get(kind);
  }

  /** True when some effect applies at {@code at}, i.e. a rule there can do anything at all. */
  public static boolean anyApplies(Boundary at) {
    for (Set<Boundary> s : WHERE.values()) {
      if (s.contains(at)) {
        return true;
      }
    }
    return false;
  }

  /** How the trace names an effect: {@code delay 250ms}, {@code close-channel 406}, … */
  public static String describe(Effect e) {
    if (e instanceof Effect.Delay d) {
      return "delay " + d.delay().toMillis() + "ms";
    } else if (e instanceof Effect.Duplicate d) {
      return "duplicate x" + d.copies();
    } else if (e instanceof Effect.CloseChannel c) {
      return "close-channel " + c.code();
    } else if (e instanceof Effect.CloseConnection c) {
      return "close-connection " + c.code();
    } else if (e instanceof Effect.PauseQueue p) {
      return (p.paused() ? "pause-queue" : "resume-queue") + (p.queue() == null ? "" : " " + p.queue());
    } else if (e instanceof Effect.StopHeartbeats h) {
      return "stop-heartbeats " + h.direction().configName();
    } else if (e instanceof Effect.Reorder r) {
      return "reorder behind " + r.frames() + " frame" + (r.frames() == 1 ? "" : "s");
    } else if (e instanceof Effect.HalfOpen h) {
      return "half-open " + h.direction().configName();
    } else if (e instanceof Effect.Throttle t) {
      return "throttle " + t.direction().configName() + " " + t.bytesPerSecond() + " B/s";
    }
    return switch (e.kind()) {
      case DROP -> "drop";
      case CUT_CONNECTION -> "cut-connection";
      case CANCEL_CONSUMER -> "cancel-consumer";
      case CRASH_CONSUMER -> "crash-consumer";
      case RESTART_BROKER -> "broker-restart";
      case TRUNCATE -> "truncate";
      case CORRUPT -> "corrupt";
      case RESET_CONNECTION -> "reset-connection";
      default -> throw new AssertionError(e);
    };
  }
}
