package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.amqp.codec.WireText;
import io.brokersim.amqp.codec.WireWriter;
import io.brokersim.core.actor.Outbound;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/**
 * Turns what the broker sends ({@link Outbound}) into the octets of one connection, at its negotiated
 * frame-max. A content-carrying method becomes one {@link ByteString}: method frame, content header and
 * body frames, contiguous, so no other frame can come between them.
 *
 * <p>Bodies larger than {@link #COPY_BODY_BELOW_BYTES} are not copied: their body frames' payloads are
 * slices of the message's own array (the broker never mutates a message body).
 */
final class FrameWriter {

  /** Bodies up to this size are copied next to their framing: one small array beats a rope of slices. */
  static final int COPY_BODY_BELOW_BYTES = 4096;

  private static final int SHORTSTR_MAX_BYTES = 255;
  private static final String ELLIPSIS = "...";

  private final FrameEncoder encoder;

  FrameWriter(int frameMaxBytes) {
    this.encoder = new FrameEncoder(frameMaxBytes);
  }

  int frameMaxBytes() {
    return encoder.frameMaxBytes();
  }

  /** The frames of one broker method on {@code channel}. */
  ByteString write(int channel, Outbound out) {
    if (out instanceof Outbound.BasicDeliver d) {
      return content(channel, new AmqpMethod.BasicDeliver(d.consumerTag(), d.deliveryTag(), d.redelivered(),
          text(d.exchange()), text(d.routingKey())), d.properties(), d.body());
    } else if (out instanceof Outbound.BasicGetOk g) {
      return content(channel, new AmqpMethod.BasicGetOk(g.deliveryTag(), g.redelivered(), text(g.exchange()),
          text(g.routingKey()), g.messageCount()), g.properties(), g.body());
    } else if (out instanceof Outbound.BasicReturn r) {
      return content(channel, new AmqpMethod.BasicReturn(r.replyCode(), shortText(r.replyText()), text(r.exchange()),
          text(r.routingKey())), r.properties(), r.body());
    }
    return method(channel, toMethod(out));
  }

  /** One method frame. */
  ByteString method(int channel, AmqpMethod method) {
    WireWriter w = new WireWriter(64);
    encoder.encode(new Frame.Method(channel, method), w);
    return wrap(w);
  }

  /** The heartbeat frame. */
  ByteString heartbeat() {
    return ByteString.fromArrayUnsafe(encoder.heartbeat());
  }

  /** Method, content header and body frames of at most frame-max octets each. */
  ByteString content(int channel, AmqpMethod method, BasicProperties properties, byte[] body) {
    byte[] payload = body == null ? new byte[0] : body;
    BasicProperties props = properties == null ? BasicProperties.EMPTY : properties;
    int maxPayload = encoder.maxBodyPayloadBytes();
    boolean copy = payload.length <= COPY_BODY_BELOW_BYTES;
    WireWriter w = new WireWriter(copy ? 256 + payload.length + 8 * (payload.length / maxPayload + 1) : 256);
    encoder.encode(new Frame.Method(channel, method), w);
    encoder.encode(Frame.ContentHeader.basic(channel, payload.length, props), w);
    if (copy) {
      for (int offset = 0; offset < payload.length; offset += maxPayload) {
        int length = Math.min(maxPayload, payload.length - offset);
        w.octet(Frame.TYPE_BODY).shortUnsigned(channel).longUnsigned(length);
        w.bytes(ByteBuffer.wrap(payload, offset, length));
        w.octet(Frame.FRAME_END);
      }
      return wrap(w);
    }
    ByteString out = ByteString.emptyByteString();
    for (int offset = 0; offset < payload.length; offset += maxPayload) {
      int length = Math.min(maxPayload, payload.length - offset);
      w.octet(Frame.TYPE_BODY).shortUnsigned(channel).longUnsigned(length);
      out = out.concat(wrap(w)).concat(ByteString.fromArrayUnsafe(payload, offset, length));
      // The end octet of this frame and the header of the next share one small array.
      w = new WireWriter(Frame.OVERHEAD);
      w.octet(Frame.FRAME_END);
    }
    return out.concat(wrap(w));
  }

  /** The method record for a broker method that carries no content. */
  static AmqpMethod toMethod(Outbound out) {
    if (out instanceof Outbound.ChannelOpenOk) {
      return new AmqpMethod.ChannelOpenOk(LongString.EMPTY);
    } else if (out instanceof Outbound.ChannelCloseOk) {
      return new AmqpMethod.ChannelCloseOk();
    } else if (out instanceof Outbound.ChannelClose c) {
      AmqpError e = c.error();
      return new AmqpMethod.ChannelClose(e.replyCode(), shortText(e.text()), e.classId(), e.methodId());
    } else if (out instanceof Outbound.ConnectionClose c) {
      return connectionClose(c.error());
    } else if (out instanceof Outbound.ConnectionCloseOk) {
      return new AmqpMethod.ConnectionCloseOk();
    } else if (out instanceof Outbound.ChannelFlowOk f) {
      return new AmqpMethod.ChannelFlowOk(f.active());
    } else if (out instanceof Outbound.ExchangeDeclareOk) {
      return new AmqpMethod.ExchangeDeclareOk();
    } else if (out instanceof Outbound.ExchangeDeleteOk) {
      return new AmqpMethod.ExchangeDeleteOk();
    } else if (out instanceof Outbound.ExchangeBindOk) {
      return new AmqpMethod.ExchangeBindOk();
    } else if (out instanceof Outbound.ExchangeUnbindOk) {
      return new AmqpMethod.ExchangeUnbindOk();
    } else if (out instanceof Outbound.QueueDeclareOk d) {
      return new AmqpMethod.QueueDeclareOk(d.queue(), d.messageCount(), d.consumerCount());
    } else if (out instanceof Outbound.QueueBindOk) {
      return new AmqpMethod.QueueBindOk();
    } else if (out instanceof Outbound.QueueUnbindOk) {
      return new AmqpMethod.QueueUnbindOk();
    } else if (out instanceof Outbound.QueuePurgeOk p) {
      return new AmqpMethod.QueuePurgeOk(p.messageCount());
    } else if (out instanceof Outbound.QueueDeleteOk d) {
      return new AmqpMethod.QueueDeleteOk(d.messageCount());
    } else if (out instanceof Outbound.BasicQosOk) {
      return new AmqpMethod.BasicQosOk();
    } else if (out instanceof Outbound.BasicConsumeOk c) {
      return new AmqpMethod.BasicConsumeOk(c.consumerTag());
    } else if (out instanceof Outbound.BasicCancelOk c) {
      return new AmqpMethod.BasicCancelOk(c.consumerTag());
    } else if (out instanceof Outbound.BasicCancel c) {
      return new AmqpMethod.BasicCancel(c.consumerTag(), false);
    } else if (out instanceof Outbound.BasicGetEmpty) {
      return new AmqpMethod.BasicGetEmpty("");
    } else if (out instanceof Outbound.BasicAck a) {
      return new AmqpMethod.BasicAck(a.deliveryTag(), a.multiple());
    } else if (out instanceof Outbound.BasicNack n) {
      return new AmqpMethod.BasicNack(n.deliveryTag(), n.multiple(), false);
    } else if (out instanceof Outbound.BasicRecoverOk) {
      return new AmqpMethod.BasicRecoverOk();
    } else if (out instanceof Outbound.ConfirmSelectOk) {
      return new AmqpMethod.ConfirmSelectOk();
    } else if (out instanceof Outbound.TxSelectOk) {
      return new AmqpMethod.TxSelectOk();
    } else if (out instanceof Outbound.TxCommitOk) {
      return new AmqpMethod.TxCommitOk();
    } else if (out instanceof Outbound.TxRollbackOk) {
      return new AmqpMethod.TxRollbackOk();
    }
    throw new IllegalArgumentException("no method frame for " + out.getClass().getSimpleName()
        + " (content methods go through content())");
  }

  /** connection.close for an error. */
  static AmqpMethod.ConnectionClose connectionClose(AmqpError e) {
    return new AmqpMethod.ConnectionClose(e.replyCode(), shortText(e.text()), e.classId(), e.methodId());
  }

  /** channel.close for an error. */
  static AmqpMethod.ChannelClose channelClose(AmqpError e) {
    return new AmqpMethod.ChannelClose(e.replyCode(), shortText(e.text()), e.classId(), e.methodId());
  }

  /**
   * A reply text that fits the 255 octets of a shortstr: a longer one keeps its first 252 octets (cut at a
   * character boundary) and ends with "...", as RabbitMQ cuts its texts (measured on 3.10.8: a 403 naming
   * a 204-character queue). Names in the text keep their octets ({@link WireText}).
   */
  static String shortText(String text) {
    String t = text(text);
    byte[] bytes = WireText.encode(t);
    if (bytes.length <= SHORTSTR_MAX_BYTES) {
      return t;
    }
    int end = SHORTSTR_MAX_BYTES - ELLIPSIS.length();
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return WireText.decode(bytes, 0, end) + ELLIPSIS;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static ByteString wrap(WireWriter w) {
    ByteBuffer b = w.toByteBuffer();
    return ByteString.fromArrayUnsafe(b.array(), b.arrayOffset() + b.position(), b.remaining());
  }
}
