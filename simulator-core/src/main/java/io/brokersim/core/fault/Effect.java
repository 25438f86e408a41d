package io.brokersim.core.fault;

import java.time.Duration;

/**
 * What a fault does, as the broker applies it at the boundary where the rule fired. Built-in
 * {@link FaultAction}s return one effect; a custom action may return several. Where each kind takes
 * effect, and what it means there, is {@link FaultEffects}' table.
 */
public sealed interface Effect {

  /** The kinds of effect, one per record below; {@link FaultEffects} says where each applies. */
  enum Kind {
    DROP, DELAY, DUPLICATE, CLOSE_CHANNEL, CLOSE_CONNECTION, CUT_CONNECTION, CANCEL_CONSUMER, CRASH_CONSUMER,
    PAUSE_QUEUE, RESTART_BROKER, STOP_HEARTBEATS, TRUNCATE, CORRUPT, REORDER, RESET_CONNECTION, HALF_OPEN, THROTTLE
  }

  /** A direction of a TCP connection, as the server's socket sees it. */
  enum Direction {
    /** What the server writes to the client. */
    TO_CLIENT,
    /** What the client writes to the server. */
    FROM_CLIENT,
    /** Both ways. */
    BOTH;

    /** The name used in fault files: {@code to-client}, {@code from-client}, {@code both}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The direction named {@code name} in a fault file, or null. */
    public static Direction fromConfigName(String name) {
      for (Direction d : values()) {
        if (d.configName().equals(name)) {
          return d;
        }
      }
      return null;
    }

    /** True when this direction includes what the server writes. */
    public boolean toClient() {
      return this != FROM_CLIENT;
    }

    /** True when this direction includes what the client writes. */
    public boolean fromClient() {
      return this != TO_CLIENT;
    }
  }

  Kind kind();

  /** The message (or ack, or delivery) never goes further; the fate ledger records the rule. */
  record Drop() implements Effect {
    @Override
    public Kind kind() {
      return Kind.DROP;
    }
  }

  /** The message goes on after {@code delay} (virtual time in simulations). */
  record Delay(Duration delay) implements Effect {
    @Override
    public Kind kind() {
      return Kind.DELAY;
    }
  }

  /** The message goes on, plus {@code copies} duplicates with new message ids. */
  record Duplicate(int copies) implements Effect {
    @Override
    public Kind kind() {
      return Kind.DUPLICATE;
    }
  }

  /** The server closes the event's channel with this code and text. */
  record CloseChannel(int code, String text) implements Effect {
    @Override
    public Kind kind() {
      return Kind.CLOSE_CHANNEL;
    }
  }

  /** The server closes the event's connection with this code and text (a close handshake). */
  record CloseConnection(int code, String text) implements Effect {
    @Override
    public Kind kind() {
      return Kind.CLOSE_CONNECTION;
    }
  }

  /** The event's connection is cut: no close handshake, the socket just dies. */
  record CutConnection() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CUT_CONNECTION;
    }
  }

  /** The server cancels the consumer of a delivery ({@code basic.cancel} notification). */
  record CancelConsumer() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CANCEL_CONSUMER;
    }
  }

  /** The consumer gets the delivery and then its connection dies before it can ack. */
  record CrashConsumer() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CRASH_CONSUMER;
    }
  }

  /** Deliveries from {@code queue} (the event's queue when null) stop, or resume. */
  record PauseQueue(String queue, boolean paused) implements Effect {
    @Override
    public Kind kind() {
      return Kind.PAUSE_QUEUE;
    }
  }

  /** The broker restarts: connections cut, transient and non-durable state lost. */
  record RestartBroker() implements Effect {
    @Override
    public Kind kind() {
      return Kind.RESTART_BROKER;
    }
  }

  /**
   * Heartbeats stop on the event's TCP connection: those the server sends ({@code TO_CLIENT}), those the client
   * sends, which the server then never sees ({@code FROM_CLIENT}), or both.
   */
  record StopHeartbeats(Direction direction) implements Effect {
    public StopHeartbeats {
      java.util.Objects.requireNonNull(direction, "direction");
    }

    @Override
    public Kind kind() {
      return Kind.STOP_HEARTBEATS;
    }
  }

  /** The frame is cut in the middle, and the socket with it: the peer sees its connection end mid-frame. */
  record Truncate() implements Effect {
    @Override
    public Kind kind() {
      return Kind.TRUNCATE;
    }
  }

  /** The frame's end octet is flipped, so its reader meets a frame error. */
  record Corrupt() implements Effect {
    @Override
    public Kind kind() {
      return Kind.CORRUPT;
    }
  }

  /**
   * The frame is held back until {@code frames} later frames in the same direction have passed it, or for at
   * most {@code maxHold}, whichever comes first.
   */
  record Reorder(int frames, Duration maxHold) implements Effect {
    public Reorder {
      if (frames < 1) {
        throw new IllegalArgumentException("frames must be at least 1, was " + frames);
      }
      if (maxHold.isNegative() || maxHold.isZero()) {
        throw new IllegalArgumentException("max-hold must be positive, was " + maxHold);
      }
    }

    @Override
    public Kind kind() {
      return Kind.REORDER;
    }
  }

  /** The event's TCP connection is reset (RST): unlike a cut (FIN), the peer gets a "connection reset". */
  record ResetConnection() implements Effect {
    @Override
    public Kind kind() {
      return Kind.RESET_CONNECTION;
    }
  }

  /**
   * The event's TCP connection goes half-open: the server stops reading it ({@code FROM_CLIENT}: the client's
   * writes back up), stops writing to it ({@code TO_CLIENT}) or both (a NAT that forgot the connection), and
   * keeps the socket open.
   */
  record HalfOpen(Direction direction) implements Effect {
    public HalfOpen {
      java.util.Objects.requireNonNull(direction, "direction");
    }

    @Override
    public Kind kind() {
      return Kind.HALF_OPEN;
    }
  }

  /** The event's TCP connection carries at most {@code bytesPerSecond} octets a second in {@code direction}. */
  record Throttle(Direction direction, long bytesPerSecond) implements Effect {
    public Throttle {
      java.util.Objects.requireNonNull(direction, "direction");
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("bytes-per-second must be at least 1, was " + bytesPerSecond);
      }
    }

    @Override
    public Kind kind() {
      return Kind.THROTTLE;
    }
  }
}
