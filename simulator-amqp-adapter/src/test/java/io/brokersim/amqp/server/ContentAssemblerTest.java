package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentAssemblerTest {

  private static final AmqpMethod.BasicPublish PUBLISH = new AmqpMethod.BasicPublish(0, "x", "rk", true, false);
  private static final BasicProperties PROPS = BasicProperties.builder().correlationId("c-1").build();

  private final ContentAssembler assembler = new ContentAssembler(BrokerProfile.RABBITMQ_3, 1000);

  @Test
  void methodWithoutContent_isACommandAtOnce() {
    var step = assembler.accept(new Frame.Method(1, new AmqpMethod.BasicQos(0, 5, false)));
    ContentAssembler.Command c = assertInstanceOf(ContentAssembler.Command.class, step);
    assertNull(c.body());
    assertFalse(assembler.inContent());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7})
  void publish_bodySplitIntoFrames_joinedInOrder(int frames) {
    byte[] body = new byte[100];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    assertSame(ContentAssembler.Incomplete.INSTANCE, assembler.accept(new Frame.Method(1, PUBLISH)));
    assertSame(ContentAssembler.Incomplete.INSTANCE, assembler.accept(Frame.ContentHeader.basic(1, 100, PROPS)));
    ContentAssembler.Step step = null;
    int chunk = (body.length + frames - 1) / frames;
    for (int off = 0; off < body.length; off += chunk) {
      assertTrue(assembler.inContent());
      step = assembler.accept(new Frame.Body(1, ByteBuffer.wrap(body, off, Math.min(chunk, body.length - off))));
    }
    ContentAssembler.Command c = assertInstanceOf(ContentAssembler.Command.class, step);
    assertEquals(PUBLISH, c.method());
    assertEquals(PROPS, c.properties());
    assertArrayEquals(body, c.body());
    assertFalse(assembler.inContent());
  }

  @Test
  void emptyBody_completesAtTheHeader() {
    assembler.accept(new Frame.Method(1, PUBLISH));
    var c = assertInstanceOf(ContentAssembler.Command.class, assembler.accept(Frame.ContentHeader.basic(1, 0, PROPS)));
    assertEquals(0, c.body().length);
  }

  @Test
  void headerWithoutMethod_505() {
    AmqpError e = failure(assembler.accept(Frame.ContentHeader.basic(1, 0, PROPS)));
    assertEquals(505, e.replyCode());
    assertEquals("UNEXPECTED_FRAME - expected method frame, got non method frame instead", e.text());
  }

  @Test
  void methodInsteadOfHeader_505NamingThePublish() {
    assembler.accept(new Frame.Method(1, PUBLISH));
    AmqpError e = failure(assembler.accept(new Frame.Method(1, new AmqpMethod.BasicQos(0, 5, false))));
    assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
        e.text());
    assertEquals(60, e.classId());
    assertEquals(40, e.methodId());
    assertFalse(assembler.inContent(), "a failure resets the assembler");
  }

  @Test
  void headerOfAnotherClass_505() {
    assembler.accept(new Frame.Method(1, PUBLISH));
    AmqpError e = failure(assembler.accept(new Frame.ContentHeader(1, 50, 0, 1, BasicProperties.EMPTY)));
    assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead", e.text());
  }

  @Test
  void methodInsteadOfBody_505() {
    assembler.accept(new Frame.Method(1, PUBLISH));
    assembler.accept(Frame.ContentHeader.basic(1, 10, PROPS));
    AmqpError e = failure(assembler.accept(new Frame.Method(1, PUBLISH)));
    assertEquals("UNEXPECTED_FRAME - expected content body, got non content body frame instead", e.text());
  }

  @Test
  void bodyPastTheDeclaredSize_rabbitMq_neverCompletesThenNextMethodIs505() {
    assembler.accept(new Frame.Method(1, PUBLISH));
    assembler.accept(Frame.ContentHeader.basic(1, 4, PROPS));
    assertSame(ContentAssembler.Incomplete.INSTANCE, assembler.accept(new Frame.Body(1, ByteBuffer.wrap(new byte[5]))));
    assertSame(ContentAssembler.Incomplete.INSTANCE, assembler.accept(new Frame.Body(1, ByteBuffer.wrap(new byte[9]))));
    assertTrue(assembler.inContent());
    AmqpError e = failure(assembler.accept(new Frame.Method(1, new AmqpMethod.BasicQos(0, 1, false))));
    assertEquals("UNEXPECTED_FRAME - expected content body, got non content body frame instead", e.text());
    assertEquals(60, e.classId());
    assertEquals(40, e.methodId());
  }

  @Test
  void bodyPastTheDeclaredSize_lavinMq_messageDroppedChannelCarriesOn() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    lavin.accept(new Frame.Method(1, PUBLISH));
    lavin.accept(Frame.ContentHeader.basic(1, 4, PROPS));
    assertEquals(new ContentAssembler.Dropped(4, 5), lavin.accept(new Frame.Body(1, ByteBuffer.wrap(new byte[5]))));
    assertFalse(lavin.inContent());
    assertInstanceOf(ContentAssembler.Command.class,
        lavin.accept(new Frame.Method(1, new AmqpMethod.BasicQos(0, 1, false))));
  }

  @Test
  void declaredSizeAboveMax_406ChannelScoped_perProfile() {
    AmqpError rabbit = failure(publishHeader(assembler, 1001));
    assertEquals(406, rabbit.replyCode());
    assertEquals("PRECONDITION_FAILED - message size 1001 is larger than configured max size 1000", rabbit.text());
    assertFalse(rabbit.connectionScope());
    AmqpError lavin = failure(publishHeader(new ContentAssembler(BrokerProfile.LAVINMQ, 1000), 1001));
    assertEquals("PRECONDITION_FAILED - message size 1001 larger than max size 1000", lavin.text());
  }

  @Test
  void headerWithoutPublish_lavinMq_channelClose505NamingTheFrameClass() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    AmqpError e = failure(lavin.accept(Frame.ContentHeader.basic(1, 0, PROPS)));
    assertEquals(505, e.replyCode());
    assertEquals("UNEXPECTED_FRAME - AMQ::Protocol::Frame::Header", e.text());
    assertEquals(0, e.classId());
    assertFalse(e.connectionScope());
  }

  @Test
  void bodyBeforeItsHeader_lavinMq_channelClose505() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    lavin.accept(new Frame.Method(1, PUBLISH));
    AmqpError e = failure(lavin.accept(new Frame.Body(1, ByteBuffer.wrap(new byte[3]))));
    assertEquals("UNEXPECTED_FRAME - AMQ::Protocol::Frame::Body", e.text());
    assertFalse(e.connectionScope());
    assertFalse(lavin.inContent());
  }

  @Test
  void secondPublishBeforeTheFirstIsComplete_lavinMq_channelClose505WithThePublishIds() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    lavin.accept(new Frame.Method(1, PUBLISH));
    lavin.accept(Frame.ContentHeader.basic(1, 10, PROPS));
    AmqpError e = failure(lavin.accept(new Frame.Method(1, PUBLISH)));
    assertEquals("UNEXPECTED_FRAME - AMQ::Protocol::Frame::Basic::Publish", e.text());
    assertEquals(60, e.classId());
    assertEquals(40, e.methodId());
    assertFalse(e.connectionScope());
  }

  @Test
  void methodBetweenAPublishAndItsContent_lavinMq_performedAndThePublishStillCompletes() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    AmqpMethod.BasicQos qos = new AmqpMethod.BasicQos(0, 1, false);
    lavin.accept(new Frame.Method(1, PUBLISH));
    assertEquals(new ContentAssembler.Command(qos, null, null), lavin.accept(new Frame.Method(1, qos)));
    lavin.accept(Frame.ContentHeader.basic(1, 2, PROPS));
    assertEquals(new ContentAssembler.Command(qos, null, null), lavin.accept(new Frame.Method(1, qos)));
    assertTrue(lavin.inContent());
    var c = assertInstanceOf(ContentAssembler.Command.class, lavin.accept(new Frame.Body(1, ByteBuffer.wrap(new byte[2]))));
    assertEquals(PUBLISH, c.method());
    assertEquals(2, c.body().length);
  }

  @Test
  void secondHeader_lavinMq_channelClose505() {
    ContentAssembler lavin = new ContentAssembler(BrokerProfile.LAVINMQ, 1000);
    lavin.accept(new Frame.Method(1, PUBLISH));
    lavin.accept(Frame.ContentHeader.basic(1, 2, PROPS));
    AmqpError e = failure(lavin.accept(Frame.ContentHeader.basic(1, 2, PROPS)));
    assertEquals("UNEXPECTED_FRAME - AMQ::Protocol::Frame::Header", e.text());
  }

  private static ContentAssembler.Step publishHeader(ContentAssembler a, long size) {
    a.accept(new Frame.Method(1, PUBLISH));
    return a.accept(Frame.ContentHeader.basic(1, size, PROPS));
  }

  private static AmqpError failure(ContentAssembler.Step step) {
    return assertInstanceOf(ContentAssembler.Failure.class, step).error();
  }
}
