package io.brokersim.core.fault;

import io.brokersim.core.model.BasicProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The "which" of a fault rule: every field that is set must match the event. Text fields match
 * exactly, or as a glob when they contain {@code *} (any run of characters).
 */
public record Match(String exchange, String routingKey, String queue, String consumerTag, String client,
    String connection, String channel, String correlationId, String replyTo, Boolean hasReplyTo,
    Map<String, String> properties, Map<String, String> headers, String frameType, String method) {

  /** Matches every event. */
  public static final Match ANY = new Match(null, null, null, null, null, null, null, null, null, null, Map.of(),
      Map.of(), null, null);

  /** The frame types a wire rule can match, as in fault files. */
  public static final java.util.List<String> FRAME_TYPES = java.util.List.of("method", "header", "body",
      "heartbeat");

  public Match {
    // Insertion-ordered copies: Map.copyOf's iteration order differs between JVM runs.
    properties = properties == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    if (frameType != null && frameType.indexOf('*') < 0 && !FRAME_TYPES.contains(frameType)) {
      throw new IllegalArgumentException("unknown frame type '" + frameType + "'; expected one of " + FRAME_TYPES);
    }
    for (String name : properties.keySet()) {
      if (!PROPERTY_NAMES.contains(name)) {
        throw new IllegalArgumentException("unknown property '" + name + "'; expected one of " + PROPERTY_NAMES);
      }
    }
  }

  /** True if the event satisfies every predicate. */
  public boolean test(FaultEvent e) {
    if (!text(exchange, e.exchange()) || !text(routingKey, e.routingKey()) || !text(queue, e.queue())
        || !text(consumerTag, e.consumerTag()) || !text(client, e.clientName()) || !text(connection, e.connectionId())
        || !text(channel, e.channelId()) || !text(correlationId, e.correlationId()) || !text(replyTo, e.replyTo())
        || !text(frameType, e.frameType()) || !text(method, e.method())) {
      return false;
    }
    if (hasReplyTo != null && hasReplyTo != (e.replyTo() != null && !e.replyTo().isEmpty())) {
      return false;
    }
    for (Map.Entry<String, String> p : properties.entrySet()) {
      if (!text(p.getValue(), property(e.properties(), p.getKey()))) {
        return false;
      }
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      Map<String, Object> hs = e.properties().headers();
      Object v = hs == null ? null : hs.get(h.getKey());
      if (v == null || !text(h.getValue(), v instanceof byte[] bytes
          ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(v))) {
        return false;
      }
    }
    return true;
  }

  /** Property names as in fault files (AMQP spec names with dashes). */
  public static final java.util.List<String> PROPERTY_NAMES = java.util.List.of("content-type", "content-encoding",
      "delivery-mode", "priority", "correlation-id", "reply-to", "expiration", "message-id", "timestamp", "type",
      "user-id", "app-id", "cluster-id");

  static String property(BasicProperties p, String name) {
    Object v = switch (name) {
      case "content-type" -> p.contentType();
      case "content-encoding" -> p.contentEncoding();
      case "delivery-mode" -> p.deliveryMode();
      case "priority" -> p.priority();
      case "correlation-id" -> p.correlationId();
      case "reply-to" -> p.replyTo();
      case "expiration" -> p.expiration();
      case "message-id" -> p.messageId();
      case "timestamp" -> p.timestamp();
      case "type" -> p.type();
      case "user-id" -> p.userId();
      case "app-id" -> p.appId();
      case "cluster-id" -> p.clusterId();
      default -> throw new IllegalArgumentException("unknown property '" + name + "'");
    };
    return v == null ? null : v.toString();
  }

  private static boolean text(String pattern, String value) {
    if (pattern == null) {
      return true;
    }
    if (value == null) {
      return false;
    }
    return pattern.indexOf('*') < 0 ? pattern.equals(value) : glob(pattern, 0, value, 0);
  }

  private static boolean glob(String p, int pi, String v, int vi) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = vi; k <= v.length(); k++) {
          if (glob(p, pi + 1, v, k)) {
            return true;
          }
        }
        return false;
      }
      if (vi >= v.length() || v.charAt(vi) != c) {
        return false;
      }
      pi++;
      vi++;
    }
    return vi == v.length();
  }

  /** A builder for Java fault plans. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fluent construction of a {@link Match}. */
  public static final class Builder {
    private String exchange;
    private String routingKey;
    private String queue;
    private String consumerTag;
    private String client;
    private String connection;
    private String channel;
    private String correlationId;
    private String replyTo;
    private Boolean hasReplyTo;
    private String frameType;
    private String method;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    public Builder exchange(String v) { exchange = v; return this; }
    public Builder routingKey(String v) { routingKey = v; return this; }
    public Builder queue(String v) { queue = v; return this; }
    public Builder consumerTag(String v) { consumerTag = v; return this; }
    public Builder client(String v) { client = v; return this; }
    public Builder connection(String v) { connection = v; return this; }
    public Builder channel(String v) { channel = v; return this; }
    public Builder correlationId(String v) { correlationId = v; return this; }
    public Builder replyTo(String v) { replyTo = v; return this; }
    public Builder hasReplyTo(boolean v) { hasReplyTo = v; return this; }
    /** A wire rule's frame type: method, header, body or heartbeat. */
    public Builder frameType(String v) { frameType = v; return this; }
    /** A wire rule's AMQP method, as the spec names it ({@code basic.deliver}); a glob with {@code *}. */
    public Builder method(String v) { method = v; return this; }

    public Builder property(String name, String value) {
      Match.property(BasicProperties.EMPTY, Objects.requireNonNull(name)); // rejects unknown names
      properties.put(name, value);
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Match build() {
      return new Match(exchange, routingKey, queue, consumerTag, client, connection, channel, correlationId, replyTo,
          hasReplyTo, properties, headers, frameType, method);
    }
  }
}
