package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.CodecError;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's socket as its {@link ConnectionLogic} sees it: the stage's ports (bytes in, bytes out, FIN or
 * RST), its timers, the write side ({@link OutboundPump}), the heartbeat clock, and what the wire fault rules
 * do to the socket as a whole. The AMQP connection itself lives in the subclass.
 */
abstract class ConnectionSocket extends TimerGraphStageLogic implements OutboundPump.Socket, InboundFaults.Reader,
    ServerContext.Connection {

  private static final Logger log = LoggerFactory.getLogger(ConnectionStage.class);

  /** The socket was reset (RST) by a fault rule. */
  private static final class ResetByFault extends IOException {
    ResetByFault(String reason) {
      super(reason);
    }
  }

  private static final String HEARTBEAT_TIMER = "heartbeat";
  private static final String HELD_TIMER = "held";
  private static final ByteString HEARTBEAT = new FrameWriter(io.brokersim.amqp.codec.Frame.FRAME_MIN_SIZE).heartbeat();

  final ConnectionStage stage;
  final ServerContext server;
  final ServerSettings settings;
  final Inlet<ByteString> in;
  final Outlet<ByteString> out;
  final OutboundQueue queue = new OutboundQueue();
  final HeartbeatClock heartbeats;
  final OutboundPump pump;
  final WireFaults wireFaults;
  final InboundFaults inboundFaults;
  /** Why the socket went, for the broker's cut (the first reason wins). */
  String cutReason;
  ConnectionPhase phase = ConnectionPhase.HANDSHAKE;
  /** The broker's id of the connection, once it is open. */
  String connectionId;
  /** The client closed its side of the socket. */
  boolean peerFinished;
  /** A connection.close of the server is queued. */
  boolean closeQueued;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  ConnectionSocket(ConnectionStage stage) {
    super(stage.shape());
    this.stage = stage;
    this.server = stage.server();
    this.settings = server.settings;
    this.in = stage.in();
    this.out = stage.out();
    this.heartbeats = new HeartbeatClock(server.clock, settings.heartbeatTimeoutFactor());
    this.pump = new OutboundPump(queue, settings, heartbeats, this);
    this.wireFaults = new WireFaults(server.broker.faults(), server.broker.trace(), server.broker.trace()::nowNanos);
    this.pump.faults(wireFaults);
    this.inboundFaults = new InboundFaults(wireFaults, this);
    setHandler(in, new AbstractInHandler() {
      @Override
      public void onPush() {
        onBytes(grab(in));
      }

      @Override
      public void onUpstreamFinish() {
        onClientFinished();
      }

      @Override
      public void onUpstreamFailure(Throwable ex) {
        transportGone("socket error: " + ex.getMessage());
      }
    });
    setHandler(out, new AbstractOutHandler() {
      @Override
      public void onPull() {
        pump.drain();
      }

      @Override
      public void onDownstreamFinish(Throwable cause) {
        transportGone("socket closed for writing");
      }
    });
  }

  @Override
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** The stage has stopped. */
  void stoppedNow() {
    stopped.complete(null);
  }

  @Override
  public long peakOutboundBytes() {
    return queue.peakBytes();
  }

  /** Bytes from the client. */
  abstract void onBytes(ByteString chunk);

  /** The client closed its side of the socket. */
  private void onClientFinished() {
    String reason = bufferedBytes() > 0
        ? "client closed the socket in the middle of a frame (" + bufferedBytes() + " octets)"
        : "client closed the socket";
    if (phase == ConnectionPhase.SERVER_CLOSING) {
      // The client stopped writing right after input we refuse: our connection.close, which the
      // broker may not have handed over yet, still goes out before the socket closes.
      cutReason = reason;
      peerFinished = true;
      if (closeQueued) {
        finishAfterFlush();
      }
      return;
    }
    if ((phase == ConnectionPhase.RUNNING || phase == ConnectionPhase.CONNECTING) && framesHeld()) {
      // Everything the client wrote before closing reaches the broker first (a publish sent right
      // after channel.open-ok must not vanish): the cut waits until the held frames are handed over.
      cutReason = reason;
      peerFinished = true;
      scheduleOnce(HELD_TIMER, settings.closeTimeout());
      return;
    }
    transportGone(reason);
  }

  /** The socket is gone (or must go): cut the broker connection if there is one, and stop. */
  void transportGone(String reason) {
    if (cutReason == null) {
      cutReason = reason;
    }
    if (phase == ConnectionPhase.HANDSHAKE || phase == ConnectionPhase.CONNECTING) {
      log.info("{}: closed during the handshake (waiting for {}): {}", describe(), awaited(), reason);
    } else if (phase == ConnectionPhase.RUNNING) {
      log.info("{}: connection lost ({}): {}", describe(), who(), reason);
    } else if (log.isDebugEnabled()) {
      log.debug("{} {}: {}", describe(), phase, reason);
    }
    completeStage();
  }

  /** Write what is queued, then close the socket; nothing more is read. */
  public void finishAfterFlush() {
    phase = ConnectionPhase.FINISHING;
    inboundFaults.end();
    pump.finishWhenDrained();
  }

  /** The connection, for log lines. */
  public String describe() {
    return (connectionId != null ? connectionId : "connection") + " from " + stage.remote();
  }

  /** The client closed its side while frames were held: once they are handed over, cut. */
  void cutIfPeerFinished() {
    if (peerFinished && phase == ConnectionPhase.RUNNING && !framesHeld()) {
      cancelTimer(HELD_TIMER);
      transportGone(cutReason);
    }
  }

  /** Frames read but not handed to the broker yet (held for a connection or channel still opening). */
  abstract boolean framesHeld();

  /** Octets of a frame read only in part. */
  abstract int bufferedBytes();

  /** What the handshake is waiting for, in the client's terms. */
  abstract String awaited();

  /** The client and user, for log lines. */
  abstract String who();

  /** The read side, for the wire effects that halt or throttle it. */
  abstract InboundPump reader();

  /** A connection error: the connection closes with it. */
  public abstract void protocolError(AmqpError error);

  /** Malformed input: 501 and a short wait for the close to go out. */
  abstract void codecError(CodecError e);


  /** A timer of the connection itself (the pumps' timers are dispatched here). */
  abstract void onConnectionTimer(Object key);

  /** Where the pull side of the socket stands: more may be asked for (the read side's Port). */
  public boolean canPull() {
    return !isClosed(in) && !hasBeenPulled(in);
  }

  public void pull() {
    pull(in);
  }

  /** The negotiated heartbeat interval starts (0: none). */
  void startHeartbeats(int seconds) {
    Duration tick = heartbeats.start(seconds);
    if (tick != null) {
      scheduleWithFixedDelay(HEARTBEAT_TIMER, tick, tick);
    }
  }

  /**
   * Counts a frame as traffic for the heartbeat clock; true if it was a heartbeat, which nothing else handles
   * (one on a channel other than 0 is a 505 while {@code strict}).
   */
  boolean heartbeatRead(io.brokersim.amqp.codec.Frame f, boolean strict) {
    if (f instanceof io.brokersim.amqp.codec.Frame.Heartbeat h) {
      heartbeats.heartbeatRead();
      if (h.channel() != 0 && strict) {
        protocolError(AmqpError.of(io.brokersim.core.model.ReplyCode.UNEXPECTED_FRAME,
            io.brokersim.core.model.MethodRef.NONE,
            "heartbeat frame on channel " + h.channel() + "; heartbeats belong on channel 0"));
      }
      return true;
    }
    if (heartbeats.clientIgnored()) {
      heartbeats.read();
    }
    return false;
  }

  private void heartbeatTick() {
    switch (heartbeats.tick(reader().suspended(), pump.isIdle())) {
      case TIMED_OUT -> transportGone("missed heartbeats from client, timeout: " + heartbeats.seconds() + "s");
      case SEND -> pump.enqueue(0, HEARTBEAT);
      default -> { }
    }
  }

  @Override
  public void onTimer(Object key) {
    if (HEARTBEAT_TIMER.equals(key)) {
      heartbeatTick();
    } else if (HELD_TIMER.equals(key)) {
      if (phase == ConnectionPhase.RUNNING || phase == ConnectionPhase.CONNECTING) {
        transportGone(cutReason + "; frames held for a channel still opening were dropped");
      }
    } else if (InboundPump.THROTTLE_TIMER.equals(key)) {
      reader().onTimer();
    } else if (InboundFaults.STALL_TIMER.equals(key) || InboundFaults.HOLD_TIMER.equals(key)) {
      inboundFaults.onTimer(key);
    } else if (OutboundPump.STALL_TIMER.equals(key) || OutboundPump.HOLD_TIMER.equals(key)
        || OutboundPump.THROTTLE_TIMER.equals(key)) {
      pump.onTimer(key);
    } else {
      onConnectionTimer(key);
    }
  }

  @Override
  public boolean writable() {
    return isAvailable(out);
  }

  @Override
  public boolean closed() {
    return isClosed(out);
  }

  @Override
  public void push(ByteString bytes) {
    push(out, bytes);
  }

  @Override
  public void finish(String reason) {
    if (reason != null && cutReason == null) {
      cutReason = reason;
    }
    completeStage();
  }

  @Override
  public void reset(String reason) {
    if (cutReason == null) {
      cutReason = reason;
    }
    log.info("{}: {}", describe(), reason);
    // A failed write side makes the TCP stage abort the connection: the peer gets an RST, not a FIN.
    failStage(new ResetByFault(reason));
  }

  @Override
  public void schedule(String timerKey, Duration after) {
    scheduleOnce(timerKey, after);
  }

  @Override
  public void connectionEffects(FaultDecision d) {
    WireEffects.apply(d, heartbeats, pump, reader()::halt, reader()::throttle);
    if (d.close() != null && d.close().kind() == Effect.Kind.CLOSE_CONNECTION) {
      protocolError(WireEffects.closeError(d.close()));
    }
  }

  @Override
  public void readEffects(FaultDecision d) {
    connectionEffects(d);
    FaultDecision.Close c = d.close();
    if (c != null && c.kind() == Effect.Kind.CUT_CONNECTION) {
      transportGone("fault rule '" + c.rule() + "' cut the connection");
    } else if (c != null && c.kind() == Effect.Kind.RESET_CONNECTION) {
      reset("fault rule '" + c.rule() + "' reset the connection");
    }
  }

  @Override
  public void corrupted(String rule) {
    cutReason = "fault rule '" + rule + "' corrupted a frame from the client";
    codecError(CodecError.frameError("frame end octet is not 0xCE (corrupted by fault rule '" + rule + "')"));
  }

  @Override
  public void truncated(String rule) {
    transportGone("client closed the socket in the middle of a frame (fault rule '" + rule + "' truncated it)");
  }}
