package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.MethodTable;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultDecision;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code frame-read} rules of one connection, between the frame decoder and the connection's frame
 * handling: a frame is dropped, handed over again after its command, held behind later frames (reorder), or the stream stalls
 * before it (delay: TCP keeps order, so the frames behind it wait too); a corrupted frame is a frame error
 * and a truncated one ends the socket in the middle of a frame, as if the client's bytes had been damaged.
 * Used only while a rule watches {@code frame-read} or an effect is still pending.
 */
final class InboundFaults {

  static final String STALL_TIMER = "inbound-stall";
  static final String HOLD_TIMER = "inbound-hold";

  /** What the gate needs from its connection stage. */
  interface Reader {
    /** Handles a frame that passed. */
    void frame(Frame f);

    /** Connection-wide effects of a decision on a read frame (half-open, throttle, heartbeats, closes). */
    void readEffects(FaultDecision d);

    /** The frame arrived with its end octet flipped. */
    void corrupted(String rule);

    /** The socket ended in the middle of the frame. */
    void truncated(String rule);

    void schedule(String timerKey, Duration after);
  }

  private static final class Held {
    final Frame frame;
    int framesLeft;

    Held(Frame frame, int framesLeft) {
      this.frame = frame;
      this.framesLeft = framesLeft;
    }
  }

  private final WireFaults faults;
  private final Reader reader;
  private final ArrayDeque<Frame> behindStall = new ArrayDeque<>();
  private final List<Held> held = new ArrayList<>();
  private final Map<Integer, List<Frame>> copies = new HashMap<>();
  private final Map<Integer, Frame> awaitingHeader = new HashMap<>();
  /** Per channel in a content command: body octets still to come (-1 before its header). */
  private final Map<Integer, Long> bodyLeft = new HashMap<>();
  private Frame stalledFrame;
  private int stalledCopies;
  private boolean stalled;
  private boolean ended;

  InboundFaults(WireFaults faults, Reader reader) {
    this.faults = faults;
    this.reader = reader;
  }

  /** True while frames are held or a rule watches: every frame must come through here. */
  boolean active() {
    return ended || stalled || !held.isEmpty() || !awaitingHeader.isEmpty() || faults.watches(Boundary.FRAME_READ);
  }

  /** A frame from the decoder. */
  void accept(Frame f) {
    if (ended) {
      return;
    }
    if (stalled) {
      behindStall.add(f);
      return;
    }
    now(f);
  }

  /**
   * A content method frame waits for the header behind it, so that a rule matching the message's properties
   * sees them on all three frames of a publish.
   */
  private void now(Frame f) {
    Frame method = awaitingHeader.remove(f.channel());
    if (method != null) {
      decide(method, f instanceof Frame.ContentHeader h ? h.properties() : null);
      if (ended) {
        return;
      }
      if (stalled) {
        behindStall.add(f);
        return;
      }
    }
    if (f instanceof Frame.Method m && MethodTable.of(m.method().getClass()).hasContent()
        && faults.watches(Boundary.FRAME_READ)) {
      awaitingHeader.put(f.channel(), f);
      return;
    }
    decide(f, null);
  }

  private void decide(Frame f, io.brokersim.core.model.BasicProperties headerProperties) {
    FaultDecision d = faults.watches(Boundary.FRAME_READ) ? faults.read(f, headerProperties) : FaultDecision.NONE;
    if (d.isEmpty()) {
      pass(f, 0);
      return;
    }
    reader.readEffects(d);
    for (FaultDecision.WireChange c : d.wireChanges()) {
      if (c.kind() == Effect.Kind.HALF_OPEN && c.direction().fromClient()) {
        // The server stops reading at this frame: it and everything read behind it never reach the broker.
        ended = true;
        return;
      }
    }
    if (d.close() != null) {
      // Closes, cuts and resets end the stream here; the frame never reaches the broker.
      ended = d.close().kind() != Effect.Kind.CLOSE_CONNECTION;
      return;
    }
    if (d.dropRule() != null) {
      return;
    }
    if (d.truncateRule() != null) {
      ended = true;
      reader.truncated(d.truncateRule());
      return;
    }
    if (d.corruptRule() != null) {
      ended = true;
      reader.corrupted(d.corruptRule());
      return;
    }
    if (d.delay() != null && !d.delay().isZero()) {
      stalled = true;
      stalledFrame = f;
      stalledCopies = d.duplicateRules().size();
      reader.schedule(STALL_TIMER, d.delay());
      return;
    }
    if (d.reorder() != null) {
      held.add(new Held(f, d.reorder().frames()));
      reader.schedule(HOLD_TIMER, d.reorder().maxHold());
      return;
    }
    pass(f, d.duplicateRules().size());
  }

  /**
   * Hands the frame over; its copies follow the content command it belongs to (right behind it for other
   * frames), so a message copied frame by frame arrives twice; frames held behind enough later ones follow.
   */
  private void pass(Frame f, int copies) {
    deliver(f);
    int channel = f.channel();
    for (int k = 0; k < copies; k++) {
      this.copies.computeIfAbsent(channel, c -> new ArrayList<>()).add(f);
    }
    if (commandOver(f)) {
      List<Frame> due = this.copies.remove(channel);
      if (due != null) {
        for (Frame copy : due) {
          deliver(copy);
        }
      }
    }
    for (Iterator<Held> it = held.iterator(); it.hasNext() && !ended; ) {
      Held h = it.next();
      if (--h.framesLeft <= 0) {
        it.remove();
        deliver(h.frame);
      }
    }
  }

  private void deliver(Frame f) {
    if (!ended) {
      reader.frame(f);
    }
  }

  /** Whether {@code f} ends a command on its channel (content: the last body octet has arrived). */
  private boolean commandOver(Frame f) {
    int channel = f.channel();
    if (f instanceof Frame.Method m) {
      if (MethodTable.of(m.method().getClass()).hasContent()) {
        bodyLeft.put(channel, -1L);
        return false;
      }
      bodyLeft.remove(channel);
      return true;
    }
    Long left = bodyLeft.get(channel);
    if (f instanceof Frame.ContentHeader h) {
      left = h.bodySize();
    } else if (f instanceof Frame.Body b && left != null && left > 0) {
      left -= b.size();
    } else {
      return left == null;
    }
    if (left <= 0) {
      bodyLeft.remove(channel);
      return true;
    }
    bodyLeft.put(channel, left);
    return false;
  }

  /** A timer of the gate fired. */
  void onTimer(Object key) {
    if (HOLD_TIMER.equals(key)) {
      List<Held> due = new ArrayList<>(held);
      held.clear();
      for (Held h : due) {
        if (!ended) {
          deliver(h.frame);
        }
      }
    } else if (STALL_TIMER.equals(key) && stalled) {
      stalled = false;
      Frame f = stalledFrame;
      stalledFrame = null;
      pass(f, stalledCopies);
      while (!stalled && !ended && !behindStall.isEmpty()) {
        now(behindStall.poll());
      }
    }
  }

  /** The stage stops reading: nothing more is handed over. */
  void end() {
    ended = true;
  }
}
