package io.brokersim.core.actor;

import io.brokersim.core.model.BasicProperties;
import java.util.Map;

/**
 * The channel-level AMQP 0-9-1 methods a client sends, as the broker actors take them. Front ends (the
 * in-process client, the wire adapter) translate their input into these records and send them to the
 * channel's {@link ChannelActor}; field names follow the spec.
 */
public sealed interface ClientMethod extends ChannelActor.Command {

  record ExchangeDeclare(String exchange, String type, boolean passive, boolean durable, boolean autoDelete,
      boolean internal, boolean noWait, Map<String, Object> arguments) implements ClientMethod {}

  record ExchangeDelete(String exchange, boolean ifUnused, boolean noWait) implements ClientMethod {}

  record ExchangeBind(String destination, String source, String routingKey, boolean noWait,
      Map<String, Object> arguments) implements ClientMethod {}

  record ExchangeUnbind(String destination, String source, String routingKey, boolean noWait,
      Map<String, Object> arguments) implements ClientMethod {}

  record QueueDeclare(String queue, boolean passive, boolean durable, boolean exclusive, boolean autoDelete,
      boolean noWait, Map<String, Object> arguments) implements ClientMethod {}

  record QueueBind(String queue, String exchange, String routingKey, boolean noWait,
      Map<String, Object> arguments) implements ClientMethod {}

  record QueueUnbind(String queue, String exchange, String routingKey, Map<String, Object> arguments)
      implements ClientMethod {}

  record QueuePurge(String queue, boolean noWait) implements ClientMethod {}

  record QueueDelete(String queue, boolean ifUnused, boolean ifEmpty, boolean noWait) implements ClientMethod {}

  record BasicQos(long prefetchSize, int prefetchCount, boolean global) implements ClientMethod {}

  record BasicConsume(String queue, String consumerTag, boolean noLocal, boolean noAck, boolean exclusive,
      boolean noWait, Map<String, Object> arguments) implements ClientMethod {}

  record BasicCancel(String consumerTag, boolean noWait) implements ClientMethod {}

  record BasicPublish(String exchange, String routingKey, boolean mandatory, boolean immediate,
      BasicProperties properties, byte[] body) implements ClientMethod {}

  record BasicGet(String queue, boolean noAck) implements ClientMethod {}

  record BasicAck(long deliveryTag, boolean multiple) implements ClientMethod {}

  record BasicReject(long deliveryTag, boolean requeue) implements ClientMethod {}

  record BasicNack(long deliveryTag, boolean multiple, boolean requeue) implements ClientMethod {}

  record BasicRecover(boolean requeue) implements ClientMethod {}

  record ConfirmSelect(boolean noWait) implements ClientMethod {}

  record TxSelect() implements ClientMethod {}

  record TxCommit() implements ClientMethod {}

  record TxRollback() implements ClientMethod {}

  record ChannelFlow(boolean active) implements ClientMethod {}

  /** Client-initiated {@code channel.close}. */
  record ChannelClose(int replyCode, String replyText, int classId, int methodId) implements ClientMethod {}

  /** The client's answer to a server-initiated {@code channel.close}. */
  record ChannelCloseOk() implements ClientMethod {}
}
