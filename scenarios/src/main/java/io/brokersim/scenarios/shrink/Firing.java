package io.brokersim.scenarios.shrink;

/**
 * One firing of a fault rule in a run, named so that it can be found again in a run that went differently
 * elsewhere: the rule, the correlation_id of the event's message, and which of the rule's matches with that
 * correlation_id it was. Left-out calls and missing firings of other calls do not shift that name, where they
 * would shift the plain match number.
 *
 * @param rule the rule's name
 * @param correlationId the correlation_id of the event's message, or null
 * @param occurrence which of the rule's matching events with this correlation_id it was, from 1
 * @param match which of the rule's matching events it was, from 1 (what {@code at-matches} lists)
 * @param msgId the event's message, or null
 */
public record Firing(String rule, String correlationId, long occurrence, long match, String msgId) {

  /** The name that survives changes elsewhere in the run. */
  public String key() {
    return rule + '\u0000' + correlationId + '\u0000' + occurrence;
  }

  /** {@code lossy-requests at match 3 (client-3, its 1st match; message conn-3/ch-1#1)}. */
  public String describe() {
    return rule + " at match " + match + (correlationId == null ? "" : " (" + correlationId + ", its "
        + ordinal(occurrence) + " match)") + (msgId == null ? "" : ", message " + msgId);
  }

  private static String ordinal(long n) {
    long tens = n % 100;
    String suffix = tens >= 11 && tens <= 13 ? "th" : switch ((int) (n % 10)) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }
}
