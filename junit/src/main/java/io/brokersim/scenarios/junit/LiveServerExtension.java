package io.brokersim.scenarios.junit;

import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Resolves {@link LiveServer} parameters for {@link BrokersimServer} tests and closes them afterwards. */
public final class LiveServerExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      LiveServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LiveServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent("server", k -> {
      BrokersimServer cfg = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), BrokersimServer.class)
          .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), BrokersimServer.class))
          .orElse(null);
      String profileName = cfg == null ? "lavinmq" : cfg.profile();
      BrokerProfile profile = BrokerProfile.byName(profileName).orElseThrow(() ->
          new ExtensionConfigurationException("@BrokersimServer: unknown profile '" + profileName
              + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
      FaultPlan faults = cfg == null || cfg.faults().isEmpty() ? FaultPlan.NONE : FaultFile.load(Path.of(cfg.faults()));
      return LiveServer.start(profile, faults);
    }, LiveServer.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    LiveServer server = context.getStore(NAMESPACE).remove("server", LiveServer.class);
    if (server != null) {
      try {
        server.broker().assertNothingLostSilently();
      } finally {
        server.close();
      }
    }
  }
}
