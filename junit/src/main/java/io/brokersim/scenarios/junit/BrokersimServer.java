package io.brokersim.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a {@link LiveServer} parameter: a live broker on a free loopback port for real-client tests.
 * After the test the server closes and the fate ledger is checked (nothing lost silently).
 *
 * <pre>{@code
 * @Test
 * @BrokersimServer(profile = "rabbitmq-4")
 * void javaClientRoundTrip(LiveServer server) throws Exception {
 *   ConnectionFactory f = new ConnectionFactory();
 *   f.setUri(server.amqpUri());
 *   ...
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(LiveServerExtension.class)
public @interface BrokersimServer {

  /** Broker profile: lavinmq, rabbitmq-3 or rabbitmq-4. */
  String profile() default "lavinmq";

  /** A fault file (see docs/faults.md), relative to the working directory; empty for none. */
  String faults() default "";
}
