package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.fault.FaultEvent;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.trace.TraceEvent;

/**
 * How the actors consult the fault rules at a boundary: build the event, take the one
 * {@link FaultDecision}, record it in the trace, and apply the effects that act elsewhere (pausing a
 * queue, restarting the broker). What the decision means for the event itself, each actor applies.
 */
final class FaultPoints {
  private FaultPoints() {}

  /** The decision at {@code at} for this message (usually {@link FaultDecision#NONE}, and cheaply so). */
  static FaultDecision decide(BrokerContext broker, Boundary at, Message m, String queue, String consumerTag,
      String connectionId, String clientName, String channelId) {
    if (!broker.faults().watches(at)) {
      return FaultDecision.NONE;
    }
    return FaultDecision.decide(at, broker.faults().decide(new FaultEvent(at, m == null ? null : m.msgId(),
        m == null ? null : m.exchange(), m == null ? null : m.routingKey(), queue, consumerTag, connectionId,
        clientName, channelId, m == null ? null : m.properties(), broker.now())), channelId != null);
  }

  /** Records every fired effect, then pauses queues and restarts the broker as the decision says. */
  static void recordAndApplyElsewhere(Vhost vhost, FaultDecision d, FaultDecision.Site site, String msgId) {
    if (d.isEmpty()) {
      return;
    }
    for (FaultDecision.Record r : d.records(site, msgId)) {
      vhost.broker().trace().record(new TraceEvent.FaultInjected(r.rule(), r.action(), r.target(), r.msgId(),
          r.newMsgId()));
    }
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    for (FaultDecision.Pause p : d.pauses()) {
      RoutingSnapshot.QueueNode<QueueHandle> q = s.queue(p.queue() != null ? p.queue() : site.queue());
      if (q != null) {
        q.handle().ref().tell(new QueueActor.Pause(p.paused()));
      }
    }
    if (d.restartRule() != null) {
      vhost.actor().tell(new VhostActor.Restart(d.restartRule()));
    }
  }

  /** The error a fault-ordered close carries: the code asked for, text naming the rule. */
  static AmqpError closeError(FaultDecision.Close c, boolean connection) {
    ReplyCode rc = ReplyCode.of(c.code());
    String explanation = c.text() != null ? c.text() : "closed by fault rule '" + c.rule() + "'";
    return new AmqpError(rc, rc.text(explanation), 0, 0, connection);
  }
}
