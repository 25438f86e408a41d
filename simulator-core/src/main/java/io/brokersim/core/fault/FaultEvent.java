package io.brokersim.core.fault;

import io.brokersim.core.model.BasicProperties;

/**
 * What happened at a boundary, as a fault rule sees it. Fields that do not apply to the boundary are
 * null ({@code queue} at publish time, {@code consumerTag} outside deliveries, …).
 *
 * <p>At {@link Boundary#REPLY_RESOLVED} the {@code queue} is {@code reply:<reply name>}.
 *
 * @param channelId the channel the event concerns: the publisher's for publish/routed, the consumer's
 *     for delivered/ack, the requester's for reply-resolved
 */
public record FaultEvent(Boundary boundary, String msgId, String exchange, String routingKey, String queue,
    String consumerTag, String connectionId, String clientName, String channelId, BasicProperties properties,
    long virtualNanos) {

  public FaultEvent {
    if (properties == null) {
      properties = BasicProperties.EMPTY;
    }
  }

  public String correlationId() {
    return properties.correlationId();
  }

  public String replyTo() {
    return properties.replyTo();
  }
}
