package io.brokersim.benchmarks;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The AMQP frame codec on the frames of the hot path: a {@code basic.publish} with its content header and a
 * 100-byte body as the client sends it (decode), the matching {@code basic.deliver} the server writes (encode),
 * and a {@code basic.ack} both ways. Frame-max 131072, as the server proposes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {

  static final int FRAME_MAX = 131_072;

  FrameEncoder encoder;
  FrameDecoder decoder;
  BasicProperties properties;
  ByteBuffer body;
  AmqpMethod.BasicDeliver deliver;
  AmqpMethod.BasicAck ack;
  byte[] publishBytes;
  byte[] ackBytes;

  @Setup
  public void setUp() {
    encoder = new FrameEncoder(FRAME_MAX);
    decoder = new FrameDecoder(FRAME_MAX);
    properties = BasicProperties.builder().contentType("application/octet-stream").deliveryMode(2)
        .correlationId("rpc-client/ch-1:12345").replyTo("amq.rabbitmq.reply-to").build();
    body = ByteBuffer.wrap(new byte[100]);
    deliver = new AmqpMethod.BasicDeliver("amq.ctag-0123456789abcdef", 123_456L, false, "", "rpc_queue");
    ack = new AmqpMethod.BasicAck(123_456L, false);
    publishBytes = FrameEncoder.join(encoder.encodeContent(1,
        new AmqpMethod.BasicPublish(0, "", "rpc_queue", false, false), properties, body));
    ackBytes = encoder.encodeMethod(1, ack);
  }

  /** basic.deliver + content header + body, as buffers for a gathering write (the body is not copied). */
  @Benchmark
  public List<ByteBuffer> encodeDeliver() {
    return encoder.encodeContent(1, deliver, properties, body);
  }

  @Benchmark
  public byte[] encodeAck() {
    return encoder.encodeMethod(1, ack);
  }

  /** basic.publish + content header + body arriving in one chunk: three frames out. */
  @Benchmark
  public List<Frame> decodePublish() {
    return decoder.feed(publishBytes).frames();
  }

  @Benchmark
  public List<Frame> decodeAck() {
    return decoder.feed(ackBytes).frames();
  }
}
