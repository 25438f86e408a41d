package io.brokersim.core.trace;

/**
 * What the {@link FateLedger} knows about one copy of a message: one per queue it was routed to, or one with a
 * null queue for the message before routing (or ended without reaching a queue). Plain fields, no per-event
 * objects: the fate is kept inline and made a {@link Fate} only when asked for, and rare events (requeue,
 * reject) are the only records kept.
 */
final class LedgerCopy {
  final LedgerMessage msg;
  final String queue;
  CopyState state;
  /** Creation time, then the time of the (first) Enqueued. */
  long readyNanos;
  boolean enqueued;
  String channel;
  String consumerTag;
  long deliveryTag;
  int deliveries;
  long deliveredSeq;
  long deliveredNanos;
  TraceRecord requeued;
  TraceRecord rejected;
  /** The DeadLetterHeld record while the queue holds this copy as an at-least-once dead letter. */
  TraceRecord deadLetterHeld;

  Fate.Kind fateKind;
  long fateSeq;
  long fateNanos;
  String fateChannel;
  int fateCode;
  String fateDetail;

  /** The next copy of the same message, in creation order. */
  LedgerCopy nextOfMessage;
  /** The open copies of the same queue, in arrival order, while this one is open (see {@link OpenCopies}). */
  OpenCopies openIn;
  LedgerCopy previousOpen;
  LedgerCopy nextOpen;

  LedgerCopy(LedgerMessage msg, String queue, CopyState state, long createdNanos) {
    this.msg = msg;
    this.queue = queue;
    this.state = state;
    this.readyNanos = createdNanos;
  }

  void settle(Fate.Kind kind, long seq, long nanos, String fateChannel, int code, String detail) {
    fateKind = kind;
    fateSeq = seq;
    fateNanos = nanos;
    this.fateChannel = fateChannel;
    fateCode = code;
    fateDetail = detail;
    state = CopyState.SETTLED;
    if (openIn != null) {
      openIn.remove(this);
    }
  }

  /** The fate, or null while not settled. */
  Fate fate() {
    return fateKind == null ? null : new Fate(fateKind, fateSeq, fateNanos, fateChannel, fateCode, fateDetail);
  }

  String key() {
    return FateLedger.copyKey(msg.msgId, queue);
  }

  /** Copies not settled yet in one queue, in arrival order: an intrusive list, no node objects. */
  static final class OpenCopies {
    LedgerCopy first;
    LedgerCopy last;

    void add(LedgerCopy c) {
      c.openIn = this;
      c.previousOpen = last;
      if (last == null) {
        first = c;
      } else {
        last.nextOpen = c;
      }
      last = c;
    }

    void remove(LedgerCopy c) {
      if (c.previousOpen == null) {
        first = c.nextOpen;
      } else {
        c.previousOpen.nextOpen = c.nextOpen;
      }
      if (c.nextOpen == null) {
        last = c.previousOpen;
      } else {
        c.nextOpen.previousOpen = c.previousOpen;
      }
      c.openIn = null;
      c.previousOpen = null;
      c.nextOpen = null;
    }
  }
}
