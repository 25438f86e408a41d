package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.profile.BrokerProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Several vhosts and users with per-vhost permissions, with the RabbitMQ Java client and pika (semantics §13). */
class VhostsIT {

  /** guest everywhere; alice only in staging, on app.* names; bob in / with read only. */
  private static final String USERS = """
      brokersim.server.users = [
        { name = "guest", password = "guest", loopback-only = true }
        { name = "alice", password = "alice", permissions {
            "staging" { configure = "^app\\\\.", write = "^app\\\\.", read = "^app\\\\." } } }
        { name = "bob", password = "bob", permissions { "/" { configure = "", write = "", read = ".*" } } }
      ]""";

  private static WireBroker start(String profile) {
    return WireBroker.withVhosts(BrokerProfile.byName(profile).orElseThrow(), USERS, "staging");
  }

  private static ConnectionFactory as(WireBroker b, String user, String vhost) {
    ConnectionFactory f = b.factory();
    f.setUsername(user);
    f.setPassword(user);
    f.setVirtualHost(vhost);
    return f;
  }

  private static AMQP.Connection.Close connectionClose(IOException e) {
    ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, e.getCause());
    return (AMQP.Connection.Close) s.getReason();
  }

  private static AMQP.Channel.Close channelClose(Exception e) {
    Throwable t = e instanceof IOException ? e.getCause() : e;
    ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, t);
    return (AMQP.Channel.Close) s.getReason();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | NOT_ALLOWED - vhost not found",
      "rabbitmq-3 | NOT_ALLOWED - vhost nowhere not found",
      "rabbitmq-4 | NOT_ALLOWED - vhost nowhere not found"})
  void open_unknownVhost_530(String profile, String text) {
    try (WireBroker b = start(profile)) {
      AMQP.Connection.Close close = connectionClose(assertThrows(IOException.class,
          () -> as(b, "alice", "nowhere").newConnection()));
      assertEquals(530, close.getReplyCode());
      assertEquals(text, close.getReplyText());
      assertEquals(10, close.getClassId());
      assertEquals(40, close.getMethodId());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | NOT_ALLOWED - 'alice' doesn't have access to '/'",
      "rabbitmq-3 | NOT_ALLOWED - access to vhost '/' refused for user 'alice'",
      "rabbitmq-4 | NOT_ALLOWED - access to vhost '/' refused for user 'alice'"})
  void open_vhostWithoutPermissions_530(String profile, String text) {
    try (WireBroker b = start(profile)) {
      AMQP.Connection.Close close = connectionClose(assertThrows(IOException.class,
          () -> as(b, "alice", "/").newConnection()));
      assertEquals(530, close.getReplyCode());
      assertEquals(text, close.getReplyText());
    }
  }

  @Test
  void twoVhosts_sameQueueName_messagesNeverMeet() throws Exception {
    try (WireBroker b = start("rabbitmq-4");
        Connection root = as(b, "guest", "/").newConnection();
        Connection staging = as(b, "guest", "staging").newConnection()) {
      Channel r = root.createChannel();
      Channel s = staging.createChannel();
      r.queueDeclare("orders", true, false, false, null);
      s.queueDeclare("orders", true, false, false, null);
      r.basicPublish("", "orders", null, "for /".getBytes(StandardCharsets.UTF_8));
      s.basicPublish("", "orders", null, "for staging".getBytes(StandardCharsets.UTF_8));
      GetResponse fromRoot = getOne(r, "orders");
      GetResponse fromStaging = getOne(s, "orders");
      assertEquals("for /", new String(fromRoot.getBody(), StandardCharsets.UTF_8));
      assertEquals(0, fromRoot.getMessageCount());
      assertEquals("for staging", new String(fromStaging.getBody(), StandardCharsets.UTF_8));
      assertEquals(List.of("/", "staging"), b.broker.vhostNames());
      assertEquals(List.of("orders"), b.broker.inspect("staging").queues().stream().map(q -> q.name()).toList());
    }
  }

  private static GetResponse getOne(Channel ch, String queue) throws Exception {
    for (int i = 0; i < 100; i++) {
      GetResponse g = ch.basicGet(queue, true);
      if (g != null) {
        return g;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nothing in " + queue);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'orders'",
      "rabbitmq-3 | ACCESS_REFUSED - configure access to queue 'orders' in vhost 'staging' refused for user 'alice'",
      "rabbitmq-4 | ACCESS_REFUSED - configure access to queue 'orders' in vhost 'staging' refused for user 'alice'"})
  void queueDeclare_outsideConfigurePermission_403(String profile, String text) throws Exception {
    try (WireBroker b = start(profile); Connection c = as(b, "alice", "staging").newConnection()) {
      Channel ch = c.createChannel();
      ch.queueDeclare("app.ok", true, false, false, null);
      AMQP.Channel.Close close = channelClose(assertThrows(IOException.class,
          () -> ch.queueDeclare("orders", true, false, false, null)));
      assertEquals(403, close.getReplyCode());
      assertEquals(text, close.getReplyText());
      assertEquals(50, close.getClassId());
      assertEquals(10, close.getMethodId());
      assertFalse(ch.isOpen());
      // the connection stays open: a 403 is a channel error
      assertEquals("app.ok", c.createChannel().queueDeclarePassive("app.ok").getQueue());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | ACCESS_REFUSED - User 'bob' not allowed to publish to exchange ''",
      "rabbitmq-3 | ACCESS_REFUSED - write access to exchange 'amq.default' in vhost '/' refused for user 'bob'"})
  void publish_readOnlyUser_403OnTheNextMethod(String profile, String text) throws Exception {
    try (WireBroker b = start(profile); Connection c = as(b, "bob", "/").newConnection()) {
      Channel ch = c.createChannel();
      ch.basicPublish("", "anywhere", null, new byte[0]);
      AMQP.Channel.Close close = channelClose(assertThrows(Exception.class, () -> ch.queueDeclarePassive("anywhere")));
      assertEquals(403, close.getReplyCode());
      assertEquals(text, close.getReplyText());
      assertEquals(60, close.getClassId());
      assertEquals(40, close.getMethodId());
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | 403 ACCESS_REFUSED - User 'alice' not allowed to publish to exchange 'amq.topic'",
      "rabbitmq-3 | 403 ACCESS_REFUSED - write access to exchange 'amq.topic' in vhost 'staging' refused for user 'alice'"})
  void pika_vhostsAndPermissions(String profile, String closed) throws Exception {
    Pika.require();
    try (WireBroker b = start(profile)) {
      Pika.Result r = Pika.run("vhosts.py", String.valueOf(b.port()));
      assertEquals(0, r.exitCode(), r.output());
      String refused = profile.equals("lavinmq") ? "NOT_ALLOWED - 'alice' doesn't have access to '/'"
          : "NOT_ALLOWED - access to vhost '/' refused for user 'alice'";
      assertEquals(List.of("open / ConnectionClosedByBroker: (530) \"" + refused + "\"", "got job-1", "closed " + closed),
          r.lines());
    }
  }
}
