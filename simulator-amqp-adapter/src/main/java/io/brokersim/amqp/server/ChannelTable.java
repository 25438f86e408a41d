package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ClientMethod;
import io.brokersim.core.actor.ConnectionActor;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels of one connection as the client sees them: frames for a channel still opening wait for its
 * actor, content frames are assembled into commands ({@link ContentAssembler}), whole commands go to the
 * channel actor in arrival order, and only close and close-ok count while a close is under way (spec
 * channel.close). A channel error the adapter finds (a message too large) is raised in the channel itself
 * ({@link ChannelActor.RaiseError}), so its channel.close goes out in order with the channel's other output.
 *
 * <p>A channel's number is free as soon as its close handshake is over: the broker hears of it before the
 * client can open the number again ({@link ConnectionActor.ChannelCloseOk}, {@link ConnectionActor.NumberFree}).
 */
final class ChannelTable {

  private static final Logger log = LoggerFactory.getLogger(ChannelTable.class);

  /** What the table needs from its connection. */
  interface Owner {
    ActorRef<ConnectionActor.Command> connection();

    /** True while the connection is open (not closing). */
    boolean running();

    void send(int channel, AmqpMethod method);

    void protocolError(AmqpError error);

    /** True while the memory alarm is on. */
    boolean alarmOn();

    /** A publisher is publishing while the memory alarm is on: stop reading after this chunk. */
    void blockAfterChunk();

    String describe();
  }

  /** Where a channel is, as the client sees it. */
  private enum State {
    /** channel.open sent to the connection actor; frames wait for the channel actor. */
    OPENING,
    OPEN,
    /** The client sent channel.close and waits for close-ok. */
    CLIENT_CLOSING,
    /** The server sent (or is sending) channel.close; only close and close-ok count until the client answers. */
    SERVER_CLOSING
  }

  private static final class Slot {
    final int number;
    final ContentAssembler assembler;
    final ArrayDeque<Frame> pending = new ArrayDeque<>();
    State state = State.OPENING;
    ActorRef<ChannelActor.Command> ref;

    Slot(int number, ContentAssembler assembler) {
      this.number = number;
      this.assembler = assembler;
    }
  }

  private final ServerContext server;
  private final Owner owner;
  private final Map<Integer, Slot> slots = new HashMap<>();
  private int channelMax;
  private boolean slowedDown;

  ChannelTable(ServerContext server, Owner owner) {
    this.server = server;
    this.owner = owner;
  }

  void channelMax(int max) {
    channelMax = max;
  }

  /** A frame for channel {@code f.channel()} (not 0) of a running connection. */
  void frame(Frame f) {
    int n = f.channel();
    Slot slot = slots.get(n);
    boolean open = f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelOpen;
    if (slot == null) {
      if (open) {
        open(n);
      } else {
        apply(server.rules.frameOnClosedChannel(f), null, n);
      }
      return;
    }
    if (slot.state == State.OPENING) {
      if (slot.pending.size() >= server.settings.maxFramesBeforeOpen()) {
        owner.protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE, "more than "
            + server.settings.maxFramesBeforeOpen() + " frames on channel " + n + " before channel.open-ok"));
      } else {
        slot.pending.add(f);
      }
      return;
    }
    if (open && slot.state != State.SERVER_CLOSING) {
      // The connection actor answers a second open with 504 CHANNEL_ERROR.
      owner.connection().tell(new ConnectionActor.OpenChannel(n));
      return;
    }
    dispatch(slot, f);
  }

  private void open(int n) {
    if (slots.size() + 1 > channelMax) {
      owner.protocolError(AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CHANNEL_OPEN, "number of channels opened ("
          + slots.size() + ") has reached the negotiated channel_max (" + channelMax + ")"));
      return;
    }
    slots.put(n, new Slot(n, new ContentAssembler(server.profile, server.settings.maxMessageSizeBytes())));
    owner.connection().tell(new ConnectionActor.OpenChannel(n));
  }

  /** The broker opened channel {@code number}: frames that waited for it go now, in order. */
  void opened(int number, ActorRef<ChannelActor.Command> ref) {
    Slot slot = slots.get(number);
    if (slot == null || slot.state != State.OPENING) {
      return;
    }
    slot.ref = ref;
    slot.state = State.OPEN;
    if (slowedDown) {
      ref.tell(new ChannelActor.Backpressure(true));
    }
    while (!slot.pending.isEmpty() && owner.running() && slots.get(number) == slot) {
      frame(slot.pending.poll());
    }
  }

  /** Frames read but not handed to the broker yet: held for a channel still opening. */
  boolean framesHeld() {
    for (Slot s : slots.values()) {
      if (!s.pending.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Carries out what the profile's {@link WireRules} decided for a frame on {@code channel}. */
  void apply(WireRules.Answer answer, Integer number, int channel) {
    Slot slot = number == null ? null : slots.get(number);
    if (answer instanceof WireRules.Close c) {
      owner.protocolError(c.error());
    } else if (answer instanceof WireRules.Reply r) {
      owner.send(channel, r.method());
    } else if (answer == WireRules.CloseChannelQuietly.INSTANCE && slot != null) {
      String reason = "the client sent channel.close-ok without a channel.close";
      log.info("{}: channel {} closed: {}", owner.describe(), slot.number, reason);
      slots.remove(slot.number);
      owner.connection().tell(new ConnectionActor.EndChannelQuietly(slot.number, reason));
    }
  }

  /** A frame for an open (or closing) channel. */
  private void dispatch(Slot slot, Frame f) {
    if (slot.state == State.SERVER_CLOSING) {
      if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelCloseOk) {
        slots.remove(slot.number);
        owner.connection().tell(new ConnectionActor.ChannelCloseOk(slot.number));
      } else if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelClose) {
        // The closes crossed: the channel answers the client's, the client then answers ours.
        slot.ref.tell(new ClientMethod.ChannelClose(200, "", 0, 0));
      }
      return;
    }
    if (slot.state == State.CLIENT_CLOSING) {
      // Only a close-ok crossing our close-ok matters; the broker ignores everything else.
      if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelCloseOk) {
        slot.ref.tell(new ClientMethod.ChannelCloseOk());
      }
      return;
    }
    ContentAssembler.Step step = slot.assembler.accept(f);
    if (step instanceof ContentAssembler.Failure failure) {
      if (failure.error().connectionScope()) {
        owner.protocolError(failure.error());
      } else {
        log.info("{}: channel {} closed by the server: {}", owner.describe(), slot.number, failure.error().text());
        slot.state = State.SERVER_CLOSING;
        slot.ref.tell(new ChannelActor.RaiseError(failure.error()));
      }
      return;
    }
    if (step instanceof ContentAssembler.Command c) {
      command(slot, c);
    } else if (step instanceof ContentAssembler.Dropped d) {
      log.info("{}: channel {}: a message declared {} octets but its body frames carried {}; dropped, as"
          + " LavinMQ never publishes it", owner.describe(), slot.number, d.declaredBytes(), d.receivedBytes());
    } else if (owner.alarmOn() && slot.assembler.inContent()) {
      owner.blockAfterChunk();
    }
  }

  private void command(Slot slot, ContentAssembler.Command c) {
    AmqpMethod method = c.method();
    if (method instanceof AmqpMethod.ChannelCloseOk) {
      // On an open channel nobody asked to close: the profile decides (503 or a quiet close).
      apply(server.rules.unsolicitedCloseOk(method), slot.number, slot.number);
      return;
    }
    if (method instanceof AmqpMethod.BasicPublish p) {
      slot.ref.tell(new ClientMethod.BasicPublish(p.exchange(), p.routingKey(), p.mandatory(), p.immediate(),
          c.properties(), c.body()));
      if (owner.alarmOn()) {
        owner.blockAfterChunk();
      }
      return;
    }
    if (method instanceof AmqpMethod.AccessRequest) {
      // Deprecated 0-8 access tickets: answered as RabbitMQ does, with ticket 1.
      owner.send(slot.number, new AmqpMethod.AccessRequestOk(1));
      return;
    }
    if (method instanceof AmqpMethod.BasicRecoverAsync) {
      // Deprecated since 0-9-1; the broker answers basic.recover with a recover-ok this method must not get.
      owner.protocolError(new AmqpError(ReplyCode.NOT_IMPLEMENTED, ReplyCode.NOT_IMPLEMENTED.text(
          "basic.recover-async is not simulated by brokersim (use basic.recover)"), method.classId(),
          method.methodId(), true));
      return;
    }
    ClientMethod cm = ClientMethods.toClientMethod(method);
    if (cm == null) {
      owner.protocolError(new AmqpError(ReplyCode.COMMAND_INVALID, ReplyCode.COMMAND_INVALID.text(
          "unimplemented method"), method.classId(), method.methodId(), true));
      return;
    }
    if (cm instanceof ClientMethod.ChannelClose) {
      slot.state = State.CLIENT_CLOSING;
    }
    slot.ref.tell(cm);
  }

  /** A server channel.close is being written: the channel now waits for the client's close-ok. */
  void serverCloseWritten(int number) {
    Slot slot = slots.get(number);
    if (slot != null && (slot.state == State.OPEN || slot.state == State.CLIENT_CLOSING)) {
      slot.state = State.SERVER_CLOSING;
    }
  }

  /** A channel.close-ok is being written: a client close is over and the number is free. */
  void closeOkWritten(int number) {
    Slot slot = slots.get(number);
    if (slot != null && slot.state == State.CLIENT_CLOSING) {
      slots.remove(number);
    }
  }

  /** Backpressure for every channel the broker has opened. */
  void backpressure(boolean on) {
    slowedDown = on;
    for (Slot s : slots.values()) {
      if (s.ref != null) {
        s.ref.tell(new ChannelActor.Backpressure(on));
      }
    }
  }
}
