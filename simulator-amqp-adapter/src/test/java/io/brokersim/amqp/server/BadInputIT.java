package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed and out-of-order input after the handshake: each gets the connection.close (or, for an
 * oversized message, the channel.close) the brokers send, and never disturbs another connection.
 */
@Timeout(60)
class BadInputIT {

  private static final BasicProperties PROPS = BasicProperties.EMPTY;

  @Test
  void methodOnUnopenedChannel_504() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.send(5, new AmqpMethod.BasicQos(0, 10, false));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(504, close.replyCode());
      assertEquals("CHANNEL_ERROR - expected 'channel.open'", close.replyText());
      assertEquals(60, close.failingClassId());
      assertEquals(10, close.failingMethodId());
    }
  }

  @Test
  void secondChannelOpen_504() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.ChannelOpen(""));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(504, close.replyCode());
      assertEquals("CHANNEL_ERROR - second 'channel.open' seen", close.replyText());
    }
  }

  @Test
  void unknownMethod_540() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.write(frame(1, 1, new byte[] {0, 60, 0, 99}));
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(540, close.replyCode());
      assertEquals("NOT_IMPLEMENTED - unknown method: class 60, method 99", close.replyText());
      assertEquals(60, close.failingClassId());
      assertEquals(99, close.failingMethodId());
      c.expectSocketClosed();
    }
  }

  @Test
  void frameLargerThanFrameMax_501() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_4); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.write(new byte[] {1, 0, 1, 0, 4, 0, 0}); // a method frame announcing 262144 octets
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(501, close.replyCode());
      assertTrue(close.replyText().startsWith("FRAME_ERROR - frame of type 1 on channel 1 has a 262144-octet"),
          close.replyText());
      c.expectSocketClosed();
    }
  }

  @Test
  void badFrameEnd_501() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      byte[] f = frame(1, 0, new byte[] {0, 10, 0, 51});
      f[f.length - 1] = 0;
      c.write(f);
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(501, close.replyCode());
      assertEquals("FRAME_ERROR - frame of type 1 on channel 0 ends with 0x00, not 0xce", close.replyText());
    }
  }

  @Test
  void contentHeaderAfterAMethodWithoutContent_505() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicQos(0, 10, false));
      c.write(c.encode(Frame.ContentHeader.basic(1, 3, PROPS)));
      AmqpMethod.ConnectionClose close = closeSkippingReplies(c);
      assertEquals(505, close.replyCode());
      assertEquals("UNEXPECTED_FRAME - expected method frame, got non method frame instead", close.replyText());
    }
  }

  @Test
  void methodWhereContentHeaderBelongs_505() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "q", false, false));
      c.send(1, new AmqpMethod.BasicQos(0, 10, false));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(505, close.replyCode());
      assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
          close.replyText());
      assertEquals(60, close.failingClassId());
      assertEquals(40, close.failingMethodId());
    }
  }

  @Test
  void heartbeatOnAChannel_505() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.write(new byte[] {8, 0, 1, 0, 0, 0, 0, (byte) 0xCE});
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(505, close.replyCode());
      assertEquals("UNEXPECTED_FRAME - heartbeat frame on channel 1; heartbeats belong on channel 0",
          close.replyText());
    }
  }

  @Test
  void serverOnlyMethodFromTheClient_503() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicQosOk());
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(503, close.replyCode());
      assertEquals("COMMAND_INVALID - unimplemented method", close.replyText());
      assertEquals(60, close.failingClassId());
      assertEquals(11, close.failingMethodId());
    }
  }

  @Test
  void messageAboveMaxSize_406ClosesOnlyTheChannel() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ, "max-message-size = 1000");
        RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, "small", false, true, false, false, false, Map.of()));
      c.expect(1, AmqpMethod.QueueDeclareOk.class);
      c.publish(1, "", "small", PROPS, new byte[2000]);
      AmqpMethod.ChannelClose close = c.expect(1, AmqpMethod.ChannelClose.class);
      assertEquals(406, close.replyCode());
      assertEquals("PRECONDITION_FAILED - message size 2000 larger than max size 1000", close.replyText());
      assertEquals(60, close.failingClassId());
      assertEquals(40, close.failingMethodId());
      c.send(1, new AmqpMethod.ChannelCloseOk());
      // The number is free again at once, though the broker's channel may still be releasing.
      c.openChannel(1);
      c.publish(1, "", "small", PROPS, "fits".getBytes(StandardCharsets.UTF_8));
      c.send(1, new AmqpMethod.BasicGet(0, "small", true));
      c.expect(1, AmqpMethod.BasicGetOk.class);
      Frame.ContentHeader h = (Frame.ContentHeader) c.next();
      assertEquals(4, h.bodySize());
      c.next();
      c.send(1, new AmqpMethod.ChannelClose(200, "bye", 0, 0));
      c.expect(1, AmqpMethod.ChannelCloseOk.class);
    }
  }

  @Test
  void pipelinedFrames_beforeAnyReply_processedInOrder() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      FrameEncoder enc = new FrameEncoder(131072);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(enc.encodeMethod(1, new AmqpMethod.ChannelOpen("")));
      all.write(enc.encodeMethod(1, new AmqpMethod.QueueDeclare(0, "piped", false, true, false, false, false,
          Map.of())));
      all.write(FrameEncoder.join(enc.encodeContent(1, new AmqpMethod.BasicPublish(0, "", "piped", false, false),
          PROPS, ByteBuffer.wrap("one".getBytes(StandardCharsets.UTF_8)))));
      all.write(enc.encodeMethod(1, new AmqpMethod.BasicGet(0, "piped", true)));
      c.write(all.toByteArray());
      c.expect(1, AmqpMethod.ChannelOpenOk.class);
      assertEquals("piped", c.expect(1, AmqpMethod.QueueDeclareOk.class).queue());
      AmqpMethod.BasicGetOk ok = c.expect(1, AmqpMethod.BasicGetOk.class);
      assertEquals("piped", ok.routingKey());
      c.next();
      Frame.Body body = (Frame.Body) c.next();
      byte[] got = new byte[body.size()];
      body.payload().get(got);
      assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), got);
    }
  }

  @Test
  void badConnection_leavesTheOtherAlone() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3);
        RawClient good = s.client().handshake(0);
        RawClient bad = s.client().handshake(0)) {
      good.openChannel(1);
      bad.openChannel(1);
      good.send(1, new AmqpMethod.QueueDeclare(0, "shared", false, true, false, false, false, Map.of()));
      good.expect(1, AmqpMethod.QueueDeclareOk.class);
      bad.write(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7});
      assertEquals(501, bad.expect(0, AmqpMethod.ConnectionClose.class).replyCode());
      bad.expectSocketClosed();
      good.publish(1, "", "shared", PROPS, "still here".getBytes(StandardCharsets.UTF_8));
      Delivery d = null;
      var probe = s.probe();
      for (int i = 0; i < 500 && d == null; i++) {
        d = probe.basicGet("shared", true);
        if (d == null) {
          Thread.sleep(10);
        }
      }
      assertEquals("still here", new String(d.body(), StandardCharsets.UTF_8));
    }
  }

  /**
   * A dead-letter routing key from a long-string argument can be longer than the short string a delivery
   * carries it in: the receiving connection is closed with 541, as RabbitMQ 3.10.8 does
   * (method_field_shortstr_overflow), and nothing else breaks.
   */
  @Test
  void deliveryWithARoutingKeyLongerThanAShortString_541OnTheReceivingConnection() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      var probe = s.probe();
      probe.exchangeDeclare("dlx", "fanout");
      probe.queueDeclare("dead", true, false, false, null);
      probe.queueBind("dead", "dlx", "");
      probe.queueDeclare("src", true, false, false,
          Map.of("x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", "r".repeat(300)));
      probe.basicPublish("", "src", "m");
      // The probe's publish is not confirmed: wait until it is queued before another connection gets it.
      TestServer.await("queued", () -> probe.queueDeclarePassive("src").messageCount() == 1);
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicGet(0, "src", false));
      AmqpMethod.BasicGetOk ok = c.expect(1, AmqpMethod.BasicGetOk.class);
      c.next();
      c.next();
      c.send(1, new AmqpMethod.BasicReject(ok.deliveryTag(), false));
      TestServer.await("dead-lettered", () -> probe.queueDeclarePassive("dead").messageCount() == 1);
      c.send(1, new AmqpMethod.BasicGet(0, "dead", true));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(541, close.replyCode());
      assertTrue(close.replyText().contains("shortstr is 300 octets"), close.replyText());
      probe.basicPublish("", "src", "after");
      assertEquals("after", new String(probe.basicGet("src", true).body(), StandardCharsets.UTF_8),
          "the broker carries on");
    }
  }

  /** Skips the synchronous replies already in flight (e.g. basic.qos-ok) up to the connection.close. */
  private static AmqpMethod.ConnectionClose closeSkippingReplies(RawClient c) throws Exception {
    while (true) {
      Frame f = c.next();
      if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ConnectionClose close) {
        c.send(0, new AmqpMethod.ConnectionCloseOk());
        c.expectSocketClosed();
        return close;
      }
    }
  }

  /** A raw frame with this type, channel and payload. */
  static byte[] frame(int type, int channel, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(payload.length + 8);
    b.put((byte) type).putShort((short) channel).putInt(payload.length).put(payload).put((byte) 0xCE);
    return b.array();
  }
}
