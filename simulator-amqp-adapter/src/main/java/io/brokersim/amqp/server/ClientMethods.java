package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.core.actor.ClientMethod;
import java.util.Map;

/**
 * Maps the channel-level methods a client sends from their wire records to the broker's
 * {@link ClientMethod}s (dropping the reserved {@code ticket} arguments). {@code basic.publish} is
 * assembled with its content elsewhere; {@code channel.open} goes to the connection.
 */
final class ClientMethods {

  private ClientMethods() {}

  /**
   * The broker command for {@code method}, or null if a client may not send it on a channel (server
   * methods such as {@code basic.deliver}, connection methods, and the methods the adapter answers itself).
   */
  static ClientMethod toClientMethod(AmqpMethod method) {
    if (method instanceof AmqpMethod.BasicAck m) {
      return new ClientMethod.BasicAck(m.deliveryTag(), m.multiple());
    } else if (method instanceof AmqpMethod.BasicNack m) {
      return new ClientMethod.BasicNack(m.deliveryTag(), m.multiple(), m.requeue());
    } else if (method instanceof AmqpMethod.BasicReject m) {
      return new ClientMethod.BasicReject(m.deliveryTag(), m.requeue());
    } else if (method instanceof AmqpMethod.BasicConsume m) {
      return new ClientMethod.BasicConsume(m.queue(), m.consumerTag(), m.noLocal(), m.noAck(), m.exclusive(),
          m.nowait(), args(m.arguments()));
    } else if (method instanceof AmqpMethod.BasicCancel m) {
      return new ClientMethod.BasicCancel(m.consumerTag(), m.nowait());
    } else if (method instanceof AmqpMethod.BasicGet m) {
      return new ClientMethod.BasicGet(m.queue(), m.noAck());
    } else if (method instanceof AmqpMethod.BasicQos m) {
      return new ClientMethod.BasicQos(m.prefetchSize(), m.prefetchCount(), m.global());
    } else if (method instanceof AmqpMethod.BasicRecover m) {
      return new ClientMethod.BasicRecover(m.requeue());
    } else if (method instanceof AmqpMethod.QueueDeclare m) {
      return new ClientMethod.QueueDeclare(m.queue(), m.passive(), m.durable(), m.exclusive(), m.autoDelete(),
          m.nowait(), args(m.arguments()));
    } else if (method instanceof AmqpMethod.QueueBind m) {
      return new ClientMethod.QueueBind(m.queue(), m.exchange(), m.routingKey(), m.nowait(), args(m.arguments()));
    } else if (method instanceof AmqpMethod.QueueUnbind m) {
      return new ClientMethod.QueueUnbind(m.queue(), m.exchange(), m.routingKey(), args(m.arguments()));
    } else if (method instanceof AmqpMethod.QueuePurge m) {
      return new ClientMethod.QueuePurge(m.queue(), m.nowait());
    } else if (method instanceof AmqpMethod.QueueDelete m) {
      return new ClientMethod.QueueDelete(m.queue(), m.ifUnused(), m.ifEmpty(), m.nowait());
    } else if (method instanceof AmqpMethod.ExchangeDeclare m) {
      return new ClientMethod.ExchangeDeclare(m.exchange(), m.type(), m.passive(), m.durable(), m.autoDelete(),
          m.internal(), m.nowait(), args(m.arguments()));
    } else if (method instanceof AmqpMethod.ExchangeDelete m) {
      return new ClientMethod.ExchangeDelete(m.exchange(), m.ifUnused(), m.nowait());
    } else if (method instanceof AmqpMethod.ExchangeBind m) {
      return new ClientMethod.ExchangeBind(m.destination(), m.source(), m.routingKey(), m.nowait(),
          args(m.arguments()));
    } else if (method instanceof AmqpMethod.ExchangeUnbind m) {
      return new ClientMethod.ExchangeUnbind(m.destination(), m.source(), m.routingKey(), m.nowait(),
          args(m.arguments()));
    } else if (method instanceof AmqpMethod.ConfirmSelect m) {
      return new ClientMethod.ConfirmSelect(m.nowait());
    } else if (method instanceof AmqpMethod.TxSelect) {
      return new ClientMethod.TxSelect();
    } else if (method instanceof AmqpMethod.TxCommit) {
      return new ClientMethod.TxCommit();
    } else if (method instanceof AmqpMethod.TxRollback) {
      return new ClientMethod.TxRollback();
    } else if (method instanceof AmqpMethod.ChannelFlow m) {
      return new ClientMethod.ChannelFlow(m.active());
    } else if (method instanceof AmqpMethod.ChannelClose m) {
      return new ClientMethod.ChannelClose(m.replyCode(), m.replyText(), m.failingClassId(), m.failingMethodId());
    } else if (method instanceof AmqpMethod.ChannelCloseOk) {
      return new ClientMethod.ChannelCloseOk();
    }
    return null;
  }

  private static Map<String, Object> args(Map<String, Object> arguments) {
    return arguments == null ? Map.of() : arguments;
  }
}
