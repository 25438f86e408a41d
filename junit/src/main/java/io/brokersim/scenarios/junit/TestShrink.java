package io.brokersim.scenarios.junit;

import io.brokersim.core.Simulation;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.ExpectationsFailed;
import io.brokersim.scenarios.FailureSignature;
import io.brokersim.scenarios.FaultFileText;
import io.brokersim.scenarios.ScenarioContext;
import io.brokersim.scenarios.shrink.Firing;
import io.brokersim.scenarios.shrink.Shrinker;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a failing brokersim test: calls the test method again, on the same instance, with fresh simulations whose
 * fault rules fire at fewer and fewer of the original firings ({@link Shrinker}), keeping only runs that fail the same
 * way (the same expectation and fate chain from {@code assertExpectations}, else the same exception type thrown from
 * the same line of the test class). {@code @BeforeEach} and {@code @AfterEach} do not run around these calls.
 */
final class TestShrink {

  private TestShrink() {}

  /** The lines to add to the failure, or null when this test cannot be re-run (other parameter types). */
  static String note(Object instance, Method method, long seed, BrokerProfile profile, FaultPlan plan,
      String replayHint) {
    for (Class<?> type : method.getParameterTypes()) {
      if (type != Simulation.class && type != ScenarioContext.class) {
        return "not shrunk: the test takes a " + type.getSimpleName() + ", which brokersim cannot supply again";
      }
    }
    Shrinker.Subject subject = (rules, onlyCalls) -> run(instance, method, seed, profile, rules);
    Shrinker.Result r;
    try {
      r = Shrinker.shrink(subject, plan.rules(), Shrinker.DEFAULT_MAX_RUNS);
    } catch (Shrinker.NothingToShrink e) {
      return "not shrunk: the test passed when run again with its fault rules (does it depend on state outside the "
          + "simulation?)";
    }
    StringBuilder b = new StringBuilder(r.summary()).append("; fails as: ").append(r.signature().text());
    for (Firing f : r.minimal()) {
      b.append("\n  fires: ").append(f.describe());
    }
    String name = method.getDeclaringClass().getSimpleName() + "." + method.getName() + "-seed" + seed + "-"
        + profile.name() + ".conf";
    Path dir = Files.isDirectory(Path.of("target")) ? Path.of("target", "brokersim-shrink")
        : Path.of(System.getProperty("java.io.tmpdir"), "brokersim-shrink");
    Path file = dir.resolve(name);
    try {
      String text = FaultFileText.of(r.schedule(), List.of("The smallest schedule that still fails "
          + method.getDeclaringClass().getName() + "#" + method.getName() + " (seed " + seed + ", profile "
          + profile.name() + ")", r.summary(), "fails as: " + r.signature().text()));
      Files.createDirectories(dir);
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | IOException e) {
      return b.append("\nno fault file written: ").append(e.getMessage()).toString();
    }
    return b.append("\nsmallest schedule: ").append(file).append("; replay it:").append(replayHint).append(" -D")
        .append(BrokersimExtension.FAULTS_PROPERTY).append('=').append(file).toString();
  }

  private static Shrinker.Outcome run(Object instance, Method method, long seed, BrokerProfile profile,
      List<FaultRule> rules) {
    try (Simulation sim = Simulation.builder().seed(seed).profile(profile).faults(new FaultPlan(rules)).build()) {
      ScenarioContext ctx = null;
      Object[] args = new Object[method.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        if (method.getParameterTypes()[i] == Simulation.class) {
          args[i] = sim;
        } else {
          ctx = ctx == null ? new ScenarioContext(sim) : ctx;
          args[i] = ctx;
        }
      }
      Throwable thrown = null;
      try {
        method.setAccessible(true);
        method.invoke(instance, args);
        if (ctx != null && !ctx.scriptErrors().isEmpty()) {
          thrown = new AssertionError("scenario code threw inside a callback or timer: " + ctx.scriptErrors());
        } else {
          sim.assertNothingLostSilently();
        }
      } catch (InvocationTargetException e) {
        thrown = e.getCause();
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot call " + method + " again", e);
      } catch (RuntimeException | AssertionError e) {
        thrown = e;
      }
      return new Shrinker.Outcome(signature(thrown, method.getDeclaringClass()), sim.traceSha256(),
          new ArrayList<>());
    }
  }

  /** How a test failed: its expectations' signature, else the exception type and the test line that threw it. */
  static FailureSignature signature(Throwable thrown, Class<?> testClass) {
    if (thrown == null) {
      return null;
    }
    if (thrown instanceof ExpectationsFailed f) {
      return f.signature();
    }
    String where = "";
    for (StackTraceElement e : thrown.getStackTrace()) {
      if (e.getClassName().equals(testClass.getName()) || e.getClassName().startsWith(testClass.getName() + "$")) {
        where = " at " + e.getFileName() + ":" + e.getLineNumber();
        break;
      }
    }
    return new FailureSignature(thrown.getClass().getName() + where, "");
  }
}
