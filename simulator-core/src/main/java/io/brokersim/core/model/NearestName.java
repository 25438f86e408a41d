package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The valid name a mistyped one most likely meant: a unique name it begins, else the closest by edit distance. */
public final class NearestName {

  private NearestName() {}

  /** The candidate {@code input} most likely meant, if one is close enough to suggest. */
  public static Optional<String> to(String input, Collection<String> candidates) {
    List<String> extending = new ArrayList<>();
    for (String c : candidates) {
      if (!input.isEmpty() && c.startsWith(input)) {
        extending.add(c);
      }
    }
    if (extending.size() == 1) {
      return Optional.of(extending.get(0));
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(input, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // A third of the name may be wrong: enough for typos, too little to suggest something unrelated.
    int allowed = Math.max(1, Math.min(input.length(), best == null ? 0 : best.length()) / 3);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean 'x'?"} for the nearest candidate, or the empty string. */
  public static String suggestion(String input, Collection<String> candidates) {
    return to(input, candidates).map(n -> "; did you mean '" + n + "'?").orElse("");
  }

  /**
   * Edit distance with adjacent transpositions (optimal string alignment): one insertion, deletion, substitution
   * or swap of neighbours costs 1, so {@code rnu} is one step from {@code run}.
   */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
