package io.brokersim.scenarios;

import java.util.function.Function;

/**
 * Something a scenario says will happen, checked after the run against what the clients saw
 * ({@link ScenarioContext#log()}) and what the broker recorded ({@code ctx.sim().ledger()}, the trace).
 * Stock expectations are in {@link Expectations}.
 */
public interface Expectation {

  /** What should happen, in plain language: "every call gets exactly one reply". */
  String description();

  /** Checks the finished run. */
  Check check(ScenarioContext run);

  /** The outcome of one check, with the reason in plain language either way. */
  record Check(boolean holds, String reason) {

    public static Check holds(String reason) {
      return new Check(true, reason);
    }

    public static Check fails(String reason) {
      return new Check(false, reason);
    }
  }

  /** An expectation from a description and a check. */
  static Expectation of(String description, Function<ScenarioContext, Check> check) {
    return new Expectation() {
      @Override
      public String description() {
        return description;
      }

      @Override
      public Check check(ScenarioContext run) {
        return check.apply(run);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }
}
