package io.brokersim.core.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The messages and consumers of one queue, as pure rules:
 *
 * <ul>
 *   <li>ready messages are served in publish order; a requeued message goes back to its original
 *       position with {@code redelivered=true} (requeued messages always precede never-delivered ones,
 *       because delivery takes from the head: semantics §4.1);</li>
 *   <li>consumers are served round robin, skipping those at their prefetch limit (§4.5);</li>
 *   <li>every delivery that needs an ack is tracked by a queue-local delivery id until it is settled;</li>
 *   <li>expiry happens only at the head of the queue (§5.1).</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner (the queue actor) drives it.
 */
public final class QueueState<H> {

  /** A message handed to a consumer (or to {@code basic.get} when {@code consumer} is null). */
  public record Delivery<H>(QueueConsumer<H> consumer, QueuedMessage entry, long deliveryId, boolean redelivered) {}

  /** A delivery awaiting its ack. */
  public record Unacked<H>(QueuedMessage entry, QueueConsumer<H> consumer, String channelId) {}

  private final ArrayDeque<QueuedMessage> fresh = new ArrayDeque<>();
  private final PriorityQueue<QueuedMessage> requeued =
      new PriorityQueue<>(Comparator.comparingLong(QueuedMessage::position));
  private final List<QueueConsumer<H>> consumers = new ArrayList<>();
  private final Map<Long, Unacked<H>> unacked = new LinkedHashMap<>();
  private long nextPosition = 1;
  private long nextDeliveryId = 1;
  private int roundRobin;
  /** Round-robin positions within each consumer priority, used once any consumer has a priority != 0. */
  private final java.util.TreeMap<Integer, Integer> priorityCursors = new java.util.TreeMap<>();
  private boolean prioritised;
  private long readyBytes;
  private boolean everHadConsumer;

  /** Appends a message; returns its entry. */
  public QueuedMessage enqueue(Message message, long expiresAtNanos) {
    QueuedMessage entry = new QueuedMessage(message, nextPosition++, expiresAtNanos);
    fresh.addLast(entry);
    readyBytes += message.bodySize();
    return entry;
  }

  /** Number of ready messages (what {@code declare-ok.message_count} reports: unacked excluded, §2.6). */
  public int readyCount() {
    return fresh.size() + requeued.size();
  }

  public long readyBytes() {
    return readyBytes;
  }

  public int unackedCount() {
    return unacked.size();
  }

  public int consumerCount() {
    return consumers.size();
  }

  public boolean everHadConsumer() {
    return everHadConsumer;
  }

  public List<QueueConsumer<H>> consumers() {
    return List.copyOf(consumers);
  }

  /** The next ready message without removing it, or null. */
  public QueuedMessage peek() {
    QueuedMessage r = requeued.peek();
    return r != null ? r : fresh.peekFirst();
  }

  private QueuedMessage poll() {
    QueuedMessage r = requeued.poll();
    QueuedMessage m = r != null ? r : fresh.pollFirst();
    if (m != null) {
      readyBytes -= m.message().bodySize();
    }
    return m;
  }

  /** Removes and returns expired messages at the head of the queue (never from behind a live head). */
  public List<QueuedMessage> expireHead(long nowNanos) {
    List<QueuedMessage> expired = null;
    for (QueuedMessage head = peek(); head != null && head.expiredAt(nowNanos); head = peek()) {
      if (expired == null) {
        expired = new ArrayList<>(2);
      }
      expired.add(poll());
    }
    return expired == null ? List.of() : expired;
  }

  /** Removes and returns the oldest ready message (overflow drop-head), or null. */
  public QueuedMessage dropHead() {
    return poll();
  }

  /** Adds a consumer. */
  public void addConsumer(QueueConsumer<H> consumer) {
    consumers.add(consumer);
    everHadConsumer = true;
    prioritised |= consumer.priority() != 0;
  }

  /** Removes the consumer with this channel and tag; returns it or null. Its unacked stay unacked. */
  public QueueConsumer<H> removeConsumer(String channelId, String tag) {
    for (Iterator<QueueConsumer<H>> it = consumers.iterator(); it.hasNext(); ) {
      QueueConsumer<H> c = it.next();
      if (c.is(channelId, tag)) {
        it.remove();
        if (roundRobin > consumers.size()) {
          roundRobin = 0;
        }
        return c;
      }
    }
    return null;
  }

  /** Removes every consumer of a channel; returns them in attach order. */
  public List<QueueConsumer<H>> removeConsumersOf(String channelId) {
    List<QueueConsumer<H>> removed = new ArrayList<>();
    for (Iterator<QueueConsumer<H>> it = consumers.iterator(); it.hasNext(); ) {
      QueueConsumer<H> c = it.next();
      if (c.channelId().equals(channelId)) {
        it.remove();
        removed.add(c);
      }
    }
    if (roundRobin > consumers.size()) {
      roundRobin = 0;
    }
    return removed;
  }

  /** True if some consumer holds the queue exclusively. */
  public boolean hasExclusiveConsumer() {
    for (QueueConsumer<H> c : consumers) {
      if (c.exclusive()) {
        return true;
      }
    }
    return false;
  }

  /** True if some consumer could take a message right now (LavinMQ's immediate check, §3.2). */
  public boolean hasReadyConsumer() {
    for (QueueConsumer<H> c : consumers) {
      if (c.hasCapacity()) {
        return true;
      }
    }
    return false;
  }

  /** Blocks or unblocks deliveries to every consumer of a channel (backpressure from a slow client). */
  public void setBlockedOf(String channelId, boolean blocked) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.setBlocked(blocked);
      }
    }
  }

  /**
   * A channel's shared credit has room again: its consumers that found it full may take it. Until then they
   * do not compete for it, so the channel decides which queue hears first (RabbitMQ's limiter wakes its
   * blocked queues in turn).
   */
  public void creditAvailable(String channelId) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.creditAvailable();
      }
    }
  }

  /** Changes the prefetch of every consumer of a channel (LavinMQ's basic.qos on existing consumers). */
  public void setPrefetchOf(String channelId, int prefetch) {
    for (QueueConsumer<H> c : consumers) {
      if (c.channelId().equals(channelId)) {
        c.setPrefetch(prefetch);
      }
    }
  }

  /**
   * Hands ready messages to consumers round robin until no message or no consumer with capacity is
   * left, without looking at expiry.
   */
  public List<Delivery<H>> deliverReady() {
    return deliverReady(Long.MIN_VALUE, e -> { });
  }

  /**
   * Hands ready messages to consumers round robin until no message or no consumer with capacity is left.
   * A message that comes to the head already past its expiry ({@code expiresAt < nowNanos}) is not delivered
   * but removed and given to {@code expired}: a message that expired behind a live head is never delivered
   * (semantics §5.1). One due exactly now is still delivered ({@code expiration = "0"} reaches a ready
   * consumer).
   */
  public List<Delivery<H>> deliverReady(long nowNanos, java.util.function.Consumer<QueuedMessage> expired) {
    List<Delivery<H>> out = null;
    while (!consumers.isEmpty()) {
      QueuedMessage head = peek();
      if (head == null) {
        break;
      }
      if (head.expiresAtNanos() < nowNanos) {
        expired.accept(poll());
        continue;
      }
      QueueConsumer<H> c = nextConsumerWithCapacity();
      if (c == null) {
        break;
      }
      if (out == null) {
        out = new ArrayList<>(4);
      }
      out.add(handOut(poll(), c));
    }
    return out == null ? List.of() : out;
  }

  /**
   * The next consumer that took capacity for one message now, or null: among the consumers of the highest
   * priority that have capacity (consumer priorities, {@code x-priority}), the next in round-robin order.
   */
  private QueueConsumer<H> nextConsumerWithCapacity() {
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
    java.util.TreeSet<Integer> levels = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
    for (QueueConsumer<H> c : consumers) {
      levels.add(c.priority());
    }
    for (int level : levels) {
      List<QueueConsumer<H>> group = new ArrayList<>();
      for (QueueConsumer<H> c : consumers) {
        if (c.priority() == level) {
          group.add(c);
        }
      }
      int start = priorityCursors.getOrDefault(level, 0);
      for (int i = 0; i < group.size(); i++) {
        int idx = (start + i) % group.size();
        if (group.get(idx).tryTake()) {
          priorityCursors.put(level, (idx + 1) % group.size());
          return group.get(idx);
        }
      }
    }
    return null;
  }

  private Delivery<H> handOut(QueuedMessage entry, QueueConsumer<H> consumer) {
    boolean redelivered = entry.redelivered();
    long id = nextDeliveryId++;
    if (consumer == null || !consumer.noAck()) {
      unacked.put(id, new Unacked<>(entry, consumer, consumer == null ? null : consumer.channelId()));
    }
    return new Delivery<>(consumer, entry, id, redelivered);
  }

  /** {@code basic.get}: the next ready message for a channel, tracked as unacked unless {@code noAck}; or null. */
  public Delivery<H> get(String channelId, boolean noAck) {
    QueuedMessage entry = poll();
    if (entry == null) {
      return null;
    }
    boolean redelivered = entry.redelivered();
    long id = nextDeliveryId++;
    if (!noAck) {
      unacked.put(id, new Unacked<>(entry, null, channelId));
    }
    return new Delivery<>(null, entry, id, redelivered);
  }

  /** Acknowledges a delivery; returns its entry or null if unknown. */
  public QueuedMessage ack(long deliveryId) {
    Unacked<H> u = unacked.remove(deliveryId);
    if (u == null) {
      return null;
    }
    if (u.consumer() != null) {
      u.consumer().settled();
    }
    return u.entry();
  }

  /** Puts a delivery back at its original position with {@code redelivered=true}; returns it or null. */
  public QueuedMessage requeue(long deliveryId) {
    QueuedMessage entry = ack(deliveryId);
    if (entry != null) {
      entry.markRedelivered();
      requeued.add(entry);
      readyBytes += entry.message().bodySize();
    }
    return entry;
  }

  /**
   * Requeues every unacked delivery made to a channel (its consumers' and its {@code basic.get}s), in
   * delivery order; returns the requeued entries. Used when the channel closes: deliveries still in
   * flight to it are included, so none can be stranded.
   */
  public List<QueuedMessage> requeueChannel(String channelId) {
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<Long, Unacked<H>> e : unacked.entrySet()) {
      if (channelId.equals(e.getValue().channelId())) {
        ids.add(e.getKey());
      }
    }
    List<QueuedMessage> out = new ArrayList<>(ids.size());
    for (long id : ids) {
      out.add(requeue(id));
    }
    return out;
  }

  /** Removes the ready messages that match (e.g. transient ones at a broker restart), in queue order. */
  public List<QueuedMessage> removeReady(java.util.function.Predicate<QueuedMessage> which) {
    List<QueuedMessage> all = purge();
    List<QueuedMessage> removed = new ArrayList<>();
    for (QueuedMessage m : all) {
      if (which.test(m)) {
        removed.add(m);
      } else if (m.redelivered()) {
        requeued.add(m);
        readyBytes += m.message().bodySize();
      } else {
        fresh.addLast(m);
        readyBytes += m.message().bodySize();
      }
    }
    return removed;
  }

  /** Removes all ready messages (purge); returns them in queue order. */
  public List<QueuedMessage> purge() {
    List<QueuedMessage> out = new ArrayList<>(readyCount());
    for (QueuedMessage m = poll(); m != null; m = poll()) {
      out.add(m);
    }
    return out;
  }

  /** Removes everything, ready then unacked (queue deletion); returns the entries. */
  public List<QueuedMessage> clear() {
    List<QueuedMessage> out = purge();
    for (Unacked<H> u : unacked.values()) {
      out.add(u.entry());
    }
    unacked.clear();
    consumers.clear();
    return out;
  }

  /** The unacked deliveries, in delivery order. */
  public Map<Long, Unacked<H>> unacked() {
    return java.util.Collections.unmodifiableMap(unacked);
  }

  /** Ready entries in serving order, without removing them (for snapshots and tests). */
  public List<QueuedMessage> readySnapshot() {
    List<QueuedMessage> r = new ArrayList<>(requeued);
    r.sort(Comparator.comparingLong(QueuedMessage::position));
    r.addAll(fresh);
    return r;
  }
}
