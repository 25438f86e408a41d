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
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 *   DeadLettered and FaultInjected(duplicate) create their new message in UNROUTED.
 * </pre>
 *
 * <p>Anomalies the trace alone proves (a second fate, an event on a settled copy, an ack of a copy never
 * delivered, an event for a message never published, ...) are collected as they happen and reported by
 * {@link #assertNothingLostSilently()}. Events for messages the ledger never saw are legitimate only for
 * the new message of a {@link DeadLettered} or of a duplicating {@link FaultInjected}, which create it.
 * Attach the ledger before the first publish. Thread-safe.
 *
 * <p>Cheap per event: it takes events without a {@link TraceRecord} ({@link EventSink}), keeps a message as
 * two objects (the message and its copy), indexes messages without entry objects, and builds strings only
 * for anomalies and explanations.
 *
 * <p>By default it remembers every message of the run. A long-running broker keeps a window instead
 * ({@link #keepingSettled(int)}): every message with a copy still live stays, and of the settled ones only the
 * last {@code n} to settle; older ones are forgotten (queries no longer find them, {@link #summary()} still
 * counts their fates), and an event for a forgotten message is not an anomaly, since the ledger can no longer
 * tell it from one for a message never published. The per-name tables its explanations use (closed channels and
 * connections, reply owners, deleted queues) keep their {@code n} most recent entries in that mode.
 */
public final class FateLedger extends GuardedSink implements EventSink {

  /** Anomalies kept in full; later ones are only counted. */
  public static final int MAX_ANOMALIES = 1_000;

  private static final String RABBIT_REPLY_PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
  private static final String LAVIN_REPLY_PSEUDO_QUEUE = "amq.direct.reply-to";

  final MessageIndex messages = new MessageIndex();
  /** The first message with each correlation_id; the others follow {@link LedgerMessage#nextSameCorrelation}. */
  private final Map<String, LedgerMessage> byCorrelation = new HashMap<>();
  /** Copies not yet settled (in flight, ready, unacked) per queue, in arrival order. */
  private final Map<String, LedgerCopy.OpenCopies> openByQueue = new HashMap<>();
  /** Settled messages kept at most, or 0 to keep every message. */
  private final int settledKept;
  /** {@code "reply:" + name} per reply name, so a direct reply's copy costs no string concatenation. */
  private final Map<String, String> replyQueues;
  final Map<String, Closure> channelClosed;
  final Map<String, Closure> connectionClosed;
  final Map<String, Closure> replyConsumerCancelled;
  private final Map<String, TraceRecord> lastFaultByTarget;
  final Map<String, String> replyOwner;
  final Map<String, TraceRecord> queueDeleted;
  /** Settled messages of a windowed ledger, oldest first, chained through {@link LedgerMessage#nextSettled}. */
  private LedgerMessage settledFirst;
  private LedgerMessage settledLast;
  private int settledQueued;
  private long forgotten;
  /** Copies settled so far, per {@link Fate.Kind} ordinal; forgetting a message does not change them. */
  private final long[] fateCounts = new long[Fate.Kind.values().length];
  private final Map<String, Long> droppedByRule = new TreeMap<>();
  private final Map<Integer, Long> returnedByCode = new TreeMap<>();
  /** Copies settled by a per-copy Discarded since the queue's last QueuePurged / QueueDeleted. */
  private final Map<String, Integer> explicitlyPurged = new HashMap<>();
  private final Map<String, Integer> explicitlyDeleted = new HashMap<>();
  private final List<String> anomalies = new ArrayList<>();
  private final FateNarrator narrator = new FateNarrator(this);
  private int anomaliesNotKept;
  /** The event being handled and its stamps. */
  private long nowSeq;
  private long nowNanos;
  private TraceEvent nowEvent;

  private FateLedger(int settledKept) {
    if (settledKept < 0) {
      throw new IllegalArgumentException("settled messages kept must be 0 (all) or more, was " + settledKept);
    }
    this.settledKept = settledKept;
    this.replyQueues = table(settledKept);
    this.channelClosed = table(settledKept);
    this.connectionClosed = table(settledKept);
    this.replyConsumerCancelled = table(settledKept);
    this.lastFaultByTarget = table(settledKept);
    this.replyOwner = table(settledKept);
    this.queueDeleted = table(settledKept);
  }

  /** A per-name table: unbounded, or keeping the {@code limit} most recently added names. */
  private static <V> Map<String, V> table(int limit) {
    if (limit == 0) {
      return new HashMap<>();
    }
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > limit;
      }
    };
  }

  /** An empty ledger that remembers every message; add it to a {@link Trace} before the first publish. */
  public static FateLedger create() {
    return new FateLedger(0);
  }

  /**
   * An empty ledger for a long-running broker: messages with a live copy are always kept, settled ones only
   * the last {@code settledMessages} to settle (at least 1).
   */
  public static FateLedger keepingSettled(int settledMessages) {
    if (settledMessages < 1) {
      throw new IllegalArgumentException("settled messages kept must be at least 1, was " + settledMessages);
    }
    return new FateLedger(settledMessages);
  }

  /** A ledger built from recorded records, e.g. {@code MemorySink.records()}. */
  public static FateLedger replay(Iterable<TraceRecord> records) {
    FateLedger ledger = new FateLedger(0);
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
  public void accept(long seq, long virtualNanos, TraceEvent e) {
    nowSeq = seq;
    nowNanos = virtualNanos;
    nowEvent = e;
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
    LedgerMessage m = newMessage(p.msgId(), null);
    if (m == null) {
      anomaly(p.msgId() + " was published twice (msgIds must be unique)");
      return;
    }
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
    LedgerMessage m = known(x.msgId());
    if (m == null) {
      return;
    }
    if (m.routed != null) {
      anomaly(x.msgId() + " was routed twice (first to " + FateNarrator.quoted(m.routed) + ")");
    }
    m.routed = x.queues();
    m.routedNanos = nowNanos;
    if (m.exchange == null) {
      m.exchange = x.exchange();
    }
    if (m.routingKey == null) {
      m.routingKey = x.routingKey();
    }
    // An empty route settles nothing: Returned or Discarded(unroutable) must follow.
    List<String> queues = x.queues();
    for (int i = 0, n = queues.size(); i < n; i++) {
      String queue = queues.get(i);
      if (m.find(queue) == null) {
        open(m, queue);
      }
    }
  }

  private void onEnqueued(Enqueued x) {
    LedgerCopy c = copy(x.msgId(), x.queue(), true);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.IN_FLIGHT) {
      anomaly(c.key() + " was enqueued again while " + describeState(c));
    }
    c.state = CopyState.LIVE_READY;
    c.readyNanos = nowNanos;
    c.enqueued = true;
  }

  private void onDelivered(Delivered x) {
    boolean reply = x.queue().startsWith(TraceEvent.REPLY_QUEUE_PREFIX);
    LedgerCopy c = copy(x.msgId(), x.queue(), true);
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
    c.deliveredSeq = nowSeq;
    c.deliveredNanos = nowNanos;
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
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
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
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, true)) {
      return;
    }
    if (c.state != CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " was rejected on " + x.channel() + " while " + describeState(c));
    }
    c.rejected = nowRecord();
  }

  private void onRequeued(Requeued x) {
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, true)) {
      return;
    }
    if (!c.state.heldByQueue()) {
      anomaly(c.key() + " was requeued while " + describeState(c));
    }
    c.state = CopyState.LIVE_READY;
    c.requeued = nowRecord();
    c.rejected = null;
  }

  private void onReturned(Returned x) {
    LedgerMessage m = known(x.msgId());
    if (m == null) {
      return;
    }
    if (m.returned != null) {
      anomaly(x.msgId() + " was returned twice");
    }
    m.returned = nowRecord();
    m.returnCode = x.code();
    LedgerCopy unrouted = m.unrouted();
    if (unrouted != null) {
      if (!rejectIfSettled(unrouted, false)) {
        settle(unrouted, Fate.Kind.RETURNED, x.channel(), x.code(), x.text());
      }
    }
    // With copies, the return accompanies a delivery (RabbitMQ <= 4.1 direct reply-to with mandatory):
    // it is recorded on the message and settles nothing.
  }

  private void onExpired(Expired x) {
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state == CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " expired while " + describeState(c));
    }
    settle(c, Fate.Kind.EXPIRED, null, 0, null);
  }

  private void onDeadLettered(DeadLettered x) {
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    settle(c, Fate.Kind.DEAD_LETTERED, c.rejected == null ? null : c.channel, 0, x.newMsgId());
    LedgerMessage dead = derive(c.msg, x.newMsgId(),
        new MessageFate.Origin(x.msgId(), MessageFate.Origin.DEAD_LETTERED, x.queue(), x.reason()));
    if (dead == null) {
      anomaly("dead letter " + x.newMsgId() + " of " + c.key() + " reuses an existing msgId");
      return;
    }
    dead.exchange = x.deadLetterExchange();
  }

  private void onDeadLetterHeld(DeadLetterHeld x) {
    LedgerCopy c = copy(x.msgId(), x.queue(), false);
    if (c == null || rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.LIVE_READY && c.state != CopyState.LIVE_UNACKED) {
      anomaly(c.key() + " was held as a dead letter while " + describeState(c));
    }
    c.state = CopyState.DEAD_LETTER_HELD;
    c.deadLetterHeld = nowRecord();
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
    LedgerCopy c;
    if (x.queue() == null) {
      LedgerMessage m = known(x.msgId());
      if (m == null) {
        return;
      }
      c = m.unrouted();
      if (c == null) {
        anomaly(x.msgId() + " was discarded without a queue after routing to " + FateNarrator.quoted(m.routed));
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
    LedgerMessage m = known(x.msgId());
    if (m == null) {
      return;
    }
    replyOwner.put(x.replyName(), x.requesterChannel());
    LedgerCopy c = replyCopy(m, x.replyName());
    if (rejectIfSettled(c, false)) {
      return;
    }
    if (c.state != CopyState.IN_FLIGHT) {
      anomaly(c.key() + " was routed to a requester while " + describeState(c));
    }
    c.channel = x.requesterChannel();
  }

  private void onReplyDropped(ReplyDropped x) {
    LedgerMessage m = known(x.msgId());
    if (m == null) {
      return;
    }
    LedgerCopy c = replyCopy(m, x.replyName());
    if (!rejectIfSettled(c, false)) {
      settle(c, Fate.Kind.REPLY_DROPPED, replyOwner.get(x.replyName()), 0, x.reason());
    }
  }

  private void onQueueDeleted(QueueDeleted x) {
    queueDeleted.put(x.queue(), nowRecord());
    // Copies still on their way stay open: the queue must report them (Discarded) when they arrive.
    int held = explicitlyDeleted.getOrDefault(x.queue(), 0);
    explicitlyDeleted.remove(x.queue());
    LedgerCopy.OpenCopies open = openByQueue.get(x.queue());
    if (open != null) {
      for (LedgerCopy c = open.first, next; c != null; c = next) {
        next = c.nextOpen;
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
    if (settledKept > 0 && open != null && open.first == null) {
      // Server-named queues come and go with their clients: a long run must not keep an entry for each.
      openByQueue.remove(x.queue());
    }
  }

  private void onQueuePurged(QueuePurged x) {
    LedgerCopy.OpenCopies open = openByQueue.get(x.queue());
    int purged = explicitlyPurged.getOrDefault(x.queue(), 0);
    explicitlyPurged.remove(x.queue());
    if (open != null) {
      for (LedgerCopy c = open.first, next; c != null; c = next) {
        next = c.nextOpen;
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
    TraceRecord record = nowRecord();
    if (x.target() != null) {
      lastFaultByTarget.put(x.target(), record);
    }
    if (x.msgId() == null) {
      return;
    }
    LedgerMessage m = known(x.msgId());
    if (m == null) {
      return;
    }
    m.fault(record);
    if (FaultInjected.ACTION_DUPLICATE.equals(x.action()) && x.newMsgId() != null) {
      LedgerMessage dup = derive(m, x.newMsgId(),
          new MessageFate.Origin(x.msgId(), MessageFate.Origin.DUPLICATED, x.target(), x.rule()));
      if (dup == null) {
        anomaly("duplicate " + x.newMsgId() + " of " + x.msgId() + " reuses an existing msgId");
        return;
      }
      dup.exchange = m.exchange;
      dup.routingKey = m.routingKey;
    }
  }

  // ------------------------------------------------------------------------------------- bookkeeping

  /** The event being handled as a record, for the rare events the ledger keeps for its explanations. */
  private TraceRecord nowRecord() {
    return new TraceRecord(nowSeq, nowNanos, nowEvent);
  }

  /** A new message, or null if its msgId is taken. */
  private LedgerMessage newMessage(String msgId, MessageFate.Origin origin) {
    LedgerMessage m = new LedgerMessage(msgId, origin, nowSeq, nowNanos);
    return messages.putIfAbsent(m) == null ? m : null;
  }

  /** A dead letter or duplicate of {@code from}, or null if {@code newMsgId} is taken. */
  private LedgerMessage derive(LedgerMessage from, String newMsgId, MessageFate.Origin origin) {
    LedgerMessage m = newMessage(newMsgId, origin);
    if (m == null) {
      return null;
    }
    m.correlationId = from.correlationId;
    m.replyTo = from.replyTo;
    m.messageId = from.messageId;
    from.derived(newMsgId);
    indexCorrelation(m);
    return m;
  }

  private void indexCorrelation(LedgerMessage m) {
    if (m.correlationId == null) {
      return;
    }
    LedgerMessage first = byCorrelation.putIfAbsent(m.correlationId, m);
    if (first != null) {
      LedgerMessage last = first;
      while (last.nextSameCorrelation != null) {
        last = last.nextSameCorrelation;
      }
      last.nextSameCorrelation = m;
    }
  }

  /** Creates an in-flight copy in {@code queue}; the message is no longer unrouted. */
  private LedgerCopy open(LedgerMessage m, String queue) {
    if (!m.onlyImplicitlyUnrouted()) {
      LedgerCopy unrouted = m.find(null);
      if (unrouted != null) {
        if (unrouted.state == CopyState.UNROUTED) {
          m.remove(unrouted);
        } else {
          anomaly(m.msgId + " reached '" + queue + "' after its fate " + describeState(unrouted));
        }
      }
    }
    LedgerCopy c = new LedgerCopy(m, queue, CopyState.IN_FLIGHT, nowNanos);
    m.add(c);
    LedgerCopy.OpenCopies open = openByQueue.get(queue);
    if (open == null) {
      open = new LedgerCopy.OpenCopies();
      openByQueue.put(queue, open);
    }
    open.add(c);
    return c;
  }

  private LedgerCopy replyCopy(LedgerMessage m, String replyName) {
    LedgerCopy c = m.findReply(replyName);
    if (c == null) {
      String queue = replyQueues.computeIfAbsent(replyName, TraceEvent::replyQueue);
      c = open(m, queue);
      if (m.routed == null) {
        m.routed = List.of(queue);
        m.routedNanos = nowNanos;
      }
    }
    return c;
  }

  /**
   * The copy of {@code msgId} in {@code queue}. A copy routing did not announce is created for a fault
   * duplicate (which may skip routing); for any other message that is an anomaly, and the copy is created
   * anyway when {@code create} so that its later events are still checked.
   */
  private LedgerCopy copy(String msgId, String queue, boolean create) {
    LedgerMessage m = known(msgId);
    if (m == null) {
      return null;
    }
    LedgerCopy c = m.find(queue);
    if (c != null) {
      return c;
    }
    boolean duplicate = m.origin != null && MessageFate.Origin.DUPLICATED.equals(m.origin.how());
    if (!duplicate) {
      anomaly(copyKey(msgId, queue) + ": '" + nowEvent.kind() + "' for a queue routing did not choose"
          + (m.routed == null ? " (not routed yet)" : " (routed to " + FateNarrator.quoted(m.routed) + ")"));
    }
    return create ? open(m, queue) : null;
  }

  private LedgerMessage known(String msgId) {
    LedgerMessage m = messages.get(msgId);
    if (m == null && forgotten == 0) {
      anomaly("'" + nowEvent.kind() + "' for " + msgId + ", which was never published");
    }
    return m;
  }

  /**
   * True (and an anomaly is recorded) if the copy already has a fate. Acks, rejects and requeues that reach
   * a copy discarded with its deleted queue are tolerated: the client still held those delivery tags.
   */
  private boolean rejectIfSettled(LedgerCopy c, boolean lateSettlementAllowed) {
    if (c.state != CopyState.SETTLED) {
      return false;
    }
    if (!(lateSettlementAllowed && c.fateKind == Fate.Kind.DELETED_WITH_QUEUE)) {
      anomaly(c.key() + " got '" + nowEvent.kind() + "' after its fate " + describeState(c));
    }
    return true;
  }

  private void settle(LedgerCopy c, Fate.Kind kind, String channel, int code, String detail) {
    c.settle(kind, nowSeq, nowNanos, channel, code, detail);
    fateCounts[kind.ordinal()]++;
    if (kind == Fate.Kind.DROPPED_BY_FAULT) {
      droppedByRule.merge(String.valueOf(detail), 1L, Long::sum);
    } else if (kind == Fate.Kind.RETURNED) {
      returnedByCode.merge(code, 1L, Long::sum);
    }
    if (settledKept > 0 && !c.msg.inSettledQueue && !c.msg.live()) {
      queueSettled(c.msg);
    }
  }

  /** Queues a message that just settled; past the window the oldest settled message is forgotten. */
  private void queueSettled(LedgerMessage m) {
    m.inSettledQueue = true;
    if (settledLast == null) {
      settledFirst = m;
    } else {
      settledLast.nextSettled = m;
    }
    settledLast = m;
    settledQueued++;
    while (settledQueued > settledKept) {
      LedgerMessage old = settledFirst;
      settledFirst = old.nextSettled;
      if (settledFirst == null) {
        settledLast = null;
      }
      old.nextSettled = null;
      old.inSettledQueue = false;
      settledQueued--;
      if (!old.live()) { // an anomaly may have given it a new copy since
        forget(old);
      }
    }
  }

  private void forget(LedgerMessage m) {
    messages.remove(m);
    if (m.correlationId != null) {
      LedgerMessage first = byCorrelation.get(m.correlationId);
      if (first == m) {
        if (m.nextSameCorrelation == null) {
          byCorrelation.remove(m.correlationId);
        } else {
          byCorrelation.put(m.correlationId, m.nextSameCorrelation);
        }
      } else {
        for (LedgerMessage p = first; p != null; p = p.nextSameCorrelation) {
          if (p.nextSameCorrelation == m) {
            p.nextSameCorrelation = m.nextSameCorrelation;
            break;
          }
        }
      }
      m.nextSameCorrelation = null;
    }
    forgotten++;
  }

  private Closure closure(String initiator, String target) {
    String rule = null;
    if ("fault".equals(initiator)) {
      TraceRecord fault = lastFaultByTarget.get(target);
      if (fault == null && FateNarrator.connectionOf(target) != null) {
        fault = lastFaultByTarget.get(FateNarrator.connectionOf(target));
      }
      rule = fault == null ? null : ((FaultInjected) fault.event()).rule();
    }
    return new Closure(nowRecord(), rule);
  }

  private void anomaly(String text) {
    if (anomalies.size() < MAX_ANOMALIES) {
      anomalies.add("[" + FateNarrator.time(nowNanos) + " #" + nowSeq + "] " + text);
    } else {
      anomaliesNotKept++;
    }
  }

  private static String describeState(LedgerCopy c) {
    return FateNarrator.describeState(c);
  }

  private static boolean isReplyPseudoQueue(String queue) {
    return RABBIT_REPLY_PSEUDO_QUEUE.equals(queue) || LAVIN_REPLY_PSEUDO_QUEUE.equals(queue);
  }

  // ------------------------------------------------------------------------------------------ queries

  /** What the ledger knows about one message. */
  public Optional<MessageFate> fateOf(String msgId) {
    synchronized (lock()) {
      LedgerMessage m = messages.get(msgId);
      return m == null ? Optional.empty() : Optional.of(snapshot(m));
    }
  }

  /** Every message (requests, replies, their dead letters and duplicates) with this correlation_id. */
  public List<MessageFate> byCorrelationId(String correlationId) {
    synchronized (lock()) {
      List<MessageFate> out = new ArrayList<>();
      for (LedgerMessage m : withCorrelationId(correlationId)) {
        out.add(snapshot(m));
      }
      return out;
    }
  }

  /** Messages with at least one copy not settled yet, in publish order. */
  public List<MessageFate> stillLive() {
    synchronized (lock()) {
      List<MessageFate> out = new ArrayList<>();
      for (LedgerMessage m = messages.first(); m != null; m = m.next) {
        if (m.live()) {
          out.add(snapshot(m));
        }
      }
      return out;
    }
  }

  /** The last {@code n} messages kept, in publish order (live ones and the most recent settled ones). */
  public List<MessageFate> recent(int n) {
    synchronized (lock()) {
      List<MessageFate> out = new ArrayList<>(Math.min(n, messages.size()));
      for (LedgerMessage m = messages.last(); m != null && out.size() < n; m = m.previous) {
        out.add(snapshot(m));
      }
      Collections.reverse(out);
      return out;
    }
  }

  /** The correlation_id of a message the ledger holds, or null (none, or the message is not kept). */
  public String correlationIdOf(String msgId) {
    synchronized (lock()) {
      LedgerMessage m = messages.get(msgId);
      return m == null ? null : m.correlationId;
    }
  }

  /** How many messages the ledger holds now (live, and the settled ones its window keeps). */
  public int size() {
    synchronized (lock()) {
      return messages.size();
    }
  }

  /** Settled messages kept at most, or 0 when the ledger keeps every message. */
  public int settledKept() {
    return settledKept;
  }

  /** How many copies ended in each way so far, and how many messages are still live; forgotten ones included. */
  public FateSummary summary() {
    synchronized (lock()) {
      Map<Fate.Kind, Long> fates = new EnumMap<>(Fate.Kind.class);
      for (Fate.Kind k : Fate.Kind.values()) {
        if (fateCounts[k.ordinal()] > 0) {
          fates.put(k, fateCounts[k.ordinal()]);
        }
      }
      long live = 0;
      for (LedgerMessage m = messages.first(); m != null; m = m.next) {
        if (m.live()) {
          live++;
        }
      }
      return new FateSummary(messages.size() + forgotten, live, forgotten, fates, droppedByRule, returnedByCode,
          anomalies.size() + anomaliesNotKept);
    }
  }

  /** Every message, in publish order. */
  public List<MessageFate> all() {
    synchronized (lock()) {
      List<MessageFate> out = new ArrayList<>(messages.size());
      for (LedgerMessage m = messages.first(); m != null; m = m.next) {
        out.add(snapshot(m));
      }
      return out;
    }
  }

  /** The anomalies seen so far in the event stream itself (second fates, impossible transitions, ...). */
  public List<String> anomalies() {
    synchronized (lock()) {
      List<String> out = new ArrayList<>(anomalies);
      if (anomaliesNotKept > 0) {
        out.add("... and " + anomaliesNotKept + " more anomalies not kept");
      }
      return out;
    }
  }

  /**
   * The problems provable from the trace alone, at the end of a quiet run: (a) a message with no routing
   * result, or mandatory and unroutable but never returned; (d) a copy with two fates, or any other anomaly
   * of {@link #anomalies()}; (e) a copy still unacked on a channel that has closed, with no requeue.
   */
  public List<String> traceProblems() {
    synchronized (lock()) {
      List<String> out = new ArrayList<>();
      for (LedgerMessage m = messages.first(); m != null; m = m.next) {
        LedgerCopy unrouted = m.unrouted();
        if (unrouted != null && unrouted.state == CopyState.UNROUTED) {
          out.add(narrator.subject(m, unrouted) + " " + narrator.statePhrase(m, unrouted) + ".");
        }
        for (LedgerCopy c : m.copies()) {
          Closure closed = c.state == CopyState.LIVE_UNACKED ? narrator.closureAfter(c.channel, c.deliveredSeq) : null;
          if (closed != null) {
            out.add(c.key() + " is still unacked on " + c.channel + ", which closed at "
                + FateNarrator.time(closed.record().virtualNanos()) + "; no Requeued followed.");
          }
        }
      }
      out.addAll(anomalies());
      return out;
    }
  }

  /**
   * {@link #traceProblems()} plus the comparison with the broker: (b) a copy the ledger thinks is in a
   * queue (or on its way there) that the broker does not hold, and (c) a copy the broker holds that the
   * ledger never saw arrive, or thinks settled.
   *
   * @param liveCopies {@code msgId@queue} of every copy the broker's queues hold (ready or unacked)
   */
  public List<String> problems(Set<String> liveCopies) {
    synchronized (lock()) {
      List<String> out = new ArrayList<>(traceProblems());
      for (LedgerMessage m = messages.first(); m != null; m = m.next) {
        for (LedgerCopy c : m.copies()) {
          if (c.queue == null || liveCopies.contains(c.key())) {
            continue;
          }
          if (c.state.heldByQueue()) {
            out.add(narrator.subject(m, c) + " " + narrator.statePhrase(m, c)
                + ", but the broker does not hold it: it vanished without an event.");
          } else if (c.state == CopyState.IN_FLIGHT) {
            out.add(narrator.subject(m, c) + " " + narrator.statePhrase(m, c) + ".");
          }
        }
      }
      for (String key : new TreeSet<>(liveCopies)) {
        int at = key.indexOf('@');
        String msgId = at < 0 ? key : key.substring(0, at);
        String queue = at < 0 ? "" : key.substring(at + 1);
        LedgerMessage m = messages.get(msgId);
        LedgerCopy c = m == null ? null : m.find(queue);
        if (m == null) {
          out.add("The broker holds " + key + ", but message " + msgId + " was never published or created.");
        } else if (c == null) {
          out.add("The broker holds " + key + ", but the ledger never saw " + msgId + " reach queue '"
              + queue + "'" + (m.routed == null ? "" : " (routed to " + FateNarrator.quoted(m.routed) + ")") + ".");
        } else if (c.state == CopyState.SETTLED) {
          out.add("The broker holds " + key + ", but the ledger recorded its fate: " + narrator.statePhrase(m, c)
              + ".");
        } else if (c.state == CopyState.IN_FLIGHT) {
          out.add("The broker holds " + key + ", but no Enqueued event was recorded for it.");
        }
      }
      return out;
    }
  }

  /** Throws if {@link #traceProblems()} finds anything: checks (a), (d) and (e). */
  public void assertNothingLostSilently() {
    synchronized (lock()) {
      List<String> found = traceProblems();
      if (!found.isEmpty()) {
        throw new LostMessageException(found);
      }
    }
  }

  /**
   * Throws if {@link #problems(Set)} finds anything: checks (a) to (e).
   *
   * @param actuallyLiveCopies {@code msgId@queue} of every copy the broker's queues hold, ready or unacked
   */
  public void assertNothingLostSilently(Set<String> actuallyLiveCopies) {
    synchronized (lock()) {
      List<String> found = problems(actuallyLiveCopies);
      if (!found.isEmpty()) {
        throw new LostMessageException(found);
      }
    }
  }

  // ------------------------------------------------------------------------------------- explanations

  /** What happened to one message, in plain English: one sentence per copy, then where it came from. */
  public String explain(String msgId) {
    synchronized (lock()) {
      LedgerMessage m = messages.get(msgId);
      if (m == null) {
        return "No message " + msgId + " was recorded.";
      }
      return narrator.explain(m);
    }
  }

  /**
   * What happened to the reply for the request with this correlation_id: each reply's fate, or, if no
   * reply was ever published, what happened to the request.
   */
  public String explainReplyFor(String requestCorrelationId) {
    synchronized (lock()) {
      List<LedgerMessage> requests = new ArrayList<>();
      List<LedgerMessage> replies = new ArrayList<>();
      for (LedgerMessage m : withCorrelationId(requestCorrelationId)) {
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
        for (LedgerMessage request : requests) {
          b.append('\n').append(narrator.explain(request));
        }
        return b.toString();
      }
      for (LedgerMessage reply : replies) {
        if (b.length() > 0) {
          b.append('\n');
        }
        b.append(narrator.explain(reply));
      }
      return b.toString();
    }
  }

  private List<LedgerMessage> withCorrelationId(String correlationId) {
    List<LedgerMessage> out = new ArrayList<>();
    for (LedgerMessage m = byCorrelation.get(correlationId); m != null; m = m.nextSameCorrelation) {
      out.add(m);
    }
    return out;
  }

  private static MessageFate snapshot(LedgerMessage m) {
    List<LedgerCopy> all = m.copies();
    List<MessageFate.Copy> copies = new ArrayList<>(all.size());
    for (LedgerCopy c : all) {
      copies.add(new MessageFate.Copy(m.msgId, c.queue, c.state, c.channel, c.consumerTag, c.deliveryTag,
          c.deliveries, c.fate()));
    }
    return new MessageFate(m.msgId, m.channel, m.exchange, m.routingKey, m.mandatory, m.correlationId,
        m.replyTo, m.messageId, m.createdSeq, m.createdNanos, m.origin,
        m.derived == null ? List.of() : List.copyOf(m.derived), m.routed, m.returnCode, List.copyOf(copies));
  }

  /** A channel, connection or reply consumer that ended, and the fault rule that ended it, if any. */
  record Closure(TraceRecord record, String faultRule) {}
}
