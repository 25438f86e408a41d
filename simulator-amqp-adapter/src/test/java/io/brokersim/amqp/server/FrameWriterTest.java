package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.amqp.codec.WireText;
import io.brokersim.core.actor.Outbound;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameWriterTest {

  private static final int FRAME_MAX = 4096;
  private static final int MAX_PAYLOAD = FRAME_MAX - 8;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, MAX_PAYLOAD - 1, MAX_PAYLOAD, MAX_PAYLOAD + 1, FrameWriter.COPY_BODY_BELOW_BYTES,
      FrameWriter.COPY_BODY_BELOW_BYTES + 1, 3 * MAX_PAYLOAD, 3 * MAX_PAYLOAD + 17})
  void deliver_splitAtFrameMax_decodesBack(int size) {
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) (i * 7);
    }
    BasicProperties props = BasicProperties.builder().replyTo("r").deliveryMode(2).build();
    ByteString bytes = new FrameWriter(FRAME_MAX).write(3, new Outbound.BasicDeliver("ctag", 9, true, "ex", "rk", props,
        body));
    FrameDecoder.Result r = new FrameDecoder(FRAME_MAX).feed(bytes.toArray());
    assertFalse(r.failed(), String.valueOf(r.error()));
    List<Frame> frames = r.frames();
    assertEquals(2 + (size + MAX_PAYLOAD - 1) / MAX_PAYLOAD, frames.size());
    Frame.Method m = assertInstanceOf(Frame.Method.class, frames.get(0));
    assertEquals(new AmqpMethod.BasicDeliver("ctag", 9, true, "ex", "rk"), m.method());
    Frame.ContentHeader h = assertInstanceOf(Frame.ContentHeader.class, frames.get(1));
    assertEquals(size, h.bodySize());
    assertEquals(props, h.properties());
    byte[] joined = new byte[size];
    int off = 0;
    for (Frame f : frames.subList(2, frames.size())) {
      Frame.Body b = assertInstanceOf(Frame.Body.class, f);
      assertEquals(3, b.channel());
      assertTrue(b.size() <= MAX_PAYLOAD);
      b.payload().get(joined, off, b.size());
      off += b.size();
    }
    assertArrayEquals(body, joined);
  }

  @Test
  void methods_forEveryReply() {
    FrameWriter w = new FrameWriter(FRAME_MAX);
    assertEquals(new AmqpMethod.QueueDeclareOk("q", 3, 1), decodeMethod(w.write(1,
        new Outbound.QueueDeclareOk("q", 3, 1))));
    assertEquals(new AmqpMethod.BasicNack(5, true, false), decodeMethod(w.write(1, new Outbound.BasicNack(5, true))));
    assertEquals(new AmqpMethod.BasicGetEmpty(""), decodeMethod(w.write(1, new Outbound.BasicGetEmpty())));
    AmqpError e = AmqpError.of(ReplyCode.NOT_FOUND, MethodRef.QUEUE_DECLARE, "no queue 'q' in vhost '/'");
    assertEquals(new AmqpMethod.ChannelClose(404, "NOT_FOUND - no queue 'q' in vhost '/'", 50, 10),
        decodeMethod(w.write(1, new Outbound.ChannelClose(e))));
  }

  @Test
  void shortText_longerThan255Octets_keeps252OnACharacterBoundaryAndEndsWithDots() {
    assertEquals("x".repeat(252) + "...", FrameWriter.shortText("x".repeat(300)));
    assertEquals("x".repeat(251) + "...", FrameWriter.shortText("x".repeat(251) + "é" + "tail"));
    assertTrue(FrameWriter.shortText("é".repeat(200)).getBytes(StandardCharsets.UTF_8).length <= 255);
    assertEquals("x".repeat(255), FrameWriter.shortText("x".repeat(255)));
    assertEquals("short", FrameWriter.shortText("short"));
  }

  @Test
  void shortText_nameThatWasNotUtf8_keepsItsOctets() {
    String name = WireText.decode(new byte[] {'x', (byte) 0xff});
    String text = FrameWriter.shortText("NOT_FOUND - no exchange '" + name + "' in vhost '/'");
    assertArrayEquals("NOT_FOUND - no exchange 'x\u00ff' in vhost '/'".getBytes(StandardCharsets.ISO_8859_1),
        WireText.encode(text));
  }

  private static AmqpMethod decodeMethod(ByteString bytes) {
    FrameDecoder.Result r = new FrameDecoder(FRAME_MAX).feed(bytes.toArray());
    assertEquals(1, r.frames().size());
    return ((Frame.Method) r.frames().get(0)).method();
  }
}
