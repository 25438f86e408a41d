package io.brokersim.core.model;

/**
 * An AMQP error as a value: the reply code, the full reply text (already in the brokers'
 * {@code "CODE_NAME - explanation"} form), the offending method and the close scope.
 *
 * <p>The scope usually follows the spec ({@link ReplyCode#hardError()}), but a profile may close only
 * the channel for a code the spec calls hard (LavinMQ does for 540 in some paths), so it is a field.
 */
public record AmqpError(ReplyCode code, String text, int classId, int methodId, boolean connectionScope) {

  /** An error with the spec's scope for {@code code}; text is the explanation without the prefix. */
  public static AmqpError of(ReplyCode code, MethodRef method, String explanation) {
    return new AmqpError(code, code.text(explanation), method.classId(), method.methodId(), code.hardError());
  }

  /** Same error, but closing only the channel. */
  public AmqpError channelScoped() {
    return new AmqpError(code, text, classId, methodId, false);
  }

  /** Same error, but closing the connection. */
  public AmqpError connectionScoped() {
    return new AmqpError(code, text, classId, methodId, true);
  }

  /** Same error attributed to another method (LavinMQ reports 0,0 for errors raised by content frames). */
  public AmqpError withMethod(int newClassId, int newMethodId) {
    return new AmqpError(code, text, newClassId, newMethodId, connectionScope);
  }

  public int replyCode() {
    return code.code();
  }
}
