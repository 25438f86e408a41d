package io.brokersim.scenarios;

import java.util.ArrayList;
import java.util.List;

/**
 * One RPC call as the applications saw it, summarised from the {@link RpcLog}.
 *
 * @param requester the calling client
 * @param correlationId the call's correlation_id
 * @param request the request body
 * @param sentNanos virtual time the request was published
 * @param outcome how the call ended for the caller
 * @param endedNanos virtual time of that outcome (0 while waiting)
 * @param answer the body the caller took as its answer, or null
 * @param answerCorrelationId the correlation_id of the reply the caller took (differs from {@code correlationId}
 *     when a naive caller took another call's reply), or null
 * @param timesReceived how many times responders received the request
 * @param redeliveries how many of those receipts were flagged {@code redelivered}
 * @param repliesSent replies responders published for it
 * @param repliesReturned replies the broker returned to their responder ({@code basic.return})
 * @param discarded why the caller threw away replies carrying this correlation_id, one entry per reply
 * @param takenBy the call that wrongly took this call's reply as its answer, or null
 * @param failure why the call failed ({@link Outcome#FAILED}): the error that closed the requester's channel
 */
public record RpcCall(
    String requester,
    String correlationId,
    String request,
    long sentNanos,
    Outcome outcome,
    long endedNanos,
    String answer,
    String answerCorrelationId,
    int timesReceived,
    int redeliveries,
    int repliesSent,
    int repliesReturned,
    List<String> discarded,
    String takenBy,
    String failure) {

  /** How a call ended for its caller. */
  public enum Outcome {
    /** The caller got its own reply. */
    ANSWERED,
    /** A naive caller took another call's reply as its answer. */
    WRONG_ANSWER,
    /** The caller gave up. */
    TIMED_OUT,
    /** The caller's connection died while it waited. */
    CONNECTION_LOST,
    /** The broker closed the caller's channel, before the request went out or while the call waited. */
    FAILED,
    /** Still waiting when the run ended. */
    WAITING
  }

  public RpcCall {
    discarded = List.copyOf(discarded);
  }

  /**
   * Whether this call got exactly one reply, its own, and no other reply carried its correlation_id. (A request
   * redelivered after its first responder died without replying still counts: its caller saw nothing wrong.)
   */
  public boolean answeredOnce() {
    return outcome == Outcome.ANSWERED && repliesSent == 1 && discarded.isEmpty() && takenBy == null;
  }

  /** How the call ended for its caller: "answered at t=0.055s", "timed out at t=1.000s", ... */
  public String outcomeText() {
    String at = " at " + VirtualTime.format(endedNanos);
    return switch (outcome) {
      case ANSWERED -> "answered" + at;
      case WRONG_ANSWER -> "took the reply for " + answerCorrelationId + at;
      case TIMED_OUT -> "timed out" + at;
      case CONNECTION_LOST -> "lost its connection" + at;
      case FAILED -> "failed" + at + " (" + failure + ")";
      case WAITING -> "still waiting when the run ended";
    };
  }

  /** {@link #outcomeText()} and anything unusual: repeated processing, extra replies, discarded or stolen replies. */
  public String summary() {
    StringBuilder b = new StringBuilder(outcomeText());
    if (timesReceived == 0) {
      b.append(", never received by a responder");
    } else if (timesReceived != 1) {
      b.append(", received by responders ").append(timesReceived == 2 ? "twice" : timesReceived + " times");
    }
    if (repliesSent == 0 && timesReceived > 0) {
      b.append(", no reply sent");
    } else if (repliesSent > 1) {
      b.append(", ").append(repliesSent).append(" replies sent");
    }
    for (String d : discarded) {
      b.append(", discarded a reply (").append(d).append(')');
    }
    if (takenBy != null) {
      b.append(", its reply was taken by ").append(takenBy);
    }
    return b.toString();
  }

  static final class Builder {
    private final String requester;
    private final String correlationId;
    private final String request;
    private final long sentNanos;
    private Outcome outcome = Outcome.WAITING;
    private long endedNanos;
    private String answer;
    private String answerCorrelationId;
    private int timesReceived;
    private int redeliveries;
    private int repliesSent;
    private int repliesReturned;
    private final List<String> discarded = new ArrayList<>();
    private String takenBy;
    private String failure;

    Builder(RpcLog.Entry sent) {
      requester = sent.participant();
      correlationId = sent.correlationId();
      request = sent.text();
      sentNanos = sent.virtualNanos();
    }

    void add(RpcLog.Entry e) {
      switch (e.kind()) {
        case REPLY_ACCEPTED -> {
          end(correlationId.equals(e.replyCorrelationId()) ? Outcome.ANSWERED : Outcome.WRONG_ANSWER, e);
          answer = e.text();
          answerCorrelationId = e.replyCorrelationId();
        }
        case REPLY_DISCARDED -> discarded.add(e.text());
        case CALL_TIMED_OUT -> end(Outcome.TIMED_OUT, e);
        case CALL_ABANDONED -> end(Outcome.CONNECTION_LOST, e);
        case CALL_FAILED -> {
          if (outcome == Outcome.WAITING) {
            failure = e.text();
          }
          end(Outcome.FAILED, e);
        }
        case REQUEST_RECEIVED -> {
          timesReceived++;
          if ("redelivered".equals(e.text())) {
            redeliveries++;
          }
        }
        case REPLY_SENT -> repliesSent++;
        case REPLY_RETURNED -> repliesReturned++;
        default -> { }
      }
    }

    void replyTakenBy(String otherCall) {
      takenBy = otherCall;
    }

    private void end(Outcome o, RpcLog.Entry e) {
      if (outcome == Outcome.WAITING) {
        outcome = o;
        endedNanos = e.virtualNanos();
      }
    }

    RpcCall build() {
      return new RpcCall(requester, correlationId, request, sentNanos, outcome, endedNanos, answer,
          answerCorrelationId, timesReceived, redeliveries, repliesSent, repliesReturned, discarded, takenBy, failure);
    }
  }
}
