package io.brokersim.core.model;

/**
 * AMQP 0-9-1 reply codes and their scope, from the spec's {@code constants}: soft errors close the
 * channel, hard errors close the connection.
 */
public enum ReplyCode {
  REPLY_SUCCESS(200, false),
  CONTENT_TOO_LARGE(311, false),
  NO_ROUTE(312, false),
  NO_CONSUMERS(313, false),
  CONNECTION_FORCED(320, true),
  INVALID_PATH(402, true),
  ACCESS_REFUSED(403, false),
  NOT_FOUND(404, false),
  RESOURCE_LOCKED(405, false),
  PRECONDITION_FAILED(406, false),
  FRAME_ERROR(501, true),
  SYNTAX_ERROR(502, true),
  COMMAND_INVALID(503, true),
  CHANNEL_ERROR(504, true),
  UNEXPECTED_FRAME(505, true),
  RESOURCE_ERROR(506, true),
  NOT_ALLOWED(530, true),
  NOT_IMPLEMENTED(540, true),
  INTERNAL_ERROR(541, true);

  private final int code;
  private final boolean hardError;

  ReplyCode(int code, boolean hardError) {
    this.code = code;
    this.hardError = hardError;
  }

  public int code() {
    return code;
  }

  /** True if the spec makes this a connection error (sent as {@code connection.close}). */
  public boolean hardError() {
    return hardError;
  }

  /** The brokers' reply-text format: {@code "NOT_FOUND - no queue 'x' in vhost '/'"}. */
  public String text(String explanation) {
    return name() + " - " + explanation;
  }

  /** The constant for a numeric code. */
  public static ReplyCode of(int code) {
    for (ReplyCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown reply code " + code);
  }
}
