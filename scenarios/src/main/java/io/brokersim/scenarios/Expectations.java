package io.brokersim.scenarios;

import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.LostMessageException;
import io.brokersim.core.trace.MessageFate;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.scenarios.Expectation.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stock {@link Expectation}s of the catalogue. Each checks both sides where it can: what the clients saw
 * (the {@link RpcLog}) and what the broker recorded (the fate ledger), and says why in plain language.
 */
public final class Expectations {

  private static final int MAX_LISTED = 5;

  private Expectations() {}

  /** Every call gets exactly one reply, its own, and every reply the responders published reached its caller. */
  public static Expectation everyCallAnsweredOnce() {
    return Expectation.of("every call gets exactly one reply, matched by correlation_id", run -> {
      List<RpcCall> calls = run.log().calls();
      if (calls.isEmpty()) {
        return Check.fails("no call was made");
      }
      List<String> wrong = new ArrayList<>();
      for (RpcCall c : calls) {
        if (!c.answeredOnce()) {
          wrong.add(c.correlationId() + " " + c.summary());
        }
        for (MessageFate reply : replies(run, c.correlationId())) {
          Fate.Kind kind = fateKind(reply);
          if (kind != Fate.Kind.AUTO_ACKED && kind != Fate.Kind.DELIVERED_REPLY) {
            wrong.add("the reply to " + c.correlationId() + " " + phrase(reply));
          }
        }
      }
      if (!wrong.isEmpty()) {
        return Check.fails(list(wrong));
      }
      return Check.holds("all " + calls.size() + " calls got exactly one reply each; every reply reached its caller");
    });
  }

  /** The call gets its own reply. */
  public static Expectation answered(String correlationId) {
    return Expectation.of(correlationId + " gets its reply", run -> call(run, correlationId)
        .map(c -> c.outcome() == RpcCall.Outcome.ANSWERED
            ? Check.holds(correlationId + " was answered at " + VirtualTime.format(c.endedNanos()) + " with '"
                + c.answer() + "'")
            : Check.fails(correlationId + " " + c.summary()))
        .orElseGet(() -> notSent(correlationId)));
  }

  /**
   * The requester's connection died while the call waited, and the reply the responder sent had nowhere to go:
   * the exclusive callback queue had been deleted with its owner.
   */
  public static Expectation replyLostWithRequesterConnection(String correlationId) {
    return Expectation.of("the reply to " + correlationId + " is lost because the requester's connection is gone",
        run -> {
          Optional<RpcCall> call = call(run, correlationId);
          if (call.isEmpty()) {
            return notSent(correlationId);
          }
          if (call.get().outcome() != RpcCall.Outcome.CONNECTION_LOST) {
            return Check.fails("the requester did not lose its connection during " + correlationId + ": it "
                + call.get().summary());
          }
          List<MessageFate> replies = replies(run, correlationId);
          if (replies.isEmpty()) {
            return Check.fails("no reply to " + correlationId + " was published, so none could be lost");
          }
          // The server-named callback queue is exclusive and auto-delete: it goes with its consumer's channel or
          // with its owner's connection, whichever the broker handles first; both follow from the drop.
          String replyQueue = request(run, correlationId).map(MessageFate::replyTo).orElse(null);
          boolean queueGone = run.sim().events().events(TraceEvent.QueueDeleted.class).stream()
              .anyMatch(d -> d.queue().equals(replyQueue)
                  && (d.reason().equals("exclusive-owner-closed") || d.reason().equals("auto-delete")));
          if (!queueGone) {
            return Check.fails("the callback queue " + replyQueue + " was not deleted with its owner");
          }
          for (MessageFate reply : replies) {
            Fate.Kind kind = fateKind(reply);
            if (kind != Fate.Kind.DROPPED_UNROUTABLE && kind != Fate.Kind.RETURNED
                && kind != Fate.Kind.DELETED_WITH_QUEUE) {
              return Check.fails("the reply " + phrase(reply));
            }
          }
          return Check.holds(firstLine(run.sim().ledger().explainReplyFor(correlationId)));
        });
  }

  /** The reply to the call was published with mandatory and came back to its responder as 312 NO_ROUTE. */
  public static Expectation replyReturnedToResponder(String correlationId) {
    return Expectation.of("the mandatory reply to " + correlationId + " comes back to its responder "
        + "(basic.return 312 NO_ROUTE)", run -> {
          List<MessageFate> replies = replies(run, correlationId);
          Optional<MessageFate> returned = replies.stream().filter(r -> fateKind(r) == Fate.Kind.RETURNED).findFirst();
          if (returned.isEmpty()) {
            return Check.fails(replies.isEmpty() ? "no reply to " + correlationId + " was published"
                : "the reply " + phrase(replies.get(0)));
          }
          List<RpcLog.Entry> seen = entries(run, correlationId, RpcLog.Kind.REPLY_RETURNED);
          if (seen.isEmpty()) {
            return Check.fails("the broker returned the reply but its responder never saw the basic.return");
          }
          return Check.holds(seen.get(0).participant() + " got basic.return " + seen.get(0).text() + " at "
              + VirtualTime.format(seen.get(0).virtualNanos()) + ", so it knows the reply went nowhere");
        });
  }

  /** The reply to the call was published without mandatory and was dropped as unroutable: nobody is told. */
  public static Expectation replyDroppedSilently(String correlationId) {
    return Expectation.of("the reply to " + correlationId + " is dropped as unroutable and nobody is told "
        + "(not mandatory)", run -> {
          List<MessageFate> replies = replies(run, correlationId);
          if (replies.isEmpty()) {
            return Check.fails("no reply to " + correlationId + " was published");
          }
          MessageFate reply = replies.get(0);
          if (fateKind(reply) != Fate.Kind.DROPPED_UNROUTABLE) {
            return Check.fails("the reply " + phrase(reply));
          }
          if (!entries(run, correlationId, RpcLog.Kind.REPLY_RETURNED).isEmpty()) {
            return Check.fails("the responder was told (basic.return), so the drop was not silent");
          }
          return Check.holds("reply " + reply.msgId() + " matched no queue and was dropped; the responder got no "
              + "basic.return because it did not set mandatory");
        });
  }

  /** Responders received the request {@code times} times, every receipt after the first flagged redelivered. */
  public static Expectation processedTimes(String correlationId, int times) {
    return Expectation.of(correlationId + " is processed " + times(times), run -> call(run, correlationId)
        .map(c -> {
          int deliveries = request(run, correlationId).map(r -> r.onlyCopy().deliveries()).orElse(0);
          if (c.timesReceived() != times || deliveries != times) {
            return Check.fails("responders received it " + times(c.timesReceived()) + " and the broker delivered it "
                + times(deliveries));
          }
          if (c.redeliveries() != times - 1) {
            return Check.fails(c.redeliveries() + " of its " + times(times) + " deliveries were flagged redelivered, "
                + "expected " + (times - 1));
          }
          List<String> who = new ArrayList<>();
          for (RpcLog.Entry e : entries(run, correlationId, RpcLog.Kind.REQUEST_RECEIVED)) {
            who.add(e.participant() + " (" + e.text() + ", " + VirtualTime.format(e.virtualNanos()) + ")");
          }
          return Check.holds("delivered " + times(times) + ": " + String.join(", ", who));
        })
        .orElseGet(() -> notSent(correlationId)));
  }

  /** Two replies reach the caller; it keeps the first and discards the second by correlation_id. */
  public static Expectation duplicateReplyDiscarded(String correlationId) {
    return Expectation.of("the duplicate reply to " + correlationId + " is discarded by correlation_id",
        run -> call(run, correlationId).map(c -> {
          if (c.repliesSent() < 2) {
            return Check.fails("only " + c.repliesSent() + " reply was sent, so there is no duplicate");
          }
          if (c.outcome() != RpcCall.Outcome.ANSWERED) {
            return Check.fails(correlationId + " " + c.summary());
          }
          long duplicates = c.discarded().stream().filter(d -> d.startsWith("duplicate")).count();
          if (duplicates != c.repliesSent() - 1) {
            return Check.fails(c.repliesSent() + " replies were sent but the caller discarded " + duplicates
                + " as duplicates (" + c.discarded() + ")");
          }
          return Check.holds("the caller used the first reply and discarded " + duplicates + " duplicate(s): "
              + "the work ran twice, the caller saw it once");
        }).orElseGet(() -> notSent(correlationId)));
  }

  /** The caller gives up on the call. */
  public static Expectation timesOut(String correlationId) {
    return Expectation.of("the caller times out waiting for " + correlationId, run -> call(run, correlationId)
        .map(c -> c.outcome() == RpcCall.Outcome.TIMED_OUT
            ? Check.holds(c.requester() + " gave up on " + correlationId + " at " + VirtualTime.format(c.endedNanos()))
            : Check.fails(correlationId + " " + c.summary()))
        .orElseGet(() -> notSent(correlationId)));
  }

  /** A responder acked the request, so the broker forgot it, yet no reply was ever published. */
  public static Expectation requestAckedButNeverAnswered(String correlationId) {
    return Expectation.of("the request " + correlationId + " is acknowledged but never answered",
        run -> request(run, correlationId).map(request -> {
          if (fateKind(request) != Fate.Kind.ACKNOWLEDGED) {
            return Check.fails("the request " + phrase(request));
          }
          if (!replies(run, correlationId).isEmpty()) {
            return Check.fails("a reply to " + correlationId + " was published");
          }
          Fate f = request.onlyCopy().fate();
          return Check.holds("the request was acked on " + f.channel() + " at " + VirtualTime.format(f.virtualNanos())
              + " and no reply was ever published: the broker has nothing left to redeliver");
        }).orElseGet(() -> notSent(correlationId)));
  }

  /** The call timed out; its reply arrived afterwards and the caller discarded it by correlation_id. */
  public static Expectation lateReplyDiscarded(String correlationId) {
    return Expectation.of("the late reply to " + correlationId + " is discarded by correlation_id",
        run -> call(run, correlationId).map(c -> {
          if (c.outcome() != RpcCall.Outcome.TIMED_OUT) {
            return Check.fails(correlationId + " " + c.summary());
          }
          Optional<RpcLog.Entry> late = entries(run, correlationId, RpcLog.Kind.REPLY_DISCARDED).stream()
              .filter(e -> e.text().startsWith("late")).findFirst();
          return late.map(e -> Check.holds("timed out at " + VirtualTime.format(c.endedNanos()) + "; the reply came at "
                  + VirtualTime.format(e.virtualNanos()) + " and was discarded"))
              .orElseGet(() -> Check.fails("no late reply was discarded (" + c.discarded() + ")"));
        }).orElseGet(() -> notSent(correlationId)));
  }

  /** A naive caller took the reply meant for {@code otherCorrelationId} as the answer to {@code correlationId}. */
  public static Expectation answeredWithReplyOf(String correlationId, String otherCorrelationId) {
    return Expectation.of("without a correlation_id check, " + correlationId + " takes the reply meant for "
        + otherCorrelationId, run -> call(run, correlationId).map(c -> {
          if (c.outcome() != RpcCall.Outcome.WRONG_ANSWER || !otherCorrelationId.equals(c.answerCorrelationId())) {
            return Check.fails(correlationId + " " + c.summary());
          }
          return Check.holds(correlationId + " (request '" + c.request() + "') was answered at "
              + VirtualTime.format(c.endedNanos()) + " with '" + c.answer() + "', the reply to " + otherCorrelationId);
        }).orElseGet(() -> notSent(correlationId)));
  }

  /** The responder received {@code count} requests, acked none, then its channel closed. */
  public static Expectation heldUnackedWhenChannelClosed(String responder, int count) {
    return Expectation.of(responder + " holds " + count + " unacked requests when its channel closes", run -> {
      int received = run.log().entries(responder, RpcLog.Kind.REQUEST_RECEIVED).size();
      int acked = run.log().entries(responder, RpcLog.Kind.REQUEST_ACKED).size();
      boolean closed = !run.log().entries(responder, RpcLog.Kind.CHANNEL_CLOSED).isEmpty()
          || !run.log().entries(responder, RpcLog.Kind.CRASHED).isEmpty();
      if (received != count || acked != 0 || !closed) {
        return Check.fails(responder + " received " + received + ", acked " + acked + ", channel "
            + (closed ? "closed" : "still open"));
      }
      java.util.Set<String> held = new java.util.HashSet<>();
      String conn = connectionId(run, responder);
      for (TraceEvent.Delivered d : run.sim().events().events(TraceEvent.Delivered.class)) {
        if (d.channel().startsWith(conn + "/")) {
          held.add(d.msgId());
        }
      }
      long requeued = run.sim().events().events(TraceEvent.Requeued.class).stream()
          .filter(r -> held.contains(r.msgId())).count();
      return Check.holds(responder + " held " + count + " unacked deliveries; the broker requeued " + requeued
          + " of them when its channel closed");
    });
  }

  /** The responder received exactly {@code count} requests flagged {@code redelivered}. */
  public static Expectation redeliveredTo(String responder, int count) {
    return Expectation.of(count + " requests are redelivered (redelivered=true) to " + responder, run -> {
      List<RpcLog.Entry> received = run.log().entries(responder, RpcLog.Kind.REQUEST_RECEIVED);
      long redelivered = received.stream().filter(e -> "redelivered".equals(e.text())).count();
      return redelivered == count
          ? Check.holds(responder + " received " + received.size() + " requests, " + redelivered
              + " of them redelivered")
          : Check.fails(responder + " received " + redelivered + " redelivered requests");
    });
  }

  /** Every message has a recorded fate or is really still in a queue ({@code Simulation.assertNothingLostSilently}). */
  public static Expectation nothingLostSilently() {
    return Expectation.of("nothing is lost silently: every message has a recorded fate", run -> {
      try {
        run.sim().assertNothingLostSilently();
      } catch (LostMessageException e) {
        return Check.fails(list(e.problems()));
      }
      int messages = run.sim().ledger().all().size();
      int live = run.sim().ledger().stillLive().size();
      return Check.holds((messages == 1 ? "1 message" : messages + " messages") + ", each with a recorded fate"
          + (live == 0 ? "" : " or still queued (" + live + ")"));
    });
  }

  // ------------------------------------------------------------------------------------------ helpers

  static Optional<RpcCall> call(ScenarioContext run, String correlationId) {
    return run.log().calls().stream().filter(c -> c.correlationId().equals(correlationId)).findFirst();
  }

  /** The request the client published with this correlation_id (the message that carries reply_to). */
  static Optional<MessageFate> request(ScenarioContext run, String correlationId) {
    return run.sim().ledger().byCorrelationId(correlationId).stream()
        .filter(m -> m.origin() == null && m.replyTo() != null).findFirst();
  }

  /** Replies published with this correlation_id, in publish order. */
  static List<MessageFate> replies(ScenarioContext run, String correlationId) {
    return run.sim().ledger().byCorrelationId(correlationId).stream()
        .filter(m -> m.origin() == null && m.replyTo() == null).toList();
  }

  /** The fate of a single-copy message, null while it is live. */
  static Fate.Kind fateKind(MessageFate m) {
    Fate f = m.copies().size() == 1 ? m.onlyCopy().fate() : null;
    return f == null ? null : f.kind();
  }

  /** A short phrase for a message's fate: "was dropped as unroutable (t=0.200s)". */
  static String phrase(MessageFate m) {
    if (m.copies().size() != 1) {
      return m.msgId() + " has " + m.copies().size() + " copies";
    }
    MessageFate.Copy c = m.onlyCopy();
    Fate f = c.fate();
    if (f == null) {
      return m.msgId() + " is still " + c.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + (c.queue() == null ? "" : " in " + c.queue());
    }
    String at = " at " + VirtualTime.format(f.virtualNanos());
    return m.msgId() + switch (f.kind()) {
      case ACKNOWLEDGED -> " was acked on " + f.channel() + at;
      case AUTO_ACKED -> " was delivered to " + f.channel() + at;
      case DELIVERED_REPLY -> " was delivered to the requester " + f.channel() + at;
      case RETURNED -> " was returned to its publisher with " + f.code() + " " + f.detail() + at;
      case DROPPED_UNROUTABLE -> " matched no queue and was dropped" + at;
      case DROPPED_BY_FAULT -> " was dropped by fault rule '" + f.detail() + "'" + at;
      case EXPIRED -> " expired" + at;
      case DEAD_LETTERED -> " was dead-lettered as " + f.detail() + at;
      case PURGED -> " was purged" + at;
      case DELETED_WITH_QUEUE -> " was deleted with its queue (" + f.detail() + ")" + at;
      case DISCARDED_REJECTED -> " was rejected and discarded" + at;
      case DROPPED_OVERFLOW -> " was dropped by a length limit" + at;
      case REPLY_DROPPED -> " was dropped by the reply-to registry (" + f.detail() + ")" + at;
      case DROPPED_CONSUMER_GONE -> " was dropped: its consumer was gone" + at;
    };
  }

  /** The broker's id ({@code conn-N}) of the connection a participant opened. */
  static String connectionId(ScenarioContext run, String participant) {
    return run.sim().events().events(TraceEvent.ConnectionOpened.class).stream()
        .filter(o -> o.clientName().equals(participant)).map(TraceEvent.ConnectionOpened::conn)
        .findFirst().orElse("(no connection named " + participant + ")");
  }

  private static List<RpcLog.Entry> entries(ScenarioContext run, String correlationId, RpcLog.Kind kind) {
    return run.log().about(correlationId).stream()
        .filter(e -> e.kind() == kind && correlationId.equals(e.correlationId())).toList();
  }

  private static Check notSent(String correlationId) {
    return Check.fails("no call " + correlationId + " was sent");
  }

  private static String times(int n) {
    return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  private static String list(List<String> items) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < items.size() && i < MAX_LISTED; i++) {
      b.append(i == 0 ? "" : "; ").append(items.get(i));
    }
    if (items.size() > MAX_LISTED) {
      b.append("; and ").append(items.size() - MAX_LISTED).append(" more");
    }
    return b.toString();
  }
}
