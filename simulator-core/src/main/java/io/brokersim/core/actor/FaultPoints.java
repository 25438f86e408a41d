package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.Effect;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.trace.TraceEvent;
import java.util.List;

/** How the actors ask the fault injector at a boundary and record what fired. */
final class FaultPoints {
  private FaultPoints() {}

  /** The rules that fire at {@code at} for this message (usually none, and cheaply so). */
  static List<FaultInjector.Fired> check(BrokerContext broker, Boundary at, Message m, String queue,
      String consumerTag, String connectionId, String clientName, String channelId) {
    if (!broker.faults().watches(at)) {
      return List.of();
    }
    return broker.faults().decide(new FaultEvent(at, m == null ? null : m.msgId(), m == null ? null : m.exchange(),
        m == null ? null : m.routingKey(), queue, consumerTag, connectionId, clientName, channelId,
        m == null ? null : m.properties(), broker.now()));
  }

  /** Records that a rule's effect was applied to {@code target}. */
  static void record(BrokerContext broker, FaultInjector.Fired f, Effect e, String target, String msgId,
      String newMsgId) {
    broker.trace().record(new TraceEvent.FaultInjected(f.rule().name(), describe(f, e), target, msgId, newMsgId));
  }

  /** Records a rule that fired where its effect does not apply, so the run still shows it. */
  static void ignored(BrokerContext broker, FaultInjector.Fired f, Effect e, Boundary at, String target,
      String msgId) {
    broker.trace().record(new TraceEvent.FaultInjected(f.rule().name(),
        describe(f, e) + " (no effect at " + at.configName() + ")", target, msgId, null));
  }

  private static String describe(FaultInjector.Fired f, Effect e) {
    if (e instanceof Effect.Duplicate) {
      return "duplicate"; // the fate ledger derives the new message from exactly this action name
    }
    String action = f.rule().action().name();
    String effect;
    if (e instanceof Effect.Delay d) {
      effect = "delay " + d.delay().toMillis() + "ms";
    } else if (e instanceof Effect.Duplicate d) {
      effect = "duplicate x" + d.copies();
    } else if (e instanceof Effect.CloseChannel c) {
      effect = "close-channel " + c.code();
    } else if (e instanceof Effect.CloseConnection c) {
      effect = "close-connection " + c.code();
    } else if (e instanceof Effect.PauseQueue p) {
      effect = (p.paused() ? "pause-queue" : "resume-queue") + (p.queue() == null ? "" : " " + p.queue());
    } else if (e instanceof Effect.Drop) {
      effect = "drop";
    } else if (e instanceof Effect.CutConnection) {
      effect = "cut-connection";
    } else if (e instanceof Effect.CancelConsumer) {
      effect = "cancel-consumer";
    } else if (e instanceof Effect.CrashConsumer) {
      effect = "crash-consumer";
    } else if (e instanceof Effect.RestartBroker) {
      effect = "broker-restart";
    } else {
      effect = "stop-heartbeats";
    }
    return action.equals(effect) ? action : action + ": " + effect;
  }

  /** The error a fault-ordered close carries: the code asked for, text naming the rule. */
  static AmqpError closeError(int code, String text, String rule, boolean connection) {
    ReplyCode rc = ReplyCode.of(code);
    String explanation = text != null ? text : "closed by fault rule '" + rule + "'";
    return new AmqpError(rc, rc.text(explanation), 0, 0, connection);
  }
}
