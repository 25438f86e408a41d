package io.brokersim.core.actor;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the routing snapshot holds for a queue: its actor, and whether a consumer of it could take a
 * message right now. The queue actor alone writes {@code ready}; publishing channels read it for LavinMQ's
 * {@code immediate} flag (semantics §3.2), as LavinMQ's channel asks its queue synchronously.
 */
public record QueueHandle(ActorRef<QueueActor.Command> ref, AtomicBoolean ready) {}
