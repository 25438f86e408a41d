package io.brokersim.amqp.server;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Moves one connection's {@link OutboundQueue} into its socket: at most one batch per pull, then the
 * watermarks (above the high one the connection's channels get backpressure, below the low one it lifts).
 *
 * <p>While a rule watches {@code frame-written}, or a wire effect is still pending, each entry is split into
 * its frames and each frame decided ({@link WireFaults}): dropped, repeated after its command, corrupted (its
 * end octet flipped),
 * cut in the middle together with the socket, held behind later frames (reorder), or the stream stalls before
 * it (delay; TCP keeps order, so everything behind waits too). Half-open and throttle act on the writing as a
 * whole. Without rules the entries go to the socket as they are, with no per-frame work.
 */
final class OutboundPump {

  static final String STALL_TIMER = "outbound-stall";
  static final String HOLD_TIMER = "outbound-hold";
  static final String THROTTLE_TIMER = "outbound-throttle";
  /** A throttled connection writes one slice of rate / 10 octets per tick. */
  static final Duration THROTTLE_TICK = Duration.ofMillis(100);

  /** What the pump needs from its connection stage. */
  interface Socket {
    /** The socket can take a push now. */
    boolean writable();

    /** The socket is closed for writing. */
    boolean closed();

    void push(ByteString bytes);

    /** Close the socket once what was pushed is written (FIN). */
    void finish(String reason);

    /** Reset the socket (RST). */
    void reset(String reason);

    void schedule(String timerKey, Duration after);

    /** The stage's bookkeeping for an entry leaving the queue; false to drop it. */
    boolean admit(OutboundQueue.Entry e);

    /** Connection-wide effects of a decision on a written frame (half-open, throttle, heartbeats, closes). */
    void connectionEffects(FaultDecision d);

    /** Backpressure on or off for every channel of the connection. */
    void backpressure(boolean on);
  }

  private enum Kind { FRAME, STALL, HALT, END, TRUNCATED, RESET }

  private record Piece(Kind kind, ByteString bytes, long delayNanos, String reason) {}

  private static final class Held {
    final ByteString bytes;
    int framesLeft;

    Held(ByteString bytes, int framesLeft) {
      this.bytes = bytes;
      this.framesLeft = framesLeft;
    }
  }

  private final OutboundQueue queue;
  private final ServerSettings settings;
  private final HeartbeatClock heartbeats;
  private final Socket socket;
  private WireFaults faults;
  private final ArrayDeque<Piece> ready = new ArrayDeque<>();
  private final List<Held> held = new ArrayList<>();
  private boolean finishWhenDrained;
  private boolean slowedDown;
  private boolean writingStopped;
  private boolean stalled;
  private long bytesPerSecond;
  private boolean throttleWait;
  private boolean over;

  OutboundPump(OutboundQueue queue, ServerSettings settings, HeartbeatClock heartbeats, Socket socket) {
    this.queue = queue;
    this.settings = settings;
    this.heartbeats = heartbeats;
    this.socket = socket;
  }

  /** From now on frames are decided by the connection's wire rules. */
  void faults(WireFaults wireFaults) {
    this.faults = wireFaults;
  }

  /** Queues frames the stage itself produces and writes them if the socket is ready. */
  void enqueue(int channel, ByteString bytes) {
    if (queue.offer(new OutboundQueue.Entry(channel, OutboundQueue.Kind.DATA, bytes))) {
      // The stage drains right here; leaving the wake-up pending would silence the broker's offers.
      queue.woken();
    }
    drain();
  }

  /** Write what is queued, then close the socket. */
  void finishWhenDrained() {
    finishWhenDrained = true;
    drain();
  }

  boolean isIdle() {
    return queue.isEmpty() && ready.isEmpty();
  }

  boolean slowedDown() {
    return slowedDown;
  }

  /**
   * Half-open towards the client: nothing more is written and the socket stays open; what the broker sends
   * backs up in the queue (so the watermarks apply, as when a client stops reading its socket).
   */
  void stopWriting() {
    writingStopped = true;
  }

  /** At most {@code rate} octets a second from now on. */
  void throttle(long rate) {
    bytesPerSecond = rate;
  }

  /** A timer of the pump fired. */
  void onTimer(Object key) {
    if (STALL_TIMER.equals(key)) {
      stalled = false;
    } else if (HOLD_TIMER.equals(key)) {
      for (Held h : held) {
        ready.add(new Piece(Kind.FRAME, h.bytes, 0, null));
      }
      held.clear();
    } else if (THROTTLE_TIMER.equals(key)) {
      throttleWait = false;
    }
    drain();
  }

  /** Moves queued frames to the socket, at most one batch per pull, then applies the watermarks. */
  void drain() {
    if (socket.closed() || over) {
      return;
    }
    if (writingStopped) {
      if (finishWhenDrained || queue.endOffered()) {
        discardAll();
      } else {
        applyWatermarks();
      }
      return;
    }
    if (socket.writable() && !stalled && !throttleWait) {
      boolean perFrame = !ready.isEmpty() || !held.isEmpty() || bytesPerSecond > 0
          || (faults != null && faults.watches(Boundary.FRAME_WRITTEN));
      if (perFrame) {
        drainFrames();
      } else {
        drainEntries();
      }
      if (over) {
        return;
      }
    }
    applyWatermarks();
  }

  /**
   * Half-open towards the client, and the connection ends: what was never written is lost (it would have sat
   * in the socket's buffers), and the socket closes.
   */
  private void discardAll() {
    OutboundQueue.Entry e;
    while ((e = queue.poll()) != null) {
      socket.admit(e);
    }
    ready.clear();
    held.clear();
    over = true;
    socket.finish(null);
  }

  private void drainEntries() {
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
      if (socket.admit(e)) {
        batch = batch == null ? e.bytes() : batch.concat(e.bytes());
      }
    }
    write(batch);
    if (end || (finishWhenDrained && queue.isEmpty())) {
      over = true;
      socket.finish(null);
    }
  }

  private void drainFrames() {
    fill();
    long limit = bytesPerSecond > 0 ? Math.max(1, bytesPerSecond / 10) : settings.writeBatchSizeBytes();
    ByteString batch = null;
    Piece p;
    while ((p = ready.peek()) != null) {
      if (p.kind() == Kind.FRAME) {
        long room = limit - (batch == null ? 0 : batch.size());
        if (p.bytes().size() > room) {
          if (bytesPerSecond <= 0 && batch != null) {
            break;
          }
          if (bytesPerSecond > 0) {
            // The slice ends inside this frame: the rest waits for the next tick.
            ready.poll();
            ready.addFirst(new Piece(Kind.FRAME, p.bytes().drop((int) room), 0, null));
            ByteString part = p.bytes().take((int) room);
            batch = batch == null ? part : batch.concat(part);
            break;
          }
        }
        ready.poll();
        batch = batch == null ? p.bytes() : batch.concat(p.bytes());
        continue;
      }
      ready.poll();
      if (p.kind() == Kind.HALT) {
        // Half-open towards the client from here on: what follows stays queued, unwritten.
        ready.clear();
        break;
      }
      if (p.kind() == Kind.STALL) {
        stalled = true;
        socket.schedule(STALL_TIMER, Duration.ofNanos(p.delayNanos()));
        break;
      }
      if (p.kind() == Kind.TRUNCATED) {
        batch = batch == null ? p.bytes() : batch.concat(p.bytes());
      }
      write(batch);
      over = true;
      if (p.kind() == Kind.RESET) {
        socket.reset(p.reason());
      } else {
        socket.finish(p.reason());
      }
      return;
    }
    boolean finish = finishWhenDrained && queue.isEmpty() && ready.isEmpty();
    if (finish) {
      for (Held h : held) {
        batch = batch == null ? h.bytes : batch.concat(h.bytes);
      }
      held.clear();
    }
    write(batch);
    if (finish) {
      over = true;
      socket.finish(null);
    }
  }

  /** Turns queue entries into decided pieces until a batch's worth is ready. */
  private void fill() {
    long readyBytes = 0;
    for (Piece p : ready) {
      readyBytes += p.bytes() == null ? 0 : p.bytes().size();
    }
    OutboundQueue.Entry e;
    while (readyBytes < settings.writeBatchSizeBytes() && (e = queue.poll()) != null) {
      if (e.kind() == OutboundQueue.Kind.END) {
        ready.add(new Piece(Kind.END, null, 0, null));
        return;
      }
      if (!socket.admit(e)) {
        continue;
      }
      if (faults == null) {
        ready.add(new Piece(Kind.FRAME, e.bytes(), 0, null));
        readyBytes += e.size();
        continue;
      }
      List<ByteString> copies = new ArrayList<>(0);
      for (WireFaults.OutFrame f : faults.frames(e.bytes())) {
        if (!decide(f, copies)) {
          return;
        }
        readyBytes += f.bytes().size();
      }
      // An entry is one command: copies of its frames follow it whole, so a message copied frame by frame
      // arrives twice, and a copy of a lone frame of it arrives where the client does not expect one.
      for (ByteString copy : copies) {
        add(copy);
      }
    }
  }

  /** Applies the wire rules to one frame; false when the stream ends at it (truncate, cut, reset). */
  private boolean decide(WireFaults.OutFrame f, List<ByteString> copies) {
    FaultDecision d = faults.watches(Boundary.FRAME_WRITTEN) ? faults.written(f) : FaultDecision.NONE;
    if (d.isEmpty()) {
      add(f.bytes());
      return true;
    }
    boolean writing = !writingStopped;
    socket.connectionEffects(d);
    if (writing && writingStopped) {
      // The half-open starts at this frame: it is not written, nor is anything after it.
      ready.add(new Piece(Kind.HALT, null, 0, null));
      return false;
    }
    FaultDecision.Close close = d.close();
    if (close != null && close.kind() != io.brokersim.core.fault.Effect.Kind.CLOSE_CONNECTION) {
      boolean reset = close.kind() == io.brokersim.core.fault.Effect.Kind.RESET_CONNECTION;
      ready.add(new Piece(reset ? Kind.RESET : Kind.END, null, 0, "fault rule '" + close.rule() + "' "
          + (reset ? "reset" : "cut") + " the connection"));
      return false;
    }
    if (d.dropRule() != null || close != null) {
      return true;
    }
    if (d.truncateRule() != null) {
      ready.add(new Piece(Kind.TRUNCATED, f.bytes().take(Math.max(1, f.bytes().size() / 2)), 0,
          "fault rule '" + d.truncateRule() + "' cut a frame in the middle"));
      return false;
    }
    ByteString bytes = f.bytes();
    if (d.corruptRule() != null) {
      byte[] copy = bytes.toArray();
      copy[copy.length - 1] = (byte) ~copy[copy.length - 1];
      bytes = ByteString.fromArrayUnsafe(copy);
    }
    if (d.delay() != null && !d.delay().isZero()) {
      ready.add(new Piece(Kind.STALL, null, d.delay().toNanos(), null));
    }
    if (d.reorder() != null) {
      held.add(new Held(bytes, d.reorder().frames()));
      socket.schedule(HOLD_TIMER, d.reorder().maxHold());
      return true;
    }
    add(bytes);
    for (int k = 0; k < d.duplicateRules().size(); k++) {
      copies.add(bytes);
    }
    return true;
  }

  /** A frame goes out; frames held behind a number of later ones follow once enough have passed. */
  private void add(ByteString frame) {
    ready.add(new Piece(Kind.FRAME, frame, 0, null));
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (--h.framesLeft <= 0) {
        it.remove();
        ready.add(new Piece(Kind.FRAME, h.bytes, 0, null));
      }
    }
  }

  private void write(ByteString batch) {
    if (batch != null && !batch.isEmpty()) {
      socket.push(batch);
      heartbeats.wrote();
      if (bytesPerSecond > 0) {
        // Throttled: one slice per tick, so the rate holds within a frame too.
        throttleWait = true;
        socket.schedule(THROTTLE_TIMER, THROTTLE_TICK);
      }
    }
  }

  private void applyWatermarks() {
    long queued = queue.queuedBytes();
    if (!slowedDown && queued > settings.outboundHighWatermarkBytes()) {
      slowedDown = true;
      socket.backpressure(true);
    } else if (slowedDown && queued <= settings.outboundLowWatermarkBytes()) {
      slowedDown = false;
      socket.backpressure(false);
    }
  }
}
