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
 * <p>On a method it makes the method a test. On a class it sets seed, profile and faults for every test of the
 * class (mark them {@code @Test}; a method's own {@code @BrokersimTest} wins). A {@code @BeforeEach} method gets
 * the simulation of the test it runs before. A {@code @BeforeAll} method that asks for one gets the class's
 * simulation, which every test of the class then shares and which is checked and closed after all of them.
 *
 * <p>An unset seed or profile comes from {@code -Dbrokersim.seed} / {@code -Dbrokersim.profile}, else 0 and
 * {@code lavinmq}; a seed or profile written in the annotation always wins.
 */
@Documented
@Target({ElementType.METHOD, ElementType.TYPE})
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
   * A fault file (docs/faults.md) for the simulation, as for {@link BrokersimServer#faults()}: a path relative to
   * the working directory, or a class path resource; empty for none. {@code -Dbrokersim.faults=FILE} replaces it.
   */
  String faults() default "";

  /** A static method or field that supplies a {@code FaultPlan}, as for {@link BrokersimServer#faultPlan()}. */
  String faultPlan() default "";

  /** When the test fails and fault rules fired, shrink the failure as {@link SeedSweep#shrink()} does. */
  boolean shrink() default true;
}
