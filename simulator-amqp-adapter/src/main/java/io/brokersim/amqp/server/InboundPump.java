package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.CodecError;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.pekko.util.ByteString;

/**
 * The read side of one connection: bytes from the socket through the {@link FrameDecoder} (which keeps
 * partial frames until they complete), through the {@code frame-read} rules while one is armed
 * ({@link InboundFaults}), to the connection's frame handling; and when to read the socket again. Reading
 * pauses while the memory alarm holds a publisher, stops for good when a rule makes the socket half-open,
 * and goes one slice per tick while a rule throttles it.
 */
final class InboundPump {

  static final String THROTTLE_TIMER = "inbound-throttle";

  /** What the pump needs from its connection stage. */
  interface Port {
    /** The socket can be asked for more bytes (not closed, not asked already). */
    boolean canPull();

    void pull();

    void schedule(String timerKey, Duration after);

    /** True while the handshake has not handled tune-ok: frames are decoded one at a time. */
    boolean beforeTuning();

    /** True once the connection reads nothing more (finishing, or the socket closed for writing). */
    boolean readingOver();

    /** A frame that passed. */
    void frame(Frame f);

    void codecError(CodecError error);

    /** True while the memory alarm is on. */
    boolean alarmOn();
  }

  private final FrameDecoder decoder;
  private final InboundFaults faults;
  private final Port port;
  private boolean blockAfterChunk;
  private boolean suspended;
  private boolean halted;
  private boolean throttled;
  private long bytesPerSecond;
  private ByteString backlog = ByteString.emptyByteString();

  InboundPump(FrameDecoder decoder, InboundFaults faults, Port port) {
    this.decoder = decoder;
    this.faults = faults;
    this.port = port;
  }

  /** A chunk from the socket. */
  void onBytes(ByteString chunk) {
    if (bytesPerSecond > 0) {
      // Throttled: the chunk is read one slice per tick, and the socket is not read again until it is done.
      backlog = backlog.concat(chunk);
      slice();
      return;
    }
    read(chunk);
    pullIfReading();
  }

  private void slice() {
    int n = (int) Math.min(backlog.size(), Math.max(1, bytesPerSecond / 10));
    ByteString now = backlog.take(n);
    backlog = backlog.drop(n);
    throttled = true;
    port.schedule(THROTTLE_TIMER, OutboundPump.THROTTLE_TICK);
    read(now);
  }

  /** The throttle's tick: the next slice, or read the socket again. */
  void onTimer() {
    throttled = false;
    if (!backlog.isEmpty() && !port.readingOver()) {
      slice();
    } else {
      pullIfReading();
    }
  }

  /** Decodes and hands over a chunk's frames; the memory alarm may hold the reading after it. */
  private void read(ByteString chunk) {
    decode(chunk);
    if (blockAfterChunk && port.alarmOn()) {
      // A publisher while the memory alarm is on: stop reading until it clears (RabbitMQ's rule).
      suspended = true;
    }
    blockAfterChunk = false;
  }

  void pullIfReading() {
    if (!suspended && !halted && !throttled && port.canPull()) {
      port.pull();
    }
  }

  private void decode(ByteString chunk) {
    ByteBuffer bytes = chunk.asByteBuffer();
    // Until tune-ok is handled, decode one frame at a time: frames pipelined behind it must be checked
    // against the frame_max it negotiates, not against the handshake's 4096.
    while (port.beforeTuning() && bytes.hasRemaining() && decodeSome(bytes, 1)) {
      // next frame
    }
    if (bytes.hasRemaining()) {
      decodeSome(bytes, Integer.MAX_VALUE);
    }
  }

  /** Decodes up to {@code maxFrames} frames from {@code bytes} and handles them; false to stop reading. */
  private boolean decodeSome(ByteBuffer bytes, int maxFrames) {
    if (decoder.state() == FrameDecoder.State.FAILED) {
      bytes.position(bytes.limit());
      return false;
    }
    FrameDecoder.Result r = decoder.feed(bytes, maxFrames);
    for (Frame f : r.frames()) {
      if (port.readingOver()) {
        bytes.position(bytes.limit());
        return false;
      }
      if (faults.active()) {
        faults.accept(f);
      } else {
        port.frame(f);
      }
    }
    if (r.failed() && !port.readingOver()) {
      port.codecError(r.error());
    }
    return !r.failed() && !r.frames().isEmpty();
  }

  /** A publish arrived while the memory alarm is on: stop reading after this chunk. */
  void blockAfterChunk() {
    blockAfterChunk = true;
  }

  /** True while the memory alarm holds the reading (silence is then not the client's). */
  boolean suspended() {
    return suspended;
  }

  /** Read again (the alarm cleared, or the server is closing and must see the close-ok). */
  void resume() {
    suspended = false;
    pullIfReading();
  }

  /** Half-open from the client: the socket is never read again. */
  void halt() {
    halted = true;
  }

  /** At most {@code rate} octets a second from now on. */
  void throttle(long rate) {
    bytesPerSecond = rate;
  }
}
