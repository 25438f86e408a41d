package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.core.model.BasicProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately dumb AMQP client on a plain socket, built from the codec: it sends exactly the bytes a
 * test asks for, so tests can break the protocol on purpose and look at the server's answer.
 */
final class RawClient implements AutoCloseable {

  static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  private static final int READ_TIMEOUT_MILLIS = 5_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final FrameDecoder decoder = new FrameDecoder(1 << 20);
  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private FrameEncoder encoder = new FrameEncoder(Frame.FRAME_MIN_SIZE);

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawClient connect(int port) throws IOException {
    return new RawClient(new Socket("127.0.0.1", port));
  }

  /** A socket with a small receive buffer, for a consumer that stops reading. */
  static RawClient connectSlow(int port, int receiveBufferBytes) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBufferBytes);
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    return new RawClient(s);
  }

  /** Header, PLAIN guest/guest, tune-ok with the server's values and {@code heartbeat}, open "/". */
  RawClient handshake(int heartbeat) throws IOException {
    write(AMQP_0_9_1);
    AmqpMethod.ConnectionStart start = expect(0, AmqpMethod.ConnectionStart.class);
    assertEquals(0, start.versionMajor());
    assertEquals(9, start.versionMinor());
    send(0, startOk("PLAIN", LongString.of("\0guest\0guest")));
    AmqpMethod.ConnectionTune tune = expect(0, AmqpMethod.ConnectionTune.class);
    send(0, new AmqpMethod.ConnectionTuneOk(tune.channelMax(), tune.frameMax(), heartbeat));
    encoder = new FrameEncoder((int) tune.frameMax());
    send(0, new AmqpMethod.ConnectionOpen("/", "", false));
    expect(0, AmqpMethod.ConnectionOpenOk.class);
    return this;
  }

  static AmqpMethod.ConnectionStartOk startOk(String mechanism, LongString response) {
    Map<String, Object> caps = new LinkedHashMap<>();
    caps.put("authentication_failure_close", true);
    caps.put("consumer_cancel_notify", true);
    caps.put("connection.blocked", true);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("product", "RawClient");
    props.put("capabilities", caps);
    return new AmqpMethod.ConnectionStartOk(props, mechanism, response, "en_US");
  }

  RawClient openChannel(int channel) throws IOException {
    send(channel, new AmqpMethod.ChannelOpen(""));
    expect(channel, AmqpMethod.ChannelOpenOk.class);
    return this;
  }

  void send(int channel, AmqpMethod method) throws IOException {
    write(encoder.encodeMethod(channel, method));
  }

  void publish(int channel, String exchange, String routingKey, BasicProperties props, byte[] body)
      throws IOException {
    write(FrameEncoder.join(encoder.encodeContent(channel,
        new AmqpMethod.BasicPublish(0, exchange, routingKey, false, false), props, ByteBuffer.wrap(body))));
  }

  byte[] encode(Frame frame) {
    return encoder.encode(frame);
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame that is not a heartbeat. */
  Frame next() throws IOException {
    while (true) {
      Frame f = nextFrame();
      if (!(f instanceof Frame.Heartbeat)) {
        return f;
      }
    }
  }

  /** The next frame, heartbeats included; fails on end of stream or timeout. */
  Frame nextFrame() throws IOException {
    byte[] buf = new byte[8192];
    while (frames.isEmpty()) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no frame from the server within " + READ_TIMEOUT_MILLIS + "ms");
      }
      if (n < 0) {
        throw new AssertionError("the server closed the socket");
      }
      FrameDecoder.Result r = decoder.feed(Arrays.copyOf(buf, n));
      frames.addAll(r.frames());
      if (r.failed()) {
        fail("the server sent malformed frames: " + r.error());
      }
    }
    return frames.poll();
  }

  <M extends AmqpMethod> M expect(int channel, Class<M> type) throws IOException {
    Frame f = next();
    Frame.Method m = assertInstanceOf(Frame.Method.class, f, "expected " + type.getSimpleName());
    assertEquals(channel, m.channel(), "channel of " + m.method());
    return assertInstanceOf(type, m.method(), "on channel " + channel);
  }

  /** Expects connection.close, answers close-ok, and checks the server then closes the socket. */
  AmqpMethod.ConnectionClose expectConnectionClose() throws IOException {
    AmqpMethod.ConnectionClose close = expect(0, AmqpMethod.ConnectionClose.class);
    send(0, new AmqpMethod.ConnectionCloseOk());
    expectSocketClosed();
    return close;
  }

  /** Reads (and drops) until the server closes the socket; fails after the read timeout. */
  void expectSocketClosed() throws IOException {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the socket within " + READ_TIMEOUT_MILLIS + "ms");
    } catch (IOException e) {
      // A reset also counts as closed.
    }
  }

  /** Up to {@code n} raw octets the server sends before closing or the timeout. */
  byte[] readRaw(int n) throws IOException {
    byte[] buf = new byte[n];
    int got = 0;
    try {
      while (got < n) {
        int r = in.read(buf, got, n - got);
        if (r < 0) {
          break;
        }
        got += r;
      }
    } catch (SocketTimeoutException e) {
      // return what arrived
    }
    return Arrays.copyOf(buf, got);
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
