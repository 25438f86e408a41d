package io.brokersim.amqp.server;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The heartbeat rules of one connection (spec: connection.tune heartbeat), on a clock it is given: the
 * stage's timer asks {@link #tick} every half interval, and the clock says whether a heartbeat is due or the
 * client has been silent too long. A test drives it with a manual clock, without sleeping.
 *
 * <p>Fault rules can stop heartbeats in one direction: the server then sends none ({@code to-client}), or
 * acts as if the client's never arrived ({@code from-client}: they do not count as traffic).
 */
final class HeartbeatClock {

  /** What a tick asks of the connection. */
  enum Due {
    NOTHING,
    /** Nothing was written for half the interval: send a heartbeat frame. */
    SEND,
    /** Nothing was read for the timeout: the client is gone. */
    TIMED_OUT
  }

  private final LongSupplier nanoTime;
  private final double timeoutFactor;
  private int heartbeatSeconds;
  private long lastReadNanos;
  private long lastWriteNanos;
  private boolean sendingStopped;
  private boolean clientIgnored;

  /** {@code timeoutFactor}: how many intervals of silence from the client end the connection. */
  HeartbeatClock(LongSupplier nanoTime, double timeoutFactor) {
    this.nanoTime = nanoTime;
    this.timeoutFactor = timeoutFactor;
    this.lastReadNanos = nanoTime.getAsLong();
    this.lastWriteNanos = lastReadNanos;
  }

  /** The negotiated interval (0: no heartbeats); the returned tick period, or null for none. */
  Duration start(int seconds) {
    heartbeatSeconds = seconds;
    lastReadNanos = nanoTime.getAsLong();
    if (seconds <= 0) {
      return null;
    }
    return Duration.ofMillis(Math.max(100, seconds * 1000L / 2));
  }

  int seconds() {
    return heartbeatSeconds;
  }

  /** Something arrived from the client. */
  void read() {
    lastReadNanos = nanoTime.getAsLong();
  }

  /** A heartbeat frame arrived from the client: traffic, unless a fault rule hides the client's heartbeats. */
  void heartbeatRead() {
    if (!clientIgnored) {
      read();
    }
  }

  /** True while a rule hides the client's heartbeats, so only other frames count as traffic. */
  boolean clientIgnored() {
    return clientIgnored;
  }

  /** Something was written to the client. */
  void wrote() {
    lastWriteNanos = nanoTime.getAsLong();
  }

  /** A fault rule stopped the server's heartbeats. */
  void stopSending() {
    sendingStopped = true;
  }

  /** A fault rule hides the client's heartbeats from now on. */
  void ignoreClient() {
    clientIgnored = true;
  }

  /**
   * What is due now. {@code readingPaused}: the server itself stopped reading (the memory alarm), so silence
   * is not the client's; {@code outboundIdle}: nothing is waiting to be written.
   */
  Due tick(boolean readingPaused, boolean outboundIdle) {
    if (heartbeatSeconds <= 0) {
      return Due.NOTHING;
    }
    long now = nanoTime.getAsLong();
    long timeoutNanos = (long) (heartbeatSeconds * timeoutFactor * 1e9);
    if (!readingPaused && now - lastReadNanos > timeoutNanos) {
      return Due.TIMED_OUT;
    }
    if (!sendingStopped && outboundIdle && now - lastWriteNanos >= heartbeatSeconds * 500_000_000L) {
      return Due.SEND;
    }
    return Due.NOTHING;
  }
}
