package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.ShortstrTooLongException;
import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ClientSink;
import io.brokersim.core.actor.ConnectionActor;
import io.brokersim.core.actor.Outbound;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of one TCP connection. Its methods run on the broker's actor threads (several at once,
 * one per channel): they encode, append to the connection's {@link OutboundQueue} and wake the stage, and
 * never block. Per-channel order holds because each channel's actor calls {@link #send} in order and the
 * queue keeps each producer's order.
 */
final class WireSink implements ClientSink {

  private static final Logger log = LoggerFactory.getLogger(WireSink.class);

  private final FrameWriter frames;
  private final OutboundQueue queue;
  private final Consumer<ConnectionEvent> events;
  private volatile ActorRef<ConnectionActor.Command> ref;
  private volatile String closedReason;
  private volatile boolean coreTerminated;

  /** {@code events} must be thread-safe and must not block (a stage's async callback). */
  WireSink(FrameWriter frames, OutboundQueue queue, Consumer<ConnectionEvent> events) {
    this.frames = frames;
    this.queue = queue;
    this.events = events;
  }

  /** True once the broker has ended the connection (connectionTerminated was called). */
  boolean coreTerminated() {
    return coreTerminated;
  }

  @Override
  public void connectionOpened(String id, ActorRef<ConnectionActor.Command> connectionRef) {
    ref = connectionRef;
    events.accept(new ConnectionEvent.ConnectionOpened(id, connectionRef));
    // The socket may have gone while the broker was creating the connection.
    String reason = closedReason;
    if (reason != null) {
      connectionRef.tell(new ConnectionActor.Cut(reason));
    }
  }

  @Override
  public void channelOpened(int channel, String channelId, ActorRef<ChannelActor.Command> channelRef) {
    events.accept(new ConnectionEvent.ChannelOpened(channel, channelId, channelRef));
  }

  @Override
  public void send(int channel, Outbound method) {
    if (closedReason != null) {
      return;
    }
    ByteString bytes;
    try {
      bytes = frames.write(channel, method);
    } catch (RuntimeException e) {
      String what = method.getClass().getSimpleName();
      ShortstrTooLongException tooLong = tooLong(e);
      if (tooLong != null) {
        // A value the broker composed (a dead-letter routing key from a long-string argument, a LavinMQ
        // reply name built from a long consumer tag) does not fit: RabbitMQ closes the receiving
        // connection with 541 (method_field_shortstr_overflow), and so does brokersim.
        log.warn("cannot encode {} for channel {}: {}; closing the connection with 541", what, channel,
            e.getMessage());
      } else {
        log.error("cannot encode {} for channel {}", what, channel, e);
      }
      ActorRef<ConnectionActor.Command> c = ref;
      if (c != null) {
        c.tell(new ConnectionActor.ForceClose(AmqpError.of(ReplyCode.INTERNAL_ERROR, MethodRef.NONE,
            "cannot encode " + what + ": " + e.getMessage()), "server"));
      }
      return;
    }
    OutboundQueue.Kind kind = OutboundQueue.Kind.DATA;
    if (method instanceof Outbound.ChannelClose) {
      kind = OutboundQueue.Kind.CHANNEL_CLOSE;
    } else if (method instanceof Outbound.ChannelCloseOk) {
      kind = OutboundQueue.Kind.CHANNEL_CLOSE_OK;
    } else if (method instanceof Outbound.ConnectionClose) {
      kind = OutboundQueue.Kind.CONNECTION_CLOSE;
    }
    if (queue.offer(new OutboundQueue.Entry(channel, kind, bytes))) {
      events.accept(ConnectionEvent.Wake.INSTANCE);
    }
  }

  @Override
  public void connectionTerminated(boolean abrupt) {
    coreTerminated = true;
    if (abrupt) {
      events.accept(ConnectionEvent.TerminatedAbruptly.INSTANCE);
    } else if (queue.offer(new OutboundQueue.Entry(0, OutboundQueue.Kind.END, ByteString.emptyByteString()))) {
      events.accept(ConnectionEvent.Wake.INSTANCE);
    }
  }

  private static ShortstrTooLongException tooLong(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ShortstrTooLongException s) {
        return s;
      }
    }
    return null;
  }

  /** The socket is gone: stop encoding, and cut the broker connection unless it already ended. */
  void transportClosed(String reason) {
    closedReason = reason;
    ActorRef<ConnectionActor.Command> c = ref;
    if (c != null && !coreTerminated) {
      c.tell(new ConnectionActor.Cut(reason));
    }
  }
}
