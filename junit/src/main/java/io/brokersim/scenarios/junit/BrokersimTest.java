package io.brokersim.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that gets a fresh deterministic {@code Simulation} (or a {@code ScenarioContext} over one) as a parameter,
 * checked with {@code assertNothingLostSilently()} and closed after the test. A failure names the seed and
 * profile so the run can be replayed.
 *
 * <pre>{@code
 * @BrokersimTest(seed = 42, profile = "rabbitmq-4")
 * void replyIsLost(ScenarioContext ctx) { ... }
 * }</pre>
 *
 * <p>An unset seed or profile comes from {@code -Dbrokersim.seed} / {@code -Dbrokersim.profile}, else 0 and
 * {@code lavinmq}; a seed or profile written in the annotation always wins.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Test
@ExtendWith(BrokersimExtension.class)
public @interface BrokersimTest {

  /** The value of {@link #seed()} that means "not set here". */
  long UNSET = Long.MIN_VALUE;

  /** The seed of the simulation. */
  long seed() default UNSET;

  /** The broker profile: {@code lavinmq}, {@code rabbitmq-3} or {@code rabbitmq-4}. */
  String profile() default "";

  /**
   * A fault file (docs/faults.md) for the simulation: a path relative to the working directory, or a class path
   * resource; empty for none. {@code -Dbrokersim.faults=FILE} replaces it.
   */
  String faults() default "";

  /** When the test fails and fault rules fired, shrink the failure as {@link SeedSweep#shrink()} does. */
  boolean shrink() default true;
}
