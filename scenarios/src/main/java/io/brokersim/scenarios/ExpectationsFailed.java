package io.brokersim.scenarios;

/**
 * Thrown by {@link ScenarioContext#assertExpectations} when an expectation does not hold: an {@link AssertionError}
 * that also says how the run failed ({@link FailureSignature}), so that a failing test can be shrunk to the smallest
 * run that fails the same way.
 */
public final class ExpectationsFailed extends AssertionError {

  private static final long serialVersionUID = 1L;

  private final transient FailureSignature signature;

  ExpectationsFailed(String message, FailureSignature signature) {
    super(message);
    this.signature = signature;
  }

  /** How the run failed: the first expectation that does not hold and the fate chain of the first call it names. */
  public FailureSignature signature() {
    return signature;
  }
}
