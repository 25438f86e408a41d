package io.brokersim.management;

import io.brokersim.core.trace.CopyState;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.MessageFate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RPC calls among a run of messages (the fate ledger's most recent ones, in publish order): each request (a
 * client publish with {@code reply_to} and {@code correlation_id}) with the replies published later under its
 * correlation_id, and where the call stands. The console draws its sequence diagram from these.
 */
final class RpcCalls {

  /** Where a call stands. */
  enum Status {
    /** The request is still on its way or waiting in a queue, and no reply was published yet. */
    WAITING,
    /** The responder took the request and has not replied (yet). */
    NO_REPLY_YET,
    /** A reply was published and is still on its way to the requester. */
    REPLY_IN_FLIGHT,
    /** A reply reached the requester's consumer. */
    ANSWERED,
    /** Every reply ended without reaching the requester (dropped, returned, expired, ...). */
    REPLY_LOST,
    /** The request itself ended without reaching a consumer, and no reply was published. */
    REQUEST_LOST
  }

  /**
   * One call: its correlation_id, the request (publishing channel, queue it reached, its fate), the responder's
   * channel (that published the first reply, or took the request), the first reply (if any) and its fate, and the
   * status; {@code publishedNanos} is the request's time.
   */
  record Call(String correlationId, String requestId, String requesterChannel, String replyTo, String queue,
      String requestFate, String replyId, String responderChannel, String replyFate, Status status,
      long publishedNanos) {

    boolean lost() {
      return status == Status.REPLY_LOST || status == Status.REQUEST_LOST;
    }
  }

  private RpcCalls() {}

  /** The calls among {@code messages}, in request order, the last {@code limit} of them. */
  static List<Call> of(List<MessageFate> messages, int limit) {
    Map<String, MessageFate> requests = new LinkedHashMap<>();
    Map<String, List<MessageFate>> replies = new LinkedHashMap<>();
    for (MessageFate m : messages) {
      if (m.origin() != null || m.correlationId() == null) {
        continue;
      }
      if (m.replyTo() != null) {
        requests.putIfAbsent(m.correlationId(), m);
      } else if (requests.containsKey(m.correlationId())) {
        replies.computeIfAbsent(m.correlationId(), k -> new ArrayList<>()).add(m);
      }
    }
    List<Call> out = new ArrayList<>();
    for (MessageFate request : requests.values()) {
      out.add(call(request, replies.getOrDefault(request.correlationId(), List.of())));
    }
    return out.size() <= limit ? out : List.copyOf(out.subList(out.size() - limit, out.size()));
  }

  private static Call call(MessageFate request, List<MessageFate> replies) {
    String queue = request.routedQueues() == null || request.routedQueues().isEmpty() ? null
        : request.routedQueues().get(0);
    MessageFate reply = replies.isEmpty() ? null : replies.get(0);
    String responder = reply != null ? reply.channel() : consumerChannel(request);
    return new Call(request.correlationId(), request.msgId(), request.channel(), request.replyTo(), queue,
        fate(request), reply == null ? null : reply.msgId(), responder, reply == null ? null : fate(reply),
        status(request, replies), request.publishedNanos());
  }

  /** The channel a request was (last) delivered on, or null: the responder, before it replies. */
  private static String consumerChannel(MessageFate request) {
    for (MessageFate.Copy c : request.copies()) {
      if (c.channel() != null) {
        return c.channel();
      }
    }
    return null;
  }

  private static Status status(MessageFate request, List<MessageFate> replies) {
    if (replies.isEmpty()) {
      if (!request.settled()) {
        return reachedConsumer(request) ? Status.NO_REPLY_YET : Status.WAITING;
      }
      return reachedConsumer(request) ? Status.NO_REPLY_YET : Status.REQUEST_LOST;
    }
    boolean inFlight = false;
    for (MessageFate reply : replies) {
      if (reachedConsumer(reply)) {
        return Status.ANSWERED;
      }
      inFlight |= !reply.settled();
    }
    return inFlight ? Status.REPLY_IN_FLIGHT : Status.REPLY_LOST;
  }

  /** Whether some copy was delivered to a consumer (acknowledged, auto-acked, a direct reply, or unacked now). */
  private static boolean reachedConsumer(MessageFate m) {
    for (MessageFate.Copy c : m.copies()) {
      if (c.state() == CopyState.LIVE_UNACKED || c.deliveries() > 0) {
        return true;
      }
      Fate f = c.fate();
      if (f != null && (f.kind() == Fate.Kind.ACKNOWLEDGED || f.kind() == Fate.Kind.AUTO_ACKED
          || f.kind() == Fate.Kind.DELIVERED_REPLY)) {
        return true;
      }
    }
    return false;
  }

  /** The fate of a message in a word or two: the first copy's fate kind, or its state while live. */
  private static String fate(MessageFate m) {
    for (MessageFate.Copy c : m.copies()) {
      if (c.fate() == null) {
        return c.state().name().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return m.copies().isEmpty() ? null : m.copies().get(0).fate().kind().name().toLowerCase(java.util.Locale.ROOT);
  }
}
