package io.brokersim.core.actor;

import org.apache.pekko.actor.typed.ActorRef;

/** What the routing snapshot holds for an exchange: the actor that owns it. */
public record ExchangeHandle(ActorRef<ExchangeActor.Command> ref) {}
