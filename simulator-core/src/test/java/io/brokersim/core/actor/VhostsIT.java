package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.profile.BrokerProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Several virtual hosts in one broker, and users' permissions in them (semantics §13). */
class VhostsIT {

  private static Simulation twoVhosts(BrokerProfile profile, long seed) {
    return Simulation.builder().seed(seed).profile(profile).vhosts("staging").build();
  }

  @Test
  void sameQueueNameInTwoVhosts_messagesNeverMeet() {
    try (Simulation sim = twoVhosts(BrokerProfile.RABBITMQ_4, 1)) {
      assertEquals(List.of("/", "staging"), sim.vhostNames());
      SimChannel prod = sim.connect("prod-app").openChannel();
      SimChannel staging = sim.connect("staging-app", "staging").openChannel();
      prod.queueDeclare("orders", true, false, false, null);
      staging.queueDeclare("orders", true, false, false, null);
      prod.basicPublish("", "orders", "from /");
      staging.basicPublish("", "orders", "from staging");
      staging.basicPublish("", "orders", "from staging again");
      sim.runUntilQuiet();
      assertEquals(1, prod.queueDeclarePassive("orders").messageCount());
      assertEquals(2, staging.queueDeclarePassive("orders").messageCount());
      assertEquals("from /", prod.basicGet("orders", true).bodyText());
      assertEquals("from staging", staging.basicGet("orders", true).bodyText());
      // each vhost has its own amq.* exchanges and topology, and names the vhost in its texts
      staging.exchangeDeclare("only-here", "fanout");
      AmqpException e = assertThrows(AmqpException.class, () -> prod.exchangeDeclarePassive("only-here"));
      assertEquals("NOT_FOUND - no exchange 'only-here' in vhost '/'", e.error().text());
      assertEquals("staging", sim.inspect("staging").vhost());
      assertEquals(List.of("orders"), sim.inspect("staging").queues().stream().map(q -> q.name()).toList());
      sim.assertNothingLostSilently();
    }
  }

  @Test
  void connectionsInDifferentVhosts_getBrokerWideIds() {
    try (Simulation sim = twoVhosts(BrokerProfile.LAVINMQ, 1)) {
      SimConnection a = sim.connect("a");
      SimConnection b = sim.connect("b", "staging");
      SimConnection c = sim.connect("c");
      assertEquals(List.of("conn-1", "conn-2", "conn-3"), List.of(a.id(), b.id(), c.id()));
    }
  }

  @Test
  void directReplyTo_replyNameOfAnotherVhost_isNotDelivered() {
    try (Simulation sim = twoVhosts(BrokerProfile.RABBITMQ_3, 3)) {
      SimChannel requester = sim.connect("requester").openChannel();
      Collector replies = new Collector(false);
      requester.basicConsume("amq.rabbitmq.reply-to", true, replies);
      requester.queueDeclare("rpc", false, false, false, null);
      requester.basicPublish("", "rpc", false, BasicProperties.EMPTY.withReplyTo("amq.rabbitmq.reply-to"),
          "ping".getBytes());
      sim.runUntilQuiet();
      String replyName = requester.basicGet("rpc", true).properties().replyTo();
      SimChannel elsewhere = sim.connect("responder", "staging").openChannel();
      AmqpException e = assertThrows(AmqpException.class, () -> elsewhere.queueDeclarePassive(replyName));
      assertEquals(404, e.replyCode());
      SimChannel sameVhost = sim.connect("responder").openChannel();
      sameVhost.basicPublish("", replyName, "pong");
      sim.runUntilQuiet();
      assertEquals(List.of("pong"), replies.bodies());
    }
  }

  @Test
  void unknownVhost_refusedNamingTheVhosts() {
    try (Simulation sim = twoVhosts(BrokerProfile.LAVINMQ, 1)) {
      var e = assertThrows(IllegalArgumentException.class, () -> sim.connect("x", "nope"));
      assertEquals("no vhost 'nope' in this broker; its vhosts are [/, staging]", e.getMessage());
    }
  }

  @Test
  void vhostNamedTwice_refused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Simulation.builder().seed(1).vhosts("a", "a").build());
    assertTrue(e.getMessage().contains("vhost 'a' is named twice"), e.getMessage());
  }

  @Test
  void sameSeedTwice_sameTrace() {
    String first = runTwoVhostRun(5);
    assertEquals(first, runTwoVhostRun(5));
    assertNotEquals(first, runTwoVhostRun(6));
  }

  private static String runTwoVhostRun(long seed) {
    try (Simulation sim = twoVhosts(BrokerProfile.RABBITMQ_4, seed)) {
      for (String vhost : List.of("/", "staging")) {
        SimChannel ch = sim.connect("app", vhost).openChannel();
        String q = ch.queueDeclare().queue();
        ch.basicPublish("", q, "to " + vhost);
      }
      sim.runUntilQuiet();
      return sim.traceSha256();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | ACCESS_REFUSED - write access to exchange 'amq.topic' in vhost 'staging' refused for user 'alice'",
      "rabbitmq-4 | ACCESS_REFUSED - write access to exchange 'amq.topic' in vhost 'staging' refused for user 'alice'",
      "lavinmq    | ACCESS_REFUSED - User 'alice' not allowed to publish to exchange 'amq.topic'",
  })
  void publish_withoutWritePermission_closesChannel403AndRecordsTheRefusal(String profile, String text) {
    try (Simulation sim = twoVhosts(BrokerProfile.byName(profile).orElseThrow(), 1)) {
      Permissions alice = Permissions.of("alice", "^app\\.", "^app\\.", "^app\\.");
      SimChannel ch = sim.connect("alice-app", "staging", "alice", alice).openChannel();
      ch.queueDeclare("app.q", true, false, false, null);
      ch.basicPublish("amq.topic", "k", "refused");
      sim.runUntilQuiet();
      assertFalse(ch.isOpen());
      assertEquals(text, ch.closeCause().error().text());
      assertEquals(403, ch.closeCause().replyCode());
      assertEquals(1, sim.messages().count());
      sim.assertNothingLostSilently();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-4 | ACCESS_REFUSED - configure access to queue 'amq.gen-",
      "lavinmq    | ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'amq.gen-",
  })
  void serverNamedQueue_withoutConfigureOnAmqGen_refused(String profile, String prefix) {
    try (Simulation sim = twoVhosts(BrokerProfile.byName(profile).orElseThrow(), 1)) {
      Permissions alice = Permissions.of("alice", "^app\\.", ".*", ".*");
      SimChannel ch = sim.connect("alice-app", "/", "alice", alice).openChannel();
      AmqpException e = assertThrows(AmqpException.class, ch::queueDeclare);
      assertTrue(e.error().text().startsWith(prefix), e.error().text());
      assertEquals(0, sim.inspect().queues().size(), "nothing was declared");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-4 | ok",
      "lavinmq    | ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'amq.rabbitmq.reply-to'",
  })
  void replyToConsume_withoutReadOnThePseudoQueue_onlyLavinMqRefuses(String profile, String expected) {
    try (Simulation sim = twoVhosts(BrokerProfile.byName(profile).orElseThrow(), 1)) {
      Permissions alice = Permissions.of("alice", "^app\\.", "^app\\.", "^app\\.");
      SimChannel ch = sim.connect("alice-app", "/", "alice", alice).openChannel();
      String outcome;
      try {
        ch.basicConsume("amq.rabbitmq.reply-to", true, new Collector(false));
        outcome = "ok";
      } catch (AmqpException e) {
        outcome = e.error().text();
      }
      assertEquals(expected, outcome);
    }
  }

  @Test
  void readOnlyUser_consumesButCannotDeclareOrPurgeOthers() {
    try (Simulation sim = twoVhosts(BrokerProfile.RABBITMQ_3, 1)) {
      SimChannel admin = sim.connect("admin", "staging").openChannel();
      admin.queueDeclare("jobs", true, false, false, null);
      admin.basicPublish("", "jobs", "job 1");
      Permissions reader = Permissions.of("reader", "", "", "^jobs$");
      SimChannel ch = sim.connect("reader-app", "staging", "reader", reader).openChannel();
      Collector c = new Collector(true);
      ch.basicConsume("jobs", false, c);
      sim.runUntilQuiet();
      assertEquals(List.of("job 1"), c.bodies());
      AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare("jobs", true, false, false, null));
      assertEquals("ACCESS_REFUSED - configure access to queue 'jobs' in vhost 'staging' refused for user 'reader'",
          e.error().text());
      SimChannel again = sim.connect("reader-app", "staging", "reader", reader).openChannel();
      assertEquals("jobs", again.queueDeclarePassive("jobs").queue(), "a passive declare needs no permission");
    }
  }
}
