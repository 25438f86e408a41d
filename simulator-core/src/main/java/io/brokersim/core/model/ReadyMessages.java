package io.brokersim.core.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ready messages of one queue, in serving order (semantics §4.1, §9.7, §12): a quorum queue's returns first,
 * in the order they came back; then by priority level, highest first; within a level the requeued messages by
 * their original position, then the never-delivered ones in publish order. Not thread-safe.
 */
final class ReadyMessages {

  /** Ready messages of one priority level: requeued ones (by original position) before never-delivered ones. */
  private static final class Level {
    final ArrayDeque<QueuedMessage> fresh = new ArrayDeque<>();
    PriorityQueue<QueuedMessage> requeued;

    boolean isEmpty() {
      return fresh.isEmpty() && (requeued == null || requeued.isEmpty());
    }

    QueuedMessage peek() {
      QueuedMessage r = requeued == null ? null : requeued.peek();
      return r != null ? r : fresh.peekFirst();
    }

    QueuedMessage poll() {
      QueuedMessage r = requeued == null ? null : requeued.poll();
      return r != null ? r : fresh.pollFirst();
    }

    void requeue(QueuedMessage m) {
      if (requeued == null) {
        requeued = new PriorityQueue<>(Comparator.comparingLong(QueuedMessage::position));
      }
      requeued.add(m);
    }
  }

  private final boolean returnsFirst;
  private final ArrayDeque<QueuedMessage> returns = new ArrayDeque<>();
  private final Level[] levels;
  /** The highest level that may hold messages; -1 when none does. */
  private int top = -1;
  private int size;
  private long bytes;

  /** Levels 0..{@code maxLevel}; {@code returnsFirst} for a quorum queue's returns queue. */
  ReadyMessages(int maxLevel, boolean returnsFirst) {
    this.levels = new Level[maxLevel + 1];
    this.returnsFirst = returnsFirst;
  }

  int size() {
    return size;
  }

  long bytes() {
    return bytes;
  }

  /** A never-delivered message, behind the others of its level. */
  void add(QueuedMessage m) {
    level(m.level()).fresh.addLast(m);
    top = Math.max(top, m.level());
    count(m, 1);
  }

  /** A message that came back: to the returns queue, or to its original position in its level. */
  void putBack(QueuedMessage m) {
    if (returnsFirst) {
      returns.addLast(m);
    } else {
      level(m.level()).requeue(m);
      top = Math.max(top, m.level());
    }
    count(m, 1);
  }

  /** The next message to serve, or null. */
  QueuedMessage peek() {
    QueuedMessage r = returns.peekFirst();
    if (r != null) {
      return r;
    }
    return top < 0 ? null : levels[top].peek();
  }

  /** Removes and returns the next message to serve, or null. */
  QueuedMessage poll() {
    QueuedMessage m = returns.pollFirst();
    if (m == null && top >= 0) {
      m = levels[top].poll();
      lowerTop();
    }
    if (m != null) {
      count(m, -1);
    }
    return m;
  }

  /** Removes the messages that match; returns them in serving order. */
  List<QueuedMessage> removeIf(Predicate<QueuedMessage> which) {
    List<QueuedMessage> removed = new ArrayList<>();
    for (QueuedMessage m : snapshot()) {
      if (which.test(m)) {
        removed.add(m);
      }
    }
    if (removed.isEmpty()) {
      return removed;
    }
    Set<QueuedMessage> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(removed);
    returns.removeIf(gone::contains);
    for (Level l : levels) {
      if (l != null) {
        l.fresh.removeIf(gone::contains);
        if (l.requeued != null) {
          l.requeued.removeIf(gone::contains);
        }
      }
    }
    for (QueuedMessage m : removed) {
      count(m, -1);
    }
    lowerTop();
    return removed;
  }

  /** Every message in serving order, without removing any. */
  List<QueuedMessage> snapshot() {
    List<QueuedMessage> r = new ArrayList<>(size);
    r.addAll(returns);
    for (int i = levels.length - 1; i >= 0; i--) {
      Level l = levels[i];
      if (l == null) {
        continue;
      }
      if (l.requeued != null) {
        List<QueuedMessage> back = new ArrayList<>(l.requeued);
        back.sort(Comparator.comparingLong(QueuedMessage::position));
        r.addAll(back);
      }
      r.addAll(l.fresh);
    }
    return r;
  }

  private Level level(int level) {
    Level l = levels[level];
    if (l == null) {
      l = new Level();
      levels[level] = l;
    }
    return l;
  }

  private void lowerTop() {
    while (top >= 0 && (levels[top] == null || levels[top].isEmpty())) {
      top--;
    }
  }

  private void count(QueuedMessage m, int sign) {
    size += sign;
    bytes += (long) sign * m.message().bodySize();
  }
}
