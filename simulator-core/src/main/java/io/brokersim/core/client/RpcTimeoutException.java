package io.brokersim.core.client;

import java.time.Duration;

/** An RPC call got no reply within its timeout (virtual time in a simulation). */
public final class RpcTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String correlationId;

  public RpcTimeoutException(String correlationId, Duration timeout) {
    super("no reply for correlation_id '" + correlationId + "' within " + timeout);
    this.correlationId = correlationId;
  }

  public String correlationId() {
    return correlationId;
  }
}
