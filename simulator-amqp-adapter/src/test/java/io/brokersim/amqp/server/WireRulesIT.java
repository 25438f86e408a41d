package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.amqp.codec.WireText;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the brokers answer the same bad input differently, each profile answers as its broker: RabbitMQ as
 * measured on 3.10.8, LavinMQ as its source reads. Also: names that are not UTF-8, and frames pipelined
 * right after {@code tune-ok}.
 */
@Timeout(60)
class WireRulesIT {

  private static final BasicProperties PROPS = BasicProperties.EMPTY;

  // ------------------------------------------------------------------ a channel method on channel 0

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void channelMethodOnChannelZero_rabbitMq_504UnexpectedMethod(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.send(0, new AmqpMethod.BasicQos(0, 10, false));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(new AmqpMethod.ConnectionClose(504,
          "CHANNEL_ERROR - unexpected method in connection state running", 60, 10), close);
    }
  }

  @Test
  void channelMethodOnChannelZero_lavinMq_504ChannelNotOpen() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.send(0, new AmqpMethod.BasicQos(0, 10, false));
      assertEquals(new AmqpMethod.ConnectionClose(504, "CHANNEL_ERROR - Channel 0 not open", 60, 10),
          c.expectConnectionClose());
    }
  }

  @Test
  void channelCloseOnChannelZero_lavinMq_answeredWithCloseOk() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.send(0, new AmqpMethod.ChannelClose(200, "", 0, 0));
      c.expect(0, AmqpMethod.ChannelCloseOk.class);
      c.openChannel(1);
    }
  }

  @Test
  void queueDeclareOnChannelZero_lavinMq_540NotSimulated() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.send(0, new AmqpMethod.QueueDeclare(0, "q", false, false, false, false, false, Map.of()));
      AmqpMethod.ConnectionClose close = c.expectConnectionClose();
      assertEquals(540, close.replyCode());
      assertTrue(close.replyText().contains("not simulated by brokersim"), close.replyText());
    }
  }

  // ------------------------------------------------------------------ malformed arguments

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void truncatedArguments_rabbitMq_501CannotDecode(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.write(BadInputIT.frame(1, 1, new byte[] {0, 60, 0, 10, 0, 0})); // basic.qos cut after two octets
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(new AmqpMethod.ConnectionClose(501, "FRAME_ERROR - cannot decode <<0,0>>", 60, 10), close);
      c.expectSocketClosed();
    }
  }

  @Test
  void truncatedArguments_lavinMq_501WithoutIds() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.write(BadInputIT.frame(1, 1, new byte[] {0, 60, 0, 10, 0, 0}));
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(501, close.replyCode());
      assertTrue(close.replyText().startsWith("FRAME_ERROR - basic.qos prefetch-size: truncated"), close.replyText());
      assertEquals(0, close.failingClassId());
      c.expectSocketClosed();
    }
  }

  // ------------------------------------------------------------------ unsolicited channel.close-ok

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void unsolicitedCloseOk_rabbitMq_503UnimplementedMethod(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.ChannelCloseOk());
      assertEquals(new AmqpMethod.ConnectionClose(503, "COMMAND_INVALID - unimplemented method", 20, 41),
          c.expectConnectionClose());
    }
  }

  @Test
  void unsolicitedCloseOk_lavinMq_closesTheChannelQuietly_andRequeues() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      SimChannel probe = s.probe();
      probe.queueDeclare("held", false, false, false, null);
      probe.basicPublish("", "held", "m");
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicGet(0, "held", false));
      c.expect(1, AmqpMethod.BasicGetOk.class);
      c.next();
      c.next();
      c.send(1, new AmqpMethod.ChannelCloseOk());
      c.send(1, new AmqpMethod.BasicQos(0, 1, false));
      assertEquals(new AmqpMethod.ConnectionClose(504, "CHANNEL_ERROR - Channel 1 not open", 60, 10),
          c.expectConnectionClose());
      TestServer.await("the unacked message is requeued", () -> probe.queueDeclarePassive("held").messageCount() == 1);
    }
  }

  @Test
  void closeOkForAChannelNeverOpened_rabbitMq_504() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.send(3, new AmqpMethod.ChannelCloseOk());
      assertEquals(new AmqpMethod.ConnectionClose(504, "CHANNEL_ERROR - expected 'channel.open'", 20, 41),
          c.expectConnectionClose());
    }
  }

  @Test
  void publishOnAChannelNotOpen_lavinMq_droppedSilently() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.publish(5, "", "nowhere", PROPS, new byte[] {1, 2, 3});
      c.openChannel(1);
      c.send(1, new AmqpMethod.ChannelClose(200, "bye", 0, 0));
      c.expect(1, AmqpMethod.ChannelCloseOk.class);
    }
  }

  // ------------------------------------------------------------------ a body longer than declared

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void bodyLongerThanDeclared_rabbitMq_acceptedThenNextMethodIs505(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "nowhere", false, false));
      c.write(c.encode(Frame.ContentHeader.basic(1, 5, PROPS)));
      c.write(c.encode(new Frame.Body(1, ByteBuffer.wrap(new byte[10]))));
      c.write(c.encode(new Frame.Body(1, ByteBuffer.wrap(new byte[3]))));
      c.send(1, new AmqpMethod.BasicQos(0, 10, false));
      assertEquals(new AmqpMethod.ConnectionClose(505,
          "UNEXPECTED_FRAME - expected content body, got non content body frame instead", 60, 40),
          c.expectConnectionClose());
    }
  }

  @Test
  void bodyLongerThanDeclared_lavinMq_messageDroppedChannelCarriesOn() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, "q", false, false, false, false, false, Map.of()));
      c.expect(1, AmqpMethod.QueueDeclareOk.class);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "q", false, false));
      c.write(c.encode(Frame.ContentHeader.basic(1, 5, PROPS)));
      c.write(c.encode(new Frame.Body(1, ByteBuffer.wrap(new byte[10]))));
      c.send(1, new AmqpMethod.QueueDeclare(0, "q", true, false, false, false, false, Map.of()));
      assertEquals(0, c.expect(1, AmqpMethod.QueueDeclareOk.class).messageCount());
    }
  }

  // ------------------------------------------------------------------ content headers out of place or undecodable

  /** The Java client's own UnexpectedFrames.missingMethod: a method frame's payload sent as a content header. */
  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void methodPayloadSentAsAHeader_rabbitMq_505BeforeAnyPropertyIsDecoded(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      // Long enough (20 octets) to read as a header's fixed part, as the test's "routing key" publish is.
      byte[] method = c.encode(new Frame.Method(1, new AmqpMethod.BasicPublish(0, "", "routing key", false, false)));
      method[0] = Frame.TYPE_HEADER;
      c.write(method);
      assertEquals(new AmqpMethod.ConnectionClose(505,
          "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0),
          c.expectConnectionClose());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void truncatedPropertyInSequence_rabbitMq_541OnceTheBodyHasArrived(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "nowhere", false, false));
      // class 60, weight 0, body size 3, flags say content-type follows, but the payload ends there.
      c.write(rawFrame(Frame.TYPE_HEADER, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, (byte) 0x80, 0}));
      c.write(c.encode(new Frame.Body(1, ByteBuffer.wrap(new byte[3]))));
      assertEquals(new AmqpMethod.ConnectionClose(541, "INTERNAL_ERROR", 0, 0), c.expectConnectionClose());
    }
  }

  @Test
  void headerWithoutPublish_lavinMq_channelClosed505_connectionCarriesOn() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.openChannel(2);
      c.write(c.encode(Frame.ContentHeader.basic(1, 3, PROPS)));
      assertEquals(new AmqpMethod.ChannelClose(505, "UNEXPECTED_FRAME - AMQ::Protocol::Frame::Header", 0, 0),
          c.expect(1, AmqpMethod.ChannelClose.class));
      c.send(2, new AmqpMethod.BasicQos(0, 10, false));
      c.expect(2, AmqpMethod.BasicQosOk.class);
    }
  }

  @Test
  void qosBetweenAPublishAndItsHeader_lavinMq_answeredAndTheMessageStillArrives() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, "q", false, false, false, false, false, Map.of()));
      c.expect(1, AmqpMethod.QueueDeclareOk.class);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "q", false, false));
      c.send(1, new AmqpMethod.BasicQos(0, 10, false));
      c.expect(1, AmqpMethod.BasicQosOk.class);
      c.write(c.encode(Frame.ContentHeader.basic(1, 3, PROPS)));
      c.write(c.encode(new Frame.Body(1, ByteBuffer.wrap(new byte[3]))));
      c.send(1, new AmqpMethod.QueueDeclare(0, "q", true, false, false, false, false, Map.of()));
      assertEquals(1, c.expect(1, AmqpMethod.QueueDeclareOk.class).messageCount());
    }
  }

  @Test
  void truncatedPropertyInSequence_lavinMq_501AtTheHeader() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.BasicPublish(0, "", "nowhere", false, false));
      c.write(rawFrame(Frame.TYPE_HEADER, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, (byte) 0x80, 0}));
      assertEquals(501, c.expectConnectionClose().replyCode());
    }
  }

  private static byte[] rawFrame(int type, int channel, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(Frame.OVERHEAD + payload.length);
    b.put((byte) type).putShort((short) channel).putInt(payload.length).put(payload).put((byte) Frame.FRAME_END);
    return b.array();
  }

  // ------------------------------------------------------------------ names that are not UTF-8

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void queueNameNotUtf8_rabbitMq_501MalformedUtf8(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, octets('q', 0xff), false, false, false, false, false, Map.of()));
      AmqpMethod.ConnectionClose close = c.expect(0, AmqpMethod.ConnectionClose.class);
      assertEquals(new AmqpMethod.ConnectionClose(501, "FRAME_ERROR - Malformed UTF-8 in shortstr", 0, 0), close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void consumerTagOfNinetyLeadOctets_rabbitMq_501NotAnInternalError(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      byte[] tag = new byte[90];
      Arrays.fill(tag, (byte) 0xC3);
      c.send(1, new AmqpMethod.BasicConsume(0, "amq.rabbitmq.reply-to", WireText.decode(tag), false, true, false,
          false, Map.of()));
      assertEquals(501, c.expect(0, AmqpMethod.ConnectionClose.class).replyCode());
    }
  }

  @Test
  void consumerTagOfNinetyLeadOctets_lavinMq_echoedOctetForOctet() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      byte[] tag = new byte[90];
      Arrays.fill(tag, (byte) 0xC3);
      c.send(1, new AmqpMethod.BasicConsume(0, "amq.direct.reply-to", WireText.decode(tag), false, true, false,
          false, Map.of()));
      assertArrayEquals(tag, WireText.encode(c.expect(1, AmqpMethod.BasicConsumeOk.class).consumerTag()));
    }
  }

  @Test
  void queueNameNotUtf8_lavinMq_406NotPrintableAscii() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, octets('q', 0xff), false, false, false, false, false, Map.of()));
      AmqpMethod.ChannelClose close = c.expect(1, AmqpMethod.ChannelClose.class);
      assertEquals("PRECONDITION_FAILED - Queue name isn't valid", close.replyText());
    }
  }

  /** LavinMQ keeps routing keys as octets: a key that differs in one malformed octet does not match. */
  @Test
  void bindingKeyNotUtf8_lavinMq_routesOctetForOctet() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.LAVINMQ); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.send(1, new AmqpMethod.QueueDeclare(0, "k", false, false, false, false, false, Map.of()));
      c.expect(1, AmqpMethod.QueueDeclareOk.class);
      c.send(1, new AmqpMethod.QueueBind(0, "k", "amq.direct", octets('k', 0xff), false, Map.of()));
      c.expect(1, AmqpMethod.QueueBindOk.class);
      c.publish(1, "amq.direct", octets('k', 0xfe), PROPS, "wrong".getBytes(StandardCharsets.UTF_8));
      c.publish(1, "amq.direct", octets('k', 0xff), PROPS, "right".getBytes(StandardCharsets.UTF_8));
      c.send(1, new AmqpMethod.BasicGet(0, "k", true));
      AmqpMethod.BasicGetOk ok = c.expect(1, AmqpMethod.BasicGetOk.class);
      assertArrayEquals(new byte[] {'k', (byte) 0xff}, WireText.encode(ok.routingKey()));
      c.next();
      Frame.Body body = (Frame.Body) c.next();
      byte[] got = new byte[body.size()];
      body.payload().get(got);
      assertEquals("right", new String(got, StandardCharsets.UTF_8));
      c.send(1, new AmqpMethod.QueueDeclare(0, "k", true, false, false, false, false, Map.of()));
      assertEquals(0, c.expect(1, AmqpMethod.QueueDeclareOk.class).messageCount(), "the k\\xfe copy went nowhere");
    }
  }

  /** RabbitMQ does not check basic.publish: a 404 names the exchange with its own octets. */
  @Test
  void publishToExchangeNotUtf8_rabbitMq_404NamesItsOctets() throws Exception {
    try (TestServer s = TestServer.start(BrokerProfile.RABBITMQ_3); RawClient c = s.client().handshake(0)) {
      c.openChannel(1);
      c.publish(1, octets('x', 0xff), "r", PROPS, new byte[0]);
      AmqpMethod.ChannelClose close = c.expect(1, AmqpMethod.ChannelClose.class);
      assertEquals(404, close.replyCode());
      assertArrayEquals("NOT_FOUND - no exchange 'x\u00ff' in vhost '/'".getBytes(StandardCharsets.ISO_8859_1),
          WireText.encode(close.replyText()));
    }
  }

  // ------------------------------------------------------------------ frames pipelined after tune-ok

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void framesPipelinedAfterTuneOk_checkedAgainstTheNegotiatedFrameMax(String profile) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client()) {
      SimChannel probe = s.probe();
      probe.queueDeclare("big", true, false, false, null);
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      c.send(0, RawClient.startOk("PLAIN", LongString.of("\0guest\0guest")));
      AmqpMethod.ConnectionTune tune = c.expect(0, AmqpMethod.ConnectionTune.class);
      FrameEncoder enc = new FrameEncoder((int) tune.frameMax());
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(enc.encodeMethod(0, new AmqpMethod.ConnectionTuneOk(tune.channelMax(), tune.frameMax(), 0)));
      all.write(enc.encodeMethod(0, new AmqpMethod.ConnectionOpen("/", "", false)));
      all.write(enc.encodeMethod(1, new AmqpMethod.ChannelOpen("")));
      all.write(FrameEncoder.join(enc.encodeContent(1, new AmqpMethod.BasicPublish(0, "", "big", false, false),
          PROPS, ByteBuffer.wrap(new byte[10_000]))));
      c.write(all.toByteArray());
      c.expect(0, AmqpMethod.ConnectionOpenOk.class);
      c.expect(1, AmqpMethod.ChannelOpenOk.class);
      Delivery d = null;
      for (int i = 0; i < 500 && d == null; i++) {
        d = probe.basicGet("big", true);
        if (d == null) {
          Thread.sleep(10);
        }
      }
      assertEquals(10_000, d == null ? -1 : d.body().length, "the 10,000-octet message arrived");
    }
  }

  // ------------------------------------------------------------------ frames before tune-ok

  /**
   * Until tune-ok the server reads frames up to its pre-tune limit: 4096 octets on RabbitMQ 3 (the protocol's
   * frame-min-size), 8192 since RabbitMQ 4.1 (raised for large OAuth tokens in start-ok). A start-ok of about
   * 6,000 octets is refused by rabbitmq-3 and accepted by rabbitmq-4; one of about 9,000 by both.
   */
  @ParameterizedTest
  @CsvSource({"rabbitmq-3, 6000, false", "rabbitmq-4, 6000, true", "rabbitmq-4, 9000, false"})
  void startOkLargerThanThePreTuneLimit_refused(String profile, int size, boolean accepted) throws Exception {
    try (TestServer s = TestServer.start(profile(profile)); RawClient c = s.client()) {
      c.write(RawClient.AMQP_0_9_1);
      c.expect(0, AmqpMethod.ConnectionStart.class);
      AmqpMethod.ConnectionStartOk small = RawClient.startOk("PLAIN", LongString.of("\0guest\0guest"));
      java.util.Map<String, Object> props = new java.util.LinkedHashMap<>(small.clientProperties());
      props.put("padding", "x".repeat(size));
      c.write(new FrameEncoder(131072).encodeMethod(0,
          new AmqpMethod.ConnectionStartOk(props, small.mechanism(), small.response(), small.locale())));
      if (accepted) {
        c.expect(0, AmqpMethod.ConnectionTune.class);
      } else {
        c.expectSocketClosed();
      }
    }
  }

  private static BrokerProfile profile(String name) {
    return BrokerProfile.byName(name).orElseThrow();
  }

  /** A string whose wire form is exactly these octets. */
  private static String octets(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return WireText.decode(b);
  }
}
