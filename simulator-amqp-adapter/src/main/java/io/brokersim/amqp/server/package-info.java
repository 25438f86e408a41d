/**
 * The AMQP 0-9-1 TCP server: {@link io.brokersim.amqp.server.AmqpServer} binds a Pekko Streams TCP port on
 * a {@link io.brokersim.core.LiveBroker}'s actor system and runs one connection stage per socket, which
 * performs the handshake of the broker profile (semantics §6), turns frames into the
 * broker's {@code ClientMethod}s and the broker's {@code Outbound} methods back into frames, and applies
 * backpressure and the memory alarm. Settings: {@code brokersim.server} in this module's reference.conf.
 */
package io.brokersim.amqp.server;
