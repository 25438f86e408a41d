package io.brokersim.scenarios;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the scenario's clients saw, in order: calls sent, replies accepted or discarded, timeouts, requests
 * received and answered. The broker's trace says what the broker did; this log says what the applications
 * did, which is where a lost reply becomes visible ("the call timed out") and where the correlation-id check
 * lives. Each entry remembers the trace sequence number it followed, so reports can interleave both.
 */
public final class RpcLog {

  /** What a client did or saw. */
  public enum Kind {
    /** A requester made a call: it published the request, unless the call fails at once (CALL_FAILED). */
    CALL_SENT,
    /** A requester took a reply as the answer to {@code correlationId} (its own reply, or another's if naive). */
    REPLY_ACCEPTED,
    /** A requester threw a reply away; {@code text} says why (late, duplicate, unknown). */
    REPLY_DISCARDED,
    /** A requester gave up waiting for {@code correlationId}. */
    CALL_TIMED_OUT,
    /** A requester lost its connection while {@code correlationId} was waiting. */
    CALL_ABANDONED,
    /**
     * A requester's call failed because the broker closed its channel, before or while it waited; {@code text} is
     * the error.
     */
    CALL_FAILED,
    /** A responder got a request ({@code text} is "redelivered" for a redelivery). */
    REQUEST_RECEIVED,
    /** A responder published a reply ({@code text} is "mandatory" when it set the flag). */
    REPLY_SENT,
    /** A responder wanted to reply but could not (it had crashed or its channel was closed). */
    REPLY_NOT_SENT,
    /** The broker returned a responder's reply ({@code text} is "312 NO_ROUTE"). */
    REPLY_RETURNED,
    /** A responder acknowledged a request. */
    REQUEST_ACKED,
    /** A responder rejected a request ({@code text} says whether it asked for a requeue). */
    REQUEST_REJECTED,
    /** The broker cancelled a responder's consumer ({@code basic.cancel} from the server; text says which). */
    CONSUMER_CANCELLED,
    /** A transactional responder committed ({@code tx.commit}): its reply and ack take effect now. */
    COMMITTED,
    /** A participant's connection died ({@code correlationId} null). */
    CRASHED,
    /** A participant's channel closed, by the client or by the broker ({@code text} says which and why). */
    CHANNEL_CLOSED,
    /**
     * Something a participant found out, in words: the answer to a liveness probe, a dead letter it read
     * ({@code correlationId} set when it is about a call).
     */
    NOTE,
    /** Scenario code threw inside a callback; the run is in error. */
    SCRIPT_ERROR
  }

  /**
   * One thing a client did or saw.
   *
   * @param virtualNanos virtual time
   * @param afterSeq the trace sequence number recorded just before it
   * @param participant the client's name
   * @param kind what happened
   * @param correlationId the call it is about, or null
   * @param replyCorrelationId for replies: the correlation_id the reply message carried
   * @param text more, in words
   */
  public record Entry(long virtualNanos, long afterSeq, String participant, Kind kind, String correlationId,
      String replyCorrelationId, String text) {}

  private final LongSupplier clockNanos;
  private final LongSupplier lastSeq;
  private final List<Entry> entries = new ArrayList<>();

  RpcLog(LongSupplier clockNanos, LongSupplier lastSeq) {
    this.clockNanos = clockNanos;
    this.lastSeq = lastSeq;
  }

  synchronized void add(String participant, Kind kind, String correlationId, String replyCorrelationId, String text) {
    entries.add(new Entry(clockNanos.getAsLong(), lastSeq.getAsLong(), participant, kind, correlationId,
        replyCorrelationId, text));
  }

  /**
   * Records what a participant found out (a probe's answer, a dead letter it read), for the report; about the
   * call {@code correlationId}, or about nothing in particular when it is null.
   */
  public void note(String participant, String correlationId, String text) {
    add(participant, Kind.NOTE, correlationId, null, text);
  }

  /** Every entry, in order. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** The entries about one call (sent, received, replied, answered, ...), in order. */
  public synchronized List<Entry> about(String correlationId) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (correlationId.equals(e.correlationId()) || correlationId.equals(e.replyCorrelationId())) {
        out.add(e);
      }
    }
    return out;
  }

  /** Entries of one kind by one participant (any participant when null). */
  public synchronized List<Entry> entries(String participant, Kind kind) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.kind() == kind && (participant == null || participant.equals(e.participant()))) {
        out.add(e);
      }
    }
    return out;
  }

  /** One summary per call, in the order the calls were sent. */
  public synchronized List<RpcCall> calls() {
    Map<String, RpcCall.Builder> calls = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.kind() == Kind.CALL_SENT) {
        calls.put(e.correlationId(), new RpcCall.Builder(e));
      }
    }
    for (Entry e : entries) {
      RpcCall.Builder b = e.correlationId() == null ? null : calls.get(e.correlationId());
      if (b != null) {
        b.add(e);
      }
      // A reply taken for another call still counts as received for the call it answers.
      if (e.kind() == Kind.REPLY_ACCEPTED && e.replyCorrelationId() != null
          && !e.replyCorrelationId().equals(e.correlationId()) && calls.containsKey(e.replyCorrelationId())) {
        calls.get(e.replyCorrelationId()).replyTakenBy(e.correlationId());
      }
    }
    List<RpcCall> out = new ArrayList<>(calls.size());
    for (RpcCall.Builder b : calls.values()) {
      out.add(b.build());
    }
    return out;
  }
}
