package io.brokersim.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a {@link LiveServer} parameter: a live broker on a free loopback port for real-client tests.
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
 *
 * <p>On a method, each test gets its own server, shared with its {@code @BeforeEach} and {@code @AfterEach}
 * methods; after the test the fate ledger is checked (nothing lost silently) and the server closes. On the
 * class, the class gets one server, which {@code @BeforeAll} methods and every test receive; it is checked and
 * closed after all tests of the class. A method's annotation wins over the class's for that method (it gets a
 * server of its own). {@link AllowSilentLoss} relaxes the check, with a reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(LiveServerExtension.class)
public @interface BrokersimServer {

  /** Broker profile: lavinmq, rabbitmq-3 or rabbitmq-4. */
  String profile() default "lavinmq";

  /** Seed of server-generated names and seeded fault decisions. */
  long seed() default 0;

  /**
   * A fault file (see docs/faults.md): {@code classpath:faults/x.conf} for a resource on the test class path,
   * or a path; a path that is not a file is looked up as a class path resource too. Empty for none.
   */
  String faults() default "";

  /**
   * The name of a static method without parameters, or a static field, that supplies a {@code FaultPlan}: in
   * the test class (or a class it extends or is nested in), or {@code com.example.Faults#plan} elsewhere. Its
   * rules come after those of {@link #faults()}. Empty for none.
   */
  String faultPlan() default "";

  /**
   * More virtual hosts beside {@code /} (docs/semantics.md §13); {@code guest} may use every one. Connect with
   * {@link LiveServer#amqpUri(String)}.
   */
  String[] vhosts() default {};
}
