package io.brokersim.core.client;

import io.brokersim.core.model.AmqpError;

/**
 * A server error as the in-process client sees it: the channel (or connection) was closed with this
 * reply code, text and offending method.
 */
public final class AmqpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient AmqpError error;

  public AmqpException(AmqpError error) {
    super(error.replyCode() + " " + error.text() + " (class " + error.classId() + ", method " + error.methodId() + ", "
        + (error.connectionScope() ? "connection" : "channel") + " closed)");
    this.error = error;
  }

  public AmqpError error() {
    return error;
  }

  public int replyCode() {
    return error.replyCode();
  }

  public String replyText() {
    return error.text();
  }

  public int classId() {
    return error.classId();
  }

  public int methodId() {
    return error.methodId();
  }

  /** True if the whole connection was closed (a hard error). */
  public boolean connectionLevel() {
    return error.connectionScope();
  }
}
