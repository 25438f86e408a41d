package io.brokersim.core.model;

import java.util.Map;

/**
 * The 14 properties of the AMQP 0-9-1 {@code basic} content header (class 60), in wire order.
 *
 * <p>Every field is nullable: {@code null} means "flag bit clear, property absent". Header values use
 * the Java types documented on {@link FieldTables}. The broker never interprets a property except
 * {@code reply_to} (direct reply-to rewrite), {@code expiration} (TTL), {@code user_id} (validated) and
 * {@code headers} (headers exchange, dead-letter bookkeeping).
 */
public record BasicProperties(
    String contentType,
    String contentEncoding,
    Map<String, Object> headers,
    Integer deliveryMode,
    Integer priority,
    String correlationId,
    String replyTo,
    String expiration,
    String messageId,
    Long timestamp,
    String type,
    String userId,
    String appId,
    String clusterId) {

  /** No property set. */
  public static final BasicProperties EMPTY =
      new BasicProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** Delivery mode 2: the message survives a broker restart when it sits in a durable queue. */
  public boolean persistent() {
    return deliveryMode != null && deliveryMode == 2;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.contentType = contentType;
    b.contentEncoding = contentEncoding;
    b.headers = headers;
    b.deliveryMode = deliveryMode;
    b.priority = priority;
    b.correlationId = correlationId;
    b.replyTo = replyTo;
    b.expiration = expiration;
    b.messageId = messageId;
    b.timestamp = timestamp;
    b.type = type;
    b.userId = userId;
    b.appId = appId;
    b.clusterId = clusterId;
    return b;
  }

  public BasicProperties withReplyTo(String value) {
    return toBuilder().replyTo(value).build();
  }

  public BasicProperties withHeaders(Map<String, Object> value) {
    return toBuilder().headers(value).build();
  }

  public BasicProperties withExpiration(String value) {
    return toBuilder().expiration(value).build();
  }

  /** Fluent builder; unset fields stay {@code null}. */
  public static final class Builder {
    private String contentType;
    private String contentEncoding;
    private Map<String, Object> headers;
    private Integer deliveryMode;
    private Integer priority;
    private String correlationId;
    private String replyTo;
    private String expiration;
    private String messageId;
    private Long timestamp;
    private String type;
    private String userId;
    private String appId;
    private String clusterId;

    public Builder contentType(String v) { contentType = v; return this; }
    public Builder contentEncoding(String v) { contentEncoding = v; return this; }
    public Builder headers(Map<String, Object> v) { headers = v; return this; }
    public Builder deliveryMode(Integer v) { deliveryMode = v; return this; }
    public Builder priority(Integer v) { priority = v; return this; }
    public Builder correlationId(String v) { correlationId = v; return this; }
    public Builder replyTo(String v) { replyTo = v; return this; }
    public Builder expiration(String v) { expiration = v; return this; }
    public Builder messageId(String v) { messageId = v; return this; }
    public Builder timestamp(Long v) { timestamp = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder appId(String v) { appId = v; return this; }
    public Builder clusterId(String v) { clusterId = v; return this; }

    public BasicProperties build() {
      return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId,
          replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }
  }
}
