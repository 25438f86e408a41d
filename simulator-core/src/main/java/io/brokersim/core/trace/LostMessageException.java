package io.brokersim.core.trace;

import java.util.List;

/**
 * The fate ledger found messages that were lost, duplicated or settled twice without the trace saying so.
 * An {@link AssertionError}: it reports a broker bug, never a client or network condition.
 */
public final class LostMessageException extends AssertionError {

  private final List<String> problems;

  /** An error listing {@code problems}, one plain-language line each. */
  public LostMessageException(List<String> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** One plain-language line per problem. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    StringBuilder b = new StringBuilder();
    b.append(problems.size()).append(problems.size() == 1 ? " message problem" : " message problems");
    b.append(" (nothing may be lost silently):");
    for (String p : problems) {
      b.append("\n  - ").append(p);
    }
    return b.toString();
  }
}
