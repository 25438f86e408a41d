package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.CodecError;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Assembles the frames of one channel into commands (spec 4.2.6): a method that carries content is
 * complete only after its content header and as many body octets as the header declares.
 *
 * <pre>
 *   EXPECT_METHOD --method without content--> command
 *   EXPECT_METHOD --basic.publish--> EXPECT_HEADER --header, size 0--> command
 *                                    EXPECT_HEADER --header, size n--> EXPECT_BODY --n octets--> command
 *   EXPECT_BODY --body past the declared size--> OVERRUN (RabbitMQ: the message never completes;
 *                                                          body frames are swallowed)
 *                                             --> EXPECT_METHOD (LavinMQ: the message is dropped)
 *   any state --frame out of order, wrong class--> error (OVERRUN: any frame but a body)
 * </pre>
 *
 * Under the RabbitMQ profiles errors use RabbitMQ's texts and all are connection errors (505 UNEXPECTED_FRAME)
 * except a declared size above the maximum message size, which is the channel error 406 the brokers send
 * (§3.7). LavinMQ places content per channel instead: a header or body it cannot place, or a second publish
 * before the first is complete, closes the channel with 505 naming the frame's class, and a method without
 * content arriving between a publish and its content is performed while the publish stays pending. A body
 * longer than declared is no error in either broker ({@link WireRules#bodyOverrun()}). Body octets are collected
 * in the decoder's own arrays and joined once, at the end.
 */
final class ContentAssembler {

  /** What a frame completed. */
  sealed interface Step {}

  /** More frames are needed. */
  enum Incomplete implements Step { INSTANCE }

  /** A whole command; {@code properties} and {@code body} are null for methods without content. */
  record Command(AmqpMethod method, BasicProperties properties, byte[] body) implements Step {}

  /** The frame broke the content rules. */
  record Failure(AmqpError error) implements Step {}

  /** A body frame took the message past its declared size; the message is gone (LavinMQ's rule). */
  record Dropped(long declaredBytes, long receivedBytes) implements Step {}

  private enum State { EXPECT_METHOD, EXPECT_HEADER, EXPECT_BODY, OVERRUN }

  private final BrokerProfile profile;
  private final long maxBodyBytes;
  private final WireRules.BodyOverrun overrun;
  private final boolean lavinMq;
  private State state = State.EXPECT_METHOD;
  private AmqpMethod method;
  private BasicProperties properties;
  private long bodySize;
  private long received;
  private final List<ByteBuffer> fragments = new ArrayList<>();
  /** Why the current message's properties could not be decoded (RabbitMQ dialect only), or null. */
  private CodecError undecodable;

  ContentAssembler(BrokerProfile profile, long maxBodyBytes) {
    this.profile = profile;
    this.maxBodyBytes = maxBodyBytes;
    this.overrun = WireRules.of(profile).bodyOverrun();
    this.lavinMq = profile.isLavinMq();
  }

  /** True while a content-carrying method waits for its header or body. */
  boolean inContent() {
    return state != State.EXPECT_METHOD;
  }

  /** Takes the next frame of this channel (never a heartbeat). */
  Step accept(Frame frame) {
    return switch (state) {
      case EXPECT_METHOD -> expectMethod(frame);
      case EXPECT_HEADER -> expectHeader(frame);
      case EXPECT_BODY -> expectBody(frame);
      case OVERRUN -> overrun(frame);
    };
  }

  private Step expectMethod(Frame frame) {
    if (!(frame instanceof Frame.Method m)) {
      return lavinMq ? lavinMqUnexpected(frame) : unexpected(MethodRef.NONE,
          "expected method frame, got non method frame instead");
    }
    if (!m.method().hasContent()) {
      return new Command(m.method(), null, null);
    }
    method = m.method();
    state = State.EXPECT_HEADER;
    return Incomplete.INSTANCE;
  }

  private Step expectHeader(Frame frame) {
    if (lavinMq) {
      Step step = lavinMqBetweenFrames(frame);
      if (step != null) {
        return step;
      }
    }
    int classId;
    long size;
    if (frame instanceof Frame.ContentHeader h) {
      classId = h.classId();
      size = h.bodySize();
    } else if (frame instanceof Frame.UndecodableHeader u) {
      classId = u.classId();
      size = u.bodySize();
    } else {
      return unexpected(publishRef(), "expected content header for class " + method.classId()
          + ", got non content header frame instead");
    }
    if (classId != method.classId()) {
      return unexpected(publishRef(), "expected content header for class " + method.classId() + ", got one for class "
          + classId + " instead");
    }
    if (frame instanceof Frame.UndecodableHeader u && (size < 0 || size > maxBodyBytes)) {
      // Without a usable size the body frames cannot be counted: the decoding error is all there is to say.
      reset();
      return new Failure(u.error().toConnectionError());
    }
    if (size > maxBodyBytes) {
      AmqpError tooLarge = messageTooLarge(size);
      reset();
      return new Failure(tooLarge);
    }
    properties = frame instanceof Frame.ContentHeader h ? h.properties() : null;
    undecodable = frame instanceof Frame.UndecodableHeader u ? u.error() : null;
    bodySize = size;
    received = 0;
    if (bodySize == 0) {
      return complete();
    }
    state = State.EXPECT_BODY;
    return Incomplete.INSTANCE;
  }

  private Step expectBody(Frame frame) {
    if (lavinMq && !(frame instanceof Frame.Body)) {
      return lavinMqBetweenFrames(frame); // never null here: no header is expected any more
    }
    if (!(frame instanceof Frame.Body b)) {
      return unexpected(publishRef(), "expected content body, got non content body frame instead");
    }
    ByteBuffer payload = b.payload();
    received += payload.remaining();
    if (received > bodySize) {
      if (overrun == WireRules.BodyOverrun.DROP_MESSAGE) {
        Dropped dropped = new Dropped(bodySize, received);
        reset();
        return dropped;
      }
      // RabbitMQ counts the remaining size below zero, where it never reaches zero again.
      fragments.clear();
      state = State.OVERRUN;
      return Incomplete.INSTANCE;
    }
    fragments.add(payload);
    return received == bodySize ? complete() : Incomplete.INSTANCE;
  }

  private Step overrun(Frame frame) {
    if (frame instanceof Frame.Body) {
      return Incomplete.INSTANCE;
    }
    return unexpected(publishRef(), "expected content body, got non content body frame instead");
  }

  private Step complete() {
    if (undecodable != null) {
      // The message is whole; RabbitMQ's channel now decodes the properties, fails, and the connection closes.
      AmqpError error = undecodable.toConnectionError();
      reset();
      return new Failure(error);
    }
    byte[] body = new byte[(int) bodySize];
    int offset = 0;
    for (ByteBuffer f : fragments) {
      int n = f.remaining();
      f.get(body, offset, n);
      offset += n;
    }
    Command c = new Command(method, properties, body);
    reset();
    return c;
  }

  private void reset() {
    state = State.EXPECT_METHOD;
    method = null;
    properties = null;
    undecodable = null;
    fragments.clear();
    bodySize = 0;
    received = 0;
  }

  /**
   * LavinMQ while a publish waits for its header: a method without content is simply performed (the pending
   * publish stays pending), another publish, a body, or a header of another class closes the channel. Null
   * when the frame is the header LavinMQ expects.
   */
  private Step lavinMqBetweenFrames(Frame frame) {
    if (frame instanceof Frame.Method m) {
      return m.method().hasContent() ? lavinMqUnexpected(frame) : new Command(m.method(), null, null);
    }
    boolean expectedHeader = state == State.EXPECT_HEADER && frame instanceof Frame.ContentHeader h
        && h.classId() == method.classId();
    return expectedHeader ? null : lavinMqUnexpected(frame);
  }

  /**
   * LavinMQ's answer to a content frame it cannot place: a channel close 505 whose text names the frame's
   * class in LavinMQ's protocol library, with the method's ids for a publish and 0/0 otherwise.
   */
  private Failure lavinMqUnexpected(Frame frame) {
    reset();
    String name;
    MethodRef ref = MethodRef.NONE;
    if (frame instanceof Frame.Method) {
      name = "AMQ::Protocol::Frame::Basic::Publish";
      ref = MethodRef.BASIC_PUBLISH;
    } else if (frame instanceof Frame.Body) {
      name = "AMQ::Protocol::Frame::Body";
    } else {
      name = "AMQ::Protocol::Frame::Header";
    }
    return new Failure(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, ref, name).channelScoped());
  }

  private MethodRef publishRef() {
    return method instanceof AmqpMethod.BasicPublish ? MethodRef.BASIC_PUBLISH : MethodRef.NONE;
  }

  private Failure unexpected(MethodRef ref, String explanation) {
    reset();
    return new Failure(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, ref, explanation));
  }

  /** 406 PRECONDITION_FAILED with the profile's wording (§3.7); closes the channel only. */
  private AmqpError messageTooLarge(long size) {
    String text = profile.isLavinMq()
        ? "message size " + size + " larger than max size " + maxBodyBytes
        : "message size " + size + " is larger than configured max size " + maxBodyBytes;
    return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.BASIC_PUBLISH, text);
  }
}
