package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryAlarmTest {

  private static final long LIMIT = 100;

  /** A heap whose reading is what was live at the last collection; refresh() is a collection. */
  private static final class Heap implements MemoryAlarm.Gauge {
    long live;
    long atLastCollection;
    int collections;

    @Override
    public long usedBytes() {
      return atLastCollection;
    }

    @Override
    public boolean canRefresh() {
      return true;
    }

    @Override
    public boolean refresh() {
      collections++;
      atLastCollection = live;
      return true;
    }
  }

  private final Heap heap = new Heap();
  private final List<Boolean> told = new ArrayList<>();

  private MemoryAlarm alarm(Duration gcInterval) {
    MemoryAlarm a = new MemoryAlarm(heap, LIMIT, gcInterval);
    a.subscribe(told::add);
    return a;
  }

  @Test
  void liveDataAboveTheLimit_goesOn() {
    MemoryAlarm a = alarm(Duration.ZERO);
    heap.live = heap.atLastCollection = 150;
    a.check();
    assertTrue(a.isOn());
    assertEquals(List.of(true), told);
  }

  @Test
  void garbageAboveTheLimit_confirmedByACollection_staysOff() {
    MemoryAlarm a = alarm(Duration.ZERO);
    heap.atLastCollection = 150;
    heap.live = 20;
    a.check();
    assertFalse(a.isOn());
    assertEquals(1, heap.collections);
    assertEquals(List.of(), told);
  }

  @Test
  void memoryFreedWhileNothingCollects_goesOffAfterAForcedCollection() {
    MemoryAlarm a = alarm(Duration.ZERO);
    heap.live = heap.atLastCollection = 150;
    a.check();
    heap.live = 10; // a consumer drained the queue; blocked publishers allocate nothing, so no collection runs
    a.check();
    assertFalse(a.isOn());
    assertEquals(List.of(true, false), told);
  }

  @Test
  void forcedCollections_atMostOncePerGcInterval() {
    MemoryAlarm a = alarm(Duration.ofHours(1));
    heap.live = heap.atLastCollection = 150;
    a.check();
    heap.live = 10;
    a.check();
    a.check();
    assertEquals(1, heap.collections);
    assertTrue(a.isOn(), "stays on until the next collection is allowed");
  }

  @Test
  void unconfirmedReadingWithinTheGcInterval_doesNotRaiseTheAlarm() {
    MemoryAlarm a = alarm(Duration.ofHours(1));
    heap.atLastCollection = 150;
    heap.live = 20;
    a.check(); // confirmed by a forced collection: garbage
    heap.atLastCollection = 150; // the JVM collected by itself since; the reading is stale again
    a.check();
    assertFalse(a.isOn());
    assertEquals(1, heap.collections);
    assertEquals(List.of(), told);
  }

  @Test
  void suppliedGauge_takenAsItIs() {
    long[] used = {150};
    MemoryAlarm a = new MemoryAlarm(MemoryAlarm.Gauge.of(() -> used[0]), LIMIT, Duration.ofHours(1));
    a.check();
    assertTrue(a.isOn());
    used[0] = 50;
    a.check();
    assertFalse(a.isOn());
  }

  @Test
  void liveHeap_readsAPlausibleHeapSize() {
    long used = new MemoryAlarm.LiveHeap().usedBytes();
    assertTrue(used > 0 && used <= Runtime.getRuntime().maxMemory(), String.valueOf(used));
  }

  @Test
  void liveHeap_afterACollection_countsHeapPoolsOnly() {
    System.gc();
    long used = new MemoryAlarm.LiveHeap().usedBytes();
    long heapNow = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long nonHeap = java.lang.management.ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
    // Metaspace and the code cache are not heap: with them the reading would exceed the heap by about their size.
    assertTrue(used <= heapNow + (nonHeap / 2), "live heap " + used + ", heap now " + heapNow + ", non-heap " + nonHeap);
  }
}
