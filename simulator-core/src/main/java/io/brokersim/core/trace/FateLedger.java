package io.brokersim.core.trace;

import io.brokersim.core.trace.TraceEvent.Acked;
import io.brokersim.core.trace.TraceEvent.ChannelClosed;
import io.brokersim.core.trace.TraceEvent.ConnectionClosed;
import io.brokersim.core.trace.TraceEvent.ConsumerCancelled;
import io.brokersim.core.trace.TraceEvent.DeadLetterHeld;
import io.brokersim.core.trace.TraceEvent.DeadLettered;
import io.brokersim.core.trace.TraceEvent.Delivered;
import io.brokersim.core.trace.TraceEvent.Discarded;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.Expired;
import io.brokersim.core.trace.TraceEvent.FaultInjected;
import io.brokersim.core.trace.TraceEvent.Published;
import io.brokersim.core.trace.TraceEvent.QueueDeleted;
import io.brokersim.core.trace.TraceEvent.QueuePurged;
import io.brokersim.core.trace.TraceEvent.Rejected;
import io.brokersim.core.trace.TraceEvent.ReplyDropped;
import io.brokersim.core.trace.TraceEvent.ReplyRouted;
import io.brokersim.core.trace.TraceEvent.Requeued;
import io.brokersim.core.trace.TraceEvent.Returned;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link TraceSink} that follows every message from publish to fate, copy by copy, and checks the
 * invariant "nothing is lost silently": at the end of a run every copy has exactly one {@link Fate} or is
 * still held by its queue, and every such claim is backed by an event.
 *
 * <p>Copy lifecycle, by event (see {@link Fate.Kind} for each terminal event):
 *
 * <pre>
 *   Published ─► UNROUTED ─┬─ Routed([q, ...]) ─► IN_FLIGHT ─ Enqueued ─► LIVE_READY ─ Delivered ─► LIVE_UNACKED
 *                          │                                                  ▲                       │
 *                          │                                                  └─────── Requeued ──────┘
 *                          ├─ ReplyRouted ─► IN_FLIGHT (reply:name) ─ Delivered ─► DELIVERED_REPLY
 *                          └─ Routed([]) then Returned | Discarded(queue=null) ─► a fate
 *   a copy not settled ─ Acked | Delivered(autoAck) | Expired | DeadLettered | Discarded | QueuePurged
 *                        | QueueDeleted | ReplyDropped ─► a fate
 *   a copy in its queue ─ DeadLetterHeld ─► DEAD_LETTER_HELD (at-least-once, no route yet) ─ DeadLettered ─► a fate
 *   DeadLettered and FaultInjected(duplicate) create their new message in UNROUTED.
 * </pre>
 *
 * <p>Anomalies the trace alone proves (a second fate, an event on a settled copy, an ack of a copy never
 * delivered, an event for a message never published, ...) are collected as they happen and reported by
 * {@link #assertNothingLostSilently()}. Events for messages the ledger never saw are legitimate only for
 * the new message of a {@link DeadLettered} or of a duplicating {@link FaultInjected}, which create it.
 * Attach the ledger before the first publish. Thread-safe.
 */
public final class FateLedger implements TraceSink {

  /** Anomalies kept in full; later ones are only counted. */
  public static final int MAX_ANOMALIES = 1_000;

  private static final String RABBIT_REPLY_PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
  private static final String LAVIN_REPLY_PSEUDO_QUEUE = "amq.direct.reply-to";
  private static final int MAX_EXPLAIN_DEPTH = 4;

  private final Map<String, Msg> messages = new LinkedHashMap<>();
  private final Map<String, List<Msg>> byCorrelation = new HashMap<>();
  /** Copies not yet settled (in flight, ready, unacked) per queue, in arrival order. */
  private final Map<String, Map<String, Copy>> openByQueue = new HashMap<>();
  private final Map<String, Closure> channelClosed = new HashMap<>();
  private final Map<String, Closure> connectionClosed = new HashMap<>();
  private final Map<String, Closure> replyConsumerCancelled = new HashMap<>();
  private final Map<String, TraceRecord> lastFaultByTarget = new HashMap<>();
  private final Map<String, String> replyOwner = new HashMap<>();
  private final Map<String, TraceRecord> queueDeleted = new HashMap<>();
  /** Copies settled by a per-copy Discarded since the queue's last QueuePurged / QueueDeleted. */
  private final Map<String, Integer> explicitlyPurged = new HashMap<>();
  private final Map<String, Integer> explicitlyDeleted = new HashMap<>();
  private final List<String> anomalies = new ArrayList<>();
  private int anomaliesNotKept;
  private TraceRecord now;

  /** An empty ledger; add it to a {@link Trace} before the first publish. */
  public static FateLedger create() {
    return new FateLedger();
  }

  /** A ledger built from recorded records, e.g. {@code MemorySink.records()}. */
  public static FateLedger replay(Iterable<TraceRecord> records) {
    FateLedger ledger = new FateLedger();
    for (TraceRecord r : records) {
      ledger.accept(r);
    }
    return ledger;
  }

  /** The key of one copy, {@code msgId@queue}, as the broker reports live copies. */
  public static String copyKey(String msgId, String queue) {
    return msgId + "@" + queue;
  }

  // ---------------------------------------------------------------------------------------------- events

  @Override
  public synchronized void accept(TraceRecord record) {
    now = record;
    TraceEvent e = record.event();
    if (e instanceof Published p) {
      onPublished(p);
    } else if (e instanceof Routed x) {
      onRouted(x);
    } else if (e instanceof Enqueued x) {
      onEnqueued(x);
    } else if (e instanceof Delivered x) {
      onDelivered(x);
    } else if (e instanceof Acked x) {
      onAcked(x);
    } else if (e instanceof Rejected x) {
      onRejected(x);
    } else if (e instanceof Requeued x) {
      onRequeued(x);
    } else if (e instanceof Returned x) {
      onReturned(x);
    } else if (e instanceof Expired x) {
      onExpired(x);
    } else if (e instanceof DeadLettered x) {
      onDeadLettered(x);
    } else if (e instanceof DeadLetterHeld x) {
      onDeadLetterHeld(x);
    } else if (e instanceof Discarded x) {
      onDiscarded(x);
    } else if (e instanceof ReplyRouted x) {
      onReplyRouted(x);
    } else if (e instanceof ReplyDropped x) {
      onReplyDropped(x);
    } else if (e instanceof QueueDeleted x) {
      onQueueDeleted(x);
    } else if (e instanceof QueuePurged x) {
      onQueuePurged(x);
    } else if (e instanceof FaultInjected x) {
      onFaultInjected(x);
    } else if (e instanceof ChannelClosed x) {
      channelClosed.put(x.channel(), closure(x.initiator(), x.channel()));
    } else if (e instanceof ConnectionClosed x) {
      connectionClosed.put(x.conn(), closure(x.initiator(), x.conn()));
    } else if (e instanceof ConsumerCancelled x && isReplyPseudoQueue(x.queue())) {
      replyConsumerCancelled.put(x.channel(), closure(x.initiator(), x.channel()));
    }
  }

  private void onPublished(Published p) {
    if (messages.containsKey(p.msgId())) {
      anomaly(p.msgId() + " was published twice (msgIds must be unique)");
      return;
    }
    Msg m = newMessage(p.msgId(), null);
    m.channel = p.channel();
    m.exchange = p.exchange();
    m.routingKey = p.routingKey();
    m.mandatory = p.mandatory();
    m.immediate = p.immediate();
    m.correlationId = p.correlationId();
    m.replyTo = p.replyTo();
    m.messageId = p.messageId();
    indexCorrelation(m);
    if (p.replyTo() != null) {
      replyOwner.put(p.replyTo(), p.channel());
    }
  }

  private void onRouted(Routed x) {
    Msg m = known(x.msgId());
    if (m == null) {
      return;
    }
    if (m.routed != null) {
      anomaly(x.msgId() + " was routed twice (first to " + quoted(m.routed) + ")");
    }
    m.routed = x.queues();
    m.routedAt = now;
    if (m.exchange == null) {
      m.exchange = x.exchange();
    }
    if (m.routingKey == null) {
      m.routingKey = x.routingKey();
    }
    // An empty route settles nothing: Returned or Discarded(unroutable) must follow.
    for (String queue : x.queues()) {
      if (!m.copies.containsKey(queue)) {
        open(m, queue);
      }
    }
  }

  private void onEnqueued(Enqueued x) {
    Copy c = copy(x.msgId(), x.queue(), true);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.IN_FLIGHT) {
      anomaly(c.key() + " was enqueued again while " + describeState(c));
    }
    c.state = CopyState.LIVE_READY;
    c.enqueued = now;
  }

  private void onDelivered(Delivered x) {
    boolean reply = x.queue().startsWith(TraceEvent.REPLY_QUEUE_PREFIX);
    Copy c = copy(x.msgId(), x.queue(), true);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state == CopyState.LIVE_UNACKED && !(x.redelivered() && x.channel().equals(c.channel))) {
      // Only basic.recover(requeue=false) (LavinMQ) redelivers an unacked copy, on its own channel.
      anomaly(c.key() + " was delivered again while " + describeState(c) + " on " + c.channel);
    } else if (c.state == CopyState.IN_FLIGHT && !reply) {
      anomaly(c.key() + " was delivered without an Enqueued event");
    } else if (c.state == CopyState.DEAD_LETTER_HELD) {
      anomaly(c.key() + " was delivered while held as a dead letter");
    }
    c.deliveries++;
    c.channel = x.channel();
    c.consumerTag = x.consumerTag();
    c.deliveryTag = x.deliveryTag();
    c.delivered = now;
    c.rejected = null;
    if (reply) {
      settle(c, Fate.Kind.DELIVERED_REPLY, x.channel(), 0, x.consumerTag());
    } else if (x.autoAck()) {
      settle(c, Fate.Kind.AUTO_ACKED, x.channel(), 0, x.consumerTag());
    } else {
      c.state = CopyState.LIVE_UNACKED;
    }
  }

  private void onAcked(Acked x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, true)) {
      return;
    }
    if (c.state != CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " was acked on " + x.channel() + " while " + describeState(c));
    } else if (!x.channel().equals(c.channel) || x.deliveryTag() != c.deliveryTag) {
      anomaly(c.key() + " was acked as " + x.channel() + " tag " + x.deliveryTag()
          + " but delivered as " + c.channel + " tag " + c.deliveryTag);
    }
    settle(c, Fate.Kind.ACKNOWLEDGED, x.channel(), 0, null);
  }

  private void onRejected(Rejected x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, true)) {
      return;
    }
    if (c.state != CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " was rejected on " + x.channel() + " while " + describeState(c));
    }
    c.rejected = now;
  }

  private void onRequeued(Requeued x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, true)) {
      return;
    }
    if (!c.state.heldByQueue()) {
      anomaly(c.key() + " was requeued while " + describeState(c));
    }
    c.state = CopyState.LIVE_READY;
    c.requeued = now;
    c.rejected = null;
  }

  private void onReturned(Returned x) {
    Msg m = known(x.msgId());
    if (m == null) {
      return;
    }
    if (m.returned != null) {
      anomaly(x.msgId() + " was returned twice");
    }
    m.returned = now;
    m.returnCode = x.code();
    Copy unrouted = m.copies.get(null);
    if (unrouted != null) {
      if (!rejectIfSettled(unrouted, false)) {
        settle(unrouted, Fate.Kind.RETURNED, x.channel(), x.code(), x.text());
      }
    }
    // With copies, the return accompanies a delivery (RabbitMQ <= 4.1 direct reply-to with mandatory):
    // it is recorded on the message and settles nothing.
  }

  private void onExpired(Expired x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state == CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " expired while " + describeState(c));
    }
    settle(c, Fate.Kind.EXPIRED, null, 0, null);
  }

  private void onDeadLettered(DeadLettered x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    settle(c, Fate.Kind.DEAD_LETTERED, c.rejected == null ? null : c.channel, 0, x.newMsgId());
    if (messages.containsKey(x.newMsgId())) {
      anomaly("dead letter " + x.newMsgId() + " of " + c.key() + " reuses an existing msgId");
      return;
    }
    Msg dead = derive(c.msg, x.newMsgId(),
        new MessageFate.Origin(x.msgId(), MessageFate.Origin.DEAD_LETTERED, x.queue(), x.reason()));
    dead.exchange = x.deadLetterExchange();
  }

  private void onDeadLetterHeld(DeadLetterHeld x) {
    Copy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.LIVE_READY && c.state != CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " was held as a dead letter while " + describeState(c));
    }
    c.state = CopyState.DEAD_LETTER_HELD;
    c.deadLetterHeld = now;
  }

  private void onDiscarded(Discarded x) {
    Fate.Kind kind;
    switch (x.cause()) {
      case Discarded.CAUSE_UNROUTABLE -> kind = Fate.Kind.DROPPED_UNROUTABLE;
      case Discarded.CAUSE_FAULT -> kind = Fate.Kind.DROPPED_BY_FAULT;
      case Discarded.CAUSE_REJECTED_NO_DLX -> kind = Fate.Kind.DISCARDED_REJECTED;
      case Discarded.CAUSE_OVERFLOW -> kind = Fate.Kind.DROPPED_OVERFLOW;
      case Discarded.CAUSE_PURGED -> kind = Fate.Kind.PURGED;
      case Discarded.CAUSE_QUEUE_DELETED -> kind = Fate.Kind.DELETED_WITH_QUEUE;
      case Discarded.CAUSE_CONSUMER_GONE -> kind = Fate.Kind.DROPPED_CONSUMER_GONE;
      case Discarded.CAUSE_ROLLED_BACK -> kind = Fate.Kind.ROLLED_BACK;
      case Discarded.CAUSE_DELIVERY_LIMIT -> kind = Fate.Kind.DROPPED_DELIVERY_LIMIT;
      default -> {
        anomaly(x.msgId() + " was discarded with unknown cause '" + x.cause() + "'");
        return;
      }
    }
    Copy c;
    if (x.queue() == null) {
      Msg m = known(x.msgId());
      if (m == null) {
        return;
      }
      c = m.copies.get(null);
      if (c == null) {
        anomaly(x.msgId() + " was discarded without a queue after routing to " + quoted(m.routed));
        return;
      }
    } else {
      c = copy(x.msgId(), x.queue(), true);
    }
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (kind == Fate.Kind.PURGED && c.state == CopyState.LIVE_READY) {
      explicitlyPurged.merge(c.queue, 1, Integer::sum);
    } else if (kind == Fate.Kind.DELETED_WITH_QUEUE && c.state.heldByQueue()) {
      explicitlyDeleted.merge(c.queue, 1, Integer::sum);
    }
    if (kind == Fate.Kind.DISCARDED_REJECTED) {
      Rejected r = c.rejected == null ? null : (Rejected) c.rejected.event();
      settle(c, kind, r == null ? null : r.channel(), 0, r == null ? null : r.method());
    } else {
      settle(c, kind, null, 0, x.detail());
    }
  }

  private void onReplyRouted(ReplyRouted x) {
    Msg m = known(x.msgId());
    if (m == null) {
      return;
    }
    replyOwner.put(x.replyName(), x.requesterChannel());
    Copy c = replyCopy(m, x.replyName());
    if (rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.IN_FLIGHT) {
      anomaly(c.key() + " was routed to a requester while " + describeState(c));
    }
    c.channel = x.requesterChannel();
  }

  private void onReplyDropped(ReplyDropped x) {
    Msg m = known(x.msgId());
    if (m == null) {
      return;
    }
    Copy c = replyCopy(m, x.replyName());
    if (!rejectIfSettled(c, false)) {
      settle(c, Fate.Kind.REPLY_DROPPED, replyOwner.get(x.replyName()), 0, x.reason());
    }
  }

  private void onQueueDeleted(QueueDeleted x) {
    queueDeleted.put(x.queue(), now);
    // Copies still on their way stay open: the queue must report them (Discarded) when they arrive.
    int held = explicitlyDeleted.getOrDefault(x.queue(), 0);
    explicitlyDeleted.remove(x.queue());
    Map<String, Copy> open = openByQueue.get(x.queue());
    if (open != null) {
      for (Copy c : List.copyOf(open.values())) {
        if (c.state.heldByQueue()) {
          held++;
          settle(c, Fate.Kind.DELETED_WITH_QUEUE, null, 0, x.reason());
        }
      }
    }
    if (held != x.messagesDiscarded()) {
      anomaly("queue '" + x.queue() + "' was deleted reporting " + x.messagesDiscarded()
          + " messages discarded, but the ledger held " + held + " live copies in it");
    }
  }

  private void onQueuePurged(QueuePurged x) {
    Map<String, Copy> open = openByQueue.get(x.queue());
    int purged = explicitlyPurged.getOrDefault(x.queue(), 0);
    explicitlyPurged.remove(x.queue());
    if (open != null) {
      for (Copy c : List.copyOf(open.values())) {
        if (c.state == CopyState.LIVE_READY) {
          purged++;
          settle(c, Fate.Kind.PURGED, null, 0, null);
        }
      }
    }
    if (purged != x.messagesPurged()) {
      anomaly("queue '" + x.queue() + "' was purged reporting " + x.messagesPurged()
          + " messages, but the ledger held " + purged + " ready copies in it");
    }
  }

  private void onFaultInjected(FaultInjected x) {
    if (x.target() != null) {
      lastFaultByTarget.put(x.target(), now);
    }
    if (x.msgId() == null) {
      return;
    }
    Msg m = known(x.msgId());
    if (m == null) {
      return;
    }
    m.faults.add(now);
    if (FaultInjected.ACTION_DUPLICATE.equals(x.action()) && x.newMsgId() != null) {
      if (messages.containsKey(x.newMsgId())) {
        anomaly("duplicate " + x.newMsgId() + " of " + x.msgId() + " reuses an existing msgId");
        return;
      }
      Msg dup = derive(m, x.newMsgId(),
          new MessageFate.Origin(x.msgId(), MessageFate.Origin.DUPLICATED, x.target(), x.rule()));
      dup.exchange = m.exchange;
      dup.routingKey = m.routingKey;
    }
  }

  // ------------------------------------------------------------------------------------- bookkeeping

  private Msg newMessage(String msgId, MessageFate.Origin origin) {
    Msg m = new Msg(msgId, origin, now);
    messages.put(msgId, m);
    m.copies.put(null, new Copy(m, null, CopyState.UNROUTED, now));
    return m;
  }

  private Msg derive(Msg from, String newMsgId, MessageFate.Origin origin) {
    Msg m = newMessage(newMsgId, origin);
    m.correlationId = from.correlationId;
    m.replyTo = from.replyTo;
    m.messageId = from.messageId;
    from.derived.add(newMsgId);
    indexCorrelation(m);
    return m;
  }

  private void indexCorrelation(Msg m) {
    if (m.correlationId != null) {
      byCorrelation.computeIfAbsent(m.correlationId, k -> new ArrayList<>()).add(m);
    }
  }

  /** Creates an in-flight copy in {@code queue}; the message is no longer unrouted. */
  private Copy open(Msg m, String queue) {
    Copy unrouted = m.copies.get(null);
    if (unrouted != null) {
      if (unrouted.state == CopyState.UNROUTED) {
        m.copies.remove(null);
      } else {
        anomaly(m.msgId + " reached '" + queue + "' after its fate " + describeState(unrouted));
      }
    }
    Copy c = new Copy(m, queue, CopyState.IN_FLIGHT, now);
    m.copies.put(queue, c);
    openByQueue.computeIfAbsent(queue, k -> new LinkedHashMap<>()).put(m.msgId, c);
    return c;
  }

  private Copy replyCopy(Msg m, String replyName) {
    String queue = TraceEvent.replyQueue(replyName);
    Copy c = m.copies.get(queue);
    if (c == null) {
      c = open(m, queue);
      if (m.routed == null) {
        m.routed = List.of(queue);
        m.routedAt = now;
      }
    }
    return c;
  }

  /**
   * The copy of {@code msgId} in {@code queue}. A copy routing did not announce is created for a fault
   * duplicate (which may skip routing); for any other message that is an anomaly, and the copy is created
   * anyway when {@code create} so that its later events are still checked.
   */
  private Copy copy(String msgId, String queue, boolean create) {
    Msg m = known(msgId);
    if (m == null) {
      return null;
    }
    Copy c = m.copies.get(queue);
    if (c != null) {
      return c;
    }
    boolean duplicate = m.origin != null && MessageFate.Origin.DUPLICATED.equals(m.origin.how());
    if (!duplicate) {
      anomaly(copyKey(msgId, queue) + ": '" + now.event().kind() + "' for a queue routing did not choose"
          + (m.routed == null ? " (not routed yet)" : " (routed to " + quoted(m.routed) + ")"));
    }
    return create ? open(m, queue) : null;
  }

  private Msg known(String msgId) {
    Msg m = messages.get(msgId);
    if (m == null) {
      anomaly("'" + now.event().kind() + "' for " + msgId + ", which was never published");
    }
    return m;
  }

  /**
   * True (and an anomaly is recorded) if the copy already has a fate. Acks, rejects and requeues that reach
   * a copy discarded with its deleted queue are tolerated: the client still held those delivery tags.
   */
  private boolean rejectIfSettled(Copy c, boolean lateSettlementAllowed) {
    if (c.state != CopyState.SETTLED) {
      return false;
    }
    if (!(lateSettlementAllowed && c.fate.kind() == Fate.Kind.DELETED_WITH_QUEUE)) {
      anomaly(c.key() + " got '" + now.event().kind() + "' after its fate " + describeState(c));
    }
    return true;
  }

  private void settle(Copy c, Fate.Kind kind, String channel, int code, String detail) {
    c.fate = new Fate(kind, now.seq(), now.virtualNanos(), channel, code, detail);
    c.state = CopyState.SETTLED;
    if (c.queue != null) {
      Map<String, Copy> open = openByQueue.get(c.queue);
      if (open != null) {
        open.remove(c.msg.msgId);
      }
    }
  }

  private Closure closure(String initiator, String target) {
    String rule = null;
    if ("fault".equals(initiator)) {
      TraceRecord fault = lastFaultByTarget.get(target);
      if (fault == null && connectionOf(target) != null) {
        fault = lastFaultByTarget.get(connectionOf(target));
      }
      rule = fault == null ? null : ((FaultInjected) fault.event()).rule();
    }
    return new Closure(now, rule);
  }

  private void anomaly(String text) {
    if (anomalies.size() < MAX_ANOMALIES) {
      anomalies.add("[" + time(now.virtualNanos()) + " #" + now.seq() + "] " + text);
    } else {
      anomaliesNotKept++;
    }
  }

  // ------------------------------------------------------------------------------------------ queries

  /** What the ledger knows about one message. */
  public synchronized Optional<MessageFate> fateOf(String msgId) {
    Msg m = messages.get(msgId);
    return m == null ? Optional.empty() : Optional.of(snapshot(m));
  }

  /** Every message (requests, replies, their dead letters and duplicates) with this correlation_id. */
  public synchronized List<MessageFate> byCorrelationId(String correlationId) {
    List<MessageFate> out = new ArrayList<>();
    for (Msg m : byCorrelation.getOrDefault(correlationId, List.of())) {
      out.add(snapshot(m));
    }
    return out;
  }

  /** Messages with at least one copy not settled yet, in publish order. */
  public synchronized List<MessageFate> stillLive() {
    List<MessageFate> out = new ArrayList<>();
    for (Msg m : messages.values()) {
      if (m.copies.values().stream().anyMatch(c -> c.state != CopyState.SETTLED)) {
        out.add(snapshot(m));
      }
    }
    return out;
  }

  /** Every message, in publish order. */
  public synchronized List<MessageFate> all() {
    List<MessageFate> out = new ArrayList<>(messages.size());
    for (Msg m : messages.values()) {
      out.add(snapshot(m));
    }
    return out;
  }

  /** The anomalies seen so far in the event stream itself (second fates, impossible transitions, ...). */
  public synchronized List<String> anomalies() {
    List<String> out = new ArrayList<>(anomalies);
    if (anomaliesNotKept > 0) {
      out.add("... and " + anomaliesNotKept + " more anomalies not kept");
    }
    return out;
  }

  /**
   * The problems provable from the trace alone, at the end of a quiet run: (a) a message with no routing
   * result, or mandatory and unroutable but never returned; (d) a copy with two fates, or any other anomaly
   * of {@link #anomalies()}; (e) a copy still unacked on a channel that has closed, with no requeue.
   */
  public synchronized List<String> traceProblems() {
    List<String> out = new ArrayList<>();
    for (Msg m : messages.values()) {
      Copy unrouted = m.copies.get(null);
      if (unrouted != null && unrouted.state == CopyState.UNROUTED) {
        out.add(subject(m, unrouted) + " " + statePhrase(m, unrouted) + ".");
      }
      for (Copy c : m.copies.values()) {
        Closure closed = c.state == CopyState.LIVE_UNACKED ? closureAfter(c.channel, c.delivered.seq()) : null;
        if (closed != null) {
          out.add(c.key() + " is still unacked on " + c.channel + ", which closed at "
              + time(closed.record.virtualNanos()) + "; no Requeued followed.");
        }
      }
    }
    out.addAll(anomalies());
    return out;
  }

  /**
   * {@link #traceProblems()} plus the comparison with the broker: (b) a copy the ledger thinks is in a
   * queue (or on its way there) that the broker does not hold, and (c) a copy the broker holds that the
   * ledger never saw arrive, or thinks settled.
   *
   * @param liveCopies {@code msgId@queue} of every copy the broker's queues hold (ready or unacked)
   */
  public synchronized List<String> problems(Set<String> liveCopies) {
    List<String> out = new ArrayList<>(traceProblems());
    for (Msg m : messages.values()) {
      for (Copy c : m.copies.values()) {
        if (c.queue == null || liveCopies.contains(c.key())) {
          continue;
        }
        if (c.state.heldByQueue()) {
          out.add(subject(m, c) + " " + statePhrase(m, c)
              + ", but the broker does not hold it: it vanished without an event.");
        } else if (c.state == CopyState.IN_FLIGHT) {
          out.add(subject(m, c) + " " + statePhrase(m, c) + ".");
        }
      }
    }
    for (String key : new TreeSet<>(liveCopies)) {
      int at = key.indexOf('@');
      String msgId = at < 0 ? key : key.substring(0, at);
      String queue = at < 0 ? "" : key.substring(at + 1);
      Msg m = messages.get(msgId);
      Copy c = m == null ? null : m.copies.get(queue);
      if (m == null) {
        out.add("The broker holds " + key + ", but message " + msgId + " was never published or created.");
      } else if (c == null) {
        out.add("The broker holds " + key + ", but the ledger never saw " + msgId + " reach queue '"
            + queue + "'" + (m.routed == null ? "" : " (routed to " + quoted(m.routed) + ")") + ".");
      } else if (c.state == CopyState.SETTLED) {
        out.add("The broker holds " + key + ", but the ledger recorded its fate: " + statePhrase(m, c) + ".");
      } else if (c.state == CopyState.IN_FLIGHT) {
        out.add("The broker holds " + key + ", but no Enqueued event was recorded for it.");
      }
    }
    return out;
  }

  /** Throws if {@link #traceProblems()} finds anything: checks (a), (d) and (e). */
  public synchronized void assertNothingLostSilently() {
    List<String> found = traceProblems();
    if (!found.isEmpty()) {
      throw new LostMessageException(found);
    }
  }

  /**
   * Throws if {@link #problems(Set)} finds anything: checks (a) to (e).
   *
   * @param actuallyLiveCopies {@code msgId@queue} of every copy the broker's queues hold, ready or unacked
   */
  public synchronized void assertNothingLostSilently(Set<String> actuallyLiveCopies) {
    List<String> found = problems(actuallyLiveCopies);
    if (!found.isEmpty()) {
      throw new LostMessageException(found);
    }
  }

  // ------------------------------------------------------------------------------------- explanations

  /** What happened to one message, in plain English: one sentence per copy, then where it came from. */
  public synchronized String explain(String msgId) {
    Msg m = messages.get(msgId);
    if (m == null) {
      return "No message " + msgId + " was recorded.";
    }
    return explain(m);
  }

  /**
   * What happened to the reply for the request with this correlation_id: each reply's fate, or, if no
   * reply was ever published, what happened to the request.
   */
  public synchronized String explainReplyFor(String requestCorrelationId) {
    List<Msg> all = byCorrelation.getOrDefault(requestCorrelationId, List.of());
    List<Msg> requests = new ArrayList<>();
    List<Msg> replies = new ArrayList<>();
    for (Msg m : all) {
      if (m.origin != null) {
        continue;
      }
      (m.replyTo != null ? requests : replies).add(m);
    }
    if (requests.isEmpty() && replies.isEmpty()) {
      return "No message with correlation_id '" + requestCorrelationId + "' was published.";
    }
    StringBuilder b = new StringBuilder();
    if (replies.isEmpty()) {
      b.append("No reply with correlation_id '").append(requestCorrelationId).append("' was published. ");
      b.append(requests.size() == 1 ? "The request:" : "The requests:");
      for (Msg request : requests) {
        b.append('\n').append(explain(request));
      }
      return b.toString();
    }
    for (Msg reply : replies) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(explain(reply));
    }
    return b.toString();
  }

  private String explain(Msg m) {
    StringBuilder b = new StringBuilder();
    for (Copy c : m.copies.values()) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(subject(m, c)).append(' ').append(statePhrase(m, c)).append('.');
    }
    b.append('\n').append(provenance(m));
    for (TraceRecord r : m.faults) {
      FaultInjected f = (FaultInjected) r.event();
      boolean explained = m.copies.values().stream()
          .anyMatch(c -> c.fate != null && c.fate.kind() == Fate.Kind.DROPPED_BY_FAULT
              && f.rule().equals(c.fate.detail()));
      if (!explained) {
        b.append("\nFault rule '").append(f.rule()).append("' (").append(f.action()).append(" at '")
            .append(f.target()).append("') hit it at ").append(time(r.virtualNanos())).append('.');
      }
    }
    return b.toString();
  }

  private String subject(Msg m, Copy c) {
    String noun = isReply(m) ? "Reply " : "Message ";
    String ids = ids(m);
    if (c.queue == null) {
      return noun + m.msgId + ids;
    }
    if (c.queue.startsWith(TraceEvent.REPLY_QUEUE_PREFIX)) {
      return "Reply " + m.msgId + ids + " to " + c.queue.substring(TraceEvent.REPLY_QUEUE_PREFIX.length());
    }
    return noun + m.msgId + ids + " in queue '" + c.queue + "'";
  }

  private boolean isReply(Msg m) {
    return m.replyTo == null && m.routingKey != null && replyOwner.containsKey(m.routingKey);
  }

  private static String ids(Msg m) {
    if (m.correlationId == null && m.messageId == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(" (");
    if (m.correlationId != null) {
      b.append("correlation_id '").append(m.correlationId).append('\'');
    }
    if (m.messageId != null) {
      b.append(m.correlationId != null ? ", " : "").append("message_id '").append(m.messageId).append('\'');
    }
    return b.append(')').toString();
  }

  private String provenance(Msg m) {
    StringBuilder b = new StringBuilder();
    MessageFate.Origin o = m.origin;
    if (o == null) {
      b.append("It was published at ").append(time(m.created.virtualNanos())).append(" on channel ")
          .append(m.channel).append(" to ").append(exchange(m.exchange)).append(" with routing key '")
          .append(m.routingKey).append('\'');
      if (m.mandatory) {
        b.append(" (mandatory)");
      }
      if (m.replyTo != null) {
        b.append(", reply_to '").append(m.replyTo).append('\'');
      }
    } else if (MessageFate.Origin.DEAD_LETTERED.equals(o.how())) {
      b.append("It is the dead letter of ").append(o.msgId()).append(" from queue '").append(o.queue())
          .append("' (reason ").append(o.reason()).append("), published at ")
          .append(time(m.created.virtualNanos())).append(" to ").append(exchange(m.exchange));
      if (m.routingKey != null) {
        b.append(" with routing key '").append(m.routingKey).append('\'');
      }
    } else {
      b.append("It is a duplicate of ").append(o.msgId()).append(" made at ")
          .append(time(m.created.virtualNanos())).append(" by fault rule '").append(o.reason())
          .append("' at '").append(o.queue()).append('\'');
    }
    if (m.routed != null && !m.routed.isEmpty()
        && !(m.routed.size() == 1 && m.routed.get(0).startsWith(TraceEvent.REPLY_QUEUE_PREFIX))) {
      b.append("; routing chose ").append(m.routed.size() == 1 ? "queue " : "queues ").append(quoted(m.routed));
    } else if (m.routed != null && m.routed.isEmpty()) {
      b.append("; no queue matched");
    }
    b.append('.');
    if (m.returned != null && m.copies.get(null) == null) {
      Returned r = (Returned) m.returned.event();
      b.append(" The publisher also got basic.return ").append(r.code()).append(' ').append(r.text())
          .append(" at ").append(time(m.returned.virtualNanos())).append('.');
    }
    if (!m.derived.isEmpty()) {
      b.append(" Messages made from it: ").append(String.join(", ", m.derived)).append('.');
    }
    return b.toString();
  }

  private String statePhrase(Msg m, Copy c) {
    return statePhrase(m, c, 0);
  }

  private String statePhrase(Msg m, Copy c, int depth) {
    switch (c.state) {
      case UNROUTED:
        if (m.routed != null && (m.mandatory || m.immediate)) {
          return "matched no queue at " + time(m.routedAt.virtualNanos()) + " and was published "
              + (m.immediate ? "immediate" : "mandatory") + ", yet no basic.return was recorded";
        } else if (m.routed != null) {
          return "matched no queue at " + time(m.routedAt.virtualNanos())
              + ", yet no Discarded (unroutable) was recorded";
        }
        return "has no routing result (no Routed, Returned, Discarded or reply event) since "
            + time(c.created.virtualNanos());
      case IN_FLIGHT:
        if (c.queue.startsWith(TraceEvent.REPLY_QUEUE_PREFIX)) {
          return "was routed to the requester's channel " + c.channel + " at " + time(c.created.virtualNanos())
              + " but never delivered";
        }
        return "was routed at " + time(c.created.virtualNanos()) + " but never reached the queue (no Enqueued)";
      case LIVE_READY: {
        StringBuilder b = new StringBuilder("is still ready (enqueued at ")
            .append(time(c.enqueued == null ? c.created.virtualNanos() : c.enqueued.virtualNanos()));
        if (c.requeued != null) {
          b.append("; ").append(deliveries(c)).append(", requeued at ").append(time(c.requeued.virtualNanos()))
              .append(" (").append(((Requeued) c.requeued.event()).reason()).append(')');
        }
        return b.append(')').toString();
      }
      case DEAD_LETTER_HELD: {
        DeadLetterHeld h = (DeadLetterHeld) c.deadLetterHeld.event();
        return "is held by queue '" + c.queue + "' as a dead letter (reason " + h.reason() + ", x-dead-letter-strategy "
            + "at-least-once) since " + time(c.deadLetterHeld.virtualNanos()) + ": " + h.detail()
            + "; the queue tries again until it can be routed";
      }
      case LIVE_UNACKED: {
        StringBuilder b = new StringBuilder("is still unacknowledged: delivered to ").append(consumer(c))
            .append(" on channel ").append(c.channel).append(" at ").append(time(c.delivered.virtualNanos()))
            .append(" with delivery tag ").append(c.deliveryTag);
        if (c.rejected != null) {
          Rejected r = (Rejected) c.rejected.event();
          b.append("; it was rejected with ").append(r.method()).append(" (requeue=").append(r.requeue())
              .append(") at ").append(time(c.rejected.virtualNanos())).append(" and the queue has not acted");
        }
        return b.toString();
      }
      default:
        return fatePhrase(m, c, depth);
    }
  }

  private String fatePhrase(Msg m, Copy c, int depth) {
    Fate f = c.fate;
    String at = time(f.virtualNanos());
    switch (f.kind()) {
      case ACKNOWLEDGED:
        return "was acknowledged on channel " + f.channel() + " at " + at + " (delivery tag " + c.deliveryTag
            + ", " + consumer(c) + (c.deliveries > 1 ? ", after " + deliveries(c) + lastRequeue(c) : "") + ")";
      case AUTO_ACKED:
        return "was delivered with automatic acknowledgement to " + consumer(c) + " on channel " + f.channel()
            + " at " + at + ", which settles it";
      case DELIVERED_REPLY:
        return "was delivered to the requester on channel " + f.channel() + " at " + at;
      case RETURNED:
        return "was returned to the publisher on channel " + f.channel() + " at " + at + " with " + f.code()
            + " " + f.detail() + (f.code() == 313 ? ": no consumer could take it at once"
                : ": no queue matched " + route(m));
      case DROPPED_UNROUTABLE:
        return "was dropped as unroutable at " + at + ": "
            + (f.detail() != null ? f.detail() : "no queue matched " + route(m) + " and it was not mandatory")
            + deletedQueueNote(m);
      case DROPPED_BY_FAULT:
        return "was dropped at " + at + " by fault rule '" + f.detail() + "'" + faultNote(m, f.detail());
      case EXPIRED:
        return "expired at " + at + " and was discarded, as queue '" + c.queue + "' has no dead-letter exchange"
            + (c.deliveries > 0 ? " (after " + deliveries(c) + ")" : " (never delivered)");
      case DEAD_LETTERED: {
        Msg dead = messages.get(f.detail());
        String reason = dead == null ? "?" : dead.origin.reason();
        String phrase = "was dead-lettered at " + at + " (reason " + reason
            + ("delivery_limit".equals(reason) ? ", after " + deliveries(c) : "") + ") to "
            + (dead == null ? "?" : exchange(dead.exchange)) + " as message " + f.detail();
        if (dead != null && depth < MAX_EXPLAIN_DEPTH) {
          List<String> parts = new ArrayList<>();
          for (Copy d : dead.copies.values()) {
            parts.add((d.queue == null ? "" : "in queue '" + d.queue + "' ") + statePhrase(dead, d, depth + 1));
          }
          phrase += ", which " + String.join("; and ", parts);
        }
        return phrase;
      }
      case PURGED:
        return "was purged from queue '" + c.queue + "' at " + at;
      case DELETED_WITH_QUEUE:
        return "was discarded at " + at + " when queue '" + c.queue + "' was deleted (reason " + f.detail() + ")";
      case DISCARDED_REJECTED:
        return "was rejected with " + (f.detail() == null ? "a reject" : f.detail()) + " (requeue=false)"
            + (f.channel() == null ? "" : " on channel " + f.channel()) + " and discarded at " + at
            + ", as queue '" + c.queue + "' has no dead-letter exchange";
      case DROPPED_DELIVERY_LIMIT:
        return "was dropped at " + at + " because it passed the delivery limit of queue '" + c.queue + "', which has no "
            + "dead-letter exchange (" + f.detail() + ")";
      case DROPPED_OVERFLOW:
        return "was dropped at " + at + " because queue '" + c.queue + "' was full"
            + (f.detail() == null ? "" : " (" + f.detail() + ")");
      case DROPPED_CONSUMER_GONE:
        return "was lost at " + at + ": it was delivered without acknowledgement to a channel that had "
            + "already closed" + (f.detail() == null ? "" : " (" + f.detail() + ")");
      case ROLLED_BACK:
        return "was rolled back at " + at + ": it was published inside a transaction that "
            + (f.detail() == null ? "was not committed" : f.detail()) + ", so it never reached the queue";
      case REPLY_DROPPED:
        return "was dropped at " + at + ": "
            + requesterGone(c.queue.substring(TraceEvent.REPLY_QUEUE_PREFIX.length()), f);
      default:
        throw new IllegalStateException("unknown fate " + f.kind());
    }
  }

  private String requesterGone(String replyName, Fate f) {
    String ch = f.channel();
    if (ch == null) {
      return "no requester ever used reply name " + replyName + " (" + f.detail() + ")";
    }
    Closure closed = channelClosed.get(ch);
    if (closed != null && closed.record.seq() <= f.seq()) {
      ChannelClosed e = (ChannelClosed) closed.record.event();
      return "the requester's channel " + ch + " was closed at " + time(closed.record.virtualNanos())
          + " with " + e.code() + " '" + e.text() + "'" + initiatedBy(e.initiator(), closed.faultRule);
    }
    String conn = connectionOf(ch);
    Closure connClosed = conn == null ? null : connectionClosed.get(conn);
    if (connClosed != null && connClosed.record.seq() <= f.seq()) {
      ConnectionClosed e = (ConnectionClosed) connClosed.record.event();
      return "the requester's connection " + conn + " (channel " + ch + ") was closed at "
          + time(connClosed.record.virtualNanos()) + " with " + e.code() + " '" + e.text() + "'"
          + initiatedBy(e.initiator(), connClosed.faultRule);
    }
    Closure cancelled = replyConsumerCancelled.get(ch);
    if (cancelled != null && cancelled.record.seq() <= f.seq()) {
      ConsumerCancelled e = (ConsumerCancelled) cancelled.record.event();
      return "the requester cancelled its reply consumer '" + e.consumerTag() + "' on channel " + ch + " at "
          + time(cancelled.record.virtualNanos()) + initiatedBy(e.initiator(), cancelled.faultRule);
    }
    return "the reply-to registry reported " + f.detail() + " for the requester's channel " + ch;
  }

  private static String initiatedBy(String initiator, String faultRule) {
    if (faultRule != null) {
      return " (fault rule '" + faultRule + "')";
    }
    return initiator == null ? "" : " (initiated by the " + initiator + ")";
  }

  private String faultNote(Msg m, String rule) {
    for (int i = m.faults.size() - 1; i >= 0; i--) {
      FaultInjected f = (FaultInjected) m.faults.get(i).event();
      if (f.rule().equals(rule)) {
        return " (" + f.action() + " at '" + f.target() + "')";
      }
    }
    return "";
  }

  private String deletedQueueNote(Msg m) {
    if (!"".equals(m.exchange) || m.routingKey == null) {
      return "";
    }
    TraceRecord deleted = queueDeleted.get(m.routingKey);
    if (deleted == null) {
      return "";
    }
    return " (queue '" + m.routingKey + "' was deleted at " + time(deleted.virtualNanos()) + ", reason "
        + ((QueueDeleted) deleted.event()).reason() + ")";
  }

  private static String route(Msg m) {
    return "routing key '" + m.routingKey + "' on " + exchange(m.exchange);
  }

  /** "; last requeued at t=… (reason)" when the copy went back to its queue before, else "". */
  private static String lastRequeue(Copy c) {
    if (c.requeued == null) {
      return "";
    }
    return "; last requeued at " + time(c.requeued.virtualNanos()) + " (" + ((Requeued) c.requeued.event()).reason()
        + ")";
  }

  private static String consumer(Copy c) {
    return c.consumerTag == null ? "basic.get" : "consumer '" + c.consumerTag + "'";
  }

  private static String deliveries(Copy c) {
    return c.deliveries == 1 ? "1 delivery" : c.deliveries + " deliveries";
  }

  private String describeState(Copy c) {
    return c.state == CopyState.SETTLED
        ? c.fate.kind() + " at " + time(c.fate.virtualNanos())
        : c.state.name();
  }

  private Closure closureAfter(String channel, long seq) {
    Closure closed = channel == null ? null : channelClosed.get(channel);
    if (closed != null && closed.record.seq() > seq) {
      return closed;
    }
    String conn = connectionOf(channel);
    Closure connClosed = conn == null ? null : connectionClosed.get(conn);
    return connClosed != null && connClosed.record.seq() > seq ? connClosed : null;
  }

  private static String connectionOf(String channel) {
    int slash = channel == null ? -1 : channel.lastIndexOf('/');
    return slash < 0 ? null : channel.substring(0, slash);
  }

  private static boolean isReplyPseudoQueue(String queue) {
    return RABBIT_REPLY_PSEUDO_QUEUE.equals(queue) || LAVIN_REPLY_PSEUDO_QUEUE.equals(queue);
  }

  private static String exchange(String name) {
    return name == null ? "an unknown exchange" : name.isEmpty() ? "the default exchange" : "exchange '" + name + "'";
  }

  private static String quoted(List<String> queues) {
    if (queues == null) {
      return "nothing";
    }
    if (queues.isEmpty()) {
      return "no queue";
    }
    StringBuilder b = new StringBuilder();
    for (String q : queues) {
      b.append(b.length() == 0 ? "" : ", ").append('\'').append(q).append('\'');
    }
    return b.toString();
  }

  /** Virtual time as {@code t=1.250s}: seconds with milliseconds. */
  private static String time(long virtualNanos) {
    long millis = Math.floorDiv(virtualNanos, 1_000_000L);
    return String.format(Locale.ROOT, "t=%d.%03ds", Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L));
  }

  private MessageFate snapshot(Msg m) {
    List<MessageFate.Copy> copies = new ArrayList<>(m.copies.size());
    for (Copy c : m.copies.values()) {
      copies.add(new MessageFate.Copy(m.msgId, c.queue, c.state, c.channel, c.consumerTag, c.deliveryTag,
          c.deliveries, c.fate));
    }
    return new MessageFate(m.msgId, m.channel, m.exchange, m.routingKey, m.mandatory, m.correlationId,
        m.replyTo, m.messageId, m.created.seq(), m.created.virtualNanos(), m.origin, List.copyOf(m.derived),
        m.routed, m.returnCode, List.copyOf(copies));
  }

  // ------------------------------------------------------------------------------------------- state

  /** A channel, connection or reply consumer that ended, and the fault rule that ended it, if any. */
  private record Closure(TraceRecord record, String faultRule) {}

  private static final class Msg {
    final String msgId;
    final MessageFate.Origin origin;
    final TraceRecord created;
    final Map<String, Copy> copies = new LinkedHashMap<>(2);
    final List<String> derived = new ArrayList<>(0);
    final List<TraceRecord> faults = new ArrayList<>(0);
    String channel;
    String exchange;
    String routingKey;
    boolean mandatory;
    boolean immediate;
    String correlationId;
    String replyTo;
    String messageId;
    List<String> routed;
    TraceRecord routedAt;
    TraceRecord returned;
    int returnCode;

    Msg(String msgId, MessageFate.Origin origin, TraceRecord created) {
      this.msgId = msgId;
      this.origin = origin;
      this.created = created;
    }
  }

  private static final class Copy {
    final Msg msg;
    final String queue;
    final TraceRecord created;
    CopyState state;
    String channel;
    String consumerTag;
    long deliveryTag;
    int deliveries;
    TraceRecord enqueued;
    TraceRecord delivered;
    TraceRecord requeued;
    TraceRecord rejected;
    TraceRecord deadLetterHeld;
    Fate fate;

    Copy(Msg msg, String queue, CopyState state, TraceRecord created) {
      this.msg = msg;
      this.queue = queue;
      this.state = state;
      this.created = created;
    }

    String key() {
      return copyKey(msg.msgId, queue);
    }
  }
}
