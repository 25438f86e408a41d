package io.brokersim.core.actor;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;

/** The methods the broker sends to a client on a channel (or on channel 0 for connection methods). */
public sealed interface Outbound {

  /** True for methods that answer a synchronous client request (the client matches them in order). */
  default boolean isReply() {
    return true;
  }

  record ChannelOpenOk() implements Outbound {}

  record ChannelCloseOk() implements Outbound {}

  /** Server-initiated channel close; the client must answer with close-ok. */
  record ChannelClose(AmqpError error) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  /** Server-initiated connection close (channel 0). */
  record ConnectionClose(AmqpError error) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  /** Answer to a client-initiated {@code connection.close}. */
  record ConnectionCloseOk() implements Outbound {}

  record ChannelFlowOk(boolean active) implements Outbound {}

  record ExchangeDeclareOk() implements Outbound {}

  record ExchangeDeleteOk() implements Outbound {}

  record ExchangeBindOk() implements Outbound {}

  record ExchangeUnbindOk() implements Outbound {}

  record QueueDeclareOk(String queue, int messageCount, int consumerCount) implements Outbound {}

  record QueueBindOk() implements Outbound {}

  record QueueUnbindOk() implements Outbound {}

  record QueuePurgeOk(int messageCount) implements Outbound {}

  record QueueDeleteOk(int messageCount) implements Outbound {}

  record BasicQosOk() implements Outbound {}

  record BasicConsumeOk(String consumerTag) implements Outbound {}

  record BasicCancelOk(String consumerTag) implements Outbound {}

  /** Server-initiated consumer cancel notification (queue deleted, fault). */
  record BasicCancel(String consumerTag) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  record BasicDeliver(String consumerTag, long deliveryTag, boolean redelivered, String exchange,
      String routingKey, BasicProperties properties, byte[] body) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  record BasicGetOk(long deliveryTag, boolean redelivered, String exchange, String routingKey,
      int messageCount, BasicProperties properties, byte[] body) implements Outbound {}

  record BasicGetEmpty() implements Outbound {}

  record BasicReturn(int replyCode, String replyText, String exchange, String routingKey,
      BasicProperties properties, byte[] body) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  /** Publisher confirm. */
  record BasicAck(long deliveryTag, boolean multiple) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  /** Publisher negative confirm. */
  record BasicNack(long deliveryTag, boolean multiple) implements Outbound {
    @Override
    public boolean isReply() {
      return false;
    }
  }

  record BasicRecoverOk() implements Outbound {}

  record ConfirmSelectOk() implements Outbound {}

  record TxSelectOk() implements Outbound {}

  record TxCommitOk() implements Outbound {}

  record TxRollbackOk() implements Outbound {}
}
