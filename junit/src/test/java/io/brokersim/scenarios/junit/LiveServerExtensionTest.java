package io.brokersim.scenarios.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.trace.Fate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class LiveServerExtensionTest {

  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void liveServer_realJavaClient_roundTrip(LiveServer server) throws Exception {
    assertTrue(server.amqpUri().startsWith("amqp://guest:guest@127.0.0.1:"), server.amqpUri());
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(server.amqpUri());
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("junit")) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.basicPublish("", q, null, "hello".getBytes(StandardCharsets.UTF_8));
      GetResponse r = null;
      for (int i = 0; i < 100 && r == null; i++) {
        r = ch.basicGet(q, true);
        if (r == null) {
          Thread.sleep(10);
        }
      }
      assertEquals("hello", new String(r.getBody(), StandardCharsets.UTF_8));
    }
  }

  @Test
  @BrokersimServer(profile = "rabbitmq-3", vhosts = "staging")
  void liveServer_withVhosts_eachHasItsOwnQueues(LiveServer server) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(server.amqpUri("staging"));
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("junit-staging")) {
      c.createChannel().queueDeclare("only-in-staging", true, false, false, null);
    }
    assertEquals(List.of("/", "staging"), server.broker().vhostNames());
    assertEquals(1, server.broker().inspect("staging").queues().size());
    assertTrue(server.broker().inspect("/").queues().isEmpty());
  }

  @BeforeEach
  void clearSeen() {
    ServerFixtures.SEEN.clear();
  }

  @Test
  void onTheClass_oneServerForBeforeAllBeforeEachTestsAndNestedClasses_methodAnnotationGetsItsOwn() {
    TestExecutionSummary s = BrokersimExtensionTest.run(ServerFixtures.ClassServer.class);

    assertEquals(4, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    List<Object> seen = ServerFixtures.SEEN;
    assertTrue(seen.contains("rabbitmq-4"), seen.toString());
    // @BeforeAll, 2 x (@BeforeEach, test), nested @BeforeEach and test: the class's server; ownServer's
    // @BeforeEach: the method's.
    List<Object> servers = seen.stream().filter(o -> o instanceof LiveServer).toList();
    assertEquals(8, servers.size(), seen.toString());
    LiveServer classServer = (LiveServer) servers.get(0);
    assertEquals(7, servers.stream().filter(o -> o == classServer).count(), "one server for the class");
    assertEquals("rabbitmq-3", classServer.broker().profile().name());
  }

  @Test
  void onAMethod_oneServerPerTest_sharedWithBeforeEach() {
    TestExecutionSummary s = BrokersimExtensionTest.run(ServerFixtures.MethodServers.class);

    assertEquals(2, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    List<Object> seen = ServerFixtures.SEEN;
    assertEquals(4, seen.size());
    assertTrue(seen.get(0) == seen.get(1) && seen.get(2) == seen.get(3), seen.toString());
    assertNotSame(seen.get(0), seen.get(2));
  }

  @Test
  void faults_fromClasspathResourceFileAndStaticMembers() {
    TestExecutionSummary s = BrokersimExtensionTest.run(ServerFixtures.FaultFiles.class);

    assertEquals(6, s.getTestsSucceededCount(), () -> s.getFailures().toString());
    List<Object> seen = ServerFixtures.SEEN;
    assertEquals(3, seen.stream().filter("drop-jobs"::equals).count(), seen.toString());
    assertTrue(seen.contains(List.of("drop-jobs", "from-field")), seen.toString());
    assertTrue(seen.contains(List.of("from-method")), seen.toString());
    assertTrue(seen.contains(List.of("shared")), seen.toString());
  }

  @Test
  void faults_missingFile_saysWhereItLooked() {
    Throwable e = BrokersimExtensionTest.onlyFailure(BrokersimExtensionTest.run(ServerFixtures.MissingFaultFile.class));

    assertTrue(e.getMessage().contains("fault file 'faults/no-such-file.conf' is neither a file (looked in ")
        && e.getMessage().contains("nor a resource on the test class path"), e.getMessage());
  }

  @Test
  void faults_unknownPlan_namesWhatItLookedFor() {
    Throwable e = BrokersimExtensionTest.onlyFailure(BrokersimExtensionTest.run(ServerFixtures.UnknownFaultPlan.class));

    assertTrue(e.getMessage().contains("has no static method noSuchPlan() or static field noSuchPlan of type "
        + "FaultPlan"), e.getMessage());
  }

  @Test
  void lostMessage_failsNamingTheServer_unlessAllowedWithAReason() {
    Throwable e = BrokersimExtensionTest.onlyFailure(
        BrokersimExtensionTest.run(ServerFixtures.ServerLosesAMessage.class));
    assertTrue(e.getMessage().startsWith("[brokersim server, seed 0, profile lavinmq] 1 message problem"),
        e.getMessage());

    TestExecutionSummary allowed = BrokersimExtensionTest.run(ServerFixtures.ServerLosesAMessageAllowed.class);
    assertEquals(1, allowed.getTestsSucceededCount(), () -> allowed.getFailures().toString());
  }

  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void faults_armedAndDisarmedAtRuntime_realJavaClient(LiveServer server) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(server.amqpUri());
    f.setAutomaticRecoveryEnabled(false);
    try (Connection c = f.newConnection("arming")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("jobs", true, false, false, null);
      ch.confirmSelect();
      FaultInjector.Armed drop = server.faults().arm(new FaultRule("drop-jobs", Boundary.ENQUEUED,
          Match.builder().queue("jobs").build(), FaultActions.drop(), Trigger.ALWAYS));
      ch.basicPublish("", "jobs", null, "lost".getBytes(StandardCharsets.UTF_8));
      assertFalse(ch.waitForConfirms(10_000), "a dropped publish is nacked");
      assertTrue(drop.disarm());
      ch.basicPublish("", "jobs", null, "kept".getBytes(StandardCharsets.UTF_8));
      ch.waitForConfirmsOrDie(10_000);

      assertEquals(1, drop.firedCount());
      server.messages().toQueue("jobs").withFate(Fate.Kind.DROPPED_BY_FAULT).assertCount(1);
      server.messages().toQueue("jobs").stillLive().assertCount(1);
      assertEquals(1, ch.queueDeclarePassive("jobs").getMessageCount());
    }
  }
}
