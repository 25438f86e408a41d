package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that vanishes (mid-frame, or by going silent past the heartbeat timeout) is a cut: the
 * broker requeues its unacked deliveries and deletes its exclusive queues.
 */
@Timeout(60)
class ConnectionLossIT {

  @Test
  void clientVanishesMidFrame_requeuesUnackedAndDeletesExclusiveQueues() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3)) {
      SimChannel probe = s.probe();
      probe.queueDeclare("work", true, false, false, null);
      probe.basicPublish("", "work", BasicProperties.EMPTY, "job".getBytes(StandardCharsets.UTF_8));
      try (RawClient c = s.client().handshake(0)) {
        c.openChannel(1);
        c.send(1, new AmqpMethod.QueueDeclare(0, "mine", false, false, true, false, false, Map.of()));
        c.expect(1, AmqpMethod.QueueDeclareOk.class);
        c.send(1, new AmqpMethod.BasicConsume(0, "work", "w", false, false, false, false, Map.of()));
        c.expect(1, AmqpMethod.BasicConsumeOk.class);
        AmqpMethod.BasicDeliver d = c.expect(1, AmqpMethod.BasicDeliver.class);
        assertEquals(1, d.deliveryTag());
        byte[] publish = FrameEncoder.join(new FrameEncoder(131072).encodeContent(1,
            new AmqpMethod.BasicPublish(0, "", "work", false, false), BasicProperties.EMPTY,
            ByteBuffer.wrap(new byte[100])));
        c.write(Arrays.copyOf(publish, publish.length / 2));
      }
      // A failed passive declare closes the probe's channel, so each attempt uses a fresh one.
      TestServer.await("exclusive queue deleted", () -> passiveDeclareFails(s, "mine", 404));
      Delivery again = probe.basicGet("work", true);
      assertEquals("job", again.bodyText());
      assertTrue(again.redelivered());
      assertEquals(null, probe.basicGet("work", true), "the half-sent publish was never delivered to the broker");
      TestServer.await("connection gone", () -> s.server.connectionCount() == 0);
    }
  }

  @Test
  void silentClient_isCutAfterTwiceTheHeartbeat_andGetsHeartbeatsMeanwhile() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(1)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, "gone-with-me", false, false, true, false, false, Map.of()));
      c.expect(1, AmqpMethod.QueueDeclareOk.class);
      long start = System.nanoTime();
      assertInstanceOf(Frame.Heartbeat.class, c.nextFrame(), "the server sends heartbeats when idle");
      c.expectSocketClosed();
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(elapsedMillis >= 1_500 && elapsedMillis < 4_500, "cut after " + elapsedMillis + "ms");
      TestServer.await("exclusive queue deleted", () -> passiveDeclareFails(s, "gone-with-me", 404));
    }
  }

  @Test
  void clientSendingHeartbeats_staysConnected() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(1)) {
      for (int i = 0; i < 8; i++) {
        Thread.sleep(400);
        c.write(new byte[] {8, 0, 0, 0, 0, 0, 0, (byte) 0xCE});
      }
      c.openChannel(1);
      assertEquals(1, s.server.connectionCount());
    }
  }

  private static boolean passiveDeclareFails(TestServer s, String queue, int code) {
    try {
      s.probe().queueDeclarePassive(queue);
      return false;
    } catch (AmqpException e) {
      return e.replyCode() == code;
    }
  }

  @Test
  void serverClose_cutsWhenTheClientNeverAnswers() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3, "close-timeout = 200ms");
        RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "q", false, true));
      c.write(c.encode(Frame.ContentHeader.basic(1, 0, BasicProperties.EMPTY)));
      assertEquals(540, c.expect(0, AmqpMethod.ConnectionClose.class).replyCode());
      c.expectSocketClosed();
      TestServer.await("connection gone", () -> s.server.connectionCount() == 0);
      assertThrows(AmqpException.class, () -> s.probe().queueDeclarePassive("q"));
    }
  }
}
