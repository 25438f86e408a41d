package io.brokersim.scenarios;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.LostMessageException;
import io.brokersim.core.trace.MessageFate;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.scenarios.Expectation.Check;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

  /**
   * The request was dead-lettered from its queue with {@code reason} (x-death reason: expired, delivery_limit, ...)
   * and the dead letter reached {@code deadLetterQueue}; the ledger's first sentence about the request is the reason.
   */
  public static Expectation requestDeadLettered(String correlationId, String reason, String deadLetterQueue) {
    return Expectation.of("the request " + correlationId + " is dead-lettered (" + reason + ") to " + deadLetterQueue,
        run -> request(run, correlationId).map(r -> {
          if (fateKind(r) != Fate.Kind.DEAD_LETTERED) {
            return Check.fails("the request " + phrase(r));
          }
          Optional<MessageFate> dead = run.sim().ledger().fateOf(r.onlyCopy().fate().detail());
          if (dead.isEmpty() || !reason.equals(dead.get().origin().reason())
              || dead.get().copy(deadLetterQueue).isEmpty()) {
            return Check.fails("the dead letter " + r.onlyCopy().fate().detail() + " did not reach " + deadLetterQueue
                + " with reason " + reason);
          }
          String explained = run.sim().ledger().explain(r.msgId());
          return Check.holds(explained.substring(0, explained.indexOf('\n')));
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

  /**
   * A reply to {@code correlationId} was published inside a transaction that was never committed: the ledger
   * says it was rolled back, so for every queue it never existed.
   */
  public static Expectation replyRolledBack(String correlationId) {
    return Expectation.of("a reply to " + correlationId + " was published in a transaction that never committed",
        run -> replies(run, correlationId).stream().filter(r -> fateKind(r) == Fate.Kind.ROLLED_BACK).findFirst()
            .map(r -> Check.holds(run.sim().ledger().explain(r.msgId())))
            .orElseGet(() -> Check.fails("no reply to " + correlationId + " was rolled back; replies: "
                + replies(run, correlationId).stream().map(Expectations::phrase).toList())));
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

  // --------------------------------------------------------------------------- direct reply-to, faults

  /**
   * Every reply reached its requester through the reply-to registry (direct reply-to), and no requester declared a
   * callback queue: no exclusive or server-named queue exists in the run.
   */
  public static Expectation repliesDeliveredDirectly() {
    return Expectation.of("every reply goes straight to its requester's channel; no callback queue is declared",
        run -> {
          List<String> wrong = new ArrayList<>();
          int replies = 0;
          for (RpcCall c : run.log().calls()) {
            for (MessageFate reply : replies(run, c.correlationId())) {
              replies++;
              if (fateKind(reply) != Fate.Kind.DELIVERED_REPLY) {
                wrong.add("the reply to " + c.correlationId() + " " + phrase(reply));
              }
            }
          }
          for (TraceEvent.QueueDeclared q : run.sim().events().events(TraceEvent.QueueDeclared.class)) {
            if (q.exclusive() || q.queue().startsWith("amq.gen-")) {
              wrong.add("queue " + q.queue() + " was declared");
            }
          }
          if (replies == 0) {
            return Check.fails("no reply was published");
          }
          if (!wrong.isEmpty()) {
            return Check.fails(list(wrong));
          }
          int routed = run.sim().events().events(TraceEvent.ReplyRouted.class).size();
          return Check.holds((replies == 1 ? "the reply was" : "all " + replies + " replies were")
              + " resolved by the reply-to registry (" + routed + " reply_routed) and delivered to the requester's"
              + " channel; no reply queue was declared");
        });
  }

  /**
   * The requester consumed a direct reply-to pseudo-queue, and the broker rewrote the {@code reply_to} of its
   * requests to one reply name of the profile's form: LavinMQ {@code amq.direct.reply-to.<consumer tag>} (for
   * either alias), RabbitMQ {@code amq.rabbitmq.reply-to.<opaque suffix>}.
   */
  public static Expectation replyNameRewritten(String requester) {
    return Expectation.of(requester + "'s reply_to is rewritten to the broker's reply name (LavinMQ: "
        + "amq.direct.reply-to.<consumer tag>; RabbitMQ: amq.rabbitmq.reply-to.<opaque suffix>)", run -> {
          BrokerProfile profile = run.profile();
          String conn = connectionId(run, requester);
          Optional<TraceEvent.ConsumerAdded> consumer = run.sim().events().events(TraceEvent.ConsumerAdded.class)
              .stream().filter(c -> c.channel().startsWith(conn + "/") && profile.isReplyPseudoName(c.queue()))
              .findFirst();
          if (consumer.isEmpty()) {
            return Check.fails(requester + " never consumed a direct reply-to pseudo-queue");
          }
          String tag = consumer.get().consumerTag();
          Set<String> names = new LinkedHashSet<>();
          for (TraceEvent.Published p : run.sim().events().events(TraceEvent.Published.class)) {
            if (p.channel().equals(consumer.get().channel()) && p.replyTo() != null) {
              names.add(p.replyTo());
            }
          }
          if (names.size() != 1) {
            return Check.fails(requester + "'s requests carried " + names.size() + " reply names: " + names);
          }
          String name = names.iterator().next();
          String consumed = requester + " consumed " + consumer.get().queue() + " (consumer tag " + tag + ")";
          if (profile.isLavinMq()) {
            return name.equals(BrokerProfile.LAVINMQ_REPLY_TO + "." + tag)
                ? Check.holds(consumed + "; its requests carried reply_to " + name
                    + ", that is amq.direct.reply-to.<its consumer tag>")
                : Check.fails(consumed + " but its requests carried reply_to " + name);
          }
          return name.startsWith(BrokerProfile.RABBITMQ_REPLY_TO + ".") && !name.contains(tag)
              ? Check.holds(consumed + "; its requests carried reply_to " + name
                  + ": the prefix and an opaque suffix that does not reveal the consumer tag")
              : Check.fails(consumed + " but its requests carried reply_to " + name);
        });
  }

  /** A reply to the call was published, and none reached the requester. */
  public static Expectation replyNeverReachesRequester(String correlationId) {
    return Expectation.of("the reply to " + correlationId + " never reaches its requester", run -> {
      List<MessageFate> replies = replies(run, correlationId);
      if (replies.isEmpty()) {
        return Check.fails("no reply to " + correlationId + " was published");
      }
      for (MessageFate reply : replies) {
        Fate.Kind kind = fateKind(reply);
        if (kind == null || kind == Fate.Kind.AUTO_ACKED || kind == Fate.Kind.DELIVERED_REPLY
            || kind == Fate.Kind.ACKNOWLEDGED) {
          return Check.fails("the reply " + phrase(reply));
        }
      }
      return Check.holds("the reply " + phrase(replies.get(0)));
    });
  }

  /**
   * Whether the responder is told about its reply with {@code basic.return 312 NO_ROUTE}: {@code told} says what the
   * profile does (semantics §1.6: RabbitMQ up to 4.1 returns every mandatory direct reply, 4.2+ none, LavinMQ only
   * when the requester is gone).
   */
  public static Expectation responderToldByReturn(String correlationId, boolean told) {
    String description = told
        ? "the responder gets basic.return 312 NO_ROUTE for its reply to " + correlationId
        : "the responder gets no basic.return for its reply to " + correlationId;
    return Expectation.of(description, run -> {
      List<MessageFate> replies = replies(run, correlationId);
      if (replies.isEmpty()) {
        return Check.fails("no reply to " + correlationId + " was published");
      }
      MessageFate reply = replies.get(0);
      List<RpcLog.Entry> seen = entries(run, correlationId, RpcLog.Kind.REPLY_RETURNED);
      String flag = reply.mandatory() ? "mandatory" : "not mandatory";
      if (told) {
        return reply.returnCode() == 312 && !seen.isEmpty()
            ? Check.holds(seen.get(0).participant() + " got basic.return " + seen.get(0).text() + " at "
                + VirtualTime.format(seen.get(0).virtualNanos()) + " for its " + flag + " reply, which "
                + fatePhrase(reply))
            : Check.fails("no basic.return for the " + flag + " reply, which " + fatePhrase(reply));
      }
      return reply.returnCode() == 0 && seen.isEmpty()
          ? Check.holds("no basic.return for the " + flag + " reply, which " + fatePhrase(reply))
          : Check.fails("the responder got basic.return " + reply.returnCode() + " for the " + flag + " reply");
    });
  }

  /**
   * The fate ledger's explanation of the call, as the report gives it ({@link #explanation}), names fault rule
   * {@code rule}.
   */
  public static Expectation explanationNamesFaultRule(String correlationId, String rule) {
    return Expectation.of("the fate ledger's explanation of " + correlationId + " names fault rule '" + rule + "'",
        run -> {
          String why = explanation(run, correlationId);
          String needle = ("rule '" + rule + "'").toLowerCase(java.util.Locale.ROOT);
          for (String line : why.split("\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).contains(needle)) {
              return Check.holds(line);
            }
          }
          return Check.fails("it does not: " + why.replace('\n', ' '));
        });
  }

  /** The call failed because the broker closed the requester's channel, with an error containing {@code fragment}. */
  public static Expectation callFails(String correlationId, String fragment) {
    return Expectation.of("the call " + correlationId + " fails: " + fragment, run -> call(run, correlationId)
        .map(c -> c.outcome() == RpcCall.Outcome.FAILED && c.failure().contains(fragment)
            ? Check.holds(c.requester() + "'s call " + correlationId + " " + c.outcomeText())
            : Check.fails(correlationId + " " + c.summary()))
        .orElseGet(() -> notSent(correlationId)));
  }

  /**
   * The broker closed one of the participant's channels with {@code code} and exactly {@code text} (the profile's
   * words), and only the channel: the connection survives, as it does for every soft error.
   */
  public static Expectation channelClosedByBroker(String participant, int code, String text) {
    return Expectation.of("the broker closes " + participant + "'s channel with " + code + " " + text
        + ", and only the channel", run -> {
          String conn = connectionId(run, participant);
          Optional<TraceEvent.ChannelClosed> closed = run.sim().events().events(TraceEvent.ChannelClosed.class).stream()
              .filter(c -> c.channel().startsWith(conn + "/") && "server".equals(c.initiator())).findFirst();
          if (closed.isEmpty()) {
            return Check.fails("the broker closed no channel of " + participant);
          }
          TraceEvent.ChannelClosed c = closed.get();
          if (c.code() != code || !c.text().equals(text)) {
            return Check.fails("channel " + c.channel() + " was closed with " + c.code() + " " + c.text());
          }
          boolean connectionClosed = run.sim().events().events(TraceEvent.ConnectionClosed.class).stream()
              .anyMatch(x -> x.conn().equals(conn));
          if (connectionClosed) {
            return Check.fails("channel " + c.channel() + " was closed with " + code + ", and so was connection " + conn);
          }
          return Check.holds("channel " + c.channel() + " was closed with " + c.code() + " " + c.text()
              + " (class " + c.classId() + ", method " + c.methodId() + "); connection " + conn + " stayed open");
        });
  }

  /** No responder ever received the request. */
  public static Expectation neverReceived(String correlationId) {
    return Expectation.of("no responder ever sees the request " + correlationId, run -> call(run, correlationId)
        .map(c -> {
          if (c.timesReceived() != 0) {
            return Check.fails("responders received it " + times(c.timesReceived()));
          }
          return Check.holds(request(run, correlationId).map(r -> "the request " + phrase(r))
              .orElse("no request message was published"));
        })
        .orElseGet(() -> notSent(correlationId)));
  }

  /**
   * The request reached no queue and was dropped without anyone being told: no binding matched, or the broker
   * refused the publish (a 406 for a direct reply-to publish without a reply consumer).
   */
  public static Expectation requestUnroutable(String correlationId) {
    return Expectation.of("the request " + correlationId + " reaches no queue and is dropped", run ->
        request(run, correlationId).map(r -> {
          boolean enqueued = run.sim().events().events(TraceEvent.Enqueued.class).stream()
              .anyMatch(e -> e.msgId().equals(r.msgId()));
          if (fateKind(r) != Fate.Kind.DROPPED_UNROUTABLE || enqueued) {
            return Check.fails("the request " + phrase(r));
          }
          return Check.holds(firstLine(run.sim().ledger().explain(r.msgId())));
        }).orElseGet(() -> Check.fails("no request " + correlationId + " was published")));
  }

  /** The responder never received a message. */
  public static Expectation receivedNothing(String responder) {
    return Expectation.of(responder + " never receives a message", run -> {
      List<RpcLog.Entry> got = run.log().entries(responder, RpcLog.Kind.REQUEST_RECEIVED);
      String conn = connectionId(run, responder);
      long delivered = run.sim().events().events(TraceEvent.Delivered.class).stream()
          .filter(d -> d.channel().startsWith(conn + "/")).count();
      if (!got.isEmpty() || delivered > 0) {
        return Check.fails(responder + " received " + Math.max(got.size(), delivered) + " message(s)");
      }
      return Check.holds("the broker delivered nothing to " + responder + " (" + conn + ")");
    });
  }

  // ------------------------------------------------------------------------------------------ helpers

  static Optional<RpcCall> call(ScenarioContext run, String correlationId) {
    return run.log().calls().stream().filter(c -> c.correlationId().equals(correlationId)).findFirst();
  }

  /** The request the client published with this correlation_id (the message that carries reply_to). */
  public static Optional<MessageFate> request(ScenarioContext run, String correlationId) {
    return run.sim().ledger().byCorrelationId(correlationId).stream()
        .filter(m -> m.origin() == null && m.replyTo() != null).findFirst();
  }

  /** Replies published with this correlation_id, in publish order. */
  public static List<MessageFate> replies(ScenarioContext run, String correlationId) {
    return run.sim().ledger().byCorrelationId(correlationId).stream()
        .filter(m -> m.origin() == null && m.replyTo() == null).toList();
  }

  /** The fate of a single-copy message, null while it is live. */
  public static Fate.Kind fateKind(MessageFate m) {
    Fate f = m.copies().size() == 1 ? m.onlyCopy().fate() : null;
    return f == null ? null : f.kind();
  }

  /** A short phrase for a message's fate: "conn-1/ch-1#2 matched no queue and was dropped at t=0.200s". */
  public static String phrase(MessageFate m) {
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
      case DROPPED_DELIVERY_LIMIT -> " passed its queue's delivery limit and was dropped" + at;
      case REPLY_DROPPED -> " was dropped on its way to the requester (" + f.detail() + ")" + at;
      case DROPPED_CONSUMER_GONE -> " was dropped: its consumer was gone" + at;
      case ROLLED_BACK -> " was published in a transaction that " + f.detail() + at;
    };
  }

  /** The broker's id ({@code conn-N}) of the connection a participant opened (its first, if it reconnected). */
  public static String connectionId(ScenarioContext run, String participant) {
    return run.sim().events().events(TraceEvent.ConnectionOpened.class).stream()
        .filter(o -> o.clientName().equals(participant)).map(TraceEvent.ConnectionOpened::conn)
        .findFirst().orElse("(no connection named " + participant + ")");
  }

  /**
   * Why a call went the way it did, as the report gives it: the fate ledger's account of its replies (or of the
   * request, if no reply was published), plus the fault rules that hit the request when that account does not
   * name them.
   */
  public static String explanation(ScenarioContext run, String correlationId) {
    StringBuilder b = new StringBuilder(run.sim().ledger().explainReplyFor(correlationId));
    request(run, correlationId).ifPresent(request -> {
      for (String line : run.sim().ledger().explain(request.msgId()).split("\n")) {
        if (line.startsWith("Fault rule '") && b.indexOf(line) < 0) {
          b.append("\nThe request: ").append(line);
        }
      }
    });
    return b.toString();
  }

  /** The phrase of {@link #phrase} without the message id: "matched no queue and was dropped at t=0.200s". */
  private static String fatePhrase(MessageFate m) {
    String p = phrase(m);
    return p.startsWith(m.msgId() + " ") ? p.substring(m.msgId().length() + 1) : p;
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
