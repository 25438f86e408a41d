package io.brokersim.scenarios.junit;

import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The fault plan an annotation asks for: a fault file from the file system or the test class path, then the
 * rules of a {@code FaultPlan} that a static method or field supplies. Public for the other front ends of
 * these annotations' attributes (the Spring Boot test support).
 */
public final class FaultSources {

  /** Prefix of a fault file that is a resource on the test class path. */
  static final String CLASSPATH = "classpath:";

  private FaultSources() {}

  /**
   * The plan of {@code faults} (a file or resource; empty for none) followed by that of {@code faultPlan} (a
   * static member; empty for none), for a test in {@code testClass}; {@code where} names the annotation in errors.
   */
  public static FaultPlan plan(String faults, String faultPlan, Class<?> testClass, String where) {
    List<FaultRule> rules = new ArrayList<>();
    if (!faults.isBlank()) {
      rules.addAll(file(faults.trim(), testClass, where).rules());
    }
    if (!faultPlan.isBlank()) {
      rules.addAll(member(faultPlan.trim(), testClass, where).rules());
    }
    try {
      return new FaultPlan(rules);
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(where + ": the fault file and the fault plan: " + e.getMessage(), e);
    }
  }

  /** A fault file: {@code classpath:x} is a resource; anything else a path, else a resource of that name. */
  static FaultPlan file(String name, Class<?> testClass, String where) {
    try {
      if (name.startsWith(CLASSPATH)) {
        String resource = name.substring(CLASSPATH.length());
        URL url = resource(resource, testClass);
        if (url == null) {
          throw new ExtensionConfigurationException(where + ": fault file '" + name
              + "' is not a resource on the test class path");
        }
        return parse(url, name);
      }
      Path path = Path.of(name);
      if (Files.isRegularFile(path)) {
        return FaultFile.load(path);
      }
      URL url = resource(name, testClass);
      if (url == null) {
        throw new ExtensionConfigurationException(where + ": fault file '" + name + "' is neither a file (looked in "
            + path.toAbsolutePath() + ") nor a resource on the test class path");
      }
      return parse(url, CLASSPATH + name);
    } catch (FaultFile.FaultFileException e) {
      throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e);
    }
  }

  private static URL resource(String name, Class<?> testClass) {
    String plain = name.startsWith("/") ? name.substring(1) : name;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    URL url = loader == null ? null : loader.getResource(plain);
    return url != null ? url : testClass.getClassLoader().getResource(plain);
  }

  private static FaultPlan parse(URL url, String origin) {
    try (InputStream in = url.openStream()) {
      return FaultFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), origin);
    } catch (IOException e) {
      throw new ExtensionConfigurationException("cannot read fault file " + origin + ": " + e.getMessage(), e);
    }
  }

  /** A {@code FaultPlan} from a static method without parameters or a static field, as {@code name} says. */
  static FaultPlan member(String name, Class<?> testClass, String where) {
    Class<?> owner = testClass;
    String member = name;
    int hash = name.indexOf('#');
    if (hash >= 0) {
      try {
        owner = Class.forName(name.substring(0, hash), true, testClass.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ExtensionConfigurationException(where + ": faultPlan '" + name + "': no class "
            + name.substring(0, hash), e);
      }
      member = name.substring(hash + 1);
    }
    for (Class<?> c = owner; c != null; c = c.getSuperclass() != null && c.getSuperclass() != Object.class
        ? c.getSuperclass() : c.getEnclosingClass()) {
      Object value = read(c, member, where, name);
      if (value != null) {
        return (FaultPlan) value;
      }
    }
    throw new ExtensionConfigurationException(where + ": faultPlan '" + name + "': " + owner.getName()
        + " has no static method " + member + "() or static field " + member + " of type FaultPlan");
  }

  /** The plan {@code c} declares as {@code member}, null if it declares none. */
  private static Object read(Class<?> c, String member, String where, String name) {
    try {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(member) && m.getParameterCount() == 0 && Modifier.isStatic(m.getModifiers())
            && FaultPlan.class.isAssignableFrom(m.getReturnType())) {
          m.setAccessible(true);
          return nonNull(m.invoke(null), where, name);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (f.getName().equals(member) && Modifier.isStatic(f.getModifiers())
            && FaultPlan.class.isAssignableFrom(f.getType())) {
          f.setAccessible(true);
          return nonNull(f.get(null), where, name);
        }
      }
      return null;
    } catch (InvocationTargetException e) {
      throw new ExtensionConfigurationException(where + ": faultPlan '" + name + "' threw " + e.getCause(),
          e.getCause());
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException(where + ": faultPlan '" + name + "': " + e.getMessage(), e);
    }
  }

  private static Object nonNull(Object plan, String where, String name) {
    if (plan == null) {
      throw new ExtensionConfigurationException(where + ": faultPlan '" + name + "' is null");
    }
    return plan;
  }
}
