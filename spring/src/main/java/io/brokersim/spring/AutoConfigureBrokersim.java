package io.brokersim.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring Boot test's RabbitMQ connection at a brokersim server: before the application context
 * starts, a {@code LiveServer} is started on a free loopback port, {@code spring.rabbitmq.host}, {@code port},
 * {@code username}, {@code password} and {@code virtual-host} are set to reach it (ahead of every other
 * property source), and the server is a bean of the context, closed after everything else when the context
 * closes. After each test class the fate ledger is checked (nothing lost silently), unless the class carries
 * {@code @AllowSilentLoss}.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureBrokersim(profile = "rabbitmq-4")
 * class RpcTest {
 *   @Autowired RabbitTemplate template;
 *   @Autowired LiveServer broker;
 *   ...
 * }
 * }</pre>
 *
 * <p>Contexts with the same attributes are cached and shared as usual, and so is their server.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface AutoConfigureBrokersim {

  /** Broker profile: lavinmq, rabbitmq-3 or rabbitmq-4. */
  String profile() default "lavinmq";

  /** Seed of server-generated names and seeded fault decisions. */
  long seed() default 0;

  /** A fault file: {@code classpath:faults/x.conf}, a path, or a class path resource name; empty for none. */
  String faults() default "";

  /** A static method or field of the test class ({@code com.example.Faults#plan} elsewhere) with a FaultPlan. */
  String faultPlan() default "";
}
