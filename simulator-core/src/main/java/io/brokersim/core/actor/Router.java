package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.DeadLettering;
import io.brokersim.core.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Handing routed messages to queues, shared by the two places that route: a publishing channel and a
 * queue dead-lettering a message. Both route against the routing snapshot themselves; this is the part
 * after routing — the {@code routed} fault boundary (whose drop, delay and duplicate effects the exchange's
 * actor carries out) and the enqueues.
 */
final class Router {
  private Router() {}

  /** The queues' names, for the trace and for re-resolving after a delay. */
  static List<String> names(List<RoutingSnapshot.QueueNode<QueueHandle>> targets) {
    if (targets.size() == 1) {
      return List.of(targets.get(0).name());
    }
    List<String> out = new ArrayList<>(targets.size());
    for (RoutingSnapshot.QueueNode<QueueHandle> q : targets) {
      out.add(q.name());
    }
    return out;
  }

  /**
   * Delivers a routed message to its queues, unless the {@code routed} decision takes it: a drop, delay or
   * duplicate goes to the exchange's actor, which carries it out. {@code confirmTo} gets one queue result
   * per target (or none when dropped; the caller has nacked).
   */
  static void deliver(FaultDecision d, RoutingSnapshot.ExchangeNode<ExchangeHandle> exchange,
      List<RoutingSnapshot.QueueNode<QueueHandle>> targets, List<String> names, Message msg, long seq,
      ActorRef<ChannelActor.Command> confirmTo) {
    if (d.dropRule() != null || d.delay() != null || !d.duplicateRules().isEmpty()) {
      exchange.handle().ref().tell(new ExchangeActor.Faulted(msg, names, seq, confirmTo, d));
      return;
    }
    for (RoutingSnapshot.QueueNode<QueueHandle> q : targets) {
      q.handle().ref().tell(new QueueActor.Enqueue(q.name(), msg, confirmTo, seq));
    }
  }

  /**
   * Hands a message to queues by name in snapshot {@code s}; a queue deleted meanwhile records the loss
   * (and counts as accepted for the publisher's confirm, as the brokers ack what a deleted queue dropped).
   */
  static void enqueueByName(BrokerContext broker, RoutingSnapshot<ExchangeHandle, QueueHandle> s, List<String> names,
      Message msg, long seq, ActorRef<ChannelActor.Command> confirmTo) {
    for (String n : names) {
      RoutingSnapshot.QueueNode<QueueHandle> q = s.queue(n);
      if (q == null) {
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), n, "queue-deleted",
            "queue '" + n + "' was deleted while the message was delayed"));
        if (confirmTo != null) {
          confirmTo.tell(new ChannelActor.EnqueueResult(seq, true));
        }
      } else {
        q.handle().ref().tell(new QueueActor.Enqueue(q.name(), msg, confirmTo, seq));
      }
    }
  }

  /** Where a dead letter would go now: its target queues (cycles cut), or why there is none. */
  private record DeadLetterRoute(RoutingSnapshot.ExchangeNode<ExchangeHandle> exchange,
      List<RoutingSnapshot.QueueNode<QueueHandle>> targets, String unroutable) {}

  private static DeadLetterRoute route(Vhost vhost, Message dead) {
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = s.exchange(dead.exchange());
    if (x == null) {
      return new DeadLetterRoute(null, List.of(), "dead-letter exchange '" + dead.exchange() + "' does not exist");
    }
    List<RoutingSnapshot.QueueNode<QueueHandle>> routed = s.route(x, dead.routingKeys(), dead.properties().headers());
    List<RoutingSnapshot.QueueNode<QueueHandle>> targets = new ArrayList<>(routed.size());
    for (RoutingSnapshot.QueueNode<QueueHandle> q : routed) {
      if (!DeadLettering.isCycle(dead, q.name())) {
        targets.add(q);
      }
    }
    String unroutable = !targets.isEmpty() ? null : routed.isEmpty()
        ? "no binding of exchange '" + dead.exchange() + "' matched routing key '" + dead.routingKey() + "'"
        : "dead-letter cycle: the message already died in every target queue without a rejection";
    return new DeadLetterRoute(x, targets, unroutable);
  }

  /**
   * Why a dead letter could not be routed now (the exchange is missing, no binding matches, or every target is a
   * cycle), or null when some queue would take it: what at-least-once dead-lettering waits on (§9.5).
   */
  static String whyUnroutable(Vhost vhost, Message dead) {
    return route(vhost, dead).unroutable();
  }

  /**
   * Routes a dead-lettered message (semantics §5.4): through its dead-letter exchange like a publish without
   * a publisher, skipping queues where it would die again without a rejection (a cycle); a missing
   * exchange drops it, which the brokers do silently and the trace records.
   */
  static void deadLetter(Vhost vhost, Message dead) {
    BrokerContext broker = vhost.broker();
    DeadLetterRoute r = route(vhost, dead);
    if (r.exchange() == null) {
      broker.trace().record(new TraceEvent.Discarded(dead.msgId(), null, "unroutable", r.unroutable()));
      return;
    }
    List<String> names = names(r.targets());
    broker.trace().record(new TraceEvent.Routed(dead.msgId(), dead.exchange(), dead.routingKey(), names));
    if (r.targets().isEmpty()) {
      broker.trace().record(new TraceEvent.Discarded(dead.msgId(), null, "unroutable", r.unroutable()));
      return;
    }
    FaultDecision d = FaultPoints.decide(broker, Boundary.ROUTED, dead, names.get(0), null, null, null, null);
    FaultPoints.recordAndApplyElsewhere(vhost, d,
        new FaultDecision.Site("exchange:" + r.exchange().name(), null, null, names.get(0)), dead.msgId());
    deliver(d, r.exchange(), r.targets(), names, dead, 0, null);
  }
}
