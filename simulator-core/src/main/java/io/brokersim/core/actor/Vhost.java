package io.brokersim.core.actor;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every actor of one virtual host shares: the broker context (profile, trace, clock, seeded randomness,
 * faults), the vhost actor, the reply-to registry, the routing snapshot and the live reply names.
 */
record Vhost(BrokerContext broker, ActorRef<VhostActor.Command> actor,
    ActorRef<ReplyToRegistryActor.Command> replyRegistry, Topology topology, ReplyNames replyNames) {

  String name() {
    return broker.vhost();
  }
}
