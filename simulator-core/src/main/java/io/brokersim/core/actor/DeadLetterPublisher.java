package io.brokersim.core.actor;

import io.brokersim.core.model.DeliveryHeaders;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.QueueFeatures;
import io.brokersim.core.model.QueueLimits;
import io.brokersim.core.model.QueueState;
import io.brokersim.core.model.QueuedMessage;
import io.brokersim.core.profile.DeadLettering;
import io.brokersim.core.trace.TraceEvent;

/**
 * The end of a message's life in one queue, a half of its {@link QueueActor}: dropped with the matching trace
 * event, or dead-lettered through the routing snapshot (semantics §5.4, §9.4); a queue that dead-letters at least
 * once keeps a dead letter it cannot route yet in its state and tries again when its actor says (§9.5).
 */
final class DeadLetterPublisher {

  private final Vhost vhost;
  private final BrokerContext broker;
  private final String queue;
  /** The queue actor's name, which makes the ids of its dead letters unique. */
  private final String actorName;
  private final QueueLimits limits;
  private final QueueFeatures features;
  private final QueueState<?> state;
  private long deadLettered;

  DeadLetterPublisher(Vhost vhost, String queue, String actorName, QueueLimits limits, QueueFeatures features,
      QueueState<?> state) {
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.queue = queue;
    this.actorName = actorName;
    this.limits = limits;
    this.features = features;
    this.state = state;
  }

  /**
   * Ends {@code e}'s life in the queue for {@code reason}: dead-lettered when the queue has a dead-letter exchange,
   * otherwise dropped. Returns true when the dead letter could not be routed and the queue holds it
   * (at-least-once): the caller schedules another attempt.
   */
  boolean retire(QueuedMessage e, DeadLettering.Reason reason, String detail) {
    Message m = e.message();
    if (!limits.deadLetters()) {
      switch (reason) {
        case EXPIRED -> broker.trace().record(new TraceEvent.Expired(m.msgId(), queue));
        case REJECTED -> broker.trace().record(new TraceEvent.Discarded(m.msgId(), queue, "rejected-no-dlx",
            detail + " with requeue=false and no dead-letter exchange"));
        case MAXLEN -> broker.trace().record(new TraceEvent.Discarded(m.msgId(), queue, "overflow", detail));
        case DELIVERY_LIMIT -> broker.trace().record(new TraceEvent.Discarded(m.msgId(), queue,
            TraceEvent.Discarded.CAUSE_DELIVERY_LIMIT, detail));
      }
      return false;
    }
    Message dead = deadLetterOf(e, reason);
    if (features.atLeastOnceDeadLetters() && reason != DeadLettering.Reason.MAXLEN) {
      String unroutable = Router.whyUnroutable(vhost, dead);
      if (unroutable != null) {
        state.holdDeadLetter(e, reason.wire());
        broker.trace().record(new TraceEvent.DeadLetterHeld(m.msgId(), queue, reason.wire(), unroutable));
        return true;
      }
    }
    publish(e, reason.wire(), dead);
    return false;
  }

  /** The held dead letters get another chance; returns true when some still cannot be routed. */
  boolean retryHeld() {
    for (QueueState.PendingDeadLetter p : state.takePendingDeadLetters()) {
      Message dead = deadLetterOf(p.entry(), DeadLettering.Reason.fromWire(p.reason()));
      if (Router.whyUnroutable(vhost, dead) != null) {
        state.holdDeadLetter(p.entry(), p.reason());
      } else {
        publish(p.entry(), p.reason(), dead);
      }
    }
    return state.pendingDeadLetterCount() > 0;
  }

  private void publish(QueuedMessage e, String reason, Message dead) {
    deadLettered++;
    broker.trace().record(new TraceEvent.DeadLettered(e.message().msgId(), queue, reason, dead.msgId(),
        limits.deadLetterExchange()));
    Router.deadLetter(vhost, dead);
  }

  /**
   * The dead letter of {@code e}: RabbitMQ 4 quorum queues copy the message's delivery counts into it
   * ({@code rabbit_fifo:annotate_msg}).
   */
  private Message deadLetterOf(QueuedMessage e, DeadLettering.Reason reason) {
    Message m = e.message();
    if (features.deliveryHeaders() == DeliveryHeaders.DELIVERY_AND_ACQUIRED_COUNT_LONG) {
      m = features.deliveryHeaders().annotate(m, e, false);
    }
    String newId = e.message().msgId() + "~" + actorName + "." + (deadLettered + 1);
    return DeadLettering.deadLetter(broker.profile(), m, newId, queue, reason, limits.deadLetterExchange(),
        limits.deadLetterRoutingKey(), broker.epochSeconds());
  }
}
