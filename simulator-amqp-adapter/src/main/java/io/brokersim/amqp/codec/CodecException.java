package io.brokersim.amqp.codec;

import java.util.Objects;

/** Thrown by the readers when input bytes are malformed; carries the {@link CodecError} to report. */
public final class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient CodecError error;

  /** An exception for this error. */
  public CodecException(CodecError error) {
    super(error.text() + " (class " + error.classId() + ", method " + error.methodId() + ")");
    this.error = Objects.requireNonNull(error);
  }

  /** The error to report in {@code connection.close}. */
  public CodecError error() {
    return error;
  }
}
