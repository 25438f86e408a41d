package io.brokersim.core.model;

/**
 * One published message as the broker holds it. Immutable; the body array is shared, never copied,
 * and must not be mutated by anyone after publish.
 *
 * @param msgId broker-assigned id used by the trace and the fate ledger (not the {@code message_id} property)
 */
public record Message(String msgId, String exchange, String routingKey, BasicProperties properties, byte[] body) {

  public Message {
    if (properties == null) {
      properties = BasicProperties.EMPTY;
    }
    if (body == null) {
      body = new byte[0];
    }
  }

  public int bodySize() {
    return body.length;
  }

  /** Same message with new properties (e.g. a rewritten {@code reply_to}). */
  public Message withProperties(BasicProperties newProperties) {
    return new Message(msgId, exchange, routingKey, newProperties, body);
  }
}
