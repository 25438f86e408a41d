package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The messages and consumers of one queue, as pure rules:
 *
 * <ul>
 *   <li>ready messages are served in publish order, by priority level when the queue has message priorities
 *       (semantics §12); a message that comes back goes to its original position with {@code redelivered=true}
 *       (requeued messages precede never-delivered ones of their level, because delivery takes from the head:
 *       §4.1), or, in a quorum queue, to a returns queue served before everything else (§9.7);</li>
 *   <li>consumers are served round robin, skipping those at their prefetch limit (§4.5), highest consumer
 *       priority first (§4.6); with single active consumer only the active one is served (§11);</li>
 *   <li>every delivery that needs an ack is tracked by a queue-local delivery id until it is settled; returns are
 *       counted, and a message over the delivery limit is taken out instead of requeued (§9.4);</li>
 *   <li>a consumer timeout evaluated by the queue takes a consumer's overdue deliveries back (§10.3);</li>
 *   <li>expiry happens only at the head of the queue (§5.1).</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner (the queue actor) drives it.
 */
public final class QueueState<H> {

  /** A message handed to a consumer (or to {@code basic.get} when {@code consumer} is null). */
  public record Delivery<H>(QueueConsumer<H> consumer, QueuedMessage entry, long deliveryId, boolean redelivered) {}

  /** A delivery awaiting its ack; {@code deadlineNanos} is when its consumer timeout passes (MAX_VALUE: never). */
  public record Unacked<H>(QueuedMessage entry, QueueConsumer<H> consumer, String channelId, long deadlineNanos) {}

  /**
   * A delivery that came back: requeued, or ({@code overLimit}) taken out of the queue because it passed the
   * delivery limit, to be dead-lettered or dropped by the owner.
   */
  public record Returned(QueuedMessage entry, boolean overLimit) {}

  /**
   * What a consumer timeout took back from one consumer, or from one channel's {@code basic.get}s when
   * {@code consumer} is null: the delivery ids the channel still holds tags for, and what became of each.
   */
  public record TimedOut<H>(QueueConsumer<H> consumer, String channelId, List<Long> deliveryIds,
      List<Returned> returned) {}

  /** A dead letter kept by the queue until it can be routed (at-least-once dead-lettering, §9.5). */
  public record PendingDeadLetter(QueuedMessage entry, String reason) {}

  private final QueueFeatures features;
  private final ReadyMessages ready;
  private final QueueConsumers<H> consumers;
  private final Map<Long, Unacked<H>> unacked = new LinkedHashMap<>();
  /** Deadlines of unacked deliveries as {deadline, deliveryId}; entries of settled deliveries are skipped. */
  private final PriorityQueue<long[]> deadlines = new PriorityQueue<>(Comparator.<long[]>comparingLong(d -> d[0])
      .thenComparingLong(d -> d[1]));
  private final List<PendingDeadLetter> pendingDeadLetters = new ArrayList<>();
  private long pendingBytes;
  private long nextPosition = 1;
  private long nextDeliveryId = 1;

  /** A classic queue without message priorities. */
  public QueueState() {
    this(QueueFeatures.CLASSIC);
  }

  /** A queue that behaves as {@code features} say. */
  public QueueState(QueueFeatures features) {
    this.features = features;
    this.ready = new ReadyMessages(features.maxPriority(), features.requeue() == QueueFeatures.Requeue.RETURNS_FIRST);
    this.consumers = new QueueConsumers<>(features.singleActive());
  }

  public QueueFeatures features() {
    return features;
  }

  /** Appends a message, at the priority level its {@code priority} property asks for; returns its entry. */
  public QueuedMessage enqueue(Message message, long expiresAtNanos) {
    QueuedMessage entry = new QueuedMessage(message, nextPosition++, expiresAtNanos,
        features.levelOf(message.properties().priority()));
    ready.add(entry);
    return entry;
  }

  /** Number of ready messages (what {@code declare-ok.message_count} reports: unacked excluded, §2.6). */
  public int readyCount() {
    return ready.size();
  }

  public long readyBytes() {
    return ready.bytes();
  }

  public int unackedCount() {
    return unacked.size();
  }

  /**
   * The consumers {@code declare-ok.consumer_count} reports: all of them, or on a quorum queue with single active
   * consumer only the active one (§11.3).
   */
  public int consumerCount() {
    if (features.singleActiveConsumer() && !features.countsWaitingConsumers()) {
      return consumers.active() == null ? 0 : 1;
    }
    return consumers.size();
  }

  /** True while any consumer is attached, active or waiting (what auto-delete and {@code x-expires} look at). */
  public boolean hasConsumers() {
    return !consumers.isEmpty();
  }

  public boolean everHadConsumer() {
    return consumers.everHadConsumer();
  }

  public List<QueueConsumer<H>> consumers() {
    return consumers.list();
  }

  /** The single active consumer, or null (none attached, or the queue has no single active consumer). */
  public QueueConsumer<H> activeConsumer() {
    return consumers.active();
  }

  /** The next ready message without removing it, or null. */
  public QueuedMessage peek() {
    return ready.peek();
  }

  private QueuedMessage poll() {
    return ready.poll();
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

  // ------------------------------------------------------------------------------------------ consumers

  /** Adds a consumer; on a single-active-consumer queue it becomes active if none is, or takes over (§11). */
  public void addConsumer(QueueConsumer<H> consumer) {
    consumers.add(consumer);
  }

  /** Removes the consumer with this channel and tag; returns it or null. Its unacked stay unacked. */
  public QueueConsumer<H> removeConsumer(String channelId, String tag) {
    return consumers.remove(channelId, tag);
  }

  /** Removes every consumer of a channel; returns them in attach order. */
  public List<QueueConsumer<H>> removeConsumersOf(String channelId) {
    return consumers.removeOf(channelId);
  }

  /** True if some consumer holds the queue exclusively. */
  public boolean hasExclusiveConsumer() {
    return consumers.hasExclusive();
  }

  /** True if some consumer could take a message right now (LavinMQ's immediate check, §3.2). */
  public boolean hasReadyConsumer() {
    return consumers.hasReady();
  }

  /** Blocks or unblocks deliveries to every consumer of a channel (backpressure from a slow client). */
  public void setBlockedOf(String channelId, boolean blocked) {
    consumers.setBlockedOf(channelId, blocked);
  }

  /**
   * A channel's shared credit has room again: its consumers that found it full may take it. Until then they
   * do not compete for it, so the channel decides which queue hears first (RabbitMQ's limiter wakes its
   * blocked queues in turn).
   */
  public void creditAvailable(String channelId) {
    consumers.creditAvailableOf(channelId);
  }

  /** Changes the prefetch of every consumer of a channel (LavinMQ's basic.qos on existing consumers). */
  public void setPrefetchOf(String channelId, int prefetch) {
    consumers.setPrefetchOf(channelId, prefetch);
  }

  // ------------------------------------------------------------------------------------------ deliveries

  /**
   * Hands ready messages to consumers round robin until no message or no consumer with capacity is
   * left, without looking at expiry or consumer timeouts.
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
  public List<Delivery<H>> deliverReady(long nowNanos, Consumer<QueuedMessage> expired) {
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
      QueueConsumer<H> c = consumers.next();
      if (c == null) {
        break;
      }
      if (out == null) {
        out = new ArrayList<>(4);
      }
      out.add(handOut(poll(), c, c.channelId(), nowNanos, c.timeoutMillis(), c.noAck()));
    }
    return out == null ? List.of() : out;
  }

  private Delivery<H> handOut(QueuedMessage entry, QueueConsumer<H> consumer, String channelId, long nowNanos,
      long timeoutMillis, boolean noAck) {
    boolean redelivered = entry.redelivered();
    long id = nextDeliveryId++;
    if (!noAck) {
      long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : nowNanos + timeoutMillis * 1_000_000L;
      unacked.put(id, new Unacked<>(entry, consumer, channelId, deadline));
      if (deadline != Long.MAX_VALUE) {
        deadlines.add(new long[] {deadline, id});
      }
    }
    return new Delivery<>(consumer, entry, id, redelivered);
  }

  /** {@code basic.get}: the next ready message for a channel, tracked as unacked unless {@code noAck}; or null. */
  public Delivery<H> get(String channelId, boolean noAck) {
    return get(channelId, noAck, Long.MIN_VALUE, -1);
  }

  /**
   * {@code basic.get} at {@code nowNanos}, on a queue that takes the delivery back after {@code timeoutMillis}
   * unless it is acknowledged first (-1: never).
   */
  public Delivery<H> get(String channelId, boolean noAck, long nowNanos, long timeoutMillis) {
    QueuedMessage entry = poll();
    if (entry == null) {
      return null;
    }
    return handOut(entry, null, channelId, nowNanos, timeoutMillis, noAck);
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
    consumers.settled();
    return u.entry();
  }

  /**
   * Takes a delivery back for the reason {@code why}: counts the return (§9.4) and puts the message back, as the
   * queue's type says, with {@code redelivered=true}; or, if the count passed the delivery limit, takes it out.
   * Returns null if the delivery is unknown.
   */
  public Returned giveBack(long deliveryId, Return why) {
    QueuedMessage entry = ack(deliveryId);
    if (entry == null) {
      return null;
    }
    boolean failed = features.counts(why);
    entry.countReturn(failed);
    if (failed && features.deliveryLimit() >= 0 && entry.deliveryCount() > features.deliveryLimit()) {
      return new Returned(entry, true);
    }
    entry.markRedelivered();
    ready.putBack(entry);
    return new Returned(entry, false);
  }

  /**
   * Takes back every unacked delivery made to a channel (its consumers' and its {@code basic.get}s), in
   * delivery order, as {@link Return#CHANNEL_GONE}. Used when the channel closes: deliveries still in flight to
   * it are included, so none can be stranded.
   */
  public List<Returned> giveBackChannel(String channelId) {
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<Long, Unacked<H>> e : unacked.entrySet()) {
      if (channelId.equals(e.getValue().channelId())) {
        ids.add(e.getKey());
      }
    }
    List<Returned> out = new ArrayList<>(ids.size());
    for (long id : ids) {
      out.add(giveBack(id, Return.CHANNEL_GONE));
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------ timeouts

  /** When the earliest consumer timeout of an unacked delivery passes, or {@link Long#MAX_VALUE}. */
  public long nextDeadline() {
    for (long[] d = deadlines.peek(); d != null; d = deadlines.peek()) {
      Unacked<H> u = unacked.get(d[1]);
      if (u != null && u.deadlineNanos() == d[0]) {
        return d[0];
      }
      deadlines.poll();
    }
    return Long.MAX_VALUE;
  }

  /**
   * Takes back every delivery whose consumer timeout has passed at {@code nowNanos} ({@link Return#TIMEOUT}),
   * per consumer (and per channel for {@code basic.get}s), in delivery order. A consumer that timed out gets no
   * new message until its client settles every delivery taken back; on a single-active-consumer queue it gives
   * way to a waiting consumer when it holds nothing else (§10.3).
   */
  public List<TimedOut<H>> timeOut(long nowNanos) {
    Map<Object, List<Long>> overdue = new LinkedHashMap<>();
    for (Map.Entry<Long, Unacked<H>> e : unacked.entrySet()) {
      Unacked<H> u = e.getValue();
      if (u.deadlineNanos() <= nowNanos) {
        Object key = u.consumer() != null ? u.consumer() : u.channelId();
        overdue.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey());
      }
    }
    if (overdue.isEmpty()) {
      return List.of();
    }
    List<TimedOut<H>> out = new ArrayList<>(overdue.size());
    for (List<Long> ids : overdue.values()) {
      Unacked<H> first = unacked.get(ids.get(0));
      QueueConsumer<H> c = first.consumer();
      List<Returned> back = new ArrayList<>(ids.size());
      for (long id : ids) {
        back.add(giveBack(id, Return.TIMEOUT));
        if (c != null) {
          c.timedOut(id);
        }
      }
      out.add(new TimedOut<>(c, first.channelId(), List.copyOf(ids), back));
      if (c != null) {
        consumers.timedOut(c);
      }
    }
    return out;
  }

  /**
   * A channel settled deliveries of its consumer that a timeout had taken back: once all are settled the
   * consumer gets messages again (§10.3). Unknown ids are ignored.
   */
  public void settledAfterTimeout(String channelId, long[] deliveryIds) {
    consumers.settledAfterTimeout(channelId, deliveryIds);
  }

  // ------------------------------------------------------------------------------------------ dead letters

  /** Keeps a dead letter that could not be routed yet (at-least-once, §9.5). */
  public void holdDeadLetter(QueuedMessage entry, String reason) {
    pendingDeadLetters.add(new PendingDeadLetter(entry, reason));
    pendingBytes += entry.message().bodySize();
  }

  /** Removes and returns the held dead letters, oldest first, for another attempt. */
  public List<PendingDeadLetter> takePendingDeadLetters() {
    List<PendingDeadLetter> out = List.copyOf(pendingDeadLetters);
    pendingDeadLetters.clear();
    pendingBytes = 0;
    return out;
  }

  public int pendingDeadLetterCount() {
    return pendingDeadLetters.size();
  }

  /** Messages a length limit counts: ready ones and held dead letters (RabbitMQ's quorum queues, §9.6). */
  public int lengthForLimit() {
    return ready.size() + pendingDeadLetters.size();
  }

  /** Bytes a length limit counts: ready messages and held dead letters. */
  public long bytesForLimit() {
    return ready.bytes() + pendingBytes;
  }

  // ------------------------------------------------------------------------------------------ bulk

  /** Removes the ready messages that match (e.g. transient ones at a broker restart), in queue order. */
  public List<QueuedMessage> removeReady(Predicate<QueuedMessage> which) {
    return ready.removeIf(which);
  }

  /** Removes all ready messages (purge); returns them in queue order. */
  public List<QueuedMessage> purge() {
    List<QueuedMessage> out = new ArrayList<>(readyCount());
    for (QueuedMessage m = poll(); m != null; m = poll()) {
      out.add(m);
    }
    return out;
  }

  /** Removes everything, ready, unacked and held dead letters (queue deletion); returns the entries. */
  public List<QueuedMessage> clear() {
    List<QueuedMessage> out = purge();
    for (Unacked<H> u : unacked.values()) {
      out.add(u.entry());
    }
    for (PendingDeadLetter p : takePendingDeadLetters()) {
      out.add(p.entry());
    }
    unacked.clear();
    deadlines.clear();
    consumers.clear();
    return out;
  }

  /** The unacked deliveries, in delivery order. */
  public Map<Long, Unacked<H>> unacked() {
    return Collections.unmodifiableMap(unacked);
  }

  /** The held dead letters, oldest first. */
  public List<PendingDeadLetter> pendingDeadLetters() {
    return List.copyOf(pendingDeadLetters);
  }

  /** Ready entries in serving order, without removing them (for snapshots and tests). */
  public List<QueuedMessage> readySnapshot() {
    return ready.snapshot();
  }
}
