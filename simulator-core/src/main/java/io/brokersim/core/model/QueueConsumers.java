package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The consumers of one queue and whose turn it is (semantics §4.5, §4.6, §11): round robin among those with
 * capacity, highest consumer priority first; on a single-active-consumer queue only the active one, with each
 * broker's rule for the next active one. Not thread-safe.
 */
final class QueueConsumers<H> {

  private final QueueFeatures.SingleActive rule;
  private final List<QueueConsumer<H>> consumers = new ArrayList<>();
  private int roundRobin;
  /** Round-robin positions within each consumer priority, used once any consumer has a priority != 0. */
  private final TreeMap<Integer, Integer> priorityCursors = new TreeMap<>();
  private boolean prioritised;
  private boolean everHadConsumer;
  /** The single active consumer, when the queue has one. */
  private QueueConsumer<H> active;
  /** The active consumer gets nothing new: a consumer of a higher priority waits for it to settle (§11.2). */
  private boolean quiescing;
  /** Whether some consumer may still be timed out (§10.3); false spares settles a scan of the consumers. */
  private boolean anyTimedOut;

  QueueConsumers(QueueFeatures.SingleActive rule) {
    this.rule = rule;
  }

  private boolean singleActive() {
    return rule != QueueFeatures.SingleActive.NONE;
  }

  int size() {
    return consumers.size();
  }

  boolean isEmpty() {
    return consumers.isEmpty();
  }

  boolean everHadConsumer() {
    return everHadConsumer;
  }

  List<QueueConsumer<H>> list() {
    return List.copyOf(consumers);
  }

  QueueConsumer<H> active() {
    return active;
  }

  /** Adds a consumer; on a single-active-consumer queue it becomes active if none is, or takes over (§11). */
  void add(QueueConsumer<H> consumer) {
    consumers.add(consumer);
    everHadConsumer = true;
    prioritised |= consumer.priority() != 0;
    if (!singleActive()) {
      return;
    }
    if (active == null || active.timedOut() && active.unacked() == 0) {
      // A timed-out active consumer holding nothing has gone back to waiting (§10.3).
      active = consumer;
      quiescing = false;
    } else if (rule == QueueFeatures.SingleActive.PRIORITY_TAKEOVER && consumer.priority() > active.priority()) {
      quiescing = true;
      settled();
    }
  }

  /** Removes the consumer with this channel and tag; returns it or null. */
  QueueConsumer<H> remove(String channelId, String tag) {
    for (Iterator<QueueConsumer<H>> it = consumers.iterator(); it.hasNext(); ) {
      QueueConsumer<H> c = it.next();
      if (c.is(channelId, tag)) {
        it.remove();
        afterRemoval(c == active);
        return c;
      }
    }
    return null;
  }

  /** Removes every consumer of a channel; returns them in attach order. */
  List<QueueConsumer<H>> removeOf(String channelId) {
    List<QueueConsumer<H>> removed = new ArrayList<>();
    for (Iterator<QueueConsumer<H>> it = consumers.iterator(); it.hasNext(); ) {
      QueueConsumer<H> c = it.next();
      if (c.channelId().equals(channelId)) {
        it.remove();
        removed.add(c);
      }
    }
    afterRemoval(active != null && removed.contains(active));
    return removed;
  }

  private void afterRemoval(boolean activeLeft) {
    if (roundRobin > consumers.size()) {
      roundRobin = 0;
    }
    if (activeLeft) {
      // The next one by the queue's rule becomes active, if any (§11.2).
      quiescing = false;
      active = nextActive(null);
    }
  }

  void clear() {
    consumers.clear();
    active = null;
  }

  private QueueConsumer<H> nextActive(QueueConsumer<H> excluding) {
    QueueConsumer<H> best = null;
    for (QueueConsumer<H> c : consumers) {
      if (c == excluding) {
        continue;
      }
      if (best == null) {
        best = c;
      } else if (rule != QueueFeatures.SingleActive.FIRST_ATTACHED) {
        // Ready consumers before timed-out ones, then the highest priority, then the earliest attached.
        boolean better = best.timedOut() && !c.timedOut()
            || best.timedOut() == c.timedOut() && c.priority() > best.priority();
        if (better) {
          best = c;
        }
      }
    }
    return best;
  }

  /**
   * A delivery was settled: a quiescing active consumer with nothing unacked gives way to the highest-priority
   * waiting one (§11.2).
   */
  void settled() {
    if (!quiescing || active == null || active.unacked() > 0) {
      return;
    }
    QueueConsumer<H> next = nextActive(null);
    quiescing = false;
    if (next != null && next.priority() > active.priority()) {
      active = next;
    }
  }

  /** {@code c} timed out: if it was active and holds nothing, a waiting consumer that is not timed out takes over. */
  void timedOut(QueueConsumer<H> c) {
    anyTimedOut = true;
    if (c == active && c.unacked() == 0) {
      QueueConsumer<H> next = nextActive(c);
      if (next != null && !next.timedOut()) {
        active = next;
        quiescing = false;
      }
    }
  }

  /**
   * A channel settled deliveries a timeout had taken back: a consumer with none left gets messages again, and
   * a single-active-consumer queue without a ready active consumer picks one (§10.3).
   */
  void settledAfterTimeout(String channelId, long[] deliveryIds) {
    if (!anyTimedOut) {
      return;
    }
    anyTimedOut = false;
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId) && c.timedOut()) {
        for (long id : deliveryIds) {
          c.untimeout(id);
        }
      }
      anyTimedOut |= c.timedOut();
    }
    if (singleActive() && (active == null || active.timedOut())) {
      QueueConsumer<H> next = nextActive(null);
      if (next != null && (active == null || !next.timedOut())) {
        active = next;
        quiescing = false;
      }
    }
  }

  /** True if some consumer holds the queue exclusively. */
  boolean hasExclusive() {
    for (QueueConsumer<H> c : consumers) {
      if (c.exclusive()) {
        return true;
      }
    }
    return false;
  }

  /** True if some consumer that may get messages could take one now. */
  boolean hasReady() {
    if (singleActive()) {
      return active != null && !quiescing && active.hasCapacity();
    }
    for (QueueConsumer<H> c : consumers) {
      if (c.hasCapacity()) {
        return true;
      }
    }
    return false;
  }

  void setBlockedOf(String channelId, boolean blocked) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.setBlocked(blocked);
      }
    }
  }

  void creditAvailableOf(String channelId) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.creditAvailable();
      }
    }
  }

  void setPrefetchOf(String channelId, int prefetch) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.setPrefetch(prefetch);
      }
    }
  }

  /**
   * The next consumer that took capacity for one message now, or null: the active one on a single-active-consumer
   * queue; else among the consumers of the highest priority that have capacity (consumer priorities,
   * {@code x-priority}), the next in round-robin order.
   */
  QueueConsumer<H> next() {
    if (singleActive()) {
      return active != null && !quiescing && active.tryTake() ? active : null;
    }
    if (prioritised) {
      return nextByPriority();
    }
    int n = consumers.size();
    for (int i = 0; i < n; i++) {
      int idx = (roundRobin + i) % n;
      QueueConsumer<H> c = consumers.get(idx);
      if (c.tryTake()) {
        roundRobin = (idx + 1) % n;
        return c;
      }
    }
    return null;
  }

  private QueueConsumer<H> nextByPriority() {
    TreeSet<Integer> priorities = new TreeSet<>(Comparator.reverseOrder());
    for (QueueConsumer<H> c : consumers) {
      priorities.add(c.priority());
    }
    for (int priority : priorities) {
      List<QueueConsumer<H>> group = new ArrayList<>();
      for (QueueConsumer<H> c : consumers) {
        if (c.priority() == priority) {
          group.add(c);
        }
      }
      int start = priorityCursors.getOrDefault(priority, 0);
      for (int i = 0; i < group.size(); i++) {
        int idx = (start + i) % group.size();
        if (group.get(idx).tryTake()) {
          priorityCursors.put(priority, (idx + 1) % group.size());
          return group.get(idx);
        }
      }
    }
    return null;
  }
}
