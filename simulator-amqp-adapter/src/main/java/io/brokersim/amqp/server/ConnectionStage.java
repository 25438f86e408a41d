package io.brokersim.amqp.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One AMQP 0-9-1 connection as a stream stage between the socket's bytes in and out. The stage is the
 * connection's lifecycle and its ports; each role is a class of its own: the opening handshake
 * ({@link Negotiation}), the channels ({@link ChannelTable}), the heartbeat clock ({@link HeartbeatClock}),
 * the write path ({@link OutboundPump}) and the wire fault rules ({@link WireFaults}, {@link InboundFaults}).
 *
 * <pre>
 *   HANDSHAKE -> CONNECTING -> RUNNING -> CLIENT_CLOSING -+-> stage completes
 *       |            |           |                       |
 *       +------------+-----------+-> SERVER_CLOSING -----+
 *   (an unsupported header, a LavinMQ mechanism refusal or a login without authentication_failure_close
 *    go straight to FINISHING: flush, then close the socket)
 * </pre>
 *
 * <p>Inbound, each chunk goes through the {@link FrameDecoder} (which keeps partial frames until they
 * complete), then frame by frame to the handshake, the connection or the channel table. Outbound, the
 * broker's actors call the {@link WireSink} on their own threads; it encodes and appends to the
 * {@link OutboundQueue}, and the pump drains the queue into the socket as fast as the socket takes it.
 *
 * <p>The stage's fields are touched only by the stage itself (its callbacks run one at a time); other
 * threads reach it through {@link ConnectionEvent}s.
 */
final class ConnectionStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  /**
   * A handshake stops counting toward max-concurrent-handshakes after this long even if it has not
   * finished, so that idle or slow clients can only slow new connections down, never stop them.
   */
  static final Duration PACING_HOLD = Duration.ofSeconds(1);
  private final Inlet<ByteString> in = Inlet.create("AmqpConnection.in");
  private final Outlet<ByteString> out = Outlet.create("AmqpConnection.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final ServerContext server;
  private final InetSocketAddress remote;
  /** The server's end of the socket, for the management view (null when not known). */
  private final InetSocketAddress local;
  private final CompletableFuture<Void> handshakeOver;

  /**
   * {@code handshakeOver} completes when connection.open-ok is sent, the connection ends or
   * {@link #PACING_HOLD} has passed, whichever is first.
   */
  ConnectionStage(ServerContext server, InetSocketAddress remote, InetSocketAddress local,
      CompletableFuture<Void> handshakeOver) {
    this.server = server;
    this.remote = remote;
    this.local = local;
    this.handshakeOver = handshakeOver;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new ConnectionLogic(this);
  }

  Inlet<ByteString> in() {
    return in;
  }

  Outlet<ByteString> out() {
    return out;
  }

  ServerContext server() {
    return server;
  }

  InetSocketAddress remote() {
    return remote;
  }

  InetSocketAddress local() {
    return local;
  }

  CompletableFuture<Void> handshakeOver() {
    return handshakeOver;
  }
}
