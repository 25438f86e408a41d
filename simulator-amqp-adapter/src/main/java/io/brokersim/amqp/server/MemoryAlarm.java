package io.brokersim.amqp.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The server-wide memory alarm: samples a gauge of used octets and tells every subscribed connection
 * when usage crosses the limit, either way. Connections then send {@code connection.blocked} /
 * {@code unblocked} and stop / resume reading from publishers.
 *
 * <p>The default gauge is the JVM's used heap, garbage included, so a sample can overshoot just before
 * a collection; the check interval and a limit well under the maximum heap keep that rare.
 */
final class MemoryAlarm implements AutoCloseable {

  private final LongSupplier usedBytes;
  private final long limitBytes;
  private final Set<Consumer<Boolean>> listeners = ConcurrentHashMap.newKeySet();
  private final Cancellable task;
  private volatile boolean on;

  private MemoryAlarm(LongSupplier usedBytes, long limitBytes, ActorSystem<?> system, Duration interval,
      boolean enabled) {
    this.usedBytes = usedBytes;
    this.limitBytes = limitBytes;
    this.task = enabled
        ? system.scheduler().scheduleWithFixedDelay(interval, interval, this::check, system.executionContext())
        : null;
  }

  /**
   * An alarm at {@code fraction} of the maximum heap measured by {@code usedBytes}; a fraction of 1 or
   * more disables it (it never goes on).
   */
  static MemoryAlarm start(ActorSystem<?> system, LongSupplier usedBytes, double fraction, Duration interval) {
    long max = Runtime.getRuntime().maxMemory();
    boolean enabled = fraction < 1.0;
    return new MemoryAlarm(usedBytes, enabled ? (long) (max * fraction) : Long.MAX_VALUE, system, interval, enabled);
  }

  /** The JVM's used heap. */
  static long heapUsedBytes() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  long limitBytes() {
    return limitBytes;
  }

  boolean isOn() {
    return on;
  }

  /** Adds a listener (called from a scheduler thread; must not block) and returns the current state. */
  boolean subscribe(Consumer<Boolean> listener) {
    listeners.add(listener);
    return on;
  }

  void unsubscribe(Consumer<Boolean> listener) {
    listeners.remove(listener);
  }

  /** Samples the gauge once; tells the listeners if the state changed. */
  synchronized void check() {
    boolean now = usedBytes.getAsLong() > limitBytes;
    if (now != on) {
      on = now;
      for (Consumer<Boolean> l : listeners) {
        l.accept(now);
      }
    }
  }

  @Override
  public void close() {
    if (task != null) {
      task.cancel();
    }
    listeners.clear();
  }
}
