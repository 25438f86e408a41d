package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Publisher-confirm bookkeeping of one channel (semantics §3.1, M5): sequence numbers start at 1 with
 * the first publish after {@code confirm.select}; a publish is confirmed once its routing result is
 * known and every queue it reached has accepted (or refused) it. Unroutable messages are acked.
 *
 * <p>Confirms are released in sequence order, coalesced with {@code multiple=true} where a run of
 * consecutive acks is ready, so a client never sees a confirm overtake an earlier one.
 */
public final class PublishConfirms {

  /** A confirm to send: ack or nack of {@code seq}, covering all lower outstanding ones if multiple. */
  public record Confirm(long seq, boolean multiple, boolean ack) {}

  private static final class Pending {
    boolean routed;
    int expected;
    int received;
    boolean nack;

    boolean complete() {
      return routed && received >= expected;
    }
  }

  private final TreeMap<Long, Pending> pending = new TreeMap<>();
  private long lastSeq;
  private long lastReleased;

  /** Registers the next publish; returns its sequence number. */
  public long nextSeq() {
    long seq = ++lastSeq;
    pending.put(seq, new Pending());
    return seq;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** The routing result for {@code seq}: how many queue acceptances to wait for. */
  public void routed(long seq, int queues) {
    Pending p = pending.get(seq);
    if (p != null) {
      p.routed = true;
      p.expected = queues;
    }
  }

  /** One queue accepted (or, with {@code accepted=false}, refused) the message of {@code seq}. */
  public void queueResult(long seq, boolean accepted) {
    Pending p = pending.get(seq);
    if (p != null) {
      p.received++;
      if (!accepted) {
        p.nack = true;
      }
    }
  }

  /** Marks {@code seq} to be nacked once complete (e.g. dropped by a fault). */
  public void nack(long seq) {
    Pending p = pending.get(seq);
    if (p != null) {
      p.nack = true;
    }
  }

  /** Confirms ready to send, in order; releases them from tracking. */
  public List<Confirm> release() {
    List<Confirm> out = new ArrayList<>();
    long runEnd = -1;
    for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Pending> e = it.next();
      Pending p = e.getValue();
      if (!p.complete()) {
        break;
      }
      it.remove();
      if (p.nack) {
        if (runEnd > 0) {
          out.add(new Confirm(runEnd, runEnd - lastReleased > 1, true));
          lastReleased = runEnd;
          runEnd = -1;
        }
        out.add(new Confirm(e.getKey(), false, false));
        lastReleased = e.getKey();
      } else {
        runEnd = e.getKey();
      }
    }
    if (runEnd > 0) {
      out.add(new Confirm(runEnd, runEnd - lastReleased > 1, true));
      lastReleased = runEnd;
    }
    return out;
  }

  /** Every publish still awaiting its confirm. */
  public int outstanding() {
    return pending.size();
  }
}
