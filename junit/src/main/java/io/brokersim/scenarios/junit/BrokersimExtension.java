package io.brokersim.scenarios.junit;

import io.brokersim.core.Simulation;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.ScenarioContext;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
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
 * <p>A simulation first asked for in a test or a {@code @BeforeEach} method belongs to that test. One first
 * asked for in a {@code @BeforeAll} method (or the constructor of a per-class test instance) belongs to the
 * class: every test of the class gets it, and it is checked and closed after all of them.
 *
 * <p>Use {@link BrokersimTest} for one seed, {@link SeedSweep} for many, or {@code @ExtendWith} on a class to
 * take seed and profile from {@code -Dbrokersim.seed} / {@code -Dbrokersim.profile} (default 0 and
 * {@code lavinmq}).
 */
public final class BrokersimExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback,
    TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

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
  /** A sweep invocation's own simulation never comes from (or goes to) the class. */
  private static final ExtensionContext.Namespace SWEEP_NAMESPACE = ExtensionContext.Namespace.create(
      BrokersimExtension.class, SeedSweep.class);
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

  /** The simulation of one test (or class), the fault rules it was built with, and the context over it if asked. */
  private static final class Run {
    final Simulation sim;
    final FaultPlan faults;
    ScenarioContext ctx;

    Run(Simulation sim, FaultPlan faults) {
      this.sim = sim;
      this.faults = faults;
    }
  }

  private ExtensionContext.Namespace namespace() {
    return fixedSeed == null ? NAMESPACE : SWEEP_NAMESPACE;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    // In a sweep the invocation's own instance resolves; a class-level instance must not compete with it.
    if (fixedSeed == null && context.getTestMethod().map(m -> m.isAnnotationPresent(SeedSweep.class)).orElse(false)) {
      return false;
    }
    Class<?> type = parameter.getParameter().getType();
    return type == Simulation.class || type == ScenarioContext.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(namespace());
    // A class's simulation (from @BeforeAll) is found through the store's parent; else this test gets its own.
    Run run = store.get(RUN, Run.class);
    if (run == null) {
      FaultPlan faults = faults(context);
      run = new Run(Simulation.builder().seed(seed(context)).profile(profile(context)).faults(faults).build(), faults);
      store.put(RUN, run);
    }
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
    finish(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    finish(context);
  }

  /** Checks and closes the simulation that belongs to {@code context} itself, if any. */
  private void finish(ExtensionContext context) {
    Run run = context.getStore(namespace()).remove(RUN, Run.class);
    if (run == null) {
      return;
    }
    try {
      if (context.getExecutionException().isEmpty()) {
        if (run.ctx != null && !run.ctx.scriptErrors().isEmpty()) {
          throw new AssertionError("scenario code threw inside a callback or timer: " + run.ctx.scriptErrors());
        }
        SilentLossCheck.run(context, run.sim::assertNothingLostSilently);
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
    Run run = context.getStore(namespace()).get(RUN, Run.class);
    throw withReplay(failure, context, run == null ? FaultPlan.NONE : run.faults);
  }

  private static boolean shrinks(ExtensionContext context) {
    if ("false".equalsIgnoreCase(System.getProperty(SHRINK_PROPERTY, "").trim())) {
      return false;
    }
    Method m = context.getTestMethod().orElse(null);
    return m != null && (m.isAnnotationPresent(SeedSweep.class) ? m.getAnnotation(SeedSweep.class).shrink()
        : !m.isAnnotationPresent(BrokersimTest.class) || m.getAnnotation(BrokersimTest.class).shrink());
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    handleTestExecutionException(context, failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    handleTestExecutionException(context, failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    handleTestExecutionException(context, failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    handleTestExecutionException(context, failure);
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

  /**
   * The faults of this test: the file of {@code -Dbrokersim.faults}, else its {@link SeedSweep}'s, else its (or its
   * class's) {@link BrokersimTest}'s.
   */
  private static FaultPlan faults(ExtensionContext context) {
    String property = System.getProperty(FAULTS_PROPERTY);
    if (property != null && !property.isBlank()) {
      return FaultSources.file(property.trim(), context.getRequiredTestClass(), "-D" + FAULTS_PROPERTY);
    }
    Optional<SeedSweep> sweep = context.getTestMethod().map(m -> m.getAnnotation(SeedSweep.class))
        .filter(s -> !s.faults().isBlank() || !s.faultPlan().isBlank());
    if (sweep.isPresent()) {
      return FaultSources.plan(sweep.get().faults(), sweep.get().faultPlan(), context.getRequiredTestClass(),
          "@SeedSweep");
    }
    Optional<BrokersimTest> a = annotation(context);
    if (a.isEmpty()) {
      return FaultPlan.NONE;
    }
    return FaultSources.plan(a.get().faults(), a.get().faultPlan(), context.getRequiredTestClass(), "@BrokersimTest");
  }

  static BrokerProfile profileNamed(String name) {
    return BrokerProfile.byName(name).orElseThrow(() -> new ParameterResolutionException(
        "unknown brokersim profile '" + name + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
  }

  private static Optional<BrokersimTest> annotation(ExtensionContext context) {
    return Declared.find(context, BrokersimTest.class).map(Declared::annotation);
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
    String test = m != null ? " -Dtest=" + m.getDeclaringClass().getSimpleName() + "#" + m.getName()
        : context.getTestClass().map(c -> " -Dtest=" + c.getSimpleName()).orElse("");
    return test + " -D" + SEED_PROPERTY + "=" + seed + " -D" + PROFILE_PROPERTY + "=" + profile;
  }
}
