package io.brokersim.amqp.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Incremental frame decoder for one connection: feed it chunks of any size, get back the frames they
 * complete. A partial frame is never decoded or emitted; its octets stay in the decoder until the rest
 * arrives.
 *
 * <pre>
 *   READ_HEADER --7 octets: type known, size within frame-max--> READ_PAYLOAD
 *   READ_PAYLOAD --size + 1 octets, end octet 0xCE, payload parses--> READ_HEADER (frame emitted)
 *   any state --malformed input--> FAILED (terminal; every later feed returns the same error)
 * </pre>
 *
 * <p>The type and size are checked as soon as the 7 header octets arrive, so an oversized or unknown
 * frame fails before its payload is buffered. Buffered octets never exceed frame-max. Errors:
 * <ul>
 *   <li>501 FRAME_ERROR: unknown frame type, payload larger than frame-max - 8, a heartbeat with a
 *       payload, an end octet other than 0xCE, a method payload under 4 octets or a content header under
 *       14 (as RabbitMQ, which rejects frames it cannot even split into their fixed parts);
 *   <li>502 SYNTAX_ERROR: method arguments or content properties that are truncated, overlong or hold an
 *       unknown field value type (or the broker's own code and text for them, see {@link Dialect});
 *   <li>540 NOT_IMPLEMENTED: a class or method id the protocol does not define.
 * </ul>
 * Frames completed before the bad one in the same chunk are still returned.
 */
public final class FrameDecoder {

  /** Where the decoder is in the current frame. */
  public enum State {
    /** Waiting for the 7 octets of type, channel and size. */
    READ_HEADER,
    /** Header accepted; waiting for the payload and the end octet. */
    READ_PAYLOAD,
    /** Malformed input seen; terminal. */
    FAILED
  }

  /** The frames a chunk completed, and the error that stopped decoding, if any. */
  public record Result(List<Frame> frames, CodecError error) {

    public Result {
      frames = List.copyOf(frames);
    }

    /** True if decoding stopped at malformed input; {@link #error()} says why. */
    public boolean failed() {
      return error != null;
    }
  }

  private final Dialect dialect;
  private int frameMaxBytes;
  private State state = State.READ_HEADER;
  private CodecError error;
  private byte[] pending = new byte[Frame.HEADER_SIZE];
  private int pendingLength;
  private int frameType;
  private int channel;
  private int payloadSize;

  /** A decoder accepting frames of at most {@code frameMaxBytes} octets (header and end octet included). */
  public FrameDecoder(int frameMaxBytes) {
    this(frameMaxBytes, Dialect.SPEC);
  }

  /** A decoder that reports malformed arguments and properties as {@code dialect} does. */
  public FrameDecoder(int frameMaxBytes, Dialect dialect) {
    this.frameMaxBytes = checkFrameMax(frameMaxBytes);
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  /** The current frame-max. */
  public int frameMaxBytes() {
    return frameMaxBytes;
  }

  /** Changes frame-max for frames whose header has not arrived yet (after connection.tune-ok). */
  public void setFrameMaxBytes(int frameMaxBytes) {
    this.frameMaxBytes = checkFrameMax(frameMaxBytes);
  }

  /** The decoder's state. */
  public State state() {
    return state;
  }

  /** The error that failed the decoder, or null. */
  public CodecError error() {
    return error;
  }

  /** Octets of the current, incomplete frame held by the decoder. */
  public int bufferedBytes() {
    return state == State.READ_PAYLOAD ? Frame.HEADER_SIZE + pendingLength : pendingLength;
  }

  /** Decodes a chunk; see {@link #feed(ByteBuffer)}. */
  public Result feed(byte[] chunk) {
    return feed(ByteBuffer.wrap(chunk));
  }

  /**
   * Takes all remaining octets of {@code chunk} and returns the frames they complete. After a failure
   * the rest of the chunk, and every later chunk, is ignored.
   */
  public Result feed(ByteBuffer chunk) {
    return feed(chunk, Integer.MAX_VALUE);
  }

  /**
   * Like {@link #feed(ByteBuffer)}, but stops after {@code maxFrames} complete frames and leaves the
   * chunk's position at the first octet of the next one, so that the caller can act on a frame (a
   * {@code tune-ok} that changes frame-max) before the next header is checked.
   */
  public Result feed(ByteBuffer chunk, int maxFrames) {
    if (maxFrames < 1) {
      throw new IllegalArgumentException("maxFrames must be positive, was " + maxFrames);
    }
    List<Frame> frames = new ArrayList<>();
    while (state != State.FAILED && frames.size() < maxFrames) {
      if (state == State.READ_HEADER) {
        ByteBuffer header = take(chunk, Frame.HEADER_SIZE);
        if (header == null) {
          break;
        }
        acceptHeader(header);
      } else {
        ByteBuffer rest = take(chunk, payloadSize + 1);
        if (rest == null) {
          break;
        }
        Frame frame = completeFrame(rest);
        if (frame != null) {
          frames.add(frame);
          state = State.READ_HEADER;
        }
      }
    }
    if (state == State.FAILED) {
      chunk.position(chunk.limit());
    }
    return new Result(frames, error);
  }

  private void acceptHeader(ByteBuffer header) {
    frameType = header.get() & 0xFF;
    channel = header.getShort() & 0xFFFF;
    long size = header.getInt() & 0xFFFF_FFFFL;
    String where = " on channel " + channel;
    if (frameType != Frame.TYPE_METHOD && frameType != Frame.TYPE_HEADER
        && frameType != Frame.TYPE_BODY && frameType != Frame.TYPE_HEARTBEAT) {
      fail(CodecError.frameError("unknown frame type " + frameType + where));
    } else if (size > frameMaxBytes - Frame.OVERHEAD) {
      fail(CodecError.frameError("frame of type " + frameType + where + " has a " + size
          + "-octet payload, more than frame_max " + frameMaxBytes + " allows ("
          + (frameMaxBytes - Frame.OVERHEAD) + ")"));
    } else if (frameType == Frame.TYPE_HEARTBEAT && size != 0) {
      fail(CodecError.frameError("heartbeat frame" + where + " has a " + size + "-octet payload"));
    } else {
      payloadSize = (int) size;
      state = State.READ_PAYLOAD;
    }
  }

  /** Decodes a whole frame's payload and end octet, or fails and returns null. */
  private Frame completeFrame(ByteBuffer rest) {
    int end = rest.get(rest.position() + payloadSize) & 0xFF;
    if (end != Frame.FRAME_END) {
      fail(CodecError.frameError(String.format("frame of type %d on channel %d ends with 0x%02x, not 0xce",
          frameType, channel, end)));
      return null;
    }
    ByteBuffer payload = rest.slice(rest.position(), payloadSize);
    try {
      switch (frameType) {
        case Frame.TYPE_METHOD:
          if (payloadSize < 4) {
            fail(CodecError.frameError("method frame on channel " + channel + " has a " + payloadSize
                + "-octet payload, too short for class and method ids"));
            return null;
          }
          return new Frame.Method(channel, MethodCodec.decode(payload, dialect));
        case Frame.TYPE_HEADER:
          if (payloadSize < ContentHeaderCodec.FIXED_SIZE) {
            fail(CodecError.frameError("content header frame on channel " + channel + " has a "
                + payloadSize + "-octet payload, shorter than " + ContentHeaderCodec.FIXED_SIZE));
            return null;
          }
          return header(channel, payload);
        case Frame.TYPE_BODY:
          byte[] body = new byte[payloadSize];
          payload.get(body);
          return new Frame.Body(channel, ByteBuffer.wrap(body));
        default:
          return new Frame.Heartbeat(channel);
      }
    } catch (CodecException e) {
      fail(e.error());
      return null;
    }
  }

  /**
   * Decodes a content header. Under the RabbitMQ dialect a header whose properties do not decode still
   * arrives as a frame ({@link Frame.UndecodableHeader}), because RabbitMQ judges frame order before it ever
   * looks at the properties; the other dialects fail at once.
   */
  private Frame header(int channel, ByteBuffer payload) {
    try {
      return ContentHeaderCodec.decode(channel, payload, dialect);
    } catch (CodecException e) {
      if (dialect != Dialect.RABBITMQ) {
        throw e;
      }
      int classId = Short.toUnsignedInt(payload.getShort(payload.position()));
      long bodySize = payload.getLong(payload.position() + 4);
      byte[] octets = new byte[payload.remaining()];
      payload.duplicate().get(octets);
      return new Frame.UndecodableHeader(channel, classId, bodySize, ByteBuffer.wrap(octets), e.error());
    }
  }

  /**
   * The next {@code n} octets, taken straight from {@code chunk} when nothing is pending, else gathered
   * in the pending array; null (with the octets kept) if fewer than {@code n} have arrived so far.
   */
  private ByteBuffer take(ByteBuffer chunk, int n) {
    if (pendingLength == 0 && chunk.remaining() >= n) {
      ByteBuffer direct = chunk.slice(chunk.position(), n);
      chunk.position(chunk.position() + n);
      return direct;
    }
    if (pending.length < n) {
      pending = Arrays.copyOf(pending, Math.max(n, Math.min(2 * pending.length, frameMaxBytes)));
    }
    int copy = Math.min(n - pendingLength, chunk.remaining());
    chunk.get(pending, pendingLength, copy);
    pendingLength += copy;
    if (pendingLength < n) {
      return null;
    }
    pendingLength = 0;
    return ByteBuffer.wrap(pending, 0, n).slice();
  }

  private void fail(CodecError cause) {
    error = cause;
    state = State.FAILED;
    pendingLength = 0;
  }

  private static int checkFrameMax(int frameMaxBytes) {
    if (frameMaxBytes < Frame.FRAME_MIN_SIZE) {
      throw new IllegalArgumentException(
          "frameMaxBytes " + frameMaxBytes + " is below the protocol minimum " + Frame.FRAME_MIN_SIZE);
    }
    return frameMaxBytes;
  }
}
