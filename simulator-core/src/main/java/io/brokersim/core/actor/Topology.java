package io.brokersim.core.actor;

import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.trace.TraceEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The current routing snapshot of one virtual host, and the one way to change it. Every change is a pure
 * function of the snapshot applied atomically (compare-and-set, so actors on different threads never lose
 * each other's changes); the caller publishes the result before it answers its client. Channels and queues
 * read {@link #current()} without asking anyone.
 */
final class Topology {

  private final AtomicReference<RoutingSnapshot<ExchangeHandle, QueueHandle>> current =
      new AtomicReference<>(RoutingSnapshot.empty());
  private final BrokerContext broker;
  private final ActorRef<VhostActor.Command> vhost;

  Topology(BrokerContext broker, ActorRef<VhostActor.Command> vhost) {
    this.broker = broker;
    this.vhost = vhost;
  }

  RoutingSnapshot<ExchangeHandle, QueueHandle> current() {
    return current.get();
  }

  /**
   * Applies {@code change} (pure: it may run more than once under contention), then traces the exchanges
   * it removed and reports them to the vhost, which stops their actors.
   */
  RoutingSnapshot.Change<ExchangeHandle, QueueHandle> apply(
      Function<RoutingSnapshot<ExchangeHandle, QueueHandle>, RoutingSnapshot.Change<ExchangeHandle, QueueHandle>> change) {
    while (true) {
      RoutingSnapshot<ExchangeHandle, QueueHandle> before = current.get();
      RoutingSnapshot.Change<ExchangeHandle, QueueHandle> c = change.apply(before);
      if (!c.changed() || current.compareAndSet(before, c.snapshot())) {
        for (RoutingSnapshot.ExchangeNode<ExchangeHandle> x : c.removedExchanges()) {
          broker.trace().record(new TraceEvent.ExchangeDeleted(x.name()));
          vhost.tell(new VhostActor.ExchangeRemoved(x.name(), x.handle()));
        }
        return c;
      }
    }
  }

  /** Applies a change that removes nothing (declaring an exchange or a queue). */
  void add(UnaryOperator<RoutingSnapshot<ExchangeHandle, QueueHandle>> change) {
    apply(s -> new RoutingSnapshot.Change<>(change.apply(s), true, List.of()));
  }
}
