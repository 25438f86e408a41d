package io.brokersim.amqp.server;

import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.ReplyCode;
import java.util.function.LongConsumer;

/** How the connection-wide wire effects of a decision change a connection: heartbeats, half-open, throttle. */
final class WireEffects {
  private WireEffects() {}

  /**
   * Applies every heartbeat stop, half-open and throttle of {@code d}, each in its direction:
   * {@code to-client} acts on the heartbeat clock's sending and the pump, {@code from-client} on what the
   * connection reads ({@code haltReading}, {@code throttleReading}).
   */
  static void apply(FaultDecision d, HeartbeatClock heartbeats, OutboundPump pump, Runnable haltReading,
      LongConsumer throttleReading) {
    for (FaultDecision.WireChange c : d.wireChanges()) {
      Effect.Direction dir = c.direction();
      switch (c.kind()) {
        case STOP_HEARTBEATS -> {
          if (dir.toClient()) {
            heartbeats.stopSending();
          }
          if (dir.fromClient()) {
            heartbeats.ignoreClient();
          }
        }
        case HALF_OPEN -> {
          if (dir.toClient()) {
            pump.stopWriting();
          }
          if (dir.fromClient()) {
            haltReading.run();
          }
        }
        case THROTTLE -> {
          if (dir.toClient()) {
            pump.throttle(c.bytesPerSecond());
          }
          if (dir.fromClient()) {
            throttleReading.accept(c.bytesPerSecond());
          }
        }
        default -> throw new IllegalStateException("not a wire change: " + c);
      }
    }
  }

  /** The connection.close a {@code close-connection} rule orders: its code, its text or one naming the rule. */
  static AmqpError closeError(FaultDecision.Close c) {
    ReplyCode rc = ReplyCode.of(c.code());
    String explanation = c.text() != null ? c.text() : "closed by fault rule '" + c.rule() + "'";
    return new AmqpError(rc, rc.text(explanation), 0, 0, true);
  }
}
