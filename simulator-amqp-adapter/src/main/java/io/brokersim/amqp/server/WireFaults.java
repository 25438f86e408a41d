package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.ContentHeaderCodec;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.MethodSpec;
import io.brokersim.amqp.codec.MethodTable;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.pekko.util.ByteString;

/**
 * The fault rules of one TCP connection at the wire boundaries ({@code frame-read}, {@code frame-written}):
 * builds one {@link FaultEvent} per frame, takes the injector's {@link FaultDecision} and records it in the
 * trace. A frame of a content command carries the command's method and the message's properties (for body
 * frames, those of the header before them on the same channel), so a rule can pick "the frames of the reply
 * to correlation X". Only called while a rule watches the boundary ({@link #watches}); otherwise the
 * connection pays one volatile read per chunk.
 *
 * <p>Not thread-safe: the connection stage owns it.
 */
final class WireFaults {

  /** One frame of an outbound entry: its octets and what a rule can match on. */
  record OutFrame(ByteString bytes, int channel, int type, String method, BasicProperties properties) {}

  private final FaultInjector injector;
  private final Trace trace;
  private final LongSupplier nowNanos;
  private String connectionId;
  private String clientName;
  private final Map<Integer, String> channelIds = new HashMap<>();
  private final Map<Integer, Content> readContent = new HashMap<>();

  /** The content command a channel is in the middle of, in one direction. */
  private record Content(String method, BasicProperties properties) {}

  WireFaults(FaultInjector injector, Trace trace, LongSupplier nowNanos) {
    this.injector = injector;
    this.trace = trace;
    this.nowNanos = nowNanos;
  }

  /** Cheap: does any armed rule look at frames in this direction? */
  boolean watches(Boundary at) {
    return injector.watches(at);
  }

  /** The connection is named once the handshake is over (rules may match its id and its client name). */
  void named(String id, String client) {
    connectionId = id;
    clientName = client;
  }

  /** The client name before the broker connection exists (the handshake's frames). */
  void clientName(String client) {
    clientName = client;
  }

  void channelOpened(int number, String channelId) {
    channelIds.put(number, channelId);
    readContent.remove(number);
  }

  /**
   * The decision for a frame read from the client; {@code headerProperties} are those of the content header
   * that followed a content method frame (the gate holds the method frame until it has them), else null.
   */
  FaultDecision read(Frame f, BasicProperties headerProperties) {
    int channel = f.channel();
    String method = null;
    BasicProperties props = null;
    String type;
    if (f instanceof Frame.Method m) {
      type = "method";
      method = m.method().name();
      props = headerProperties;
      if (MethodTable.of(m.method().getClass()).hasContent()) {
        readContent.put(channel, new Content(method, null));
      } else {
        readContent.remove(channel);
      }
    } else if (f instanceof Frame.ContentHeader h) {
      type = "header";
      Content c = readContent.get(channel);
      method = c == null ? null : c.method();
      props = h.properties();
      readContent.put(channel, new Content(method, props));
    } else if (f instanceof Frame.Heartbeat) {
      type = "heartbeat";
    } else {
      type = f instanceof Frame.Body ? "body" : "header";
      Content c = readContent.get(channel);
      if (c != null) {
        method = c.method();
        props = c.properties();
      }
    }
    return decide(Boundary.FRAME_READ, channel, type, method, props);
  }

  /**
   * Splits an outbound entry (whole frames, as the {@link FrameWriter} wrote them) into its frames, each with
   * what a rule matches on. An entry holds a whole command, so its method frame already carries the
   * properties of the content header behind it.
   */
  List<OutFrame> frames(ByteString entry) {
    List<OutFrame> out = new java.util.ArrayList<>(3);
    String method = null;
    BasicProperties props = null;
    int at = 0;
    while (at + Frame.OVERHEAD <= entry.size()) {
      int type = entry.apply(at) & 0xFF;
      int channel = ((entry.apply(at + 1) & 0xFF) << 8) | (entry.apply(at + 2) & 0xFF);
      long size = ((long) (entry.apply(at + 3) & 0xFF) << 24) | ((entry.apply(at + 4) & 0xFF) << 16)
          | ((entry.apply(at + 5) & 0xFF) << 8) | (entry.apply(at + 6) & 0xFF);
      int end = (int) Math.min(entry.size(), at + 7 + size + 1);
      ByteString frame = entry.slice(at, end);
      if (type == Frame.TYPE_METHOD && frame.size() >= 11) {
        int classId = ((frame.apply(7) & 0xFF) << 8) | (frame.apply(8) & 0xFF);
        int methodId = ((frame.apply(9) & 0xFF) << 8) | (frame.apply(10) & 0xFF);
        MethodSpec spec = MethodTable.find(classId, methodId).orElse(null);
        method = spec == null ? null : spec.name();
        props = null;
      } else if (type == Frame.TYPE_HEADER && frame.size() > Frame.OVERHEAD) {
        props = ContentHeaderCodec.decode(channel, frame.slice(7, frame.size() - 1).toByteBuffer()).properties();
        for (int k = 0; k < out.size(); k++) {
          OutFrame before = out.get(k);
          if (before.channel() == channel && before.type() == Frame.TYPE_METHOD) {
            out.set(k, new OutFrame(before.bytes(), channel, before.type(), before.method(), props));
          }
        }
      } else if (type == Frame.TYPE_HEARTBEAT) {
        method = null;
        props = null;
      }
      out.add(new OutFrame(frame, channel, type, method, props));
      at = end;
    }
    if (at < entry.size()) {
      // Not whole frames (a protocol header answer): one piece, matched as nothing in particular.
      out.add(new OutFrame(entry.drop(at), 0, -1, null, null));
    }
    return out;
  }

  /** The decision for a frame about to be written to the client. */
  FaultDecision written(OutFrame f) {
    return decide(Boundary.FRAME_WRITTEN, f.channel(), typeName(f.type()), f.method(), f.properties());
  }

  private static String typeName(int type) {
    return switch (type) {
      case Frame.TYPE_METHOD -> "method";
      case Frame.TYPE_HEADER -> "header";
      case Frame.TYPE_BODY -> "body";
      case Frame.TYPE_HEARTBEAT -> "heartbeat";
      default -> "none";
    };
  }

  private FaultDecision decide(Boundary at, int channel, String type, String method, BasicProperties props) {
    String channelId = channel == 0 ? null : channelIds.getOrDefault(channel,
        (connectionId == null ? "connection" : connectionId) + "/ch-" + channel);
    List<FaultInjector.Fired> fired = injector.decide(new FaultEvent(at, null, null, null, null, null, connectionId,
        clientName, channelId, props, nowNanos.getAsLong(), type, method));
    FaultDecision d = FaultDecision.decide(at, fired);
    if (!d.isEmpty()) {
      String site = (channelId != null ? channelId : connectionId != null ? connectionId : "connection") + " "
          + type + (method == null ? "" : " " + method);
      String target = connectionId != null ? connectionId : "connection";
      for (FaultDecision.Record r : d.records(new FaultDecision.Site(site, site, target, null), null)) {
        trace.record(new TraceEvent.FaultInjected(r.rule(), r.action(), r.target(), r.msgId(), r.newMsgId()));
      }
    }
    return d;
  }
}
