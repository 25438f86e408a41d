package io.brokersim.core.fault;

import io.brokersim.core.model.BasicProperties;

/**
 * What happened at a boundary, as a fault rule sees it. Fields that do not apply to the boundary are
 * null ({@code queue} at publish time, {@code consumerTag} outside deliveries, …).
 *
 * <p>At {@link Boundary#REPLY_RESOLVED} the {@code queue} is {@code reply:<reply name>}. At the wire boundaries
 * ({@link Boundary#FRAME_READ}, {@link Boundary#FRAME_WRITTEN}) an event is one frame: {@code frameType} is
 * {@code method}, {@code header}, {@code body} or {@code heartbeat}, {@code method} the AMQP method it carries or
 * whose content it carries ({@code basic.deliver}), and every frame of a content command carries the message's
 * properties; {@code msgId} and {@code queue} are null there.
 *
 * @param channelId the channel the event concerns: the publisher's for publish/routed, the consumer's
 *     for delivered/ack, the requester's for reply-resolved
 */
public record FaultEvent(Boundary boundary, String msgId, String exchange, String routingKey, String queue,
    String consumerTag, String connectionId, String clientName, String channelId, BasicProperties properties,
    long virtualNanos, String frameType, String method) {

  /** An event of the core's boundaries, which carry no frame. */
  public FaultEvent(Boundary boundary, String msgId, String exchange, String routingKey, String queue,
      String consumerTag, String connectionId, String clientName, String channelId, BasicProperties properties,
      long virtualNanos) {
    this(boundary, msgId, exchange, routingKey, queue, consumerTag, connectionId, clientName, channelId, properties,
        virtualNanos, null, null);
  }

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
