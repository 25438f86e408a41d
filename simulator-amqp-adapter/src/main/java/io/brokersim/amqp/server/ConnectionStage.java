package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.CodecError;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.amqp.codec.ProtocolHeader;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ClientMethod;
import io.brokersim.core.actor.ClientOrigin;
import io.brokersim.core.actor.ClientSink;
import io.brokersim.core.actor.ConnectionActor;
import io.brokersim.core.actor.Outbound;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP 0-9-1 connection as a stream stage between the socket's bytes in and out: protocol header,
 * SASL, tune and open (semantics §6), then frames to the broker's connection and channel actors and the
 * broker's methods back to frames.
 *
 * <pre>
 *   HEADER -> START_OK -> TUNE_OK -> OPEN -> CONNECTING -> RUNNING -> CLIENT_CLOSING -+
 *      |          |           |        |         |            |                       +-> stage completes
 *      +----------+-----------+--------+---------+------------+-> SERVER_CLOSING -----+
 *   (an unsupported header, a LavinMQ mechanism refusal or a login without authentication_failure_close
 *    go straight to FINISHING: flush, then close the socket)
 * </pre>
 *
 * <p>Inbound, each chunk goes through the {@link FrameDecoder} (which keeps partial frames until they
 * complete), then per channel through a {@link ContentAssembler}; whole commands go to the channel actor
 * in arrival order. Outbound, the broker's actors call the {@link ClientSink} on their own threads; it
 * encodes and appends to the {@link OutboundQueue}, and this stage drains the queue into the socket as
 * fast as the socket takes it. Above the high watermark the connection's channels get
 * {@link ChannelActor.Backpressure}(true), below the low one (false).
 *
 * <p>The stage's fields are touched only by the stage itself (its callbacks run one at a time); other
 * threads reach it through {@link ConnectionEvent}s.
 */
final class ConnectionStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionStage.class);

  private static final String HANDSHAKE_TIMER = "handshake";
  private static final String CLOSE_TIMER = "close";
  private static final String HEARTBEAT_TIMER = "heartbeat";
  private static final String PACING_TIMER = "pacing";
  private static final String HELD_TIMER = "held";
  /**
   * A handshake stops counting toward max-concurrent-handshakes after this long even if it has not
   * finished, so that idle or slow clients can only slow new connections down, never stop them.
   */
  static final Duration PACING_HOLD = Duration.ofSeconds(1);
  /** After malformed input the server waits this long for the connection.close to go out, then closes. */
  private static final Duration CODEC_ERROR_CLOSE_DELAY = Duration.ofMillis(100);

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
    return new Logic();
  }

  private enum Phase { HEADER, START_OK, TUNE_OK, OPEN, CONNECTING, RUNNING, CLIENT_CLOSING, SERVER_CLOSING, FINISHING }

  /** Where a channel is, as the client sees it. */
  private enum ChannelState {
    /** channel.open sent to the connection actor; frames wait for the channel actor. */
    OPENING,
    /** channel.open for a number whose previous channel actor has not stopped yet; see ChannelWatcher. */
    REOPEN_WAIT,
    OPEN,
    /** The client sent channel.close and waits for close-ok. */
    CLIENT_CLOSING,
    /** The server sent channel.close; only close and close-ok count until the client answers. */
    SERVER_CLOSING,
    /** Closed for the client; kept until the channel actor has stopped. */
    ENDED
  }

  private static final class ChannelSlot {
    final int number;
    final ContentAssembler assembler;
    final ArrayDeque<Frame> pending = new ArrayDeque<>();
    ChannelState state;
    ActorRef<ChannelActor.Command> ref;
    ActorRef<ChannelActor.Command> previous;
    boolean actorGone;
    boolean adapterClose;

    ChannelSlot(int number, ChannelState state, ContentAssembler assembler) {
      this.number = number;
      this.state = state;
      this.assembler = assembler;
    }

    boolean counts() {
      return state != ChannelState.ENDED;
    }
  }

  private final class Logic extends TimerGraphStageLogic implements ServerContext.Connection {
    private final ServerSettings settings = server.settings;
    private final OutboundQueue queue = new OutboundQueue();
    private final AsyncCallback<ConnectionEvent> events = createAsyncCallback(this::onEvent);
    private final Consumer<Boolean> alarmListener = on -> events.invoke(new ConnectionEvent.AlarmChanged(on));
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final FrameDecoder decoder = new FrameDecoder(server.profile.frameMaxMinimum(), server.rules.dialect());
    private final Map<Integer, ChannelSlot> channels = new HashMap<>();
    private final Map<Integer, Integer> closeOksToSwallow = new HashMap<>();
    private final ArrayDeque<Frame> connectingBuffer = new ArrayDeque<>();

    private Phase phase = Phase.HEADER;
    private ByteString headerBytes = ByteString.emptyByteString();
    private FrameWriter writer = new FrameWriter(Frame.FRAME_MIN_SIZE);
    private WireSink sink;
    private ActorRef<ConnectionActor.Command> connection;
    private String connectionId;
    private String user;
    private String clientName;
    private Map<String, Object> clientProperties = Map.of();
    private String authMechanism;
    private boolean cancelNotify;
    private boolean blockedCapable;
    private boolean authFailureClose;
    private int channelMax;
    private int heartbeatSeconds;
    private long lastReadNanos = System.nanoTime();
    private long lastWriteNanos = System.nanoTime();
    private boolean finishWhenDrained;
    private boolean slowedDown;
    private boolean alarmOn;
    private boolean blockedSent;
    private boolean blockAfterChunk;
    private boolean readingSuspended;
    private boolean peerFinished;
    private boolean closeQueued;
    private String cutReason;

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          onBytes(grab(in));
        }

        @Override
        public void onUpstreamFinish() {
          String reason = decoder.bufferedBytes() > 0
              ? "client closed the socket in the middle of a frame (" + decoder.bufferedBytes() + " octets)"
              : "client closed the socket";
          if (phase == Phase.SERVER_CLOSING) {
            // The client stopped writing right after input we refuse: our connection.close, which the
            // broker may not have handed over yet, still goes out before the socket closes.
            cutReason = reason;
            peerFinished = true;
            if (closeQueued) {
              finishAfterFlush();
            }
            return;
          }
          if ((phase == Phase.RUNNING || phase == Phase.CONNECTING) && framesHeld()) {
            // Everything the client wrote before closing reaches the broker first (a publish sent right
            // after channel.open-ok must not vanish): the cut waits until the held frames are handed over.
            cutReason = reason;
            peerFinished = true;
            scheduleOnce(HELD_TIMER, settings.closeTimeout());
            return;
          }
          transportGone(reason);
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
          transportGone("socket error: " + ex.getMessage());
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          drain();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
          transportGone("socket closed for writing");
        }
      });
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void preStart() {
      server.register(this);
      alarmOn = server.alarm.subscribe(alarmListener);
      scheduleOnce(HANDSHAKE_TIMER, settings.handshakeTimeout());
      scheduleOnce(PACING_TIMER, PACING_HOLD);
      pull(in);
    }

    @Override
    public void postStop() {
      handshakeOver.complete(null);
      server.alarm.unsubscribe(alarmListener);
      server.unregister(this);
      if (sink != null) {
        sink.transportClosed(cutReason != null ? cutReason : "connection stage stopped");
      }
      stopped.complete(null);
    }

    @Override
    public void shutdown() {
      events.invoke(ConnectionEvent.Shutdown.INSTANCE);
    }

    @Override
    public CompletableFuture<Void> stopped() {
      return stopped;
    }

    @Override
    public long peakOutboundBytes() {
      return queue.peakBytes();
    }

    /** The socket is gone (or must go): cut the broker connection if there is one, and stop. */
    private void transportGone(String reason) {
      if (cutReason == null) {
        cutReason = reason;
      }
      if (phase.ordinal() < Phase.RUNNING.ordinal()) {
        log.info("{}: closed during the handshake (waiting for {}): {}", describe(), awaited(), reason);
      } else if (phase == Phase.RUNNING) {
        log.info("{}: connection lost (client '{}', user '{}'): {}", describe(), clientName, user, reason);
      } else if (log.isDebugEnabled()) {
        log.debug("{} {}: {}", describe(), phase, reason);
      }
      completeStage();
    }

    /** What the handshake is waiting for, in the client's terms. */
    private String awaited() {
      return switch (phase) {
        case HEADER -> "the protocol header";
        case START_OK -> "connection.start-ok";
        case TUNE_OK -> "connection.tune-ok";
        case OPEN -> "connection.open";
        default -> "the broker to open the connection";
      };
    }

    /** Write what is queued, then close the socket; nothing more is read. */
    private void finishAfterFlush() {
      phase = Phase.FINISHING;
      finishWhenDrained = true;
      drain();
    }

    private String describe() {
      return (connectionId != null ? connectionId : "connection") + " from " + remote;
    }

    // ------------------------------------------------------------------ inbound

    private void onBytes(ByteString chunk) {
      lastReadNanos = System.nanoTime();
      if (phase == Phase.HEADER) {
        readHeader(chunk);
      } else if (phase != Phase.FINISHING) {
        decode(chunk);
      }
      if (blockAfterChunk && alarmOn) {
        // A publisher while the memory alarm is on: stop reading until it clears (RabbitMQ's rule).
        readingSuspended = true;
      }
      blockAfterChunk = false;
      pullIfReading();
    }

    private void pullIfReading() {
      if (!readingSuspended && !isClosed(in) && !hasBeenPulled(in)) {
        pull(in);
      }
    }

    private void readHeader(ByteString chunk) {
      headerBytes = headerBytes.concat(chunk);
      if (headerBytes.size() < ProtocolHeader.SIZE) {
        return;
      }
      byte[] header = headerBytes.take(ProtocolHeader.SIZE).toArray();
      ByteString rest = headerBytes.drop(ProtocolHeader.SIZE);
      headerBytes = ByteString.emptyByteString();
      if (!Handshake.accepts(header)) {
        byte[] reply = Handshake.unsupportedHeaderReply(server.profile, header);
        log.info("{}: unsupported protocol header {}, answered {} and closed", describe(), Handshake.describe(header),
            Handshake.describe(reply));
        enqueue(0, ByteString.fromArrayUnsafe(reply));
        finishAfterFlush();
        return;
      }
      phase = Phase.START_OK;
      enqueue(0, writer.method(0, Handshake.connectionStart(server.profile, settings)));
      if (!rest.isEmpty()) {
        decode(rest);
      }
    }

    private void decode(ByteString chunk) {
      ByteBuffer bytes = chunk.asByteBuffer();
      // Until tune-ok is handled, decode one frame at a time: frames pipelined behind it must be checked
      // against the frame_max it negotiates, not against the handshake's 4096.
      while (phase.ordinal() < Phase.OPEN.ordinal() && bytes.hasRemaining() && decodeSome(bytes, 1)) {
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
        if (phase == Phase.FINISHING || isClosed(out)) {
          bytes.position(bytes.limit());
          return false;
        }
        onFrame(f);
      }
      if (r.failed() && phase != Phase.FINISHING) {
        onCodecError(r.error());
      }
      return !r.failed() && !r.frames().isEmpty();
    }

    private void onCodecError(CodecError e) {
      log.info("{}: malformed input: {}", describe(), e.text());
      AmqpError error = e.toConnectionError();
      if (phase == Phase.SERVER_CLOSING || phase == Phase.CLIENT_CLOSING) {
        return;
      }
      protocolError(error);
      // The frame boundaries are lost, so the client's close-ok could not be read anyway: give the
      // connection.close a moment to be written, then close.
      scheduleOnce(CLOSE_TIMER, CODEC_ERROR_CLOSE_DELAY);
    }

    private void onFrame(Frame f) {
      if (f instanceof Frame.Heartbeat h) {
        if (h.channel() != 0 && phase != Phase.SERVER_CLOSING) {
          protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
              "heartbeat frame on channel " + h.channel() + "; heartbeats belong on channel 0"));
        }
        return;
      }
      switch (phase) {
        case START_OK, TUNE_OK, OPEN -> handshakeFrame(f);
        case CONNECTING -> {
          if (connectingBuffer.size() >= settings.maxFramesBeforeOpen()) {
            protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
                "more than " + settings.maxFramesBeforeOpen() + " frames before connection.open-ok"));
          } else {
            connectingBuffer.add(f);
          }
        }
        case RUNNING -> runningFrame(f);
        case CLIENT_CLOSING -> {
          if (isConnectionMethod(f, AmqpMethod.ConnectionCloseOk.class)) {
            connection.tell(ConnectionActor.CloseOk.INSTANCE);
          }
        }
        case SERVER_CLOSING -> closingFrame(f);
        default -> { }
      }
    }

    private boolean isConnectionMethod(Frame f, Class<? extends AmqpMethod> type) {
      return f.channel() == 0 && f instanceof Frame.Method m && type.isInstance(m.method());
    }

    // ------------------------------------------------------------------ handshake

    private void handshakeFrame(Frame f) {
      if (!(f instanceof Frame.Method m) || f.channel() != 0) {
        protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
            "frame of type " + f.type() + " on channel " + f.channel() + " before connection.open-ok"));
        return;
      }
      AmqpMethod method = m.method();
      if (method instanceof AmqpMethod.ConnectionClose) {
        enqueue(0, writer.method(0, new AmqpMethod.ConnectionCloseOk()));
        finishAfterFlush();
        return;
      }
      switch (phase) {
        case START_OK -> {
          if (method instanceof AmqpMethod.ConnectionStartOk s) {
            onStartOk(s);
          } else {
            unexpectedInHandshake("connection.start-ok", method);
          }
        }
        case TUNE_OK -> {
          if (method instanceof AmqpMethod.ConnectionTuneOk t) {
            onTuneOk(t);
          } else {
            unexpectedInHandshake("connection.tune-ok", method);
          }
        }
        default -> {
          if (method instanceof AmqpMethod.ConnectionOpen o) {
            onOpen(o);
          } else {
            unexpectedInHandshake("connection.open", method);
          }
        }
      }
    }

    private void unexpectedInHandshake(String expected, AmqpMethod got) {
      protocolError(new AmqpError(ReplyCode.COMMAND_INVALID,
          ReplyCode.COMMAND_INVALID.text("expected '" + expected + "', got '" + got.name() + "'"), got.classId(),
          got.methodId(), true));
    }

    private void onStartOk(AmqpMethod.ConnectionStartOk s) {
      Map<String, Object> props = s.clientProperties() == null ? Map.of() : s.clientProperties();
      clientProperties = props;
      authMechanism = s.mechanism();
      Object caps = props.get("capabilities");
      if (caps instanceof Map<?, ?> c) {
        cancelNotify = Boolean.TRUE.equals(c.get("consumer_cancel_notify"));
        blockedCapable = Boolean.TRUE.equals(c.get("connection.blocked"));
        authFailureClose = Boolean.TRUE.equals(c.get("authentication_failure_close"));
      }
      Object name = props.get("connection_name");
      clientName = name instanceof String n && !n.isEmpty() ? n : remote.getAddress().getHostAddress() + ":"
          + remote.getPort();
      String mechanism = s.mechanism();
      if (!server.mechanisms.contains(mechanism)) {
        AmqpError refusal = Handshake.unknownMechanism(server.profile, mechanism);
        log.info("{}: mechanism '{}' not offered", describe(), mechanism);
        if (refusal == null) {
          finishAfterFlush();
        } else {
          protocolError(refusal);
        }
        return;
      }
      Optional<String> login = server.login.authenticate(mechanism, s.response(), remote.getAddress());
      if (login.isEmpty()) {
        log.info("{}: login refused ({})", describe(), mechanism);
        if (authFailureClose) {
          protocolError(Handshake.loginRefused(server.profile, mechanism));
        } else {
          finishAfterFlush();
        }
        return;
      }
      user = login.get();
      phase = Phase.TUNE_OK;
      enqueue(0, writer.method(0, Handshake.tune(settings)));
    }

    private void onTuneOk(AmqpMethod.ConnectionTuneOk t) {
      AmqpError refused = Handshake.checkTuneOk(server.profile, settings, t);
      if (refused != null) {
        protocolError(refused);
        return;
      }
      int frameMax = (int) t.frameMax();
      channelMax = t.channelMax();
      heartbeatSeconds = t.heartbeat();
      decoder.setFrameMaxBytes(frameMax);
      writer = new FrameWriter(frameMax);
      if (heartbeatSeconds > 0) {
        Duration tick = Duration.ofMillis(Math.max(100, heartbeatSeconds * 1000L / 2));
        scheduleWithFixedDelay(HEARTBEAT_TIMER, tick, tick);
      }
      phase = Phase.OPEN;
    }

    private void onOpen(AmqpMethod.ConnectionOpen o) {
      var vhost = server.broker.findVhost(o.virtualHost());
      var permissions = vhost.isEmpty() ? null : server.login.permissions(user, o.virtualHost()).orElse(null);
      if (vhost.isEmpty() || permissions == null) {
        protocolError(vhost.isEmpty() ? Handshake.vhostNotFound(server.profile, o.virtualHost())
            : Handshake.vhostRefused(server.profile, o.virtualHost(), user));
        return;
      }
      phase = Phase.CONNECTING;
      sink = new WireSink(writer, queue, events::invoke);
      vhost.get().tell(new VhostActor.Connect(clientName, user, cancelNotify, sink, origin(), permissions));
    }

    /** Where this client comes from and what it negotiated, for the broker's management view. */
    private ClientOrigin origin() {
      InetSocketAddress here = local != null ? local : new InetSocketAddress(settings.host(), settings.port());
      return new ClientOrigin(remote.getAddress().getHostAddress(), remote.getPort(),
          here.getAddress() != null ? here.getAddress().getHostAddress() : here.getHostString(), here.getPort(),
          "AMQP 0-9-1", clientProperties, authMechanism, writer.frameMaxBytes(), channelMax, heartbeatSeconds);
    }

    private void onConnectionOpened(ConnectionEvent.ConnectionOpened o) {
      if (phase != Phase.CONNECTING) {
        // The handshake failed (or the server is closing) while the broker was creating the connection.
        sink.transportClosed("connection refused before connection.open-ok");
        return;
      }
      connection = o.ref();
      connectionId = o.id();
      cancelTimer(HANDSHAKE_TIMER);
      phase = Phase.RUNNING;
      handshakeOver.complete(null);
      enqueue(0, writer.method(0, new AmqpMethod.ConnectionOpenOk("")));
      if (log.isDebugEnabled()) {
        log.debug("{}: open, user '{}', client '{}', frame_max {}, channel_max {}, heartbeat {}s", describe(), user,
            clientName, writer.frameMaxBytes(), channelMax, heartbeatSeconds);
      }
      if (alarmOn) {
        sendBlocked();
      }
      while (!connectingBuffer.isEmpty() && phase == Phase.RUNNING) {
        onFrame(connectingBuffer.poll());
      }
      connectingBuffer.clear();
      cutIfPeerFinished();
    }

    // ------------------------------------------------------------------ running

    private void runningFrame(Frame f) {
      if (f.channel() == 0) {
        connectionFrame(f);
      } else {
        channelFrame(f);
      }
    }

    private void connectionFrame(Frame f) {
      if (!(f instanceof Frame.Method m)) {
        apply(server.rules.contentOnChannelZero(f), null, 0);
        return;
      }
      AmqpMethod method = m.method();
      if (method instanceof AmqpMethod.ConnectionClose c) {
        phase = Phase.CLIENT_CLOSING;
        connection.tell(new ConnectionActor.Close(c.replyCode(), c.replyText()));
      } else if (method instanceof AmqpMethod.ConnectionUpdateSecret) {
        enqueue(0, writer.method(0, new AmqpMethod.ConnectionUpdateSecretOk()));
      } else if (!(method instanceof AmqpMethod.ConnectionCloseOk)) {
        apply(server.rules.methodOnChannelZero(method), null, 0);
      }
    }

    /** Carries out what the profile's {@link WireRules} decided for a frame on {@code channel}. */
    private void apply(WireRules.Answer answer, ChannelSlot slot, int channel) {
      if (answer instanceof WireRules.Close c) {
        protocolError(c.error());
      } else if (answer instanceof WireRules.Reply r) {
        enqueue(channel, writer.method(channel, r.method()));
      } else if (answer == WireRules.CloseChannelQuietly.INSTANCE && slot != null) {
        log.info("{}: channel {} closed: the client sent channel.close-ok without a channel.close", describe(),
            slot.number);
        slot.state = ChannelState.ENDED;
        closeBrokerChannelQuietly(slot, "the client sent channel.close-ok without a channel.close");
      }
    }

    private void channelFrame(Frame f) {
      int n = f.channel();
      ChannelSlot slot = channels.get(n);
      boolean open = f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelOpen;
      if (slot == null || slot.state == ChannelState.ENDED) {
        if (open) {
          openChannel(n, slot);
        } else {
          apply(server.rules.frameOnClosedChannel(f), null, n);
        }
        return;
      }
      if (slot.state == ChannelState.OPENING || slot.state == ChannelState.REOPEN_WAIT) {
        if (slot.pending.size() >= settings.maxFramesBeforeOpen()) {
          protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
              "more than " + settings.maxFramesBeforeOpen() + " frames on channel " + n + " before channel.open-ok"));
        } else {
          slot.pending.add(f);
        }
        return;
      }
      if (open && slot.state != ChannelState.SERVER_CLOSING) {
        // The connection actor answers a second open with 504 CHANNEL_ERROR.
        connection.tell(new ConnectionActor.OpenChannel(n));
        return;
      }
      dispatch(slot, f);
    }

    private void openChannel(int n, ChannelSlot ended) {
      int open = 0;
      for (ChannelSlot s : channels.values()) {
        if (s.counts()) {
          open++;
        }
      }
      if (open + 1 > channelMax) {
        protocolError(AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CHANNEL_OPEN, "number of channels opened ("
            + open + ") has reached the negotiated channel_max (" + channelMax + ")"));
        return;
      }
      ContentAssembler assembler = new ContentAssembler(server.profile, settings.maxMessageSizeBytes());
      if (ended != null && !ended.actorGone) {
        ChannelSlot slot = new ChannelSlot(n, ChannelState.REOPEN_WAIT, assembler);
        slot.previous = ended.ref;
        channels.put(n, slot);
      } else {
        channels.put(n, new ChannelSlot(n, ChannelState.OPENING, assembler));
        connection.tell(new ConnectionActor.OpenChannel(n));
      }
    }

    private void onChannelOpened(ConnectionEvent.ChannelOpened o) {
      server.watcher.tell(new ChannelWatcher.Watch(o.ref(), () -> events.invoke(new ConnectionEvent.ChannelGone(o.number(), o.ref()))));
      ChannelSlot slot = channels.get(o.number());
      if (slot == null || slot.state != ChannelState.OPENING) {
        return;
      }
      slot.ref = o.ref();
      slot.state = ChannelState.OPEN;
      if (slowedDown) {
        slot.ref.tell(new ChannelActor.Backpressure(true));
      }
      while (!slot.pending.isEmpty() && phase == Phase.RUNNING && channels.get(slot.number) == slot) {
        channelFrame(slot.pending.poll());
      }
      cutIfPeerFinished();
    }

    /** Frames read but not handed to the broker yet: held for a connection or a channel still opening. */
    private boolean framesHeld() {
      if (!connectingBuffer.isEmpty()) {
        return true;
      }
      for (ChannelSlot s : channels.values()) {
        if (!s.pending.isEmpty()) {
          return true;
        }
      }
      return false;
    }

    /** The client closed its side while frames were held: once they are handed over, cut. */
    private void cutIfPeerFinished() {
      if (peerFinished && phase == Phase.RUNNING && !framesHeld()) {
        cancelTimer(HELD_TIMER);
        transportGone(cutReason);
      }
    }

    private void onChannelGone(ConnectionEvent.ChannelGone g) {
      ChannelSlot slot = channels.get(g.number());
      if (slot == null) {
        return;
      }
      if (slot.state == ChannelState.REOPEN_WAIT && g.ref().equals(slot.previous)) {
        slot.state = ChannelState.OPENING;
        slot.previous = null;
        if (phase == Phase.RUNNING) {
          connection.tell(new ConnectionActor.OpenChannel(g.number()));
        }
      } else if (g.ref().equals(slot.ref)) {
        slot.actorGone = true;
        if (slot.state == ChannelState.ENDED) {
          channels.remove(g.number());
        }
      }
    }

    /** A frame for an open (or closing) channel. */
    private void dispatch(ChannelSlot slot, Frame f) {
      if (slot.state == ChannelState.SERVER_CLOSING) {
        serverClosingChannelFrame(slot, f);
        return;
      }
      if (slot.state == ChannelState.CLIENT_CLOSING) {
        // Only a close-ok crossing our close-ok matters; the broker ignores everything else (§0.2).
        if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelCloseOk) {
          slot.ref.tell(new ClientMethod.ChannelCloseOk());
        }
        return;
      }
      ContentAssembler.Step step = slot.assembler.accept(f);
      if (step instanceof ContentAssembler.Failure failure) {
        if (failure.error().connectionScope()) {
          protocolError(failure.error());
        } else {
          adapterChannelClose(slot, failure.error());
        }
        return;
      }
      if (step instanceof ContentAssembler.Command c) {
        command(slot, c);
      } else if (step instanceof ContentAssembler.Dropped d) {
        log.info("{}: channel {}: a message declared {} octets but its body frames carried {}; dropped, as"
            + " LavinMQ never publishes it", describe(), slot.number, d.declaredBytes(), d.receivedBytes());
      } else if (alarmOn && slot.assembler.inContent()) {
        blockAfterChunk = true;
      }
    }

    private void command(ChannelSlot slot, ContentAssembler.Command c) {
      AmqpMethod method = c.method();
      if (method instanceof AmqpMethod.ChannelCloseOk) {
        // On an open channel nobody asked to close: the profile decides (503 or a quiet close).
        apply(server.rules.unsolicitedCloseOk(method), slot, slot.number);
        return;
      }
      if (method instanceof AmqpMethod.BasicPublish p) {
        slot.ref.tell(new ClientMethod.BasicPublish(p.exchange(), p.routingKey(), p.mandatory(), p.immediate(),
            c.properties(), c.body()));
        if (alarmOn) {
          blockAfterChunk = true;
        }
        return;
      }
      if (method instanceof AmqpMethod.AccessRequest) {
        // Deprecated 0-8 access tickets: answered as RabbitMQ does, with ticket 1.
        enqueue(slot.number, writer.method(slot.number, new AmqpMethod.AccessRequestOk(1)));
        return;
      }
      if (method instanceof AmqpMethod.BasicRecoverAsync) {
        // Deprecated since 0-9-1; the broker answers basic.recover with a recover-ok this method must not get.
        protocolError(new AmqpError(ReplyCode.NOT_IMPLEMENTED, ReplyCode.NOT_IMPLEMENTED.text(
            "basic.recover-async is not simulated by brokersim (use basic.recover)"), method.classId(),
            method.methodId(), true));
        return;
      }
      ClientMethod cm = ClientMethods.toClientMethod(method);
      if (cm == null) {
        protocolError(new AmqpError(ReplyCode.COMMAND_INVALID, ReplyCode.COMMAND_INVALID.text("unimplemented method"),
            method.classId(), method.methodId(), true));
        return;
      }
      if (cm instanceof ClientMethod.ChannelClose) {
        slot.state = ChannelState.CLIENT_CLOSING;
      }
      slot.ref.tell(cm);
    }

    private void serverClosingChannelFrame(ChannelSlot slot, Frame f) {
      if (!(f instanceof Frame.Method m)) {
        return;
      }
      if (m.method() instanceof AmqpMethod.ChannelCloseOk) {
        slot.state = ChannelState.ENDED;
        if (slot.adapterClose) {
          closeBrokerChannelQuietly(slot, "channel closed by the wire adapter");
        } else {
          slot.ref.tell(new ClientMethod.ChannelCloseOk());
        }
        if (slot.actorGone) {
          channels.remove(slot.number);
        }
      } else if (m.method() instanceof AmqpMethod.ChannelClose) {
        if (slot.adapterClose) {
          // Our close crossed the client's: answer it ourselves; the client then answers ours.
          enqueue(slot.number, writer.method(slot.number, new AmqpMethod.ChannelCloseOk()));
        } else {
          slot.ref.tell(new ClientMethod.ChannelClose(200, "", 0, 0));
        }
      }
    }

    /**
     * A channel error the adapter found (406 message too large): the core has no command to raise one,
     * so the adapter sends channel.close itself, holds the channel's deliveries, and once the client
     * has answered closes the broker channel as a client close whose close-ok it swallows. Unacked
     * deliveries are requeued as for any channel close.
     */
    private void adapterChannelClose(ChannelSlot slot, AmqpError error) {
      log.info("{}: channel {} closed by the server: {}", describe(), slot.number, error.text());
      enqueue(slot.number, writer.method(slot.number, FrameWriter.channelClose(error)));
      slot.state = ChannelState.SERVER_CLOSING;
      slot.adapterClose = true;
      slot.ref.tell(new ChannelActor.Backpressure(true));
    }

    /** Closes the broker's channel as a client close whose close-ok the client never sees. */
    private void closeBrokerChannelQuietly(ChannelSlot slot, String reason) {
      closeOksToSwallow.merge(slot.number, 1, Integer::sum);
      slot.ref.tell(new ClientMethod.ChannelClose(ReplyCode.PRECONDITION_FAILED.code(), reason, 0, 0));
    }

    // ------------------------------------------------------------------ closing

    /**
     * A connection error: through the connection actor once it exists (it sends connection.close and
     * closes the channels), by the stage itself during the handshake.
     */
    private void protocolError(AmqpError error) {
      if (phase == Phase.SERVER_CLOSING || phase == Phase.FINISHING) {
        return;
      }
      if (connection != null && (phase == Phase.RUNNING || phase == Phase.CLIENT_CLOSING)) {
        connection.tell(new ConnectionActor.ForceClose(error, "server"));
      } else {
        if (log.isDebugEnabled()) {
          log.debug("{}: handshake refused: {}", describe(), error.text());
        }
        closeQueued = true;
        enqueue(0, writer.method(0, FrameWriter.connectionClose(error)));
      }
      enterServerClosing();
    }

    private void enterServerClosing() {
      phase = Phase.SERVER_CLOSING;
      readingSuspended = false;
      pullIfReading();
      scheduleOnce(CLOSE_TIMER, settings.closeTimeout());
    }

    private void closingFrame(Frame f) {
      if (isConnectionMethod(f, AmqpMethod.ConnectionCloseOk.class)) {
        closeHandshakeDone();
      } else if (isConnectionMethod(f, AmqpMethod.ConnectionClose.class)) {
        // Both sides closed at once: each answers the other's close (spec connection.close).
        enqueue(0, writer.method(0, new AmqpMethod.ConnectionCloseOk()));
        closeHandshakeDone();
      }
    }

    private void closeHandshakeDone() {
      cancelTimer(CLOSE_TIMER);
      if (connection != null && !sink.coreTerminated()) {
        connection.tell(ConnectionActor.CloseOk.INSTANCE);
      } else {
        finishAfterFlush();
      }
    }

    // ------------------------------------------------------------------ events and timers

    private void onEvent(ConnectionEvent e) {
      if (e instanceof ConnectionEvent.Wake) {
        queue.woken();
        drain();
      } else if (e instanceof ConnectionEvent.ConnectionOpened o) {
        onConnectionOpened(o);
      } else if (e instanceof ConnectionEvent.ChannelOpened o) {
        onChannelOpened(o);
      } else if (e instanceof ConnectionEvent.ChannelGone g) {
        onChannelGone(g);
      } else if (e instanceof ConnectionEvent.TerminatedAbruptly) {
        if (connection != null) {
          completeStage();
        }
      } else if (e instanceof ConnectionEvent.AlarmChanged a) {
        onAlarm(a.on());
      } else if (e instanceof ConnectionEvent.Shutdown) {
        if (phase == Phase.RUNNING) {
          protocolError(AmqpError.of(ReplyCode.CONNECTION_FORCED, MethodRef.NONE,
              "broker forced connection closure with reason 'shutdown'"));
        } else if (phase != Phase.SERVER_CLOSING && phase != Phase.CLIENT_CLOSING) {
          transportGone("server shutting down");
        }
      }
    }

    @Override
    public void onTimer(Object key) {
      if (HEARTBEAT_TIMER.equals(key)) {
        heartbeatTick();
      } else if (PACING_TIMER.equals(key)) {
        handshakeOver.complete(null);
      } else if (HELD_TIMER.equals(key)) {
        if (phase == Phase.RUNNING || phase == Phase.CONNECTING) {
          transportGone(cutReason + "; frames held for a channel still opening were dropped");
        }
      } else if (HANDSHAKE_TIMER.equals(key)) {
        if (phase.ordinal() < Phase.RUNNING.ordinal()) {
          transportGone("handshake not completed within " + settings.handshakeTimeout().toMillis() + " ms");
        }
      } else if (CLOSE_TIMER.equals(key)) {
        // Give up on the close-ok: write what is queued (the connection.close), then close the socket;
        // the broker connection is cut when the stage stops.
        cutReason = decoder.state() == FrameDecoder.State.FAILED ? "closed after malformed input"
            : "no connection.close-ok within " + settings.closeTimeout().toMillis() + "ms";
        finishAfterFlush();
      }
    }

    private void heartbeatTick() {
      long now = System.nanoTime();
      long timeoutNanos = (long) (heartbeatSeconds * settings.heartbeatTimeoutFactor() * 1e9);
      if (!readingSuspended && now - lastReadNanos > timeoutNanos) {
        transportGone("missed heartbeats from client, timeout: " + heartbeatSeconds + "s");
        return;
      }
      if (now - lastWriteNanos >= heartbeatSeconds * 500_000_000L && queue.isEmpty()) {
        enqueue(0, writer.heartbeat());
      }
    }

    private void onAlarm(boolean on) {
      alarmOn = on;
      if (on) {
        if (phase == Phase.RUNNING) {
          sendBlocked();
        }
        return;
      }
      if (blockedSent && phase == Phase.RUNNING) {
        enqueue(0, writer.method(0, new AmqpMethod.ConnectionUnblocked()));
      }
      blockedSent = false;
      if (readingSuspended) {
        readingSuspended = false;
        lastReadNanos = System.nanoTime();
        pullIfReading();
      }
    }

    private void sendBlocked() {
      if (blockedCapable && !blockedSent) {
        blockedSent = true;
        enqueue(0, writer.method(0, new AmqpMethod.ConnectionBlocked("low on memory")));
      }
    }

    // ------------------------------------------------------------------ outbound

    /** Queues frames the stage itself produces and writes them if the socket is ready. */
    private void enqueue(int channel, ByteString bytes) {
      if (queue.offer(new OutboundQueue.Entry(channel, OutboundQueue.Kind.DATA, bytes))) {
        // The stage drains right here; leaving the wake-up pending would silence the broker's offers.
        queue.woken();
      }
      drain();
    }

    /** Moves queued frames to the socket, at most one batch per pull, then applies the watermarks. */
    private void drain() {
      if (isClosed(out)) {
        return;
      }
      if (isAvailable(out)) {
        ByteString batch = null;
        boolean end = false;
        OutboundQueue.Entry e;
        while ((e = queue.peek()) != null) {
          if (batch != null && batch.size() + e.size() > settings.writeBatchSizeBytes()) {
            break;
          }
          queue.poll();
          if (e.kind() == OutboundQueue.Kind.END) {
            end = true;
            break;
          }
          if (written(e)) {
            batch = batch == null ? e.bytes() : batch.concat(e.bytes());
          }
        }
        if (batch != null && !batch.isEmpty()) {
          push(out, batch);
          lastWriteNanos = System.nanoTime();
        }
        if (end || (finishWhenDrained && queue.isEmpty())) {
          completeStage();
          return;
        }
      }
      applyWatermarks();
    }

    /** Updates channel and connection state for a frame about to be written; false to drop it. */
    private boolean written(OutboundQueue.Entry e) {
      switch (e.kind()) {
        case CHANNEL_CLOSE -> {
          ChannelSlot slot = channels.get(e.channel());
          if (slot != null && (slot.state == ChannelState.OPEN || slot.state == ChannelState.CLIENT_CLOSING)) {
            slot.state = ChannelState.SERVER_CLOSING;
          }
        }
        case CHANNEL_CLOSE_OK -> {
          Integer swallow = closeOksToSwallow.get(e.channel());
          if (swallow != null) {
            if (swallow == 1) {
              closeOksToSwallow.remove(e.channel());
            } else {
              closeOksToSwallow.put(e.channel(), swallow - 1);
            }
            return false;
          }
          ChannelSlot slot = channels.get(e.channel());
          if (slot != null && slot.state == ChannelState.CLIENT_CLOSING) {
            slot.state = ChannelState.ENDED;
            if (slot.actorGone) {
              channels.remove(e.channel());
            }
          }
        }
        case CONNECTION_CLOSE -> {
          closeQueued = true;
          if (phase == Phase.RUNNING || phase == Phase.CLIENT_CLOSING) {
            enterServerClosing();
          } else if (peerFinished) {
            finishWhenDrained = true;
          }
        }
        default -> { }
      }
      return true;
    }

    private void applyWatermarks() {
      long queued = queue.queuedBytes();
      if (!slowedDown && queued > settings.outboundHighWatermarkBytes()) {
        slowedDown = true;
        if (log.isDebugEnabled()) {
          log.debug("{}: {} octets queued for the socket, above the high watermark: deliveries paused", describe(),
              queued);
        }
        tellChannels(new ChannelActor.Backpressure(true));
      } else if (slowedDown && queued <= settings.outboundLowWatermarkBytes()) {
        slowedDown = false;
        if (log.isDebugEnabled()) {
          log.debug("{}: {} octets queued for the socket, below the low watermark: deliveries resume", describe(),
              queued);
        }
        tellChannels(new ChannelActor.Backpressure(false));
      }
    }

    private void tellChannels(ChannelActor.Command command) {
      for (ChannelSlot s : channels.values()) {
        if (s.ref != null && !s.actorGone && s.state != ChannelState.ENDED) {
          s.ref.tell(command);
        }
      }
    }
  }
}
