package io.brokersim.core.client;

/** A mandatory RPC request came back with {@code basic.return} (no queue took it). */
public final class UnroutableRpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String correlationId;
  private final transient ReturnedMessage returned;

  public UnroutableRpcException(String correlationId, ReturnedMessage returned) {
    super("request '" + correlationId + "' was returned: " + returned.replyCode() + " " + returned.replyText());
    this.correlationId = correlationId;
    this.returned = returned;
  }

  public String correlationId() {
    return correlationId;
  }

  public ReturnedMessage returned() {
    return returned;
  }
}
