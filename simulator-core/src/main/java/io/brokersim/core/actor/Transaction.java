package io.brokersim.core.actor;

import io.brokersim.core.model.DeliveryTags;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.RoutingSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * What a transactional channel ({@code tx.select}) holds until {@code tx.commit} (semantics §3.9): its
 * publishes, already routed (as RabbitMQ routes at publish time; LavinMQ routes them at commit) but not yet
 * handed to any queue, and its
 * acks, nacks and rejects, already checked against the delivery tags but not yet applied. A rollback, or
 * the channel closing first, drops the publishes and gives the acknowledged deliveries back to the
 * channel as unacked.
 */
final class Transaction {

  /** A held publish. */
  sealed interface Held {
    Message message();
  }

  /** A publish routed to {@code targets} (empty: unroutable, returned at commit if mandatory). */
  record HeldPublish(Message message, RoutingSnapshot.ExchangeNode<ExchangeHandle> exchange,
      List<RoutingSnapshot.QueueNode<QueueHandle>> targets, boolean mandatory, String note) implements Held {}

  /** A publish held unrouted, routed at commit (LavinMQ). */
  record HeldUnrouted(Message message, boolean mandatory, boolean immediate) implements Held {}

  /** A direct reply, resolved against the live reply names at commit (RabbitMQ). */
  record HeldReply(Message message, boolean mandatory) implements Held {}

  /** Held acknowledgements of one method, applied at commit in the order they came. */
  record HeldSettle(List<DeliveryTags.Tagged<Deliveries.Unacked>> settled, QueueActor.SettleKind kind,
      String methodName) {}

  private final List<Held> publishes = new ArrayList<>();
  private final List<HeldSettle> settles = new ArrayList<>();

  void hold(Held publish) {
    publishes.add(publish);
  }

  void hold(HeldSettle settle) {
    settles.add(settle);
  }

  /** The held publishes, in publish order; the transaction forgets them. */
  List<Held> takePublishes() {
    List<Held> out = List.copyOf(publishes);
    publishes.clear();
    return out;
  }

  /** The held acknowledgements, in the order they came; the transaction forgets them. */
  List<HeldSettle> takeSettles() {
    List<HeldSettle> out = List.copyOf(settles);
    settles.clear();
    return out;
  }
}
