package io.brokersim.scenarios.junit;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.LostMessageException;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link LiveServer} parameters for {@link BrokersimServer} tests: one server per test when the method
 * declares it, one per class when the class does; checks the fate ledger and closes each server when its test
 * (or class) is done.
 */
public final class LiveServerExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
  /** Servers of one test, shared with its {@code @BeforeEach} and {@code @AfterEach} methods. */
  private static final ExtensionContext.Namespace TEST = ExtensionContext.Namespace.create(
      LiveServerExtension.class, "test");
  /** Servers of a class, stored in the context of the class that declares them. */
  private static final ExtensionContext.Namespace CLASS = ExtensionContext.Namespace.create(
      LiveServerExtension.class, "class");
  private static final String SERVER = "server";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LiveServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Optional<Declared<BrokersimServer>> declared = Declared.find(context, BrokersimServer.class);
    BrokersimServer config = declared.map(Declared::annotation).orElse(null);
    ExtensionContext.Store store;
    if (declared.isPresent() && declared.get().classWide()) {
      store = declared.get().owner(context).getStore(CLASS);
    } else if (context.getTestMethod().isPresent()) {
      store = context.getStore(TEST);
    } else {
      // Registered with @ExtendWith (no annotation) and asked for in @BeforeAll: the class's, with the defaults.
      store = context.getStore(CLASS);
    }
    LiveServer server = store.get(SERVER, LiveServer.class);
    if (server == null) {
      server = start(config, context);
      store.put(SERVER, server);
    }
    return server;
  }

  private static LiveServer start(BrokersimServer config, ExtensionContext context) {
    if (config == null) {
      return LiveServer.start(BrokerProfile.defaultProfile(), FaultPlan.NONE);
    }
    BrokerProfile profile = BrokerProfile.byName(config.profile()).orElseThrow(() ->
        new ExtensionConfigurationException("@BrokersimServer: unknown profile '" + config.profile()
            + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
    FaultPlan faults = FaultSources.plan(config.faults(), config.faultPlan(), context.getRequiredTestClass(),
        "@BrokersimServer");
    return LiveServer.start(profile, faults, config.seed(), config.vhosts());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    finish(context, TEST);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    finish(context, CLASS);
  }

  /** Checks and closes the server that belongs to {@code context} itself, if any. */
  private static void finish(ExtensionContext context, ExtensionContext.Namespace scope) {
    LiveServer server = context.getStore(scope).remove(SERVER, LiveServer.class);
    if (server == null) {
      return;
    }
    try {
      if (context.getExecutionException().isEmpty()) {
        SilentLossCheck.run(context, server::assertNothingLostSilently);
      }
    } catch (LostMessageException e) {
      throw new AssertionError("[brokersim server, seed " + server.broker().seed() + ", profile "
          + server.broker().profile().name() + "] " + e.getMessage(), e);
    } finally {
      server.close();
    }
  }
}
