package io.brokersim.e2e;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.core.model.BasicProperties;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bare AMQP 0-9-1 connection on a socket, built from the adapter's codec, for input no real client
 * would send: broken frames, messages cut off in the middle, sockets dropped without a close. It reads
 * only during the handshake and in {@link #closeAndCollect()}.
 */
final class RawAmqp implements AutoCloseable {

  private static final byte[] HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  private static final int FRAME_MAX = 131072;
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final int QUIET_MILLIS = 500;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final FrameDecoder decoder = new FrameDecoder(FRAME_MAX);
  private final List<Frame> received = new ArrayList<>();
  private final FrameEncoder encoder = new FrameEncoder(FRAME_MAX);

  private RawAmqp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects, logs in as guest and opens channel 1; the handshake's replies are read and dropped. */
  static RawAmqp open(int port) throws IOException {
    RawAmqp c = new RawAmqp(new Socket("127.0.0.1", port));
    c.write(HEADER);
    c.await(AmqpMethod.ConnectionStart.class);
    c.send(0, new AmqpMethod.ConnectionStartOk(Map.of("product", "RawAmqp"), "PLAIN",
        LongString.of("\0guest\0guest"), "en_US"));
    AmqpMethod.ConnectionTune tune = c.await(AmqpMethod.ConnectionTune.class);
    c.send(0, new AmqpMethod.ConnectionTuneOk(tune.channelMax(), FRAME_MAX, 0));
    c.send(0, new AmqpMethod.ConnectionOpen("/", "", false));
    c.await(AmqpMethod.ConnectionOpenOk.class);
    c.send(1, new AmqpMethod.ChannelOpen(""));
    c.await(AmqpMethod.ChannelOpenOk.class);
    return c;
  }

  void send(int channel, AmqpMethod method) throws IOException {
    write(encoder.encodeMethod(channel, method));
  }

  /** The frames of a whole basic.publish on channel 1. */
  byte[] publishFrames(String exchange, String routingKey, byte[] body) {
    return FrameEncoder.join(encoder.encodeContent(1, new AmqpMethod.BasicPublish(0, exchange, routingKey, false,
        false), BasicProperties.EMPTY, ByteBuffer.wrap(body)));
  }

  void write(byte[] octets) throws IOException {
    out.write(octets);
    out.flush();
  }

  /**
   * Ends the connection with a connection.close of its own and returns every frame the server sent until
   * it closed the socket: the answers to what was written before, then the close handshake. If the
   * server's framing was broken by what was written, it never reads our close; after half a second of
   * silence the socket is half-closed, which the server must answer by closing.
   */
  List<Frame> closeAndCollect() throws IOException {
    send(0, new AmqpMethod.ConnectionClose(200, "bye", 0, 0));
    socket.setSoTimeout(QUIET_MILLIS);
    byte[] buf = new byte[16 * 1024];
    boolean halfClosed = false;
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        if (halfClosed) {
          throw new AssertionError("the server did not close the socket within " + READ_TIMEOUT_MILLIS + " ms");
        }
        socket.shutdownOutput();
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        halfClosed = true;
        continue;
      } catch (IOException e) {
        break; // a reset ends the stream too
      }
      if (n < 0) {
        break;
      }
      for (Frame f : decoder.feed(ByteBuffer.wrap(buf, 0, n)).frames()) {
        received.add(f);
        if (!halfClosed && f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ConnectionClose) {
          send(0, new AmqpMethod.ConnectionCloseOk());
        }
      }
    }
    return List.copyOf(received);
  }

  /** Drops the connection without a close: what is written so far reaches the server, then EOF. */
  void drop() throws IOException {
    socket.shutdownOutput();
    socket.close();
  }

  /** The connection.close among the frames, or null. */
  static AmqpMethod.ConnectionClose connectionClose(List<Frame> frames) {
    for (Frame f : frames) {
      if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ConnectionClose c) {
        return c;
      }
    }
    return null;
  }

  private <M extends AmqpMethod> M await(Class<M> type) throws IOException {
    byte[] buf = new byte[8192];
    while (true) {
      for (Frame f : received) {
        if (f instanceof Frame.Method m && type.isInstance(m.method())) {
          received.clear();
          return type.cast(m.method());
        }
      }
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("closed while waiting for " + type.getSimpleName() + ": " + received);
      }
      FrameDecoder.Result r = decoder.feed(ByteBuffer.wrap(buf, 0, n));
      received.addAll(r.frames());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
