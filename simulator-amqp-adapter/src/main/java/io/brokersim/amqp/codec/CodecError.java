package io.brokersim.amqp.codec;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.ReplyCode;

/**
 * Malformed input as a value: the AMQP reply code for the {@code connection.close} that must follow, the
 * full reply text in the brokers' {@code "FRAME_ERROR - explanation"} form, and the offending method's
 * class and method ids (0 where unknown, e.g. a bad frame-end octet).
 *
 * <p>Every code the codec produces is a hard error (spec constants): the connection must close.
 */
public record CodecError(int replyCode, String text, int classId, int methodId) {

  /** 501: a frame that breaks the framing rules (bad end octet, oversized, unknown type). */
  public static final int FRAME_ERROR = 501;
  /** 502: a frame whose arguments or properties cannot be parsed (truncated, bad field type). */
  public static final int SYNTAX_ERROR = 502;
  /** 540: a class or method id the protocol does not define. */
  public static final int NOT_IMPLEMENTED = 540;

  /** A 501 error not tied to a method. */
  public static CodecError frameError(String explanation) {
    return new CodecError(FRAME_ERROR, "FRAME_ERROR - " + explanation, 0, 0);
  }

  /** A 502 error for the method with these ids (0, 0 if none). */
  public static CodecError syntaxError(String explanation, int classId, int methodId) {
    return new CodecError(SYNTAX_ERROR, "SYNTAX_ERROR - " + explanation, classId, methodId);
  }

  /** A 540 error for the method with these ids. */
  public static CodecError notImplemented(String explanation, int classId, int methodId) {
    return new CodecError(NOT_IMPLEMENTED, "NOT_IMPLEMENTED - " + explanation, classId, methodId);
  }

  /** The text after the {@code "CODE_NAME - "} prefix. */
  public String explanation() {
    int dash = text.indexOf(" - ");
    return dash < 0 ? text : text.substring(dash + 3);
  }

  /** The same error attributed to another method. */
  public CodecError withMethod(int newClassId, int newMethodId) {
    return new CodecError(replyCode, text, newClassId, newMethodId);
  }

  /** The connection error this becomes: every codec error closes the connection. */
  public AmqpError toConnectionError() {
    return new AmqpError(ReplyCode.of(replyCode), text, classId, methodId, true);
  }
}
