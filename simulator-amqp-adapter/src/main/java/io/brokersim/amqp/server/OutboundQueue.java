package io.brokersim.amqp.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.util.ByteString;

/**
 * The frames one connection has produced but its socket has not taken yet. Many producers (the
 * broker's actors, one per channel, and the connection stage) offer; only the connection stage polls.
 *
 * <p>Order: each producer's frames stay in the order it offered them, which is what AMQP needs (per
 * channel order; a content method is one entry, so its frames stay contiguous). The queue counts the
 * octets it holds, so the stage can apply the watermarks, and it coalesces wake-ups: only the offer that
 * finds no wake-up pending asks its caller to wake the stage.
 */
final class OutboundQueue {

  /** What an entry means to the connection stage besides its octets. */
  enum Kind {
    /** Plain frames. */
    DATA,
    /** A server channel.close: the channel now waits for the client's close-ok. */
    CHANNEL_CLOSE,
    /** A channel.close-ok: the channel number is free once the client has it. */
    CHANNEL_CLOSE_OK,
    /** A server connection.close: only close-ok (or a crossing close) counts from now on. */
    CONNECTION_CLOSE,
    /** The broker is done with the connection: write what precedes, then close the socket. */
    END
  }

  /** One entry: frames for {@code channel} (0 for the connection). */
  record Entry(int channel, Kind kind, ByteString bytes) {
    int size() {
      return bytes.size();
    }
  }

  private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong peakBytes = new AtomicLong();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private volatile boolean endOffered;

  /** Adds an entry; true if the caller must wake the consumer (no wake-up was pending). */
  boolean offer(Entry e) {
    if (e.kind() == Kind.END) {
      endOffered = true;
    }
    entries.add(e);
    long now = queuedBytes.addAndGet(e.size());
    if (now > peakBytes.get()) {
      peakBytes.accumulateAndGet(now, Math::max);
    }
    return wakePending.compareAndSet(false, true);
  }

  /** The consumer took the wake-up; offers from now on wake it again. Call before draining. */
  void woken() {
    wakePending.set(false);
  }

  /** The oldest entry, or null. */
  Entry peek() {
    return entries.peek();
  }

  /** Removes the oldest entry (the one {@link #peek()} returned) and stops counting its octets. */
  Entry poll() {
    Entry e = entries.poll();
    if (e != null) {
      queuedBytes.addAndGet(-e.size());
    }
    return e;
  }

  /** True once the broker has ended the connection (an END entry was offered). */
  boolean endOffered() {
    return endOffered;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Octets queued now. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** The most octets ever queued at once (for tests and diagnostics). */
  long peakBytes() {
    return peakBytes.get();
  }
}
