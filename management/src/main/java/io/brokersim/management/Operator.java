package io.brokersim.management;

import io.brokersim.core.LiveBroker;
import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.QueueActor;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * What the management API asks of a live broker, each a message to a vhost's actor with an explicit
 * {@code replyTo}: describe everything, purge a queue, close a connection. Asked from the HTTP layer only (live,
 * never inside the broker's actors).
 */
final class Operator {

  /** The initiator the trace and the fate ledger name for closes the API asks for. */
  static final String INITIATOR = "management";

  private final LiveBroker broker;
  private final Duration inspectTimeout;

  Operator(LiveBroker broker, Duration inspectTimeout) {
    this.broker = broker;
    this.inspectTimeout = inspectTimeout;
  }

  /** A view of every vhost, the default first. */
  CompletionStage<List<BrokerView>> inspect() {
    CompletionStage<List<BrokerView>> all = CompletableFuture.completedFuture(List.of());
    for (String vhost : broker.vhostNames()) {
      CompletionStage<BrokerView> one = AskPattern.ask(broker.vhost(vhost),
          (ActorRef<BrokerView> replyTo) -> new VhostActor.Inspect(inspectTimeout, replyTo),
          inspectTimeout.plusSeconds(1), broker.system().scheduler());
      all = all.thenCombine(one, (list, v) -> {
        List<BrokerView> more = new ArrayList<>(list);
        more.add(v);
        return more;
      });
    }
    return all;
  }

  /** Purges the ready messages of {@code queue} in {@code vhost}; the trace's detail for each is {@code reason}. */
  CompletionStage<QueueActor.Purged> purge(String vhost, String queue, String reason) {
    return AskPattern.ask(broker.vhost(vhost),
        (ActorRef<QueueActor.Purged> replyTo) -> new VhostActor.PurgeQueue(queue, reason, replyTo),
        inspectTimeout, broker.system().scheduler());
  }

  /**
   * Closes a connection of {@code vhost} as RabbitMQ's management plugin does: {@code connection.close} 320 with
   * {@code "CONNECTION_FORCED - " + reason} (rabbit_mgmt_wm_connection, "Closed via management plugin" unless the
   * request gave an {@code X-Reason}). Completes with whether the connection existed.
   */
  CompletionStage<Boolean> close(String vhost, String connectionId, String reason) {
    AmqpError forced = AmqpError.of(ReplyCode.CONNECTION_FORCED, MethodRef.NONE, reason);
    return AskPattern.ask(broker.vhost(vhost),
        (ActorRef<Boolean> replyTo) -> new VhostActor.CloseConnection(connectionId, forced, INITIATOR, replyTo),
        inspectTimeout, broker.system().scheduler());
  }
}
