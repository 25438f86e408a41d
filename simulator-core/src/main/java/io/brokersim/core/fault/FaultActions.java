package io.brokersim.core.fault;

import com.typesafe.config.Config;
import io.brokersim.core.model.ReplyCode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.ServiceLoader;
import java.util.function.Function;

/** The built-in fault actions, and the registry of action types usable from fault files. */
public final class FaultActions {
  private FaultActions() {}

  /** How long a {@code reorder} holds a frame back at most, unless its rule says {@code max-hold}. */
  public static final Duration REORDER_MAX_HOLD = Duration.ofSeconds(1);

  private static final Map<String, Function<Config, FaultAction>> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("drop", c -> drop());
    TYPES.put("delay", c -> delay(c.getDuration("delay")));
    TYPES.put("duplicate", c -> duplicate(c.hasPath("copies") ? c.getInt("copies") : 1));
    // Channel closes default to 406, a channel-level code; 320 CONNECTION_FORCED is connection-level (§0.2).
    TYPES.put("close-channel", c -> closeChannel(code(c, 406), text(c)));
    TYPES.put("close-connection", c -> closeConnection(code(c, 320), text(c)));
    TYPES.put("cut-connection", c -> cutConnection());
    TYPES.put("cancel-consumer", c -> cancelConsumer());
    TYPES.put("crash-consumer", c -> crashConsumer());
    TYPES.put("dead-reply-channel", c -> {
      boolean connection = c.hasPath("scope") && "connection".equals(c.getString("scope"));
      return deadReplyChannel(connection, code(c, connection ? 320 : 406), text(c));
    });
    TYPES.put("pause-queue", c -> pauseQueue(c.hasPath("queue") ? c.getString("queue") : null));
    TYPES.put("resume-queue", c -> resumeQueue(c.hasPath("queue") ? c.getString("queue") : null));
    TYPES.put("broker-restart", c -> brokerRestart());
    TYPES.put("stop-heartbeats", c -> stopHeartbeats(direction(c, Effect.Direction.TO_CLIENT)));
    TYPES.put("truncate", c -> truncate());
    TYPES.put("corrupt", c -> corrupt());
    TYPES.put("reorder", c -> reorder(c.hasPath("frames") ? c.getInt("frames") : 1,
        c.hasPath("max-hold") ? c.getDuration("max-hold") : REORDER_MAX_HOLD));
    TYPES.put("reset-connection", c -> resetConnection());
    TYPES.put("half-open", c -> halfOpen(direction(c, Effect.Direction.FROM_CLIENT)));
    TYPES.put("throttle", c -> throttle(direction(c, Effect.Direction.BOTH), c.getBytes("bytes-per-second")));
    for (FaultActionProvider p : ServiceLoader.load(FaultActionProvider.class)) {
      TYPES.putIfAbsent(p.type(), p::create);
    }
  }

  private static Effect.Direction direction(Config c, Effect.Direction fallback) {
    if (!c.hasPath("direction")) {
      return fallback;
    }
    Effect.Direction d = Effect.Direction.fromConfigName(c.getString("direction"));
    if (d == null) {
      throw new IllegalArgumentException("direction must be to-client, from-client or both, was '"
          + c.getString("direction") + "'");
    }
    return d;
  }

  private static int code(Config c, int fallback) {
    return c.hasPath("code") ? c.getInt("code") : fallback;
  }

  private static String text(Config c) {
    return c.hasPath("text") ? c.getString("text") : null;
  }

  /**
   * Where a built-in action type takes effect: its effect kind's boundaries in {@link FaultEffects}' table
   * ({@code dead-reply-channel} only at routed, after the request reached its queues). Null for a custom type,
   * whose effects are known only when it fires.
   */
  public static Set<Boundary> where(String type) {
    if (type.equals("dead-reply-channel")) {
      return FaultEffects.where(Effect.Kind.CLOSE_CHANNEL).contains(Boundary.ROUTED) ? Set.of(Boundary.ROUTED) : Set.of();
    }
    Effect.Kind kind = BUILT_IN_KINDS.get(type);
    return kind == null ? null : FaultEffects.where(kind);
  }

  private static final Map<String, Effect.Kind> BUILT_IN_KINDS = Map.ofEntries(
      Map.entry("drop", Effect.Kind.DROP), Map.entry("delay", Effect.Kind.DELAY),
      Map.entry("duplicate", Effect.Kind.DUPLICATE), Map.entry("close-channel", Effect.Kind.CLOSE_CHANNEL),
      Map.entry("close-connection", Effect.Kind.CLOSE_CONNECTION),
      Map.entry("cut-connection", Effect.Kind.CUT_CONNECTION), Map.entry("cancel-consumer", Effect.Kind.CANCEL_CONSUMER),
      Map.entry("crash-consumer", Effect.Kind.CRASH_CONSUMER), Map.entry("pause-queue", Effect.Kind.PAUSE_QUEUE),
      Map.entry("resume-queue", Effect.Kind.PAUSE_QUEUE), Map.entry("broker-restart", Effect.Kind.RESTART_BROKER),
      Map.entry("stop-heartbeats", Effect.Kind.STOP_HEARTBEATS), Map.entry("truncate", Effect.Kind.TRUNCATE),
      Map.entry("corrupt", Effect.Kind.CORRUPT), Map.entry("reorder", Effect.Kind.REORDER),
      Map.entry("reset-connection", Effect.Kind.RESET_CONNECTION), Map.entry("half-open", Effect.Kind.HALF_OPEN),
      Map.entry("throttle", Effect.Kind.THROTTLE));

  /** Registers a custom action type for fault files (the SPI without ServiceLoader). */
  public static synchronized void register(String type, Function<Config, FaultAction> factory) {
    if (TYPES.containsKey(type)) {
      throw new IllegalArgumentException("fault action type '" + type + "' is already registered");
    }
    TYPES.put(type, factory);
  }

  /** The action types fault files may use, built-in first. */
  public static synchronized List<String> types() {
    return List.copyOf(TYPES.keySet());
  }

  /** Builds an action of {@code type} from its config block, or null for an unknown type. */
  public static synchronized FaultAction create(String type, Config action) {
    Function<Config, FaultAction> f = TYPES.get(type);
    return f == null ? null : f.apply(action);
  }

  public static FaultAction drop() {
    return FaultAction.of("drop", new Effect.Drop());
  }

  public static FaultAction delay(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    return FaultAction.of("delay", new Effect.Delay(d));
  }

  public static FaultAction duplicate(int copies) {
    if (copies < 1) {
      throw new IllegalArgumentException("copies must be at least 1");
    }
    return FaultAction.of("duplicate", new Effect.Duplicate(copies));
  }

  public static FaultAction closeChannel(int code, String text) {
    ReplyCode.of(code);
    return FaultAction.of("close-channel", new Effect.CloseChannel(code, text));
  }

  public static FaultAction closeConnection(int code, String text) {
    ReplyCode.of(code);
    return FaultAction.of("close-connection", new Effect.CloseConnection(code, text));
  }

  public static FaultAction cutConnection() {
    return FaultAction.of("cut-connection", new Effect.CutConnection());
  }

  public static FaultAction cancelConsumer() {
    return FaultAction.of("cancel-consumer", new Effect.CancelConsumer());
  }

  public static FaultAction crashConsumer() {
    return FaultAction.of("crash-consumer", new Effect.CrashConsumer());
  }

  /**
   * The requester's channel (or connection) dies after its request was routed and before any reply:
   * use it at {@link Boundary#ROUTED} with a match on {@code has-reply-to}.
   */
  public static FaultAction deadReplyChannel(boolean wholeConnection, int code, String text) {
    ReplyCode.of(code);
    return FaultAction.of("dead-reply-channel", wholeConnection
        ? new Effect.CloseConnection(code, text) : new Effect.CloseChannel(code, text));
  }

  public static FaultAction pauseQueue(String queue) {
    return FaultAction.of("pause-queue", new Effect.PauseQueue(queue, true));
  }

  public static FaultAction resumeQueue(String queue) {
    return FaultAction.of("resume-queue", new Effect.PauseQueue(queue, false));
  }

  public static FaultAction brokerRestart() {
    return FaultAction.of("broker-restart", new Effect.RestartBroker());
  }

  /** Heartbeats stop in {@code direction} on the event's TCP connection. */
  public static FaultAction stopHeartbeats(Effect.Direction direction) {
    return FaultAction.of("stop-heartbeats", new Effect.StopHeartbeats(direction));
  }

  /** The frame is cut in the middle, and its connection with it. */
  public static FaultAction truncate() {
    return FaultAction.of("truncate", new Effect.Truncate());
  }

  /** The frame's end octet is flipped: its reader meets a frame error. */
  public static FaultAction corrupt() {
    return FaultAction.of("corrupt", new Effect.Corrupt());
  }

  /** The frame goes behind the next {@code frames} frames in its direction, held for at most {@code maxHold}. */
  public static FaultAction reorder(int frames, Duration maxHold) {
    return FaultAction.of("reorder", new Effect.Reorder(frames, maxHold));
  }

  /** The event's TCP connection is reset (RST). */
  public static FaultAction resetConnection() {
    return FaultAction.of("reset-connection", new Effect.ResetConnection());
  }

  /** The event's TCP connection stops being read ({@code FROM_CLIENT}), written, or both; the socket stays open. */
  public static FaultAction halfOpen(Effect.Direction direction) {
    return FaultAction.of("half-open", new Effect.HalfOpen(direction));
  }

  /** The event's TCP connection carries at most {@code bytesPerSecond} octets a second in {@code direction}. */
  public static FaultAction throttle(Effect.Direction direction, long bytesPerSecond) {
    return FaultAction.of("throttle", new Effect.Throttle(direction, bytesPerSecond));
  }
}
