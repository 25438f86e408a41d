package io.brokersim.core.actor;

import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.Message;
import io.brokersim.core.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Gives a recorded fate to a message that reached an actor after it stopped, and sends a request that did
 * back to the vhost. Channels and queues route
 * against the routing snapshot and the live reply names without asking the owners, so under the live
 * runtime a message can be sent to a queue, an exchange or a requester channel in the instant after it
 * was deleted and its actor stopped. Pekko hands such a message to its dead letters; this listener
 * records what became of it (and answers a waiting publisher's confirm), so none is lost silently.
 * Under the deterministic runtime routing and deletion never interleave this way, and it stays idle.
 */
final class DeadLetters {
  private DeadLetters() {}

  static Behavior<DeadLetter> create(Vhost vhost) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, ctx.getSelf()));
      return Behaviors.receive(DeadLetter.class)
          .onMessage(DeadLetter.class, d -> {
            if (owns(vhost.actor().path().name(), d.recipient().path())) {
              settle(vhost, d.message());
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * Every vhost's listener hears every dead letter; the one whose subtree the recipient was in settles it. The
   * other vhosts are the guardian's children named {@code vhost-N}; the guardian (the default vhost) owns the rest.
   */
  static boolean owns(String vhostActorName, ActorPath recipient) {
    List<String> elements = new ArrayList<>();
    recipient.getElements().forEach(elements::add);
    String owner = elements.size() >= 2 && elements.get(0).equals("user") && elements.get(1).startsWith(VHOST_PREFIX)
        ? elements.get(1) : "user";
    return owner.equals(vhostActorName);
  }

  /** The actor name prefix of the vhosts the guardian creates. */
  static final String VHOST_PREFIX = "vhost-";

  private static void settle(Vhost vhost, Object message) {
    BrokerContext broker = vhost.broker();
    if (message instanceof QueueActor.Enqueue e) {
      broker.trace().record(new TraceEvent.Discarded(e.message().msgId(), e.queue(), "queue-deleted",
          "routed to queue '" + e.queue() + "' in the instant it was deleted"));
      if (e.confirmTo() != null) {
        e.confirmTo().tell(new ChannelActor.EnqueueResult(e.seq(), true));
      }
    } else if (message instanceof QueueActor.Forwarded f) {
      vhost.actor().tell(f.request()); // the queue was deleted: the vhost resolves the name again
    } else if (message instanceof ExchangeActor.Forwarded f) {
      vhost.actor().tell(f.request());
    } else if (message instanceof ChannelActor.DirectReply r) {
      broker.trace().record(new TraceEvent.ReplyDropped(r.message().msgId(), r.replyName(),
          "the requester's channel closed before the reply arrived"));
    } else if (message instanceof ExchangeActor.Faulted f) {
      FaultDecision d = f.decision();
      Message msg = f.message();
      if (d.dropRule() != null) {
        for (String q : f.queues()) {
          broker.trace().record(new TraceEvent.Discarded(msg.msgId(), q, "fault", d.dropRule()));
        }
        return;
      }
      // The exchange was deleted after routing: what it routed still reaches its queues, at once.
      var s = vhost.topology().current();
      Router.enqueueByName(broker, s, f.queues(), msg, f.seq(), f.confirmTo());
      for (int k = 1; k <= d.duplicateRules().size(); k++) {
        Router.enqueueByName(broker, s, f.queues(), msg.withId(FaultDecision.duplicateId(msg.msgId(), k)), 0, null);
      }
    }
  }
}
