package io.brokersim.core.trace;

import io.brokersim.core.model.ReplyCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the messages of a run ended, counted by the {@link FateLedger} as they settle (messages a windowed ledger
 * has forgotten included): what a long-running broker says when it stops.
 *
 * @param messages messages the ledger has seen (published, dead letters, duplicates)
 * @param liveMessages messages with a copy that has no fate yet
 * @param forgotten settled messages a windowed ledger no longer holds
 * @param fates copies settled, per kind of fate, in {@link Fate.Kind} order; kinds with no copy are left out
 * @param droppedByRule copies dropped by each fault rule, by rule name
 * @param returnedByCode copies returned to their publisher, by reply code (312, 313)
 * @param anomalies anomalies the ledger found in the event stream
 */
public record FateSummary(long messages, long liveMessages, long forgotten, Map<Fate.Kind, Long> fates,
    Map<String, Long> droppedByRule, Map<Integer, Long> returnedByCode, long anomalies) {

  public FateSummary {
    fates = Map.copyOf(fates);
    droppedByRule = Collections.unmodifiableMap(new TreeMap<>(droppedByRule));
    returnedByCode = Collections.unmodifiableMap(new TreeMap<>(returnedByCode));
  }

  /** Copies settled with {@code kind}. */
  public long count(Fate.Kind kind) {
    return fates.getOrDefault(kind, 0L);
  }

  /**
   * The summary in plain words, one line per way copies ended (in {@link Fate.Kind} order), after a first line
   * with the totals; reasons in brackets (fault rules, reply codes).
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("fates of " + messages + " message" + (messages == 1 ? "" : "s") + ": " + liveMessages + " still live"
        + (forgotten > 0 ? ", " + forgotten + " settled ones no longer kept in detail" : "")
        + (anomalies > 0 ? ", " + anomalies + " anomal" + (anomalies == 1 ? "y" : "ies") + " in the trace" : ""));
    for (Fate.Kind kind : Fate.Kind.values()) {
      long n = count(kind);
      if (n > 0) {
        out.add("  " + n + " " + phrase(kind) + why(kind));
      }
    }
    return out;
  }

  private String why(Fate.Kind kind) {
    if (kind == Fate.Kind.DROPPED_BY_FAULT && !droppedByRule.isEmpty()) {
      List<String> parts = new ArrayList<>();
      droppedByRule.forEach((rule, n) -> parts.add("rule '" + rule + "': " + n));
      return " (" + String.join(", ", parts) + ")";
    }
    if (kind == Fate.Kind.RETURNED && !returnedByCode.isEmpty()) {
      List<String> parts = new ArrayList<>();
      returnedByCode.forEach((code, n) -> parts.add(code + " " + codeName(code) + ": " + n));
      return " (" + String.join(", ", parts) + ")";
    }
    return "";
  }

  private static String codeName(int code) {
    try {
      return ReplyCode.of(code).name();
    } catch (IllegalArgumentException e) {
      return "code";
    }
  }

  /** What a copy with this fate went through, for a count in front ("12 acknowledged"). */
  static String phrase(Fate.Kind kind) {
    return switch (kind) {
      case ACKNOWLEDGED -> "acknowledged by a consumer";
      case AUTO_ACKED -> "delivered to a no-ack consumer";
      case DELIVERED_REPLY -> "delivered as direct replies";
      case RETURNED -> "returned to their publisher";
      case DROPPED_UNROUTABLE -> "dropped as unroutable (no queue bound, not mandatory)";
      case DROPPED_BY_FAULT -> "dropped by fault rules";
      case EXPIRED -> "expired (TTL, no dead-letter exchange)";
      case DEAD_LETTERED -> "dead-lettered";
      case PURGED -> "purged";
      case DELETED_WITH_QUEUE -> "deleted with their queue";
      case DISCARDED_REJECTED -> "rejected without requeue and discarded (no dead-letter exchange)";
      case DROPPED_OVERFLOW -> "dropped by a queue length limit";
      case REPLY_DROPPED -> "replies dropped because the requester was gone";
      case DROPPED_CONSUMER_GONE -> "dropped: a no-ack delivery reached a closed channel";
      case ROLLED_BACK -> "rolled back (transaction not committed)";
      case DROPPED_DELIVERY_LIMIT -> "dropped past the delivery limit (no dead-letter exchange)";
    };
  }
}
