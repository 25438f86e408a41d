package io.brokersim.core.actor;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The direct reply-to names of one virtual host as channels read them: the live names with the requester
 * channel behind each, and the tombstones of recently dead names with why they died. Only the
 * {@link ReplyToRegistryActor} writes; a responder's channel reads it to deliver a reply straight to the
 * requester's channel (one hop), and any channel reads it to answer a liveness probe. Lookups only: no
 * iteration, so the concurrent maps' order is never observable.
 */
final class ReplyNames {

  /** A live reply name: the requester channel and its reply consumer. */
  record Live(ActorRef<ChannelActor.Command> channel, String channelId, String connectionId, String consumerTag,
      String clientName) {}

  private final ConcurrentHashMap<String, Live> live = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> tombstones = new ConcurrentHashMap<>();
  private final ArrayDeque<String> tombstoneOrder = new ArrayDeque<>();
  private final int tombstoneLimit;

  ReplyNames(int tombstoneLimit) {
    this.tombstoneLimit = tombstoneLimit;
  }

  /** The requester behind a live name, or null. */
  Live live(String name) {
    return live.get(name);
  }

  /** Why a name died (the latest of the last {@code tombstoneLimit} deaths), or null. */
  String deathReason(String name) {
    return tombstones.get(name);
  }

  // ---- written by the registry actor only ----

  void register(String name, Live requester) {
    tombstones.remove(name);
    live.put(name, requester);
  }

  /** Ends a live name; returns the requester it had, or null if it was not live. */
  Live bury(String name, String reason) {
    Live was = live.remove(name);
    if (was != null) {
      tombstones.put(name, reason);
      tombstoneOrder.addLast(name);
      while (tombstoneOrder.size() > tombstoneLimit) {
        tombstones.remove(tombstoneOrder.pollFirst());
      }
    }
    return was;
  }
}
