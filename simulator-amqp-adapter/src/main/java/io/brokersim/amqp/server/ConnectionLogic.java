package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.CodecError;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameDecoder;
import io.brokersim.core.actor.ConnectionActor;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP connection of one {@link ConnectionStage}: its phases, the frames of channel 0, the close
 * handshakes, the memory alarm and the events from other threads. The roles are delegated: the handshake to
 * {@link Negotiation}, channels to {@link ChannelTable}, reading to {@link InboundPump}, the socket, writing,
 * heartbeats and wire faults to {@link ConnectionSocket}.
 */
final class ConnectionLogic extends ConnectionSocket implements Negotiation.Owner,
    ChannelTable.Owner, InboundPump.Port {

  private static final Logger log = LoggerFactory.getLogger(ConnectionStage.class);

  private static final String HANDSHAKE_TIMER = "handshake";
  private static final String CLOSE_TIMER = "close";
  private static final String PACING_TIMER = "pacing";
  /** After malformed input the server waits this long for the connection.close to go out, then closes. */
  private static final Duration CODEC_ERROR_CLOSE_DELAY = Duration.ofMillis(100);

  private final AsyncCallback<ConnectionEvent> events = createAsyncCallback(this::onEvent);
  private final ConnectionAlarm alarm = new ConnectionAlarm(on -> events.invoke(new ConnectionEvent.AlarmChanged(on)));
  private final FrameDecoder decoder;
  private final ArrayDeque<Frame> connectingBuffer = new ArrayDeque<>();
  private final Negotiation negotiation;
  private final ChannelTable channels;
  private final InboundPump reader;

  private FrameWriter writer = new FrameWriter(Frame.FRAME_MIN_SIZE);
  private WireSink sink;
  private ActorRef<ConnectionActor.Command> connection;

  ConnectionLogic(ConnectionStage stage) {
    super(stage);
    this.decoder = new FrameDecoder(server.profile.frameMaxMinimum(), server.rules.dialect());
    this.negotiation = new Negotiation(server, stage.remote(), this);
    this.channels = new ChannelTable(server, this);
    this.reader = new InboundPump(decoder, inboundFaults, this);
  }

  @Override
  InboundPump reader() {
    return reader;
  }

  @Override
  int bufferedBytes() {
    return decoder.bufferedBytes();
  }

  @Override
  String awaited() {
    return negotiation.awaited();
  }

  @Override
  String who() {
    return "client '" + negotiation.clientName() + "', user '" + negotiation.user() + "'";
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void preStart() {
    server.register(this);
    alarm.subscribe(server.alarm);
    scheduleOnce(HANDSHAKE_TIMER, settings.handshakeTimeout());
    scheduleOnce(PACING_TIMER, ConnectionStage.PACING_HOLD);
    pull(in);
  }

  @Override
  public void postStop() {
    stage.handshakeOver().complete(null);
    alarm.unsubscribe(server.alarm);
    server.unregister(this);
    if (sink != null) {
      sink.transportClosed(cutReason != null ? cutReason : "connection stage stopped");
    }
    stoppedNow();
  }

  @Override
  public void shutdown() {
    events.invoke(ConnectionEvent.Shutdown.INSTANCE);
  }

  // ------------------------------------------------------------------ inbound

  @Override
  void onBytes(ByteString chunk) {
    if (!heartbeats.clientIgnored()) {
      heartbeats.read();
    }
    if (phase == ConnectionPhase.HANDSHAKE && negotiation.step() == Negotiation.Step.HEADER) {
      ByteString rest = negotiation.header(chunk);
      if (rest == null) {
        reader.pullIfReading();
        return;
      }
      chunk = rest;
    }
    if (phase == ConnectionPhase.FINISHING) {
      reader.pullIfReading();
    } else {
      reader.onBytes(chunk);
    }
  }

  @Override
  public boolean beforeTuning() {
    return phase == ConnectionPhase.HANDSHAKE && negotiation.step().ordinal() < Negotiation.Step.OPEN.ordinal();
  }

  @Override
  public boolean readingOver() {
    return phase == ConnectionPhase.FINISHING || isClosed(out);
  }

  @Override
  public void codecError(CodecError e) {
    log.info("{}: malformed input: {}", describe(), e.text());
    if (phase == ConnectionPhase.SERVER_CLOSING || phase == ConnectionPhase.CLIENT_CLOSING) {
      return;
    }
    protocolError(e.toConnectionError());
    // The frame boundaries are lost, so the client's close-ok could not be read anyway: give the
    // connection.close a moment to be written, then close.
    scheduleOnce(CLOSE_TIMER, CODEC_ERROR_CLOSE_DELAY);
  }

  @Override
  public void frame(Frame f) {
    if (phase == ConnectionPhase.FINISHING || isClosed(out)) {
      return;
    }
    if (heartbeatRead(f, phase != ConnectionPhase.SERVER_CLOSING)) {
      return;
    }
    switch (phase) {
      case HANDSHAKE -> negotiation.frame(f);
      case CONNECTING -> {
        if (connectingBuffer.size() >= settings.maxFramesBeforeOpen()) {
          protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
              "more than " + settings.maxFramesBeforeOpen() + " frames before connection.open-ok"));
        } else {
          connectingBuffer.add(f);
        }
      }
      case RUNNING -> {
        if (f.channel() != 0) {
          channels.frame(f);
        } else {
          connectionFrame(f);
        }
      }
      case CLIENT_CLOSING -> {
        if (isConnectionMethod(f, AmqpMethod.ConnectionCloseOk.class)) {
          connection.tell(ConnectionActor.CloseOk.INSTANCE);
        }
      }
      case SERVER_CLOSING -> closingFrame(f);
      default -> { }
    }
  }

  private static boolean isConnectionMethod(Frame f, Class<? extends AmqpMethod> type) {
    return f.channel() == 0 && f instanceof Frame.Method m && type.isInstance(m.method());
  }

  private void connectionFrame(Frame f) {
    if (!(f instanceof Frame.Method m)) {
      channels.apply(server.rules.contentOnChannelZero(f), null, 0);
      return;
    }
    AmqpMethod method = m.method();
    if (method instanceof AmqpMethod.ConnectionClose c) {
      phase = ConnectionPhase.CLIENT_CLOSING;
      connection.tell(new ConnectionActor.Close(c.replyCode(), c.replyText()));
    } else if (method instanceof AmqpMethod.ConnectionUpdateSecret) {
      send(new AmqpMethod.ConnectionUpdateSecretOk());
    } else if (!(method instanceof AmqpMethod.ConnectionCloseOk)) {
      channels.apply(server.rules.methodOnChannelZero(method), null, 0);
    }
  }

  // ------------------------------------------------------------------ handshake

  @Override
  public void send(AmqpMethod method) {
    send(0, method);
  }

  @Override
  public void sendRaw(ByteString bytes) {
    pump.enqueue(0, bytes);
  }

  @Override
  public void tuned(int frameMaxBytes, int channelMax, int heartbeatSeconds) {
    decoder.setFrameMaxBytes(frameMaxBytes);
    writer = new FrameWriter(frameMaxBytes);
    channels.channelMax(channelMax);
    startHeartbeats(heartbeatSeconds);
  }

  @Override
  public void openRequested() {
    phase = ConnectionPhase.CONNECTING;
    wireFaults.clientName(negotiation.clientName());
    sink = new WireSink(writer, queue, events::invoke);
    negotiation.vhost().tell(new VhostActor.Connect(negotiation.clientName(), negotiation.user(),
        negotiation.cancelNotify(), sink, negotiation.origin(stage.local()), negotiation.permissions()));
  }

  private void onConnectionOpened(ConnectionEvent.ConnectionOpened o) {
    if (phase != ConnectionPhase.CONNECTING) {
      // The handshake failed (or the server is closing) while the broker was creating the connection.
      sink.transportClosed("connection refused before connection.open-ok");
      return;
    }
    connection = o.ref();
    connectionId = o.id();
    wireFaults.named(connectionId, negotiation.clientName());
    cancelTimer(HANDSHAKE_TIMER);
    phase = ConnectionPhase.RUNNING;
    stage.handshakeOver().complete(null);
    send(new AmqpMethod.ConnectionOpenOk(""));
    if (log.isDebugEnabled()) {
      log.debug("{}: open, user '{}', client '{}', frame_max {}, heartbeat {}s", describe(), negotiation.user(),
          negotiation.clientName(), writer.frameMaxBytes(), heartbeats.seconds());
    }
    alarm.opened(negotiation.blockedCapable(), this::send);
    while (!connectingBuffer.isEmpty() && phase == ConnectionPhase.RUNNING) {
      frame(connectingBuffer.poll());
    }
    connectingBuffer.clear();
    cutIfPeerFinished();
  }

  /** Frames read but not handed to the broker yet: held for a connection or a channel still opening. */
  @Override
  boolean framesHeld() {
    return !connectingBuffer.isEmpty() || channels.framesHeld();
  }

  // ------------------------------------------------------------------ channel table

  @Override
  public ActorRef<ConnectionActor.Command> connection() {
    return connection;
  }

  @Override
  public boolean running() {
    return phase == ConnectionPhase.RUNNING;
  }

  @Override
  public void send(int channel, AmqpMethod method) {
    pump.enqueue(channel, writer.method(channel, method));
  }

  @Override
  public boolean alarmOn() {
    return alarm.on();
  }

  @Override
  public void blockAfterChunk() {
    reader.blockAfterChunk();
  }

  // ------------------------------------------------------------------ closing

  /**
   * A connection error: through the connection actor once it exists (it sends connection.close and
   * closes the channels), by the stage itself during the handshake.
   */
  @Override
  public void protocolError(AmqpError error) {
    if (phase == ConnectionPhase.SERVER_CLOSING || phase == ConnectionPhase.FINISHING) {
      return;
    }
    if (connection != null && (phase == ConnectionPhase.RUNNING || phase == ConnectionPhase.CLIENT_CLOSING)) {
      connection.tell(new ConnectionActor.ForceClose(error, "server"));
    } else {
      if (log.isDebugEnabled()) {
        log.debug("{}: handshake refused: {}", describe(), error.text());
      }
      closeQueued = true;
      send(0, FrameWriter.connectionClose(error));
    }
    enterServerClosing();
  }

  private void enterServerClosing() {
    phase = ConnectionPhase.SERVER_CLOSING;
    reader.resume();
    scheduleOnce(CLOSE_TIMER, settings.closeTimeout());
  }

  private void closingFrame(Frame f) {
    if (isConnectionMethod(f, AmqpMethod.ConnectionCloseOk.class)) {
      closeHandshakeDone();
    } else if (isConnectionMethod(f, AmqpMethod.ConnectionClose.class)) {
      // Both sides closed at once: each answers the other's close (spec connection.close).
      send(new AmqpMethod.ConnectionCloseOk());
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
      pump.drain();
    } else if (e instanceof ConnectionEvent.ConnectionOpened o) {
      onConnectionOpened(o);
    } else if (e instanceof ConnectionEvent.ChannelOpened o) {
      wireFaults.channelOpened(o.number(), o.channelId());
      channels.opened(o.number(), o.ref());
      cutIfPeerFinished();
    } else if (e instanceof ConnectionEvent.TerminatedAbruptly) {
      if (connection != null) {
        completeStage();
      }
    } else if (e instanceof ConnectionEvent.AlarmChanged a) {
      if (alarm.changed(a.on(), phase == ConnectionPhase.RUNNING && negotiation.blockedCapable(), this::send)
          && reader.suspended()) {
        heartbeats.read();
        reader.resume();
      }
    } else if (e instanceof ConnectionEvent.Shutdown) {
      if (phase == ConnectionPhase.RUNNING) {
        protocolError(AmqpError.of(ReplyCode.CONNECTION_FORCED, MethodRef.NONE,
            "broker forced connection closure with reason 'shutdown'"));
      } else if (phase != ConnectionPhase.SERVER_CLOSING && phase != ConnectionPhase.CLIENT_CLOSING) {
        transportGone("server shutting down");
      }
    }
  }

  @Override
  void onConnectionTimer(Object key) {
    if (PACING_TIMER.equals(key)) {
      stage.handshakeOver().complete(null);
    } else if (HANDSHAKE_TIMER.equals(key)) {
      if (phase == ConnectionPhase.HANDSHAKE || phase == ConnectionPhase.CONNECTING) {
        transportGone("handshake not completed within " + settings.handshakeTimeout().toMillis() + " ms");
      }
    } else if (CLOSE_TIMER.equals(key)) {
      // Give up on the close-ok: write what is queued (the connection.close), then close the socket;
      // the broker connection is cut when the stage stops.
      if (cutReason == null) {
        cutReason = decoder.state() == FrameDecoder.State.FAILED ? "closed after malformed input"
            : "no connection.close-ok within " + settings.closeTimeout().toMillis() + "ms";
      }
      finishAfterFlush();
    }
  }

  @Override
  public boolean admit(OutboundQueue.Entry e) {
    switch (e.kind()) {
      case CHANNEL_CLOSE -> channels.serverCloseWritten(e.channel());
      case CHANNEL_CLOSE_OK -> channels.closeOkWritten(e.channel());
      case CONNECTION_CLOSE -> {
        closeQueued = true;
        if (phase == ConnectionPhase.RUNNING || phase == ConnectionPhase.CLIENT_CLOSING) {
          enterServerClosing();
        } else if (peerFinished) {
          pump.finishWhenDrained();
        }
      }
      default -> { }
    }
    return true;
  }

  @Override
  public void backpressure(boolean on) {
    if (log.isDebugEnabled()) {
      log.debug("{}: {} octets queued for the socket: deliveries {}", describe(), queue.queuedBytes(),
          on ? "paused" : "resume");
    }
    channels.backpressure(on);
  }
}
