package io.brokersim.core.trace;

import io.brokersim.core.trace.TraceEvent.ChannelClosed;
import io.brokersim.core.trace.TraceEvent.ConnectionClosed;
import io.brokersim.core.trace.TraceEvent.ConsumerCancelled;
import io.brokersim.core.trace.TraceEvent.DeadLetterHeld;
import io.brokersim.core.trace.TraceEvent.FaultInjected;
import io.brokersim.core.trace.TraceEvent.QueueDeleted;
import io.brokersim.core.trace.TraceEvent.Rejected;
import io.brokersim.core.trace.TraceEvent.Requeued;
import io.brokersim.core.trace.TraceEvent.Returned;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@link FateLedger}'s sentences: what happened to a message and each of its copies, and why, from what
 * the ledger recorded. Runs only when asked (explanations, problem reports), never per event; callers hold
 * the ledger's lock.
 */
final class FateNarrator {

  private static final int MAX_EXPLAIN_DEPTH = 4;

  private final FateLedger ledger;

  FateNarrator(FateLedger ledger) {
    this.ledger = ledger;
  }

  String explain(LedgerMessage m) {
    StringBuilder b = new StringBuilder();
    for (LedgerCopy c : m.copies()) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(subject(m, c)).append(' ').append(statePhrase(m, c)).append('.');
    }
    b.append('\n').append(provenance(m));
    for (TraceRecord r : m.faults == null ? List.<TraceRecord>of() : m.faults) {
      FaultInjected f = (FaultInjected) r.event();
      boolean explained = m.copies().stream()
          .anyMatch(c -> c.fateKind == Fate.Kind.DROPPED_BY_FAULT && f.rule().equals(c.fateDetail));
      if (!explained) {
        b.append("\nFault rule '").append(f.rule()).append("' (").append(f.action()).append(" at '")
            .append(f.target()).append("') hit it at ").append(time(r.virtualNanos())).append('.');
      }
    }
    return b.toString();
  }

  String subject(LedgerMessage m, LedgerCopy c) {
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

  private boolean isReply(LedgerMessage m) {
    return m.replyTo == null && m.routingKey != null && ledger.replyOwner.containsKey(m.routingKey);
  }

  private static String ids(LedgerMessage m) {
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

  private String provenance(LedgerMessage m) {
    StringBuilder b = new StringBuilder();
    MessageFate.Origin o = m.origin;
    if (o == null) {
      b.append("It was published at ").append(time(m.createdNanos)).append(" on channel ")
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
          .append(time(m.createdNanos)).append(" to ").append(exchange(m.exchange));
      if (m.routingKey != null) {
        b.append(" with routing key '").append(m.routingKey).append('\'');
      }
    } else {
      b.append("It is a duplicate of ").append(o.msgId()).append(" made at ")
          .append(time(m.createdNanos)).append(" by fault rule '").append(o.reason())
          .append("' at '").append(o.queue()).append('\'');
    }
    if (m.routed != null && !m.routed.isEmpty()
        && !(m.routed.size() == 1 && m.routed.get(0).startsWith(TraceEvent.REPLY_QUEUE_PREFIX))) {
      b.append("; routing chose ").append(m.routed.size() == 1 ? "queue " : "queues ").append(quoted(m.routed));
    } else if (m.routed != null && m.routed.isEmpty()) {
      b.append("; no queue matched");
    }
    b.append('.');
    if (m.returned != null && !m.onlyImplicitlyUnrouted() && m.find(null) == null) {
      Returned r = (Returned) m.returned.event();
      b.append(" The publisher also got basic.return ").append(r.code()).append(' ').append(r.text())
          .append(" at ").append(time(m.returned.virtualNanos())).append('.');
    }
    if (m.derived != null) {
      b.append(" Messages made from it: ").append(String.join(", ", m.derived)).append('.');
    }
    return b.toString();
  }

  String statePhrase(LedgerMessage m, LedgerCopy c) {
    return statePhrase(m, c, 0);
  }

  private String statePhrase(LedgerMessage m, LedgerCopy c, int depth) {
    switch (c.state) {
      case UNROUTED:
        if (m.routed != null && (m.mandatory || m.immediate)) {
          return "matched no queue at " + time(m.routedNanos) + " and was published "
              + (m.immediate ? "immediate" : "mandatory") + ", yet no basic.return was recorded";
        } else if (m.routed != null) {
          return "matched no queue at " + time(m.routedNanos)
              + ", yet no Discarded (unroutable) was recorded";
        }
        return "has no routing result (no Routed, Returned, Discarded or reply event) since "
            + time(c.readyNanos);
      case IN_FLIGHT:
        if (c.queue.startsWith(TraceEvent.REPLY_QUEUE_PREFIX)) {
          return "was routed to the requester's channel " + c.channel + " at " + time(c.readyNanos)
              + " but never delivered";
        }
        return "was routed at " + time(c.readyNanos) + " but never reached the queue (no Enqueued)";
      case LIVE_READY: {
        StringBuilder b = new StringBuilder("is still ready (enqueued at ")
            .append(time(c.readyNanos));
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
            .append(" on channel ").append(c.channel).append(" at ").append(time(c.deliveredNanos))
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

  private String fatePhrase(LedgerMessage m, LedgerCopy c, int depth) {
    Fate f = c.fate();
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
        LedgerMessage dead = ledger.messages.get(f.detail());
        String reason = dead == null ? "?" : dead.origin.reason();
        String phrase = "was dead-lettered at " + at + " (reason " + reason
            + ("delivery_limit".equals(reason) ? ", after " + deliveries(c) : "") + ") to "
            + (dead == null ? "?" : exchange(dead.exchange)) + " as message " + f.detail();
        if (dead != null && depth < MAX_EXPLAIN_DEPTH) {
          List<String> parts = new ArrayList<>();
          for (LedgerCopy d : dead.copies()) {
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
    FateLedger.Closure closed = ledger.channelClosed.get(ch);
    if (closed != null && closed.record().seq() <= f.seq()) {
      ChannelClosed e = (ChannelClosed) closed.record().event();
      return "the requester's channel " + ch + " was closed at " + time(closed.record().virtualNanos())
          + " with " + e.code() + " '" + e.text() + "'" + initiatedBy(e.initiator(), closed.faultRule());
    }
    String conn = connectionOf(ch);
    FateLedger.Closure connClosed = conn == null ? null : ledger.connectionClosed.get(conn);
    if (connClosed != null && connClosed.record().seq() <= f.seq()) {
      ConnectionClosed e = (ConnectionClosed) connClosed.record().event();
      return "the requester's connection " + conn + " (channel " + ch + ") was closed at "
          + time(connClosed.record().virtualNanos()) + " with " + e.code() + " '" + e.text() + "'"
          + initiatedBy(e.initiator(), connClosed.faultRule());
    }
    FateLedger.Closure cancelled = ledger.replyConsumerCancelled.get(ch);
    if (cancelled != null && cancelled.record().seq() <= f.seq()) {
      ConsumerCancelled e = (ConsumerCancelled) cancelled.record().event();
      return "the requester cancelled its reply consumer '" + e.consumerTag() + "' on channel " + ch + " at "
          + time(cancelled.record().virtualNanos()) + initiatedBy(e.initiator(), cancelled.faultRule());
    }
    return "the reply-to registry reported " + f.detail() + " for the requester's channel " + ch;
  }

  private static String initiatedBy(String initiator, String faultRule) {
    if (faultRule != null) {
      return " (fault rule '" + faultRule + "')";
    }
    if ("management".equals(initiator)) {
      return " (through the management API)";
    }
    return initiator == null ? "" : " (initiated by the " + initiator + ")";
  }

  private String faultNote(LedgerMessage m, String rule) {
    for (int i = m.faults == null ? -1 : m.faults.size() - 1; i >= 0; i--) {
      FaultInjected f = (FaultInjected) m.faults.get(i).event();
      if (f.rule().equals(rule)) {
        return " (" + f.action() + " at '" + f.target() + "')";
      }
    }
    return "";
  }

  private String deletedQueueNote(LedgerMessage m) {
    if (!"".equals(m.exchange) || m.routingKey == null) {
      return "";
    }
    TraceRecord deleted = ledger.queueDeleted.get(m.routingKey);
    if (deleted == null) {
      return "";
    }
    return " (queue '" + m.routingKey + "' was deleted at " + time(deleted.virtualNanos()) + ", reason "
        + ((QueueDeleted) deleted.event()).reason() + ")";
  }

  private static String route(LedgerMessage m) {
    return "routing key '" + m.routingKey + "' on " + exchange(m.exchange);
  }

  /** "; last requeued at t=… (reason)" when the copy went back to its queue before, else "". */
  private static String lastRequeue(LedgerCopy c) {
    if (c.requeued == null) {
      return "";
    }
    return "; last requeued at " + time(c.requeued.virtualNanos()) + " (" + ((Requeued) c.requeued.event()).reason()
        + ")";
  }

  private static String consumer(LedgerCopy c) {
    return c.consumerTag == null ? "basic.get" : "consumer '" + c.consumerTag + "'";
  }

  private static String deliveries(LedgerCopy c) {
    return c.deliveries == 1 ? "1 delivery" : c.deliveries + " deliveries";
  }

  static String describeState(LedgerCopy c) {
    return c.state == CopyState.SETTLED
        ? c.fateKind + " at " + time(c.fateNanos)
        : c.state.name();
  }

  FateLedger.Closure closureAfter(String channel, long seq) {
    FateLedger.Closure closed = channel == null ? null : ledger.channelClosed.get(channel);
    if (closed != null && closed.record().seq() > seq) {
      return closed;
    }
    String conn = connectionOf(channel);
    FateLedger.Closure connClosed = conn == null ? null : ledger.connectionClosed.get(conn);
    return connClosed != null && connClosed.record().seq() > seq ? connClosed : null;
  }

  static String connectionOf(String channel) {
    int slash = channel == null ? -1 : channel.lastIndexOf('/');
    return slash < 0 ? null : channel.substring(0, slash);
  }

  private static String exchange(String name) {
    return name == null ? "an unknown exchange" : name.isEmpty() ? "the default exchange" : "exchange '" + name + "'";
  }

  static String quoted(List<String> queues) {
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
  static String time(long virtualNanos) {
    long millis = Math.floorDiv(virtualNanos, 1_000_000L);
    return String.format(Locale.ROOT, "t=%d.%03ds", Math.floorDiv(millis, 1000L), Math.floorMod(millis, 1000L));
  }
}
