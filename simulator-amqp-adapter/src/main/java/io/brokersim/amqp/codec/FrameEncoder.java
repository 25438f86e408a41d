package io.brokersim.amqp.codec;

import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes frames for one connection, honouring its negotiated frame-max.
 *
 * <p>Message bodies are never copied by {@link #encodeContent}: the body frames' payloads are read-only
 * slices of the caller's buffer, suitable for a gathering write, so the caller must not change the body
 * until the buffers are written.
 */
public final class FrameEncoder {

  private final int frameMaxBytes;

  /** An encoder for frames of at most {@code frameMaxBytes} octets, header and end octet included. */
  public FrameEncoder(int frameMaxBytes) {
    if (frameMaxBytes < Frame.FRAME_MIN_SIZE) {
      throw new IllegalArgumentException(
          "frameMaxBytes " + frameMaxBytes + " is below the protocol minimum " + Frame.FRAME_MIN_SIZE);
    }
    this.frameMaxBytes = frameMaxBytes;
  }

  /** The frame-max this encoder honours. */
  public int frameMaxBytes() {
    return frameMaxBytes;
  }

  /** The largest body frame payload: frame-max less the 8 octets of framing. */
  public int maxBodyPayloadBytes() {
    return frameMaxBytes - Frame.OVERHEAD;
  }

  /** One frame as bytes (a body frame's payload is copied; use {@link #encodeContent} to avoid that). */
  public byte[] encode(Frame frame) {
    WireWriter out = new WireWriter();
    encode(frame, out);
    return out.toByteArray();
  }

  /** Appends one frame. Throws IllegalArgumentException if it would exceed frame-max. */
  public void encode(Frame frame, WireWriter out) {
    int start = out.size();
    out.octet(frame.type()).shortUnsigned(frame.channel()).longUnsigned(0);
    int payloadStart = out.size();
    if (frame instanceof Frame.Method m) {
      MethodCodec.encode(m.method(), out);
    } else if (frame instanceof Frame.ContentHeader h) {
      ContentHeaderCodec.encode(h, out);
    } else if (frame instanceof Frame.Body b) {
      out.bytes(b.payload());
    } else if (frame instanceof Frame.UndecodableHeader u) {
      out.bytes(u.payload());
    }
    int payloadSize = out.size() - payloadStart;
    if (payloadSize > maxBodyPayloadBytes()) {
      throw new IllegalArgumentException("frame of type " + frame.type() + " has a " + payloadSize
          + "-octet payload, more than frame-max " + frameMaxBytes + " allows");
    }
    out.put32At(start + 3, payloadSize);
    out.octet(Frame.FRAME_END);
  }

  /** A method frame as bytes. */
  public byte[] encodeMethod(int channel, AmqpMethod method) {
    return encode(new Frame.Method(channel, method));
  }

  /** The heartbeat frame as bytes. */
  public byte[] heartbeat() {
    return encode(Frame.HEARTBEAT);
  }

  /**
   * A content-carrying method, its content header and the body split into frames of at most
   * {@link #maxBodyPayloadBytes()} octets, as buffers to write in order. An empty body has no body frame.
   * The body buffer's position is not moved.
   */
  public List<ByteBuffer> encodeContent(
      int channel, AmqpMethod method, BasicProperties properties, ByteBuffer body) {
    if (!method.hasContent()) {
      throw new IllegalArgumentException(method.name() + " carries no content");
    }
    int bodySize = body.remaining();
    int maxPayload = maxBodyPayloadBytes();
    List<ByteBuffer> buffers = new ArrayList<>(2 * (bodySize / maxPayload) + 4);
    WireWriter framing = new WireWriter();
    encode(new Frame.Method(channel, method), framing);
    encode(new Frame.ContentHeader(channel, method.classId(), 0, bodySize, properties), framing);
    ByteBuffer source = body.slice().asReadOnlyBuffer();
    for (int offset = 0; offset < bodySize; offset += maxPayload) {
      int length = Math.min(maxPayload, bodySize - offset);
      framing.octet(Frame.TYPE_BODY).shortUnsigned(channel).longUnsigned(length);
      buffers.add(framing.toByteBuffer());
      buffers.add(source.slice(offset, length));
      // The end octet of this frame and the header of the next share one small buffer.
      framing = new WireWriter(Frame.OVERHEAD);
      framing.octet(Frame.FRAME_END);
    }
    buffers.add(framing.toByteBuffer());
    return buffers;
  }

  /** The buffers' remaining octets concatenated into one array (copies; for tests and small writes). */
  public static byte[] join(List<ByteBuffer> buffers) {
    int total = 0;
    for (ByteBuffer b : buffers) {
      total += b.remaining();
    }
    byte[] out = new byte[total];
    int offset = 0;
    for (ByteBuffer b : buffers) {
      int n = b.remaining();
      b.duplicate().get(out, offset, n);
      offset += n;
    }
    return out;
  }
}
