package io.brokersim.scenarios;

import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.MessageFate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What happened to one call, as a chain of steps without ids or times, so that the same story on two seeds reads
 * the same: {@code request dropped by fault 'lossy-requests' → no reply → caller timed out}. Sweeps group failures
 * by it, and the shrinker keeps only reductions that tell the same story.
 */
public final class FateChain {

  /** Between the steps of a chain. */
  public static final String ARROW = " -> ";

  private FateChain() {}

  /** The chain of {@code call} in the finished run {@code ctx}. */
  public static String of(ScenarioContext ctx, RpcCall call) {
    List<String> steps = new ArrayList<>();
    MessageFate request = Expectations.request(ctx, call.correlationId()).orElse(null);
    if (request == null) {
      steps.add(call.outcome() == RpcCall.Outcome.FAILED ? "request not sent" : "no request published");
    } else {
      steps.add("request " + fate(request));
    }
    List<MessageFate> replies = Expectations.replies(ctx, call.correlationId());
    if (replies.isEmpty()) {
      if (request != null) {
        steps.add(call.timesReceived() == 0 ? "never received" : "no reply");
      }
    } else {
      Set<String> fates = new LinkedHashSet<>();
      for (MessageFate reply : replies) {
        fates.add(fate(reply));
      }
      steps.add((replies.size() == 1 ? "reply " : replies.size() + " replies ") + String.join(" / ", fates));
    }
    steps.add("caller " + outcome(call));
    return String.join(ARROW, steps);
  }

  private static String outcome(RpcCall call) {
    String o = switch (call.outcome()) {
      case ANSWERED -> "answered";
      case WRONG_ANSWER -> "took another call's reply";
      case TIMED_OUT -> "timed out";
      case CONNECTION_LOST -> "lost its connection";
      case FAILED -> "failed";
      case WAITING -> "still waiting";
    };
    Set<String> discarded = new LinkedHashSet<>();
    for (String d : call.discarded()) {
      int colon = d.indexOf(':');
      discarded.add(colon < 0 ? d : d.substring(0, colon));
    }
    return discarded.isEmpty() ? o : o + ", discarded a " + String.join(" and a ", discarded) + " reply";
  }

  /**
   * The fates of a message's copies. Faults that only touched it on the way (a delay) are left out: the fate and
   * the caller's outcome tell whether they mattered, and incidental ones would split one story into many.
   */
  private static String fate(MessageFate m) {
    Set<String> fates = new LinkedHashSet<>();
    for (MessageFate.Copy c : m.copies()) {
      fates.add(c.fate() == null ? "still " + c.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          : word(c.fate()));
    }
    return String.join(" / ", fates);
  }

  private static String word(Fate f) {
    return switch (f.kind()) {
      case ACKNOWLEDGED -> "acked";
      case AUTO_ACKED, DELIVERED_REPLY -> "delivered";
      case RETURNED -> "returned " + f.code();
      case DROPPED_UNROUTABLE -> "unroutable";
      case DROPPED_BY_FAULT -> "dropped by fault '" + f.detail() + "'";
      case EXPIRED -> "expired";
      case DEAD_LETTERED -> "dead-lettered";
      case PURGED -> "purged";
      case DELETED_WITH_QUEUE -> "deleted with its queue";
      case DISCARDED_REJECTED -> "rejected";
      case DROPPED_OVERFLOW -> "dropped by a length limit";
      case REPLY_DROPPED -> "dropped by the reply-to registry";
      case DROPPED_CONSUMER_GONE -> "dropped, consumer gone";
      case ROLLED_BACK -> "rolled back";
      case DROPPED_DELIVERY_LIMIT -> "dropped past the delivery limit";
    };
  }
}
