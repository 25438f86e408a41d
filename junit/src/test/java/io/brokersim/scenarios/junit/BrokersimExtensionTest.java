package io.brokersim.scenarios.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.brokersim.core.Simulation;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.ScenarioContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.opentest4j.AssertionFailedError;

class BrokersimExtensionTest {

  private String seedProperty;
  private String profileProperty;
  private String faultsProperty;
  private String shrinkProperty;

  /** The fixtures read the replay properties: run them without whatever the build was given, then restore it. */
  @BeforeEach
  void clearProperties() {
    seedProperty = System.clearProperty(BrokersimExtension.SEED_PROPERTY);
    profileProperty = System.clearProperty(BrokersimExtension.PROFILE_PROPERTY);
    faultsProperty = System.clearProperty(BrokersimExtension.FAULTS_PROPERTY);
    shrinkProperty = System.clearProperty(BrokersimExtension.SHRINK_PROPERTY);
    ExtensionFixtures.SEEN.clear();
    ServerFixtures.SEEN.clear();
  }

  @AfterEach
  void restoreProperties() {
    restore(BrokersimExtension.SEED_PROPERTY, seedProperty);
    restore(BrokersimExtension.PROFILE_PROPERTY, profileProperty);
    restore(BrokersimExtension.FAULTS_PROPERTY, faultsProperty);
    restore(BrokersimExtension.SHRINK_PROPERTY, shrinkProperty);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  /** Runs the tests of {@code fixture} through the JUnit launcher. */
  static TestExecutionSummary run(Class<?> fixture) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(fixture)).build(), listener);
    return listener.getSummary();
  }

  static Throwable onlyFailure(TestExecutionSummary s) {
    assertEquals(1, s.getTotalFailureCount(), () -> s.getFailures().toString());
    return s.getFailures().get(0).getException();
  }

  @BrokersimTest(seed = 42, profile = "rabbitmq-4")
  void annotation_pinsSeedAndProfile_whateverTheProperties(Simulation sim, ScenarioContext ctx) {
    assertEquals(42, sim.seed());
    assertEquals(BrokerProfile.RABBITMQ_4, sim.profile());
    assertTrue(ctx.sim() == sim, "one simulation per test");
  }

  @Test
  void failure_namesSeedAndProfile_andKeepsExpectedAndActual() {
    Throwable e = onlyFailure(run(ExtensionFixtures.FailingTest.class));
    assertTrue(e.getMessage().startsWith("[brokersim seed 7, profile rabbitmq-3; replay: -Dtest=FailingTest#fails "
        + "-Dbrokersim.seed=7 -Dbrokersim.profile=rabbitmq-3]: deliberate"), e.getMessage());
    AssertionFailedError f = (AssertionFailedError) e;
    assertEquals(1, f.getExpected().getValue());
    assertEquals(2, f.getActual().getValue());
  }

  @Test
  void failure_unexpectedException_isWrappedWithTheSeed() {
    Throwable e = onlyFailure(run(ExtensionFixtures.ThrowingTest.class));
    assertTrue(e.getMessage().startsWith("[brokersim seed 8, profile lavinmq;"), e.getMessage());
    assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
  }

  @Test
  void aborted_staysAborted() {
    TestExecutionSummary s = run(ExtensionFixtures.AbortedTest.class);
    assertEquals(0, s.getTotalFailureCount());
    assertEquals(1, s.getTestsAbortedCount());
  }

  @Test
  void scriptErrorInACallback_failsTheTestAfterwards() {
    Throwable e = onlyFailure(run(ExtensionFixtures.ScriptErrorTest.class));
    assertTrue(e.getMessage().contains("seed 9") && e.getMessage().contains("handler bug"), e.getMessage());
  }

  @Test
  void seedSweep_runsEveryProfileAndSeed() {
    TestExecutionSummary s = run(ExtensionFixtures.SweepTest.class);
    assertEquals(6, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    assertEquals(List.of("3/lavinmq/true", "4/lavinmq/true", "5/lavinmq/true", "3/rabbitmq-4/true",
        "4/rabbitmq-4/true", "5/rabbitmq-4/true"), ExtensionFixtures.SEEN);
  }

  @Test
  void seedSweep_seedProperty_narrowsToThatSeed() {
    System.setProperty(BrokersimExtension.SEED_PROPERTY, "4");
    System.setProperty(BrokersimExtension.PROFILE_PROPERTY, "rabbitmq-4");
    TestExecutionSummary s = run(ExtensionFixtures.SweepTest.class);
    assertEquals(1, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    assertEquals(List.of("4/rabbitmq-4/true"), ExtensionFixtures.SEEN);
  }

  private static final Pattern SHRUNK = Pattern.compile("shrunk: (\\d+) firings? -> (\\d+) in \\d+ runs?; fails as: "
      + "every call gets exactly one reply, matched by correlation_id: request acked -> reply dropped by fault "
      + "'lost-replies' -> caller timed out\n  fires: lost-replies at match \\d+ .*\n"
      + "smallest schedule: (\\S+); replay it: -Dtest=ShrinkingSweepTest#everyCallAnswered -Dbrokersim.seed=(\\d+) "
      + "-Dbrokersim.profile=lavinmq -Dbrokersim.faults=\\3$");

  @Test
  void seedSweep_failingSeedWithFaults_isShrunkToTheOneFiringItNeeds_andTheScheduleReplaysIt() throws Exception {
    TestExecutionSummary s = run(ExtensionFixtures.ShrinkingSweepTest.class);
    assertTrue(s.getTotalFailureCount() > 0, "some of the 10 seeds lose a reply");
    String replayFile = null;
    String replaySeed = null;
    for (TestExecutionSummary.Failure f : s.getFailures()) {
      String message = f.getException().getMessage();
      Matcher m = SHRUNK.matcher(message);
      assertTrue(m.find(), message);
      assertEquals("1", m.group(2), message);
      assertTrue(Files.readString(Path.of(m.group(3))).contains("at-matches = [" ), m.group(3));
      if (Integer.parseInt(m.group(1)) > 1) {
        replayFile = m.group(3);
        replaySeed = m.group(4);
      }
    }
    assertTrue(replayFile != null, "a failing seed fired more than once");

    // The written schedule, given back with the printed properties, fails the same way with its one firing.
    System.setProperty(BrokersimExtension.SEED_PROPERTY, replaySeed);
    System.setProperty(BrokersimExtension.FAULTS_PROPERTY, replayFile);
    Throwable again = onlyFailure(run(ExtensionFixtures.ShrinkingSweepTest.class));
    Matcher m = SHRUNK.matcher(again.getMessage());
    assertTrue(m.find(), again.getMessage());
    assertEquals("1", m.group(1), again.getMessage());
    assertTrue(again.getMessage().startsWith("[brokersim seed " + replaySeed + ", profile lavinmq; replay: "
        + "-Dtest=ShrinkingSweepTest#everyCallAnswered -Dbrokersim.seed=" + replaySeed + " -Dbrokersim.profile=lavinmq "
        + "-Dbrokersim.faults=" + replayFile + "]"), again.getMessage());
  }

  @Test
  void seedSweep_shrinkOff_failureHasNoShrinkNote() {
    System.setProperty(BrokersimExtension.SHRINK_PROPERTY, "false");
    TestExecutionSummary s = run(ExtensionFixtures.ShrinkingSweepTest.class);
    assertTrue(s.getTotalFailureCount() > 0);
    for (TestExecutionSummary.Failure f : s.getFailures()) {
      assertFalse(f.getException().getMessage().contains("shrunk:"), f.getException().getMessage());
    }
  }

  @Test
  void faults_fromTheClassPath_areLoaded() {
    TestExecutionSummary s = run(ExtensionFixtures.ClasspathFaultsTest.class);
    assertEquals(1, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    assertEquals(List.of("faults 1"), ExtensionFixtures.SEEN);
  }

  @Test
  void classLevel_takesSeedAndProfileFromProperties_andCoexistsWithASweep() {
    System.setProperty(BrokersimExtension.SEED_PROPERTY, "17");
    System.setProperty(BrokersimExtension.PROFILE_PROPERTY, "rabbitmq-3");
    TestExecutionSummary s = run(ExtensionFixtures.ClassLevelTest.class);
    assertEquals(0, s.getTotalFailureCount(), () -> s.getFailures().toString());
    assertTrue(ExtensionFixtures.SEEN.contains("17/rabbitmq-3"), ExtensionFixtures.SEEN.toString());
    assertTrue(ExtensionFixtures.SEEN.contains("sweep 17"), ExtensionFixtures.SEEN.toString());
  }

  @Test
  void beforeAll_getsTheClassSimulation_sharedByEveryTest() {
    TestExecutionSummary s = run(ServerFixtures.ClassSimulation.class);

    assertEquals(2, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    assertEquals(3, ServerFixtures.SEEN.size());
    assertTrue(ServerFixtures.SEEN.stream().allMatch(o -> o == ServerFixtures.SEEN.get(0)), "one simulation");
  }

  @Test
  void onTheClass_setsSeedProfileAndFaults_beforeEachSharesTheTestsSimulation_methodAnnotationWins() {
    TestExecutionSummary s = run(ServerFixtures.ClassSettings.class);

    assertEquals(2, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    List<Object> seen = ServerFixtures.SEEN;
    assertTrue(seen.contains("12/rabbitmq-3/drop-jobs"), seen.toString());
    assertTrue(seen.contains("13/lavinmq/0"), seen.toString());
    int inherits = seen.indexOf("12/rabbitmq-3/drop-jobs");
    assertTrue(seen.get(inherits - 1) == seen.get(inherits - 2), "@BeforeEach and the test share a simulation");
  }

  @Test
  void lostMessage_failsWithTheSeed_unlessAllowedWithAReason() {
    TestExecutionSummary s = run(ServerFixtures.SimulationLosesAMessage.class);

    Throwable e = onlyFailure(s);
    assertTrue(e.getMessage().startsWith("[brokersim seed 5, profile lavinmq;"), e.getMessage());
    assertTrue(e.getMessage().contains("conn-9/ch-1#1"), e.getMessage());
    assertEquals(1, s.getTestsSucceededCount(), "the @AllowSilentLoss test passes");
  }
}
