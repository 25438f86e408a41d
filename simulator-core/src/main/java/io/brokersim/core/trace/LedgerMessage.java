package io.brokersim.core.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@link FateLedger} knows about one message. Its copies are a linked list in creation order; while
 * the list is empty the message has one implicit copy with a null queue in state {@link CopyState#UNROUTED},
 * made a real {@link LedgerCopy} only when something needs it ({@link #unrouted()}), so the usual message (published,
 * routed to one queue) costs two objects.
 */
final class LedgerMessage {
  final String msgId;
  final MessageFate.Origin origin;
  final long createdSeq;
  final long createdNanos;
  String channel;
  String exchange;
  String routingKey;
  boolean mandatory;
  boolean immediate;
  String correlationId;
  String replyTo;
  String messageId;
  List<String> routed;
  long routedNanos;
  TraceRecord returned;
  int returnCode;
  /** Ids of dead letters and duplicates made from it; null until there is one. */
  List<String> derived;
  /** FaultInjected records that hit it; null until there is one. */
  List<TraceRecord> faults;

  private LedgerCopy firstCopy;
  private LedgerCopy lastCopy;
  /** The next message in publish order. */
  LedgerMessage next;
  /** The previous message in publish order. */
  LedgerMessage previous;
  /** The next message to have settled after this one, while both wait in a windowed ledger's settled queue. */
  LedgerMessage nextSettled;
  /** Whether it waits in a windowed ledger's settled queue. */
  boolean inSettledQueue;
  /** The next message with the same correlation_id. */
  LedgerMessage nextSameCorrelation;

  LedgerMessage(String msgId, MessageFate.Origin origin, long createdSeq, long createdNanos) {
    this.msgId = msgId;
    this.origin = origin;
    this.createdSeq = createdSeq;
    this.createdNanos = createdNanos;
  }

  /** The copy in {@code queue}, or null; never the implicit unrouted copy. */
  LedgerCopy find(String queue) {
    for (LedgerCopy c = firstCopy; c != null; c = c.nextOfMessage) {
      if (queue == null ? c.queue == null : queue.equals(c.queue)) {
        return c;
      }
    }
    return null;
  }

  /** The copy of a direct reply to {@code replyName} ({@code "reply:" + replyName}), or null. */
  LedgerCopy findReply(String replyName) {
    int length = TraceEvent.REPLY_QUEUE_PREFIX.length() + replyName.length();
    for (LedgerCopy c = firstCopy; c != null; c = c.nextOfMessage) {
      String q = c.queue;
      if (q != null && q.length() == length && q.startsWith(TraceEvent.REPLY_QUEUE_PREFIX)
          && q.regionMatches(TraceEvent.REPLY_QUEUE_PREFIX.length(), replyName, 0, replyName.length())) {
        return c;
      }
    }
    return null;
  }

  /** Whether the message has no copy yet besides the implicit unrouted one. */
  boolean onlyImplicitlyUnrouted() {
    return firstCopy == null;
  }

  /** The copy with a null queue (made real if it was implicit), or null once routing replaced it. */
  LedgerCopy unrouted() {
    if (firstCopy == null) {
      add(new LedgerCopy(this, null, CopyState.UNROUTED, createdNanos));
      return firstCopy;
    }
    return find(null);
  }

  /** Every copy in creation order (the implicit unrouted copy made real). */
  List<LedgerCopy> copies() {
    unrouted();
    List<LedgerCopy> out = new ArrayList<>(2);
    for (LedgerCopy c = firstCopy; c != null; c = c.nextOfMessage) {
      out.add(c);
    }
    return out;
  }

  /** Whether some copy has no fate yet. */
  boolean live() {
    if (firstCopy == null) {
      return true;
    }
    for (LedgerCopy c = firstCopy; c != null; c = c.nextOfMessage) {
      if (c.state != CopyState.SETTLED) {
        return true;
      }
    }
    return false;
  }

  void add(LedgerCopy c) {
    if (lastCopy == null) {
      firstCopy = c;
    } else {
      lastCopy.nextOfMessage = c;
    }
    lastCopy = c;
  }

  void remove(LedgerCopy c) {
    LedgerCopy previous = null;
    for (LedgerCopy at = firstCopy; at != null; previous = at, at = at.nextOfMessage) {
      if (at == c) {
        if (previous == null) {
          firstCopy = c.nextOfMessage;
        } else {
          previous.nextOfMessage = c.nextOfMessage;
        }
        if (lastCopy == c) {
          lastCopy = previous;
        }
        c.nextOfMessage = null;
        return;
      }
    }
  }

  void derived(String newMsgId) {
    if (derived == null) {
      derived = new ArrayList<>(1);
    }
    derived.add(newMsgId);
  }

  void fault(TraceRecord record) {
    if (faults == null) {
      faults = new ArrayList<>(1);
    }
    faults.add(record);
  }
}
