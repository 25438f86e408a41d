package io.brokersim.core.trace;

/** Where one copy of a message stands in the {@link FateLedger}. */
public enum CopyState {
  /** Published, no routing result yet (the message as a whole, before it has per-queue copies). */
  UNROUTED,
  /** Routed to a queue (or resolved to a requester's channel) but not yet enqueued (or delivered). */
  IN_FLIGHT,
  /** In its queue, waiting for a consumer. */
  LIVE_READY,
  /** Delivered to a consumer that has not acknowledged it yet. */
  LIVE_UNACKED,
  /** Held by its queue as an at-least-once dead letter that could not be routed yet (not deliverable). */
  DEAD_LETTER_HELD,
  /** Ended with exactly one {@link Fate}. */
  SETTLED;

  /** Whether the broker's queue holds the copy (ready, unacked, or as a dead letter waiting for a route). */
  public boolean heldByQueue() {
    return this == LIVE_READY || this == LIVE_UNACKED || this == DEAD_LETTER_HELD;
  }
}
