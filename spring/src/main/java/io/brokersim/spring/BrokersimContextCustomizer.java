package io.brokersim.spring;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.junit.FaultSources;
import io.brokersim.scenarios.junit.LiveServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the server of one {@link AutoConfigureBrokersim} context, registers it and points {@code spring.rabbitmq.*}
 * at it. Equal attributes make equal customizers, so Spring's context cache shares contexts (and servers) between
 * test classes exactly when their servers would be alike; a fault plan from a static member is the test class's,
 * so that class is part of the key then.
 */
record BrokersimContextCustomizer(String profile, long seed, String faults, String faultPlan, Class<?> planOwner)
    implements ContextCustomizer {

  /** The bean name of the server in the test's application context. */
  static final String BEAN = "brokersimServer";
  /** The name of the property source with the {@code spring.rabbitmq.*} settings. */
  static final String PROPERTY_SOURCE = "brokersim";

  static BrokersimContextCustomizer of(AutoConfigureBrokersim a, Class<?> testClass) {
    return new BrokersimContextCustomizer(a.profile(), a.seed(), a.faults(), a.faultPlan(),
        a.faultPlan().isBlank() ? null : testClass);
  }

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow(() -> new IllegalArgumentException(
        "@AutoConfigureBrokersim: unknown profile '" + profile + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
    FaultPlan plan = FaultSources.plan(faults, faultPlan, planOwner != null ? planOwner : config.getTestClass(),
        "@AutoConfigureBrokersim");
    LiveServer server = LiveServer.start(p, plan, seed);
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    beans.registerSingleton(BEAN, server);
    if (beans instanceof DefaultSingletonBeanRegistry registry) {
      // Registered before any bean of the application, so destroyed after all of them: the application's
      // connections close first, and the server does not see them vanish.
      registry.registerDisposableBean(BEAN, server::close);
    }
    Map<String, Object> properties = new LinkedHashMap<>(server.springRabbitProperties());
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
  }
}
