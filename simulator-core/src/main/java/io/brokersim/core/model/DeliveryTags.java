package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel's delivery tags: allocation (from 1, per channel) and the outstanding deliveries that
 * need an ack. {@code T} is whatever the owner needs to settle a delivery with its queue.
 *
 * <p>Rules (semantics §4.4): {@code multiple=true} settles every outstanding tag up to and including
 * the given one; {@code multiple=true} with tag 0 settles all; an unknown tag (or a double ack) is a
 * 406 channel error.
 */
public final class DeliveryTags<T> {

  /** An outstanding delivery with its tag. */
  public record Tagged<T>(long tag, T target) {}

  private final LinkedHashMap<Long, T> outstanding = new LinkedHashMap<>();
  private long lastTag;

  /** The next delivery tag; the delivery is tracked when {@code needsAck}. */
  public long next(T target, boolean needsAck) {
    long tag = ++lastTag;
    if (needsAck) {
      outstanding.put(tag, target);
    }
    return tag;
  }

  /** The tag the next delivery will get, without taking it. */
  public long peekNext() {
    return lastTag + 1;
  }

  public int outstandingCount() {
    return outstanding.size();
  }

  public boolean isOutstanding(long tag) {
    return outstanding.containsKey(tag);
  }

  /**
   * Removes and returns the deliveries settled by an ack/nack/reject with this tag, in tag order, or
   * null if the tag is unknown (the caller raises 406).
   */
  public List<Tagged<T>> settle(long tag, boolean multiple) {
    if (multiple) {
      if (tag != 0 && !outstanding.containsKey(tag)) {
        return null;
      }
      List<Tagged<T>> out = new ArrayList<>();
      for (Iterator<Map.Entry<Long, T>> it = outstanding.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Long, T> e = it.next();
        if (tag != 0 && e.getKey() > tag) {
          break;
        }
        out.add(new Tagged<>(e.getKey(), e.getValue()));
        it.remove();
      }
      return out;
    }
    T t = outstanding.remove(tag);
    return t == null ? null : List.of(new Tagged<>(tag, t));
  }

  /** Removes and returns every outstanding delivery in tag order (channel close, recover). */
  public List<Tagged<T>> drain() {
    List<Tagged<T>> out = new ArrayList<>(outstanding.size());
    for (Map.Entry<Long, T> e : outstanding.entrySet()) {
      out.add(new Tagged<>(e.getKey(), e.getValue()));
    }
    outstanding.clear();
    return out;
  }

  /** The outstanding deliveries without removing them. */
  public List<T> outstanding() {
    return new ArrayList<>(outstanding.values());
  }

  /**
   * Puts settled deliveries back as outstanding under their old tags (a rolled-back transaction's acks),
   * keeping tag order.
   */
  public void restore(List<Tagged<T>> settled) {
    if (settled.isEmpty()) {
      return;
    }
    java.util.TreeMap<Long, T> merged = new java.util.TreeMap<>(outstanding);
    for (Tagged<T> t : settled) {
      merged.put(t.tag(), t.target());
    }
    outstanding.clear();
    outstanding.putAll(merged);
  }
}
