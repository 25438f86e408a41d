package io.brokersim.scenarios;

/**
 * How a run failed, without seed-specific ids or times: the first expectation that does not hold and the fate chain
 * ({@link FateChain}) of the first call it is about. Two seeds with equal signatures failed the same way; a sweep
 * prints one line per signature, and the shrinker keeps only reductions with the original's signature.
 *
 * @param expectation the first expectation that does not hold, or "error: ..." for a run whose script threw
 * @param chain the fate chain of the first call the failure names, or "" when it names none
 */
public record FailureSignature(String expectation, String chain) {

  /** {@code expectation: chain}, or just the expectation. */
  public String text() {
    return chain.isEmpty() ? expectation : expectation + ": " + chain;
  }

  @Override
  public String toString() {
    return text();
  }
}
