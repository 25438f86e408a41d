package io.brokersim.spring;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Registered in {@code META-INF/spring.factories}: a customizer for each test class with {@link AutoConfigureBrokersim}. */
public final class BrokersimContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    AutoConfigureBrokersim a = TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureBrokersim.class);
    return a == null ? null : BrokersimContextCustomizer.of(a, testClass);
  }
}
