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
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.MissedHeartbeatException;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every wire effect and connection-level fault against the RabbitMQ Java client: rules at {@code frame-read}
 * and {@code frame-written}, loaded from fault-file text and armed on the running broker, and what the client
 * sees. (pika: {@link WireFaultsPikaIT}.)
 */
@Timeout(60)
class WireFaultsIT {

  private static final int WAIT_SECONDS = 10;

  /** Arms the rules of a fault file's {@code rules = [ ... ]} body on the running broker. */
  static List<FaultInjector.Armed> arm(WireBroker b, String rules) {
    List<FaultInjector.Armed> out = new ArrayList<>();
    for (FaultRule r : FaultFile.parse("faults { rules = [ " + rules + " ] }", "test.conf").rules()) {
      out.add(b.broker.faults().arm(r));
    }
    return out;
  }

  private static AMQP.BasicProperties corr(String id) {
    return new AMQP.BasicProperties.Builder().correlationId(id).build();
  }

  /** A consumer on a fresh queue {@code q}; returns the correlation ids in arrival order. */
  private static LinkedBlockingQueue<String> consume(Channel ch, String q) throws IOException {
    ch.queueDeclare(q, true, false, false, null);
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    DeliverCallback cb = (tag, d) -> got.add(d.getProperties().getCorrelationId());
    ch.basicConsume(q, true, cb, tag -> { });
    return got;
  }

  private static ShutdownSignalException awaitShutdown(Connection c) throws Exception {
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    c.addShutdownListener(closed::complete);
    if (!c.isOpen()) {
      return c.getCloseReason();
    }
    return closed.get(WAIT_SECONDS * 2, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ frames written to the client

  @Test
  void written_dropEveryFrameOfOneMessage_consumerNeverSeesIt() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      List<FaultInjector.Armed> armed = arm(b, "{ name = lost, at = frame-written, match { correlation-id = a },"
          + " action { type = drop } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals("b", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertNull(got.poll(300, TimeUnit.MILLISECONDS));
      assertEquals(3, armed.get(0).firedCount(), "method, header and body frame");
      assertTrue(c.isOpen());
    }
  }

  @Test
  void written_delay_streamStallsThenDelivers() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      arm(b, "{ name = slow, at = frame-written, match { correlation-id = a, frame-type = method },"
          + " action { type = delay, delay = 400ms } }");
      long start = System.nanoTime();
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals("a", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start >= 400_000_000L, "the stream stalled for the delay");
      assertEquals("b", got.poll(WAIT_SECONDS, TimeUnit.SECONDS), "TCP keeps order: b waited behind a");
    }
  }

  @Test
  void written_duplicateEveryFrameOfOneMessage_arrivesTwice() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      arm(b, "{ name = twice, at = frame-written, match { correlation-id = a }, action { type = duplicate } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        seen.add(got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      assertEquals(List.of("a", "a", "b"), seen);
      assertTrue(c.isOpen());
    }
  }

  @Test
  void written_reorderBehindNextMessage_arrivesAfterIt() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      // Each of a's three frames goes behind the next three frames: b's method, header and body.
      arm(b, "{ name = swap, at = frame-written, match { correlation-id = a },"
          + " action { type = reorder, frames = 3, max-hold = 5s } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals("b", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("a", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void written_reorderWithoutFollowers_releasedAfterMaxHold() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      arm(b, "{ name = hold, at = frame-written, match { correlation-id = a },"
          + " action { type = reorder, frames = 100, max-hold = 300ms } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      assertEquals("a", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void written_truncate_clientSeesConnectionEndMidFrame() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      consume(ch, "q");
      arm(b, "{ name = cut-reply, at = frame-written, match { correlation-id = a, frame-type = body },"
          + " action { type = truncate } }");
      ch.basicPublish("", "q", corr("a"), "some body".getBytes(UTF_8));
      ShutdownSignalException s = awaitShutdown(c);
      assertFalse(s.isInitiatedByApplication());
      assertInstanceOf(EOFException.class, s.getCause(), String.valueOf(s.getCause()));
    }
  }

  @Test
  void written_corrupt_clientReportsBadFrameEnd() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      consume(ch, "q");
      arm(b, "{ name = flip, at = frame-written, match { method = basic.deliver, frame-type = method },"
          + " action { type = corrupt } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ShutdownSignalException s = awaitShutdown(c);
      assertInstanceOf(MalformedFrameException.class, s.getCause(), String.valueOf(s.getCause()));
    }
  }

  @Test
  void written_cutVersusReset_finVersusRst() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4)) {
      Connection cut = b.connect("cut-me");
      Connection reset = b.connect("reset-me");
      arm(b, "{ name = fin, at = frame-written, match { client = cut-me, method = queue.declare-ok },"
          + " action { type = cut-connection } }, { name = rst, at = frame-written, match { client = reset-me,"
          + " method = queue.declare-ok }, action { type = reset-connection } }");
      assertThrows(IOException.class, () -> cut.createChannel().queueDeclare());
      assertThrows(IOException.class, () -> reset.createChannel().queueDeclare());
      Throwable fin = awaitShutdown(cut).getCause();
      Throwable rst = awaitShutdown(reset).getCause();
      assertInstanceOf(EOFException.class, fin, String.valueOf(fin));
      assertInstanceOf(SocketException.class, rst, String.valueOf(rst));
      assertTrue(rst.getMessage().toLowerCase().contains("reset"), rst.getMessage());
    }
  }

  @Test
  void written_closeConnection_clientGetsTheCode() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("closer"))) {
      Connection c = held.c();
      arm(b, "{ name = bye, at = frame-written, match { method = queue.declare-ok },"
          + " action { type = close-connection, code = 320, text = \"maintenance\" } }");
      assertThrows(IOException.class, () -> c.createChannel().queueDeclare());
      ShutdownSignalException s = awaitShutdown(c);
      AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
      assertEquals(320, close.getReplyCode());
      assertEquals("CONNECTION_FORCED - maintenance", close.getReplyText());
    }
  }

  // ------------------------------------------------------------------ frames read from the client

  @Test
  void read_dropEveryFrameOfOnePublish_brokerNeverSeesIt() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      arm(b, "{ name = lost, at = frame-read, match { correlation-id = a }, action { type = drop } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals(List.of("b"), drain(ch, "q", 1));
    }
  }

  @Test
  void read_duplicateEveryFrameOfOnePublish_queuedTwice() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      arm(b, "{ name = twice, at = frame-read, match { correlation-id = a }, action { type = duplicate } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals(List.of("a", "a", "b"), drain(ch, "q", 3));
    }
  }

  @Test
  void read_reorderBehindNextPublish_queuedAfterIt() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      arm(b, "{ name = swap, at = frame-read, match { correlation-id = a },"
          + " action { type = reorder, frames = 3, max-hold = 5s } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      assertEquals(List.of("b", "a"), drain(ch, "q", 2));
    }
  }

  @Test
  void read_delay_confirmComesAfterTheDelay() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      ch.confirmSelect();
      arm(b, "{ name = slow, at = frame-read, match { method = basic.publish, frame-type = method },"
          + " action { type = delay, delay = 400ms } }");
      long start = System.nanoTime();
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.waitForConfirmsOrDie(WAIT_SECONDS * 1000L);
      assertTrue(System.nanoTime() - start >= 400_000_000L);
      assertEquals(List.of("a"), drain(ch, "q", 1));
    }
  }

  @Test
  void read_corrupt_serverClosesWithFrameError() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      arm(b, "{ name = flip, at = frame-read, match { method = queue.declare }, action { type = corrupt } }");
      assertThrows(IOException.class, () -> ch.queueDeclare("q", true, false, false, null));
      ShutdownSignalException s = awaitShutdown(c);
      assertEquals(501, ((AMQP.Connection.Close) s.getReason()).getReplyCode(), s.toString());
    }
  }

  @Test
  void read_truncate_serverDropsTheSocket() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      arm(b, "{ name = half, at = frame-read, match { method = queue.declare }, action { type = truncate } }");
      assertThrows(IOException.class, () -> ch.queueDeclare("q", true, false, false, null));
      ShutdownSignalException s = awaitShutdown(c);
      assertFalse(s.isInitiatedByApplication());
      assertInstanceOf(EOFException.class, s.getCause(), String.valueOf(s.getCause()));
    }
  }

  // ------------------------------------------------------------------ connection-level faults

  private static ConnectionFactory heartbeat(WireBroker b, int seconds) {
    ConnectionFactory f = b.factory();
    f.setRequestedHeartbeat(seconds);
    return f;
  }

  @Test
  void stopHeartbeatsToClient_clientMissesThemAndCloses() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4);
        Aborting held = new Aborting(heartbeat(b, 1).newConnection("idle"))) {
      Connection c = held.c();
      arm(b, "{ name = mute, at = frame-read, match { client = idle, frame-type = heartbeat },"
          + " action { type = stop-heartbeats, direction = to-client }, when { once = true } }");
      ShutdownSignalException s = awaitShutdown(c);
      assertInstanceOf(MissedHeartbeatException.class, s.getCause(), String.valueOf(s.getCause()));
    }
  }

  @Test
  void stopHeartbeatsFromClient_serverTimesOutAndCloses() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4);
        Aborting held = new Aborting(heartbeat(b, 1).newConnection("idle"))) {
      Connection c = held.c();
      arm(b, "{ name = deaf, at = frame-read, match { client = idle, frame-type = heartbeat },"
          + " action { type = stop-heartbeats, direction = from-client }, when { once = true } }");
      ShutdownSignalException s = awaitShutdown(c);
      assertFalse(s.isInitiatedByApplication());
      assertNotNull(s.getCause(), s.toString());
    }
  }

  @Test
  void halfOpenFromClient_publishNeverArrivesAndServerTimesOut() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4);
        Aborting held = new Aborting(heartbeat(b, 1).newConnection("publisher")); Connection check = b.connect("check")) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      arm(b, "{ name = nat, at = frame-read, match { client = publisher, method = basic.publish,"
          + " frame-type = method }, action { type = half-open, direction = from-client } }");
      ch.basicPublish("", "q", corr("a"), "x".getBytes(UTF_8));
      ch.basicPublish("", "q", corr("b"), "y".getBytes(UTF_8));
      awaitShutdown(c);
      assertEquals(0, check.createChannel().queueDeclarePassive("q").getMessageCount(),
          "a was dropped with the half-open read, b was never read");
    }
  }

  @Test
  void halfOpenToClient_rpcNeverAnswered() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4)) {
      ConnectionFactory f = b.factory();
      f.setChannelRpcTimeout(1_000);
      try (Aborting held = new Aborting(f.newConnection("asker"))) {
      Connection c = held.c();
        arm(b, "{ name = nat, at = frame-read, match { client = asker, method = queue.declare },"
            + " action { type = half-open, direction = to-client } }");
        Channel ch = c.createChannel();
        assertThrows(Exception.class, () -> ch.queueDeclare("q", true, false, false, null));
        assertTrue(c.isOpen(), "the socket stays open: the client has no heartbeats to notice");
      }
    }
  }

  @Test
  void throttleToClient_largeMessageTakesItsTime() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("consumer"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      LinkedBlockingQueue<String> got = consume(ch, "q");
      arm(b, "{ name = thin, at = frame-written, match { method = basic.deliver }, when { once = true },"
          + " action { type = throttle, direction = to-client, bytes-per-second = 16k } }");
      ch.basicPublish("", "q", corr("warm"), new byte[1]);
      assertEquals("warm", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      long start = System.nanoTime();
      ch.basicPublish("", "q", corr("big"), new byte[48 * 1024]);
      assertEquals("big", got.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start >= 1_500_000_000L, "48 KiB at 16 KiB/s");
    }
  }

  @Test
  void throttleFromClient_largePublishTakesItsTime() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Aborting held = new Aborting(b.connect("publisher"))) {
      Connection c = held.c();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      ch.confirmSelect();
      List<FaultInjector.Armed> armed = arm(b, "{ name = thin, at = frame-read, match { method = queue.declare },"
          + " when { once = true }, action { type = throttle, direction = from-client, bytes-per-second = 16k } }");
      ch.queueDeclarePassive("q");
      long start = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        ch.basicPublish("", "q", corr("p" + i), new byte[16 * 1024]);
      }
      ch.waitForConfirmsOrDie(WAIT_SECONDS * 1000L);
      assertEquals(1, armed.get(0).firedCount());
      assertTrue(System.nanoTime() - start >= 1_500_000_000L, "48 KiB at 16 KiB/s");
    }
  }

  /** A connection closed by abort (it may be closed already; close() would then throw). */
  record Aborting(Connection c) implements AutoCloseable {
    @Override
    public void close() {
      c.abort();
    }
  }

  /** Gets {@code n} messages from {@code q} (waiting for each), returns their correlation ids; then none more. */
  static List<String> drain(Channel ch, String q, int n) throws Exception {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (out.size() < n && System.nanoTime() < deadline) {
      GetResponse r = ch.basicGet(q, true);
      if (r == null) {
        Thread.sleep(20);
      } else {
        out.add(r.getProps().getCorrelationId());
      }
    }
    Thread.sleep(200);
    assertNull(ch.basicGet(q, true), "no more messages than " + out);
    return Collections.unmodifiableList(out);
  }
}
