package io.brokersim.amqp.server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-wide memory alarm: samples a gauge of used octets and tells every subscribed connection
 * when usage crosses the limit, either way. Connections then send {@code connection.blocked} /
 * {@code unblocked} and stop / resume reading from publishers.
 *
 * <p>The default gauge is the heap in use right after the most recent garbage collection, not the heap in
 * use now: garbage must not raise the alarm. That reading goes stale when nothing collects, and once the
 * alarm has blocked the publishers little is allocated, so a heap whose messages were consumed could look
 * full for ever (a young collection does not reclaim the old generation where queued messages end up).
 * So the alarm changes state only on a reading taken right after a full collection: when the reading is
 * above the limit, it forces one ({@link System#gc()}, at most once per {@code gcInterval}) and reads again.
 * The alarm therefore goes on only for live data and goes off within about {@code gcInterval} of the memory
 * being freed. A gauge given by the caller is taken as it is (no collections are forced).
 */
final class MemoryAlarm implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MemoryAlarm.class);

  /** What the alarm measures. */
  interface Gauge {
    /** Octets in use. */
    long usedBytes();

    /** True if readings can be stale until {@link #refresh()} is called. */
    default boolean canRefresh() {
      return false;
    }

    /** Makes the next reading exact (forces a collection); false if it cannot. */
    default boolean refresh() {
      return false;
    }

    /** A gauge that reads {@code usedBytes} as it is. */
    static Gauge of(LongSupplier usedBytes) {
      return usedBytes::getAsLong;
    }
  }

  private final Gauge gauge;
  private final long limitBytes;
  private final long gcIntervalNanos;
  private final Set<Consumer<Boolean>> listeners = ConcurrentHashMap.newKeySet();
  private volatile Cancellable task;
  private volatile boolean on;
  private long lastRefreshNanos;
  private boolean refreshedOnce;

  /** An alarm that checks only when {@link #check()} is called (tests; {@link #start} schedules it). */
  MemoryAlarm(Gauge gauge, long limitBytes, Duration gcInterval) {
    this.gauge = gauge;
    this.limitBytes = limitBytes;
    this.gcIntervalNanos = gcInterval.toNanos();
  }

  /**
   * An alarm at {@code fraction} of the maximum heap measured by {@code gauge}, sampled every
   * {@code interval}; a fraction of 1 or more disables it (it never goes on).
   */
  static MemoryAlarm start(ActorSystem<?> system, Gauge gauge, double fraction, Duration interval,
      Duration gcInterval) {
    long max = Runtime.getRuntime().maxMemory();
    boolean enabled = fraction < 1.0;
    if (enabled && gauge instanceof LiveHeap && LiveHeap.explicitGcDisabled()) {
      log.warn("-XX:+DisableExplicitGC: the memory alarm cannot force a collection, so once on it stays on until"
          + " the JVM runs a full or mixed collection by itself");
    }
    MemoryAlarm alarm = new MemoryAlarm(gauge, enabled ? (long) (max * fraction) : Long.MAX_VALUE, gcInterval);
    if (enabled) {
      alarm.task = system.scheduler().scheduleWithFixedDelay(interval, interval, alarm::check,
          system.executionContext());
    }
    return alarm;
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

  /** Samples the gauge once (after a forced collection if the reading is above the limit); tells the listeners. */
  synchronized void check() {
    long used = gauge.usedBytes();
    if (used > limitBytes) {
      long now = System.nanoTime();
      if (!refreshedOnce || now - lastRefreshNanos >= gcIntervalNanos) {
        refreshedOnce = true;
        lastRefreshNanos = now;
        if (gauge.refresh()) {
          used = gauge.usedBytes();
        }
      } else if (!on && gauge.canRefresh()) {
        // Not confirmed by a collection yet: garbage may be all there is. Decide at the next check.
        return;
      }
    }
    boolean above = used > limitBytes;
    if (above != on) {
      on = above;
      log.info("memory alarm {}: {} MiB in use, limit {} MiB", above ? "on" : "off", used >> 20, limitBytes >> 20);
      for (Consumer<Boolean> l : listeners) {
        l.accept(above);
      }
    }
  }

  @Override
  public void close() {
    Cancellable t = task;
    if (t != null) {
      t.cancel();
    }
    listeners.clear();
  }

  /** The JVM heap in use right after the most recent collection, by any collector. */
  static final class LiveHeap implements Gauge {

    /**
     * The heap's memory pools (G1 Eden, Survivor, Old Gen, ...). A collection reports every pool it knows after
     * it, Metaspace and the code cache included; only these count against the maximum heap.
     */
    private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
        .map(java.lang.management.MemoryPoolMXBean::getName)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());

    @Override
    public long usedBytes() {
      long latestEnd = -1;
      long afterLatest = -1;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (!(gc instanceof com.sun.management.GarbageCollectorMXBean hotspot)) {
          continue;
        }
        com.sun.management.GcInfo info = hotspot.getLastGcInfo();
        if (info == null || info.getEndTime() < latestEnd) {
          continue;
        }
        latestEnd = info.getEndTime();
        long sum = 0;
        for (java.util.Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
          if (HEAP_POOLS.contains(pool.getKey())) {
            sum += pool.getValue().getUsed();
          }
        }
        afterLatest = sum;
      }
      if (afterLatest >= 0) {
        return afterLatest;
      }
      // No collection yet (or no HotSpot beans): the heap in use now is all there is to go on.
      Runtime r = Runtime.getRuntime();
      return r.totalMemory() - r.freeMemory();
    }

    @Override
    public boolean canRefresh() {
      return true;
    }

    /** Forces a full collection, so that the next reading counts live data only. */
    @Override
    public boolean refresh() {
      System.gc();
      return true;
    }

    static boolean explicitGcDisabled() {
      return ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+DisableExplicitGC");
    }
  }
}
