package io.brokersim.scenarios.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Where a brokersim annotation applies to the test (or class) at hand: on the test method, or on the test class,
 * a class it extends, or a class it is nested in (the nearest wins).
 *
 * @param annotation the annotation found
 * @param onClass the class that carries it, or null if the test method does
 */
record Declared<A extends Annotation>(A annotation, Class<?> onClass) {

  /** The annotation for {@code context}: the test method's if there is one, else the nearest class's. */
  static <A extends Annotation> Optional<Declared<A>> find(ExtensionContext context, Class<A> type) {
    Optional<Method> method = context.getTestMethod();
    if (method.isPresent()) {
      Optional<A> onMethod = AnnotationSupport.findAnnotation(method.get(), type);
      if (onMethod.isPresent()) {
        return Optional.of(new Declared<>(onMethod.get(), null));
      }
    }
    return context.getTestClass().flatMap(c -> onClass(c, type));
  }

  /** The annotation on {@code start}, its superclasses, or the classes it is nested in. */
  static <A extends Annotation> Optional<Declared<A>> onClass(Class<?> start, Class<A> type) {
    for (Class<?> c = start; c != null; c = c.getEnclosingClass()) {
      Optional<A> a = AnnotationSupport.findAnnotation(c, type);
      if (a.isPresent()) {
        return Optional.of(new Declared<>(a.get(), c));
      }
    }
    return Optional.empty();
  }

  /** Whether the annotation is on a class, so what it configures lives as long as that class's tests. */
  boolean classWide() {
    return onClass != null;
  }

  /**
   * The context of the class that declares the annotation, found from {@code context} (a method's or a nested
   * class's): what it configures is stored there and ends with it.
   */
  ExtensionContext owner(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() || !c.getTestClass().map(onClass::isAssignableFrom).orElse(true)) {
      c = c.getParent().orElseThrow();
    }
    return c;
  }
}
