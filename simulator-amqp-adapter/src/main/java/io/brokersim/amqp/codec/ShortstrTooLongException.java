package io.brokersim.amqp.codec;

/**
 * A short string to write is longer than the 255 octets the type holds. Input the codec read never
 * causes it (names keep their octet length); values the broker composes can, e.g. a dead-letter routing
 * key taken from a long-string queue argument, where RabbitMQ fails the same way
 * ({@code method_field_shortstr_overflow}, 541 on the receiving connection).
 */
public final class ShortstrTooLongException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** An exception with this message. */
  public ShortstrTooLongException(String message) {
    super(message);
  }
}
