package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.RpcClient;
import com.rabbitmq.client.RpcClientParams;
import com.rabbitmq.client.RpcServer;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.profile.BrokerProfile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The unmodified RabbitMQ Java client (amqp-client 5.27.0) against the simulator over TCP: the
 * behaviours an application relies on, each with the broker's exact reply codes and texts.
 */
@Timeout(60)
class JavaClientIT {

  private static final int WAIT_SECONDS = 10;

  @Test
  void publishConsumeAck_deliversInOrderAndAckEmptiesQueue() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("pub-sub")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("work", true, false, false, null);
      for (int i = 0; i < 100; i++) {
        ch.basicPublish("", "work", MessageProperties.PERSISTENT_TEXT_PLAIN, ("m" + i).getBytes(UTF_8));
      }
      BlockingQueue<Delivery> got = new ArrayBlockingQueue<>(200);
      Channel consumer = c.createChannel();
      consumer.basicQos(10);
      consumer.basicConsume("work", false, (tag, d) -> {
        got.add(d);
        consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
      }, tag -> { });
      for (int i = 0; i < 100; i++) {
        Delivery d = got.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(d, "delivery " + i);
        assertEquals("m" + i, new String(d.getBody(), UTF_8));
        assertEquals("text/plain", d.getProperties().getContentType());
        assertEquals(2, d.getProperties().getDeliveryMode());
      }
      awaitTrue(() -> ch.queueDeclarePassive("work").getMessageCount() == 0);
    }
  }

  @Test
  void largeMessages_splitAtFrameMaxAndReassembled() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("large")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("big", true, false, false, null);
      byte[] body = new byte[1_000_003];
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) (i * 31);
      }
      ch.basicPublish("", "big", null, body);
      GetResponse r = poll(ch, "big");
      assertEquals(body.length, r.getBody().length);
      for (int i = 0; i < body.length; i++) {
        assertEquals(body[i], r.getBody()[i], "octet " + i);
      }
    }
  }

  @Test
  void confirms_waitForConfirmsOrDie_acksEveryPublish() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("confirms")) {
      Channel ch = c.createChannel();
      ch.confirmSelect();
      ch.queueDeclare("confirmed", true, false, false, null);
      for (int i = 0; i < 500; i++) {
        ch.basicPublish("", "confirmed", null, ("c" + i).getBytes(UTF_8));
      }
      ch.waitForConfirmsOrDie(WAIT_SECONDS * 1000L);
      assertEquals(500, ch.queueDeclarePassive("confirmed").getMessageCount());
    }
  }

  @Test
  void mandatoryUnroutable_returnsNoRouteBeforeTheConfirm() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("mandatory")) {
      Channel ch = c.createChannel();
      List<String> events = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch acked = new CountDownLatch(1);
      ch.addReturnListener(r -> events.add("return " + r.getReplyCode() + " " + r.getReplyText() + " "
          + r.getRoutingKey() + " " + new String(r.getBody(), UTF_8)));
      ch.addConfirmListener(new ConfirmListener() {
        @Override
        public void handleAck(long deliveryTag, boolean multiple) {
          events.add("ack " + deliveryTag);
          acked.countDown();
        }

        @Override
        public void handleNack(long deliveryTag, boolean multiple) {
          events.add("nack " + deliveryTag);
        }
      });
      ch.confirmSelect();
      ch.basicPublish("", "nowhere", true, null, "lost?".getBytes(UTF_8));
      assertTrue(acked.await(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(List.of("return 312 NO_ROUTE nowhere lost?", "ack 1"), events);
    }
  }

  @Test
  void exclusiveQueue_fromSecondConnection_405ResourceLocked() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3);
        Connection owner = b.connect("owner");
        Connection other = b.connect("other")) {
      owner.createChannel().queueDeclare("mine", false, true, false, null);
      Channel ch = other.createChannel();
      IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("mine", false, true, false, null));
      AMQP.Channel.Close close = channelClose(e);
      assertEquals(405, close.getReplyCode());
      assertEquals("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mine' in vhost '/'. It could be"
          + " originally declared on another connection or the exclusive property value does not match that of the"
          + " original declaration.", close.getReplyText());
      assertTrue(other.isOpen(), "a 405 closes the channel only");
    }
  }

  @Test
  void unackedOnChannelClose_requeuedWithRedelivered() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("requeue")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("jobs", true, false, false, null);
      ch.basicPublish("", "jobs", null, "job-1".getBytes(UTF_8));
      Channel worker = c.createChannel();
      BlockingQueue<Delivery> got = new ArrayBlockingQueue<>(1);
      worker.basicConsume("jobs", false, (tag, d) -> got.add(d), tag -> { });
      Delivery first = got.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(first);
      assertFalse(first.getEnvelope().isRedeliver());
      worker.close();
      GetResponse again = poll(ch, "jobs");
      assertEquals("job-1", new String(again.getBody(), UTF_8));
      assertTrue(again.getEnvelope().isRedeliver(), "requeued on channel close, so redelivered");
    }
  }

  @Test
  void serverNamedQueue_isExclusiveAmqGen() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("named")) {
      Channel ch = c.createChannel();
      AMQP.Queue.DeclareOk ok = ch.queueDeclare();
      assertTrue(ok.getQueue().startsWith("amq.gen-"), ok.getQueue());
      ch.basicPublish("", ok.getQueue(), null, "x".getBytes(UTF_8));
      assertEquals("x", new String(poll(ch, ok.getQueue()).getBody(), UTF_8));
    }
  }

  @Test
  void basicGet_emptyThenMessageWithCount() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ); Connection c = b.connect("get")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("g", true, false, false, null);
      assertNull(ch.basicGet("g", true));
      ch.basicPublish("", "g", null, "one".getBytes(UTF_8));
      ch.basicPublish("", "g", null, "two".getBytes(UTF_8));
      awaitTrue(() -> ch.queueDeclarePassive("g").getMessageCount() == 2);
      GetResponse r = ch.basicGet("g", false);
      assertEquals("one", new String(r.getBody(), UTF_8));
      assertEquals(1, r.getMessageCount());
      ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
      assertEquals("two", new String(ch.basicGet("g", true).getBody(), UTF_8));
      assertNull(ch.basicGet("g", true));
    }
  }

  @Test
  void ackUnknownDeliveryTag_closesOnlyTheChannel406() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("bad-ack")) {
      Channel ch = c.createChannel();
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      ch.addShutdownListener(closed::complete);
      ch.basicAck(42, false);
      ShutdownSignalException s = closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertFalse(s.isHardError());
      AMQP.Channel.Close close = (AMQP.Channel.Close) s.getReason();
      assertEquals(406, close.getReplyCode());
      assertEquals("PRECONDITION_FAILED - unknown delivery tag 42", close.getReplyText());
      assertEquals(60, close.getClassId());
      assertEquals(80, close.getMethodId());
      assertTrue(c.isOpen());
      Channel next = c.createChannel();
      next.queueDeclare("still-works", true, false, false, null);
      next.basicPublish("", "still-works", null, "ok".getBytes(UTF_8));
      assertEquals("ok", new String(poll(next, "still-works").getBody(), UTF_8));
    }
  }

  @Test
  void immediatePublish_underRabbitMq3_closesTheConnection540() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3)) {
      Connection c = b.connect("immediate");
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      c.addShutdownListener(closed::complete);
      Channel ch = c.createChannel();
      ch.basicPublish("", "anything", false, true, null, "now".getBytes(UTF_8));
      ShutdownSignalException s = closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(s.isHardError());
      AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
      assertEquals(540, close.getReplyCode());
      assertEquals("NOT_IMPLEMENTED - immediate=true", close.getReplyText());
      assertEquals(60, close.getClassId());
      assertEquals(40, close.getMethodId());
      awaitTrue(() -> b.server.connectionCount() == 0);
    }
  }

  /**
   * RabbitMQ 4.3 refuses a transient non-exclusive queue with its deprecated-feature warning, which is longer than
   * a reply text may be: the client sees it cut to 252 octets and "...", as RabbitMQ sends it.
   */
  @Test
  void transientNonExclusiveQueue_rabbitMq4_541WithTheWarningCutToAShortString() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4)) {
      Connection c = b.connect("tutorial");
      Channel ch = c.createChannel();
      java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
          () -> ch.queueDeclare("rpc_queue", false, false, false, null));
      AMQP.Connection.Close close = (AMQP.Connection.Close) ((ShutdownSignalException) e.getCause()).getReason();
      assertEquals(541, close.getReplyCode());
      String text = close.getReplyText();
      assertTrue(text.startsWith("INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\n"
          + "By default, this feature is not permitted anymore.\n"), text);
      assertEquals(255, text.getBytes(UTF_8).length, text);
      assertTrue(text.endsWith("..."), text);
      assertEquals(50, close.getClassId());
      assertEquals(10, close.getMethodId());
    }
  }

  @Test
  void rpcClientAndServer_overServerNamedCallbackQueue() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4);
        Connection serverConn = b.connect("rpc-server");
        Connection clientConn = b.connect("rpc-client")) {
      Channel serverCh = serverConn.createChannel();
      serverCh.queueDeclare("rpc_queue", true, false, false, null);
      RpcServer rpcServer = new RpcServer(serverCh, "rpc_queue") {
        @Override
        public byte[] handleCall(Delivery request, AMQP.BasicProperties replyProperties) {
          return ("pong:" + new String(request.getBody(), UTF_8)).getBytes(UTF_8);
        }
      };
      Thread loop = startMainloop(rpcServer);
      Channel clientCh = clientConn.createChannel();
      String callbackQueue = clientCh.queueDeclare().getQueue();
      RpcClient rpc = new RpcClient(new RpcClientParams().channel(clientCh).exchange("").routingKey("rpc_queue")
          .replyTo(callbackQueue).timeout(WAIT_SECONDS * 1000));
      for (int i = 0; i < 20; i++) {
        assertEquals("pong:ping-" + i, rpc.stringCall("ping-" + i));
      }
      rpc.close();
      stop(rpcServer, loop);
    }
  }

  @Test
  void rpcClient_overDirectReplyTo_rabbitMq4() throws Exception {
    directReplyToRoundTrips(BrokerProfile.RABBITMQ_4);
  }

  @Test
  void rpcClient_overDirectReplyTo_lavinMq() throws Exception {
    directReplyToRoundTrips(BrokerProfile.LAVINMQ);
  }

  private void directReplyToRoundTrips(BrokerProfile profile) throws Exception {
    try (WireBroker b = WireBroker.start(profile);
        Connection serverConn = b.connect("drt-server");
        Connection clientConn = b.connect("drt-client")) {
      Channel serverCh = serverConn.createChannel();
      serverCh.queueDeclare("rpc_queue", true, false, false, null);
      List<String> replyTos = Collections.synchronizedList(new ArrayList<>());
      RpcServer rpcServer = new RpcServer(serverCh, "rpc_queue") {
        @Override
        public byte[] handleCall(Delivery request, AMQP.BasicProperties replyProperties) {
          replyTos.add(request.getProperties().getReplyTo());
          return ("pong:" + new String(request.getBody(), UTF_8)).getBytes(UTF_8);
        }
      };
      Thread loop = startMainloop(rpcServer);
      // RpcClientParams' default reply-to is the direct reply-to pseudo-queue amq.rabbitmq.reply-to.
      RpcClient rpc = new RpcClient(new RpcClientParams().channel(clientConn.createChannel()).exchange("")
          .routingKey("rpc_queue").timeout(WAIT_SECONDS * 1000));
      for (int i = 0; i < 10; i++) {
        assertEquals("pong:drt-" + i, rpc.stringCall("drt-" + i));
      }
      assertEquals(10, replyTos.size());
      for (String r : replyTos) {
        assertTrue(r.startsWith(profile.isLavinMq() ? "amq.direct.reply-to." : "amq.rabbitmq.reply-to."), r);
      }
      rpc.close();
      stop(rpcServer, loop);
    }
  }

  @Test
  void closeAndReopenSameChannelNumber_neverSeesSecondOpen() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("reopen")) {
      Channel setup = c.createChannel();
      setup.queueDeclare("reuse", true, false, false, null);
      for (int i = 0; i < 50; i++) {
        setup.basicPublish("", "reuse", null, ("r" + i).getBytes(UTF_8));
      }
      for (int round = 0; round < 100; round++) {
        Channel ch = c.createChannel();
        int number = ch.getChannelNumber();
        CountDownLatch one = new CountDownLatch(1);
        ch.basicConsume("reuse", false, new DefaultConsumer(ch) {
          @Override
          public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body) {
            one.countDown();
          }
        });
        assertTrue(one.await(WAIT_SECONDS, TimeUnit.SECONDS), "round " + round);
        ch.close();
        Channel reopened = c.createChannel();
        assertEquals(number, reopened.getChannelNumber(), "the Java client reuses the lowest free number");
        reopened.close();
      }
      assertTrue(c.isOpen());
      awaitTrue(() -> setup.queueDeclarePassive("reuse").getMessageCount() == 50);
    }
  }

  @Test
  void consumerCancelNotification_onQueueDelete() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_3); Connection c = b.connect("cancel")) {
      Channel ch = c.createChannel();
      ch.queueDeclare("doomed", true, false, false, null);
      CompletableFuture<String> cancelled = new CompletableFuture<>();
      CancelCallback onCancel = cancelled::complete;
      String tag = ch.basicConsume("doomed", true, (t, d) -> { }, onCancel);
      c.createChannel().queueDelete("doomed");
      assertEquals(tag, cancelled.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  // ------------------------------------------------------------------ helpers

  static Thread startMainloop(RpcServer server) {
    Thread t = new Thread(() -> {
      try {
        server.mainloop();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, "rpc-server-mainloop");
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void stop(RpcServer server, Thread loop) throws Exception {
    server.terminateMainloop();
    server.close();
    // mainloop() blocks in nextDelivery(); an interrupt makes it re-check the flag and return.
    loop.interrupt();
    loop.join(Duration.ofSeconds(WAIT_SECONDS).toMillis());
  }

  static AMQP.Channel.Close channelClose(IOException e) {
    ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, e.getCause());
    return assertInstanceOf(AMQP.Channel.Close.class, s.getReason());
  }

  static GetResponse poll(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null) {
        return r;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no message in '" + queue + "' within " + WAIT_SECONDS + "s");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return;
      }
      Thread.sleep(10);
    }
    assertTrue(check.ok(), "condition not met within " + WAIT_SECONDS + "s");
  }
}
