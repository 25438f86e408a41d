package io.brokersim.amqp.codec;

import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One AMQP 0-9-1 frame (spec section 4.2.3).
 *
 * <pre>
 *  offset 0      1           3               7                    7+size
 *        +------+-----------+---------------+--------------------+-----------+
 *        | type | channel   | size          | payload            | frame-end |
 *        +------+-----------+---------------+--------------------+-----------+
 *          octet  short       long            size octets          octet 0xCE
 *
 *  type 1 method      payload = class-id short, method-id short, arguments
 *  type 2 header      payload = see {@link ContentHeaderCodec}
 *  type 3 body        payload = a slice of the message body
 *  type 8 heartbeat   payload empty, channel 0
 * </pre>
 *
 * <p>A frame occupies {@code size + 8} octets; frame-max (connection.tune) bounds that total, so a body
 * frame carries at most {@code frameMax - 8} octets of payload.
 */
public sealed interface Frame {

  /** Frame type octet of a method frame (spec constant FRAME-METHOD). */
  int TYPE_METHOD = 1;
  /** Frame type octet of a content header frame (FRAME-HEADER). */
  int TYPE_HEADER = 2;
  /** Frame type octet of a content body frame (FRAME-BODY). */
  int TYPE_BODY = 3;
  /** Frame type octet of a heartbeat frame (FRAME-HEARTBEAT). */
  int TYPE_HEARTBEAT = 8;
  /** The octet that ends every frame (FRAME-END). */
  int FRAME_END = 0xCE;
  /** Octets before the payload: type, channel, size. */
  int HEADER_SIZE = 7;
  /** Octets a frame adds to its payload: the header and the end octet. */
  int OVERHEAD = HEADER_SIZE + 1;
  /** The smallest frame-max a peer may negotiate (FRAME-MIN-SIZE); also the limit before tuning. */
  int FRAME_MIN_SIZE = 4096;
  /** The heartbeat frame, always sent on channel 0. */
  Heartbeat HEARTBEAT = new Heartbeat(0);

  /** Channel number, 0 for the connection. */
  int channel();

  /** The frame type octet. */
  int type();

  /** A method frame: one {@link AmqpMethod}, followed by content frames if the method carries content. */
  record Method(int channel, AmqpMethod method) implements Frame {
    public Method {
      checkChannel(channel);
      Objects.requireNonNull(method, "method");
    }

    @Override
    public int type() {
      return TYPE_METHOD;
    }
  }

  /**
   * A content header frame whose fixed part (class, weight, body size) was read but whose properties could not
   * be decoded, under a dialect that decodes properties late. RabbitMQ keeps the property octets undecoded
   * until the channel handles the publish, so the frame-order rules (505) are judged first, and the decoding
   * error (541) only surfaces once the message is complete. {@code payload} holds the frame's payload octets
   * as received, so the frame can be written again exactly.
   */
  record UndecodableHeader(int channel, int classId, long bodySize, ByteBuffer payload, CodecError error)
      implements Frame {
    public UndecodableHeader {
      checkChannel(channel);
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public int type() {
      return TYPE_HEADER;
    }
  }

  /** A content header frame: the class, the total body size and the message properties. */
  record ContentHeader(int channel, int classId, int weight, long bodySize, BasicProperties properties)
      implements Frame {
    public ContentHeader {
      checkChannel(channel);
      Objects.requireNonNull(properties, "properties (use BasicProperties.EMPTY)");
      if (bodySize < 0) {
        throw new IllegalArgumentException("negative body size " + bodySize);
      }
    }

    /** A basic-class header with weight 0, as every 0-9-1 peer sends. */
    public static ContentHeader basic(int channel, long bodySize, BasicProperties properties) {
      return new ContentHeader(channel, MethodTable.BASIC_CLASS_ID, 0, bodySize, properties);
    }

    @Override
    public int type() {
      return TYPE_HEADER;
    }
  }

  /**
   * A content body frame. The payload is held as a read-only view, not copied; equality compares the
   * payload octets.
   */
  record Body(int channel, ByteBuffer payload) implements Frame {
    public Body {
      checkChannel(channel);
      payload = payload.asReadOnlyBuffer();
    }

    /** A fresh read-only view of the payload, so callers cannot move each other's position. */
    @Override
    public ByteBuffer payload() {
      return payload.asReadOnlyBuffer();
    }

    /** Payload length in octets. */
    public int size() {
      return payload.remaining();
    }

    @Override
    public int type() {
      return TYPE_BODY;
    }
  }

  /**
   * A heartbeat frame. The decoder passes the channel through so that the connection can answer a
   * heartbeat on a non-zero channel the way the broker profile does (RabbitMQ and LavinMQ: 505).
   */
  record Heartbeat(int channel) implements Frame {
    public Heartbeat {
      checkChannel(channel);
    }

    @Override
    public int type() {
      return TYPE_HEARTBEAT;
    }
  }

  private static void checkChannel(int channel) {
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("channel out of range 0..65535: " + channel);
    }
  }
}
