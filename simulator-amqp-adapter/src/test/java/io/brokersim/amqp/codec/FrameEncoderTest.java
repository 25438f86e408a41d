package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.FRAME_MAX;
import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.amqp.codec.AmqpMethod.BasicGetOk;
import io.brokersim.amqp.codec.AmqpMethod.BasicPublish;
import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameEncoderTest {

  private static final int MAX = FRAME_MAX - Frame.OVERHEAD;

  private final FrameEncoder encoder = new FrameEncoder(FRAME_MAX);

  @ParameterizedTest(name = "body of {0} octets")
  @ValueSource(ints = {0, 1, MAX - 1, MAX, MAX + 1, 2 * MAX, 2 * MAX + 1, 3 * MAX + 17})
  void content_bodyAtFrameMaxBoundaries_splitIntoFullFramesThenRemainder(int bodySize) {
    ByteBuffer body = Samples.body(bodySize);
    BasicPublish publish = new BasicPublish(0, "ex", "rk", false, false);

    byte[] wire = FrameEncoder.join(encoder.encodeContent(5, publish, Samples.allProperties(), body));
    FrameDecoder.Result result = new FrameDecoder(FRAME_MAX).feed(wire);

    assertFalse(result.failed());
    List<Frame> frames = result.frames();
    int bodyFrames = (bodySize + MAX - 1) / MAX;
    assertEquals(2 + bodyFrames, frames.size());
    assertEquals(new Frame.Method(5, publish), frames.get(0));
    assertEquals(Frame.ContentHeader.basic(5, bodySize, Samples.allProperties()), frames.get(1));
    ByteBuffer reassembled = ByteBuffer.allocate(bodySize);
    for (int i = 0; i < bodyFrames; i++) {
      Frame.Body frame = assertInstanceOf(Frame.Body.class, frames.get(2 + i));
      assertEquals(5, frame.channel());
      assertEquals(i < bodyFrames - 1 ? MAX : bodySize - (bodyFrames - 1) * MAX, frame.size());
      reassembled.put(frame.payload());
    }
    assertEquals(body.rewind(), reassembled.flip());
  }

  @Test
  void content_body_notCopied() {
    ByteBuffer body = Samples.body(2 * MAX);

    List<ByteBuffer> buffers = encoder.encodeContent(1, new BasicPublish(0, "", "q", false, false),
        BasicProperties.EMPTY, body);
    body.put(MAX + 3, (byte) 0x7F);

    byte[] wire = FrameEncoder.join(buffers);
    Frame.Body second = (Frame.Body) new FrameDecoder(FRAME_MAX).feed(wire).frames().get(3);
    assertEquals(0x7F, second.payload().get(3));
    assertTrue(buffers.get(1).isReadOnly(), "body slices are read-only views");
    assertEquals(0, body.position());
  }

  @Test
  void content_bodyBufferPosition_respectedAndUnmoved() {
    ByteBuffer body = Samples.body(10);
    body.position(4);

    byte[] wire = FrameEncoder.join(encoder.encodeContent(1,
        new BasicGetOk(1, false, "", "q", 0), BasicProperties.EMPTY, body));
    List<Frame> frames = new FrameDecoder(FRAME_MAX).feed(wire).frames();

    assertEquals(6, ((Frame.ContentHeader) frames.get(1)).bodySize());
    assertEquals(ByteBuffer.wrap(new byte[] {4, 5, 6, 7, 8, 9}), ((Frame.Body) frames.get(2)).payload());
    assertEquals(4, body.position());
  }

  @Test
  void content_methodWithoutContent_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> encoder.encodeContent(1,
        new AmqpMethod.BasicAck(1, false), BasicProperties.EMPTY, Samples.body(1)));
  }

  @Test
  void heartbeat_exactWireBytes() {
    assertArrayEquals(hex("08 0000 00000000 ce"), encoder.heartbeat());
  }

  @Test
  void bodyFrame_encodedAlone_exactWireBytes() {
    assertArrayEquals(hex("03 0002 00000003 000102 ce"), encoder.encode(new Frame.Body(2, Samples.body(3))));
  }

  @Test
  void methodFrameLargerThanFrameMax_throwsIllegalArgument() {
    Map<String, Object> huge = Map.of("big", "x".repeat(FRAME_MAX));

    assertThrows(IllegalArgumentException.class, () -> encoder.encodeMethod(0,
        new AmqpMethod.ConnectionStart(0, 9, huge, LongString.of("PLAIN"), LongString.of("en_US"))));
  }

  @Test
  void frameMaxBelowMinimum_constructorThrows() {
    assertThrows(IllegalArgumentException.class, () -> new FrameEncoder(Frame.FRAME_MIN_SIZE - 1));
  }

  @Test
  void channelOutOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Frame.Heartbeat(65_536));
  }
}
