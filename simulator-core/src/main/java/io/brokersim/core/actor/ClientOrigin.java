package io.brokersim.core.actor;

import java.util.Map;
import java.util.Objects;

/**
 * Where a network client connects from and what it negotiated, as the front end that accepted it knows it: the
 * client's and the server's address, the client properties of {@code connection.start-ok}, the SASL mechanism
 * and the tuned limits. For the management view only; the broker never acts on it.
 */
public record ClientOrigin(String peerHost, int peerPort, String host, int port, String protocol,
    Map<String, Object> clientProperties, String authMechanism, int frameMax, int channelMax, int heartbeatSeconds) {

  public ClientOrigin {
    Objects.requireNonNull(peerHost, "peerHost");
    Objects.requireNonNull(host, "host");
    clientProperties = clientProperties == null ? Map.of() : clientProperties;
  }

  /** RabbitMQ's name for a network connection: {@code "peer:port -> host:port"}. */
  public String rabbitName() {
    return peerHost + ":" + peerPort + " -> " + host + ":" + port;
  }
}
