package io.brokersim.scenarios.junit;

import io.brokersim.core.Simulation;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.ScenarioContext;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Gives a test a deterministic {@link Simulation} (or a {@link ScenarioContext} over one), then checks
 * {@code assertNothingLostSilently()} and closes it after the test. Any failure, in the test or in that check,
 * is reported with the seed and profile and the system properties that replay it.
 *
 * <p>Use {@link BrokersimTest} for one seed, {@link SeedSweep} for many, or {@code @ExtendWith} on a class to
 * take seed and profile from {@code -Dbrokersim.seed} / {@code -Dbrokersim.profile} (default 0 and
 * {@code lavinmq}).
 */
public final class BrokersimExtension implements ParameterResolver, AfterEachCallback, TestExecutionExceptionHandler {

  /** System property with the seed for tests that do not pin one. */
  public static final String SEED_PROPERTY = "brokersim.seed";
  /** System property with the profile for tests that do not pin one. */
  public static final String PROFILE_PROPERTY = "brokersim.profile";
  /** System property with a fault file that replaces the test's own ({@code faults} of its annotation). */
  public static final String FAULTS_PROPERTY = "brokersim.faults";
  /** System property that turns shrinking failed tests off ({@code -Dbrokersim.shrink=false}). */
  public static final String SHRINK_PROPERTY = "brokersim.shrink";

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      BrokersimExtension.class);
  private static final String RUN = "run";
  private static final String HINT_PREFIX = "[brokersim seed ";

  /** Seed and profile fixed by a {@link SeedSweep} invocation, else null (read them from the test). */
  private final Long fixedSeed;
  private final BrokerProfile fixedProfile;

  /** The extension as {@code @ExtendWith} and {@link BrokersimTest} register it. */
  public BrokersimExtension() {
    this(null, null);
  }

  BrokersimExtension(Long seed, BrokerProfile profile) {
    this.fixedSeed = seed;
    this.fixedProfile = profile;
  }

  /** The simulation of one test, the fault rules it was built with, and the context over it if the test asked. */
  private static final class Run {
    final Simulation sim;
    final FaultPlan faults;
    ScenarioContext ctx;

    Run(Simulation sim, FaultPlan faults) {
      this.sim = sim;
      this.faults = faults;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    // In a sweep the invocation's own instance resolves; a class-level instance must not compete with it.
    if (fixedSeed == null && context.getRequiredTestMethod().isAnnotationPresent(SeedSweep.class)) {
      return false;
    }
    Class<?> type = parameter.getParameter().getType();
    return type == Simulation.class || type == ScenarioContext.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Run run = context.getStore(NAMESPACE).getOrComputeIfAbsent(RUN, k -> {
      FaultPlan faults = faults(context);
      return new Run(Simulation.builder().seed(seed(context)).profile(profile(context)).faults(faults).build(),
          faults);
    }, Run.class);
    if (parameter.getParameter().getType() == Simulation.class) {
      return run.sim;
    }
    if (run.ctx == null) {
      run.ctx = new ScenarioContext(run.sim);
    }
    return run.ctx;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Run run = context.getStore(NAMESPACE).remove(RUN, Run.class);
    if (run == null) {
      return;
    }
    try {
      if (context.getExecutionException().isEmpty()) {
        if (run.ctx != null && !run.ctx.scriptErrors().isEmpty()) {
          throw new AssertionError("scenario code threw inside a callback or timer: " + run.ctx.scriptErrors());
        }
        run.sim.assertNothingLostSilently();
      }
    } catch (AssertionError | RuntimeException e) {
      Throwable decorated = withReplay(e, context, run.faults);
      if (decorated instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) decorated;
    } finally {
      run.sim.close();
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    if (failure instanceof TestAbortedException) {
      throw failure;
    }
    Run run = context.getStore(NAMESPACE).get(RUN, Run.class);
    throw withReplay(failure, context, run == null ? FaultPlan.NONE : run.faults);
  }

  /** The fault rules of this test: the file of {@code -Dbrokersim.faults}, else of its annotation, else none. */
  FaultPlan faults(ExtensionContext context) {
    String file = faultsFile(context);
    if (file == null) {
      return FaultPlan.NONE;
    }
    Path path = Path.of(file);
    if (Files.isRegularFile(path)) {
      return FaultFile.load(path);
    }
    String resource = file.startsWith("/") ? file.substring(1) : file;
    ClassLoader loader = context.getRequiredTestClass().getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ExtensionConfigurationException("fault file '" + file + "' is neither a file (from "
            + Path.of("").toAbsolutePath() + ") nor a class path resource");
      }
      return FaultFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
    } catch (IOException e) {
      throw new ExtensionConfigurationException("cannot read fault file '" + file + "': " + e.getMessage(), e);
    }
  }

  /** {@code -Dbrokersim.faults}, else the annotation's {@code faults}, else null. */
  private static String faultsFile(ExtensionContext context) {
    String property = System.getProperty(FAULTS_PROPERTY);
    if (property != null && !property.isBlank()) {
      return property.trim();
    }
    Method m = context.getTestMethod().orElse(null);
    String file = m == null ? "" : m.isAnnotationPresent(SeedSweep.class) ? m.getAnnotation(SeedSweep.class).faults()
        : m.isAnnotationPresent(BrokersimTest.class) ? m.getAnnotation(BrokersimTest.class).faults() : "";
    return file.isBlank() ? null : file;
  }

  private static boolean shrinks(ExtensionContext context) {
    if ("false".equalsIgnoreCase(System.getProperty(SHRINK_PROPERTY, "").trim())) {
      return false;
    }
    Method m = context.getTestMethod().orElse(null);
    return m != null && (m.isAnnotationPresent(SeedSweep.class) ? m.getAnnotation(SeedSweep.class).shrink()
        : !m.isAnnotationPresent(BrokersimTest.class) || m.getAnnotation(BrokersimTest.class).shrink());
  }

  /** The seed of this test: the sweep's, the annotation's, the system property's, or 0. */
  long seed(ExtensionContext context) {
    if (fixedSeed != null) {
      return fixedSeed;
    }
    Optional<BrokersimTest> a = annotation(context);
    if (a.isPresent() && a.get().seed() != BrokersimTest.UNSET) {
      return a.get().seed();
    }
    String property = System.getProperty(SEED_PROPERTY);
    if (property == null || property.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(property.trim());
    } catch (NumberFormatException e) {
      throw new ExtensionConfigurationException("-D" + SEED_PROPERTY + " must be a number, got '" + property + "'");
    }
  }

  /** The profile of this test: the sweep's, the annotation's, the system property's, or lavinmq. */
  BrokerProfile profile(ExtensionContext context) {
    if (fixedProfile != null) {
      return fixedProfile;
    }
    String name = annotation(context).map(BrokersimTest::profile).filter(p -> !p.isBlank())
        .orElseGet(() -> System.getProperty(PROFILE_PROPERTY, BrokerProfile.defaultProfile().name()));
    return profileNamed(name);
  }

  static BrokerProfile profileNamed(String name) {
    return BrokerProfile.byName(name).orElseThrow(() -> new ParameterResolutionException(
        "unknown brokersim profile '" + name + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
  }

  private static Optional<BrokersimTest> annotation(ExtensionContext context) {
    return context.getTestMethod().map(m -> m.getAnnotation(BrokersimTest.class));
  }

  /**
   * {@code failure} with the seed, profile and replay properties in front of its message, same stack trace; when
   * fault rules were in play, followed by the shrunk failure ({@link TestShrink}).
   */
  private Throwable withReplay(Throwable failure, ExtensionContext context, FaultPlan faults) {
    if (failure.getMessage() != null && failure.getMessage().startsWith(HINT_PREFIX)) {
      return failure;   // a second registration of the extension saw it first
    }
    String hint = replayHint(context);
    String shrunk = null;
    if (!faults.isEmpty() && shrinks(context) && context.getTestInstance().isPresent()
        && context.getTestMethod().isPresent()) {
      try {
        shrunk = TestShrink.note(context.getRequiredTestInstance(), context.getRequiredTestMethod(), seed(context),
            profile(context), faults, replayProperties(context));
      } catch (RuntimeException e) {
        shrunk = "not shrunk: " + e;
      }
    }
    System.err.println(hint + " in " + context.getDisplayName() + (shrunk == null ? "" : "\n" + shrunk));
    String message = hint + ": " + failure.getMessage() + (shrunk == null ? "" : "\n" + shrunk);
    Throwable decorated;
    if (failure instanceof AssertionFailedError f) {
      decorated = f.isExpectedDefined() || f.isActualDefined()
          ? new AssertionFailedError(message, f.getExpected(), f.getActual(), f.getCause())
          : new AssertionFailedError(message, f.getCause());
    } else if (failure instanceof AssertionError) {
      decorated = new AssertionError(message, failure.getCause());
    } else {
      decorated = new AssertionError(message, failure);
    }
    decorated.setStackTrace(failure.getStackTrace());
    for (Throwable s : failure.getSuppressed()) {
      decorated.addSuppressed(s);
    }
    return decorated;
  }

  private String replayHint(ExtensionContext context) {
    try {
      return HINT_PREFIX + seed(context) + ", profile " + profile(context).name() + "; replay:"
          + replayProperties(context) + (System.getProperty(FAULTS_PROPERTY, "").isBlank() ? ""
          : " -D" + FAULTS_PROPERTY + "=" + System.getProperty(FAULTS_PROPERTY).trim()) + "]";
    } catch (RuntimeException e) {
      return "[brokersim: " + e.getMessage() + "]";
    }
  }

  /** {@code -Dtest=Class#method -Dbrokersim.seed=N -Dbrokersim.profile=P}: Maven's way to run this test again. */
  private String replayProperties(ExtensionContext context) {
    long seed = seed(context);
    String profile = profile(context).name();
    Method m = context.getTestMethod().orElse(null);
    String test = m == null ? "" : " -Dtest=" + m.getDeclaringClass().getSimpleName() + "#" + m.getName();
    return test + " -D" + SEED_PROPERTY + "=" + seed + " -D" + PROFILE_PROPERTY + "=" + profile;
  }
}
