package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One published message as the broker holds it. Immutable; the body array is shared, never copied,
 * and must not be mutated by anyone after publish.
 *
 * @param msgId broker-assigned id used by the trace and the fate ledger (not the {@code message_id} property)
 * @param bcc the routing keys of a {@code BCC} header: routed on, removed from the headers before delivery
 *     (sender-selected distribution), kept here for dead-lettering, which routes on every original key
 * @param deathsByBroker true when the {@code x-death} header was written by the broker (the message is a dead
 *     letter), false when it came with a publish: RabbitMQ 4 does not trust a publisher's {@code x-death}
 */
public record Message(String msgId, String exchange, String routingKey, BasicProperties properties, byte[] body,
    List<String> bcc, boolean deathsByBroker) {

  /** The header whose routing keys add to the message's, and stay visible to consumers. */
  public static final String CC = "CC";

  /** The header whose routing keys add to the message's, and are removed before delivery. */
  public static final String BCC = "BCC";

  public Message {
    // The wire has no null short strings; the in-process API treats null as empty, as clients do.
    exchange = exchange == null ? "" : exchange;
    routingKey = routingKey == null ? "" : routingKey;
    if (properties == null) {
      properties = BasicProperties.EMPTY;
    }
    if (body == null) {
      body = new byte[0];
    }
    bcc = bcc == null || bcc.isEmpty() ? List.of() : List.copyOf(bcc);
  }

  /** A message without BCC routing keys. */
  public Message(String msgId, String exchange, String routingKey, BasicProperties properties, byte[] body) {
    this(msgId, exchange, routingKey, properties, body, List.of());
  }

  /** A message as a publisher sent it. */
  public Message(String msgId, String exchange, String routingKey, BasicProperties properties, byte[] body,
      List<String> bcc) {
    this(msgId, exchange, routingKey, properties, body, bcc, false);
  }

  public int bodySize() {
    return body.length;
  }

  /** Same message with new properties (e.g. a rewritten {@code reply_to}). */
  public Message withProperties(BasicProperties newProperties) {
    return new Message(msgId, exchange, routingKey, newProperties, body, bcc, deathsByBroker);
  }

  /** The same message under another broker id (a fault's duplicate). */
  public Message withId(String newMsgId) {
    return new Message(newMsgId, exchange, routingKey, properties, body, bcc, deathsByBroker);
  }

  /** The routing key followed by the {@code CC} keys: what {@code x-death.routing-keys} records. */
  public List<String> visibleRoutingKeys() {
    List<String> cc = headerKeys(properties.headers(), CC);
    if (cc.isEmpty()) {
      return List.of(routingKey);
    }
    List<String> out = new ArrayList<>(1 + cc.size());
    out.add(routingKey);
    out.addAll(cc);
    return out;
  }

  /** Every key the message is routed on: its routing key, then {@code CC}, then {@code BCC} (semantics §3.8). */
  public List<String> routingKeys() {
    List<String> visible = visibleRoutingKeys();
    if (bcc.isEmpty()) {
      return visible;
    }
    List<String> out = new ArrayList<>(visible);
    out.addAll(bcc);
    return out;
  }

  /**
   * The routing keys a {@code CC} or {@code BCC} header lists: the long strings of an array (other entries are
   * ignored, as RabbitMQ does); empty when the header is absent. A header that is not an array is refused at
   * publish ({@link #routingHeaderError}), so it never gets here.
   */
  public static List<String> headerKeys(Map<String, Object> headers, String header) {
    Object v = headers == null ? null : headers.get(header);
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (o instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The first of {@code CC}, {@code BCC} that is present but not an array (with {@code stringsOnly}: or holds
   * anything but strings), or null when both are fine.
   */
  public static String routingHeaderError(Map<String, Object> headers, boolean stringsOnly) {
    if (headers == null) {
      return null;
    }
    for (String h : List.of(CC, BCC)) {
      if (!headers.containsKey(h)) {
        continue;
      }
      if (!(headers.get(h) instanceof List<?> list)) {
        return h;
      }
      if (stringsOnly && list.stream().anyMatch(o -> !(o instanceof String))) {
        return h;
      }
    }
    return null;
  }
}
