package io.brokersim.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test once per seed in {@code from..to} (inclusive) and per profile, each time with a fresh
 * {@code Simulation} / {@code ScenarioContext} parameter, as {@link BrokersimTest} does for one seed.
 *
 * <pre>{@code
 * @SeedSweep(from = 0, to = 99, profiles = {"lavinmq", "rabbitmq-4"})
 * void everyCallAnswered(ScenarioContext ctx) { ... }
 * }</pre>
 *
 * <p>Faults come from the sweep's own {@code faults} / {@code faultPlan}, else from a {@link BrokersimTest} on the
 * class. {@code -Dbrokersim.seed=N} replaces the range with seed N (to replay one failing invocation), and
 * {@code -Dbrokersim.profile=P} replaces the profiles with P. Do not combine with {@link BrokersimTest} on one
 * method.
 *
 * <p>With {@link #faults()}, a failing seed is shrunk ({@link #shrink()}): the failure message ends with
 * {@code shrunk: N firings -> M in R runs}, the firings that remain, and the fault file and properties that replay
 * the smallest failing run.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(SeedSweepExtension.class)
public @interface SeedSweep {

  /** First seed. */
  long from() default 0;

  /** Last seed, inclusive. */
  long to() default 99;

  /** Profiles to run each seed under. */
  String[] profiles() default {"lavinmq"};

  /**
   * A fault file (docs/faults.md) for every simulation of the sweep, as for {@link BrokersimServer#faults()}: a path
   * relative to the working directory, or a class path resource; empty for none. {@code -Dbrokersim.faults=FILE}
   * replaces it.
   */
  String faults() default "";

  /** A static method or field with a {@code FaultPlan} for every invocation, as for {@link BrokersimServer#faultPlan()}. */
  String faultPlan() default "";

  /**
   * When a seed fails and fault rules fired, shrink it: run the method again with fewer firings until no single one
   * can go, and name the smallest schedule (a fault file under {@code target/brokersim-shrink/}) in the failure.
   * {@code -Dbrokersim.shrink=false} turns it off.
   */
  boolean shrink() default true;
}
