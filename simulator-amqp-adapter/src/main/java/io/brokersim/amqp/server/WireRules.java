package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Dialect;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import java.util.Objects;

/**
 * How each broker answers frames the connection stage meets before the broker's actors do: methods on
 * channel 0, frames for channels that are not open, an unsolicited {@code channel.close-ok}, a content body
 * longer than its header said. Pure decisions, one object per profile; the stage only applies them.
 *
 * <p>RabbitMQ answers as measured on 3.10.8 (the same code paths in 4.x: {@code rabbit_reader:handle_method0},
 * {@code rabbit_channel:handle_method}, {@code rabbit_command_assembler}); LavinMQ as its source reads
 * ({@code LavinMQ::AMQP::Client#process_frame}, {@code #with_channel}, {@code Channel#add_content}).
 */
final class WireRules {

  /** What the stage does with a frame. */
  sealed interface Answer {}

  /** Close the connection with this error. */
  record Close(AmqpError error) implements Answer {}

  /** Send this method on the frame's channel and carry on. */
  record Reply(AmqpMethod method) implements Answer {}

  /** Drop the frame without a word. */
  enum Ignore implements Answer { INSTANCE }

  /** LavinMQ only: close the channel without sending anything (its unacked deliveries are requeued). */
  enum CloseChannelQuietly implements Answer { INSTANCE }

  /** What happens to the rest of a message whose body frames outgrew the size its header declared. */
  enum BodyOverrun {
    /** RabbitMQ: the message never completes; later body frames are swallowed and the next other frame is 505. */
    WAIT_FOREVER,
    /** LavinMQ: the message is never published; the channel carries on. */
    DROP_MESSAGE
  }

  private final BrokerProfile profile;

  private WireRules(BrokerProfile profile) {
    this.profile = profile;
  }

  static WireRules of(BrokerProfile profile) {
    return new WireRules(Objects.requireNonNull(profile, "profile"));
  }

  /** The codec's reading of malformed input for this broker. */
  Dialect dialect() {
    return profile.isLavinMq() ? Dialect.LAVINMQ : Dialect.RABBITMQ;
  }

  /**
   * A method on channel 0 after the handshake that is not {@code connection.close}, {@code close-ok} or
   * {@code update-secret}.
   *
   * <ul>
   *   <li>RabbitMQ: every one is {@code 504 CHANNEL_ERROR - unexpected method in connection state running}
   *       with the method's ids (a connection method such as a second {@code tune-ok} too).
   *   <li>LavinMQ: methods it routes through a channel get {@code 504 CHANNEL_ERROR - Channel 0 not open};
   *       {@code basic.publish} is dropped; {@code channel.close} is answered with {@code close-ok};
   *       {@code close-ok} and {@code flow-ok} are ignored; unknown connection methods get
   *       {@code 505 UNEXPECTED_FRAME - }. Queue and exchange methods and {@code channel.open} LavinMQ
   *       performs on channel 0 itself; brokersim does not simulate a channel 0 and answers 540.
   * </ul>
   */
  Answer methodOnChannelZero(AmqpMethod method) {
    if (!profile.isLavinMq()) {
      return new Close(error(ReplyCode.CHANNEL_ERROR, "unexpected method in connection state running", method));
    }
    if (method instanceof AmqpMethod.ChannelClose) {
      return new Reply(new AmqpMethod.ChannelCloseOk());
    }
    if (method instanceof AmqpMethod.ChannelCloseOk || method instanceof AmqpMethod.ChannelFlowOk
        || method instanceof AmqpMethod.BasicPublish) {
      return Ignore.INSTANCE;
    }
    if (method.spec().className().equals("connection")) {
      return new Close(error(ReplyCode.UNEXPECTED_FRAME, "", method));
    }
    if (lavinMqServesWithoutChannel(method) || method instanceof AmqpMethod.ChannelOpen) {
      return notSimulated(method, 0);
    }
    return new Close(error(ReplyCode.CHANNEL_ERROR, "Channel 0 not open", method));
  }

  /** A content header or body frame on channel 0: RabbitMQ 505, LavinMQ drops it (no channel 0 to take it). */
  Answer contentOnChannelZero(Frame frame) {
    if (profile.isLavinMq()) {
      return Ignore.INSTANCE;
    }
    return new Close(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
        "content frame of type " + frame.type() + " on channel 0"));
  }

  /**
   * A frame other than {@code channel.open} for channel {@code n} (not 0) that is not open. RabbitMQ:
   * {@code 504 CHANNEL_ERROR - expected 'channel.open'}, a {@code close-ok} too (measured: after the
   * channel's close handshake, a second {@code close-ok} is 504). LavinMQ: publish, header and body frames and {@code close-ok}
   * are dropped, {@code channel.close} is answered with {@code close-ok}, anything it routes through a
   * channel is {@code 504 CHANNEL_ERROR - Channel n not open}; queue and exchange methods it performs
   * without answering, which brokersim does not simulate (540).
   */
  Answer frameOnClosedChannel(Frame frame) {
    AmqpMethod method = frame instanceof Frame.Method m ? m.method() : null;
    if (profile.isLavinMq()) {
      if (method == null || method instanceof AmqpMethod.BasicPublish || method instanceof AmqpMethod.ChannelCloseOk) {
        return Ignore.INSTANCE;
      }
      if (method instanceof AmqpMethod.ChannelClose) {
        return new Reply(new AmqpMethod.ChannelCloseOk());
      }
      if (lavinMqServesWithoutChannel(method)) {
        return notSimulated(method, frame.channel());
      }
      return new Close(error(ReplyCode.CHANNEL_ERROR, "Channel " + frame.channel() + " not open", method));
    }
    return new Close(error(ReplyCode.CHANNEL_ERROR, "expected 'channel.open'", method));
  }

  /**
   * {@code channel.close-ok} on an open channel that nobody asked to close. RabbitMQ: {@code 503
   * COMMAND_INVALID - unimplemented method} (20, 41). LavinMQ closes the channel without a word.
   */
  Answer unsolicitedCloseOk(AmqpMethod closeOk) {
    if (profile.isLavinMq()) {
      return CloseChannelQuietly.INSTANCE;
    }
    return new Close(error(ReplyCode.COMMAND_INVALID, "unimplemented method", closeOk));
  }

  /** What a body longer than its content header declared does (both brokers accept the frame). */
  BodyOverrun bodyOverrun() {
    return profile.isLavinMq() ? BodyOverrun.DROP_MESSAGE : BodyOverrun.WAIT_FOREVER;
  }

  /** Queue and exchange methods: LavinMQ handles them in the connection, whether the channel is open or not. */
  private static boolean lavinMqServesWithoutChannel(AmqpMethod method) {
    String cls = method.spec().className();
    return cls.equals("exchange") || cls.equals("queue");
  }

  private static Close notSimulated(AmqpMethod method, int channel) {
    return new Close(error(ReplyCode.NOT_IMPLEMENTED, method.name() + " on channel " + channel
        + ", which is not open, is not simulated by brokersim (LavinMQ performs it anyway)", method));
  }

  private static AmqpError error(ReplyCode code, String explanation, AmqpMethod method) {
    int classId = method == null ? 0 : method.classId();
    int methodId = method == null ? 0 : method.methodId();
    return new AmqpError(code, code.text(explanation), classId, methodId, true);
  }
}
