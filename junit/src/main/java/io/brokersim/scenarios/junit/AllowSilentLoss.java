package io.brokersim.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Relaxes the "nothing lost silently" check that {@link BrokersimTest}, {@link SeedSweep} and
 * {@link BrokersimServer} run after a test (or after the class, for a class's server): the check still runs,
 * and what it finds is printed with the reason instead of failing the test. On a method or on the class.
 *
 * <pre>{@code
 * @Test
 * @BrokersimServer
 * @AllowSilentLoss("the test kills the socket while the broker still routes the last publish")
 * void socketDiesMidPublish(LiveServer server) { ... }
 * }</pre>
 */
@Documented
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface AllowSilentLoss {

  /** Why this test may end with messages the ledger cannot account for; must not be blank. */
  String value();
}
