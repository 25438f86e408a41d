package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Dialect;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.MethodSpec;
import io.brokersim.amqp.codec.MethodTable;
import io.brokersim.amqp.codec.Samples;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class WireRulesTest {

  private static final WireRules RABBIT = WireRules.of(BrokerProfile.RABBITMQ_4);
  private static final WireRules LAVIN = WireRules.of(BrokerProfile.LAVINMQ);

  static Stream<MethodSpec> everyMethod() {
    return MethodTable.methods().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethod")
  void methodOnChannelZero_rabbitMq_always504WithTheMethodsIds(MethodSpec spec) {
    AmqpMethod method = Samples.nonDefault(spec, true);
    AmqpError e = assertInstanceOf(WireRules.Close.class, RABBIT.methodOnChannelZero(method)).error();
    assertEquals("CHANNEL_ERROR - unexpected method in connection state running", e.text());
    assertEquals(spec.classId(), e.classId());
    assertEquals(spec.methodId(), e.methodId());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "basic.qos, 504 CHANNEL_ERROR - Channel 0 not open",
      "basic.ack, 504 CHANNEL_ERROR - Channel 0 not open",
      "confirm.select, 504 CHANNEL_ERROR - Channel 0 not open",
      "queue.declare, 540",
      "exchange.delete, 540",
      "channel.open, 540",
      "connection.tune-ok, '505 UNEXPECTED_FRAME - '",
      "basic.publish, ignore",
      "channel.close-ok, ignore",
      "channel.flow-ok, ignore",
      "channel.close, reply channel.close-ok"
  })
  void methodOnChannelZero_lavinMq_asItsSourceReads(String name, String expected) {
    MethodSpec spec = MethodTable.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    WireRules.Answer a = LAVIN.methodOnChannelZero(Samples.nonDefault(spec, true));
    assertEquals(expected, describe(a));
  }

  @Test
  void frameOnClosedChannel_perProfile() {
    Frame publish = new Frame.Method(3, new AmqpMethod.BasicPublish(0, "", "q", false, false));
    Frame body = new Frame.Body(3, ByteBuffer.wrap(new byte[1]));
    Frame qos = new Frame.Method(3, new AmqpMethod.BasicQos(0, 1, false));
    Frame declare = new Frame.Method(3, new AmqpMethod.QueueDeclare(0, "q", false, false, false, false, false,
        Map.of()));
    Frame closeOk = new Frame.Method(3, new AmqpMethod.ChannelCloseOk());
    assertEquals("504 CHANNEL_ERROR - expected 'channel.open'", describe(RABBIT.frameOnClosedChannel(publish)));
    assertEquals("504 CHANNEL_ERROR - expected 'channel.open'", describe(RABBIT.frameOnClosedChannel(body)));
    assertEquals("504 CHANNEL_ERROR - expected 'channel.open'", describe(RABBIT.frameOnClosedChannel(closeOk)));
    assertEquals("ignore", describe(LAVIN.frameOnClosedChannel(publish)));
    assertEquals("ignore", describe(LAVIN.frameOnClosedChannel(body)));
    assertEquals("ignore", describe(LAVIN.frameOnClosedChannel(closeOk)));
    assertEquals("504 CHANNEL_ERROR - Channel 3 not open", describe(LAVIN.frameOnClosedChannel(qos)));
    assertEquals("540", describe(LAVIN.frameOnClosedChannel(declare)));
  }

  @Test
  void unsolicitedCloseOkAndOverrunAndDialect_perProfile() {
    assertEquals("503 COMMAND_INVALID - unimplemented method",
        describe(RABBIT.unsolicitedCloseOk(new AmqpMethod.ChannelCloseOk())));
    assertSame(WireRules.CloseChannelQuietly.INSTANCE, LAVIN.unsolicitedCloseOk(new AmqpMethod.ChannelCloseOk()));
    assertEquals(WireRules.BodyOverrun.WAIT_FOREVER, RABBIT.bodyOverrun());
    assertEquals(WireRules.BodyOverrun.DROP_MESSAGE, LAVIN.bodyOverrun());
    assertEquals(Dialect.RABBITMQ, WireRules.of(BrokerProfile.RABBITMQ_3).dialect());
    assertEquals(Dialect.LAVINMQ, LAVIN.dialect());
  }

  private static String describe(WireRules.Answer a) {
    if (a instanceof WireRules.Close c) {
      return c.error().replyCode() == 540 ? "540" : c.error().replyCode() + " " + c.error().text();
    }
    if (a instanceof WireRules.Reply r) {
      return "reply " + r.method().name();
    }
    return a == WireRules.Ignore.INSTANCE ? "ignore" : a.toString();
  }
}
