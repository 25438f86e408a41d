package io.brokersim.spring;

import io.brokersim.core.trace.LostMessageException;
import io.brokersim.scenarios.junit.AllowSilentLoss;
import io.brokersim.scenarios.junit.LiveServer;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories}: after each test class with {@link AutoConfigureBrokersim},
 * checks its server's fate ledger (nothing lost silently), relaxed by {@link AllowSilentLoss} on the class.
 */
public final class BrokersimTestExecutionListener extends AbstractTestExecutionListener {

  /** After Spring's own listeners have done their work for the class. */
  @Override
  public int getOrder() {
    return 10_000;
  }

  @Override
  public void afterTestClass(TestContext testContext) {
    Class<?> testClass = testContext.getTestClass();
    if (TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureBrokersim.class) == null
        || !testContext.hasApplicationContext()) {
      return;
    }
    LiveServer server = testContext.getApplicationContext().getBean(BrokersimContextCustomizer.BEAN,
        LiveServer.class);
    try {
      server.assertNothingLostSilently();
    } catch (LostMessageException e) {
      AllowSilentLoss allow = TestContextAnnotationUtils.findMergedAnnotation(testClass, AllowSilentLoss.class);
      String header = "[brokersim server, seed " + server.broker().seed() + ", profile "
          + server.broker().profile().name() + ", after " + testClass.getSimpleName() + "] ";
      if (allow == null || allow.value().isBlank()) {
        throw new AssertionError(header + e.getMessage(), e);
      }
      System.err.println(header + "check relaxed by @AllowSilentLoss(\"" + allow.value() + "\"): " + e.getMessage());
    }
  }
}
