package io.brokersim.amqp.codec;

import java.util.Map;

/**
 * An AMQP 0-9-1 method: one record per method of every class in the spec, named class then method in
 * spec nouns ({@code basic.get-ok} is {@link BasicGetOk}).
 *
 * <p>Arguments are the record components, in wire order, typed by {@link FieldType#javaType()}:
 * {@code octet} and {@code short} as {@code int}, {@code long} and {@code longlong} as {@code long},
 * {@code shortstr} as {@code String}, {@code longstr} as {@link LongString}, {@code table} as a
 * {@code Map} with the value types of {@link io.brokersim.core.model.FieldTables}. Ids, names and the
 * content flag come from {@link MethodTable}.
 */
public sealed interface AmqpMethod {

  /** This method's row in the {@link MethodTable}. */
  default MethodSpec spec() {
    return MethodTable.of(getClass());
  }

  /** The class id, e.g. 60 for {@code basic}. */
  default int classId() {
    return spec().classId();
  }

  /** The method id within its class, e.g. 40 for {@code basic.publish}. */
  default int methodId() {
    return spec().methodId();
  }

  /** The dotted spec name, e.g. {@code "basic.publish"}. */
  default String name() {
    return spec().name();
  }

  /** True if a content header and body frames follow this method (publish, return, deliver, get-ok). */
  default boolean hasContent() {
    return spec().hasContent();
  }

  // ---- connection (class 10) ----

  /**
   * connection.start: The server proposes the protocol version, its properties, SASL mechanisms and locales.
   */
  record ConnectionStart(
      int versionMajor, int versionMinor, Map<String, Object> serverProperties, LongString mechanisms,
      LongString locales)
      implements AmqpMethod {}

  /** connection.start-ok: The client picks a mechanism and locale and sends its SASL response. */
  record ConnectionStartOk(
      Map<String, Object> clientProperties, String mechanism, LongString response, String locale)
      implements AmqpMethod {}

  /** connection.secure: The server sends a SASL challenge. */
  record ConnectionSecure(LongString challenge) implements AmqpMethod {}

  /** connection.secure-ok: The client answers a SASL challenge. */
  record ConnectionSecureOk(LongString response) implements AmqpMethod {}

  /** connection.tune: The server proposes channel-max, frame-max (octets) and heartbeat (seconds). */
  record ConnectionTune(int channelMax, long frameMax, int heartbeat) implements AmqpMethod {}

  /** connection.tune-ok: The client settles channel-max, frame-max (octets) and heartbeat (seconds). */
  record ConnectionTuneOk(int channelMax, long frameMax, int heartbeat) implements AmqpMethod {}

  /** connection.open: The client opens a virtual host; capabilities and insist are reserved in 0-9-1. */
  record ConnectionOpen(String virtualHost, String capabilities, boolean insist) implements AmqpMethod {}

  /** connection.open-ok: The server confirms the virtual host; known-hosts is reserved in 0-9-1. */
  record ConnectionOpenOk(String knownHosts) implements AmqpMethod {}

  /** connection.close: Either peer closes the connection, naming the method that failed (0, 0 if none). */
  record ConnectionClose(int replyCode, String replyText, int failingClassId, int failingMethodId)
      implements AmqpMethod {}

  /** connection.close-ok: Confirms a connection.close. */
  record ConnectionCloseOk() implements AmqpMethod {}

  /** connection.blocked: RabbitMQ extension: the server stops reading from the client, with a reason. */
  record ConnectionBlocked(String reason) implements AmqpMethod {}

  /** connection.unblocked: RabbitMQ extension: the server reads from the client again. */
  record ConnectionUnblocked() implements AmqpMethod {}

  /**
   * connection.update-secret: RabbitMQ extension: the client replaces its credentials (e.g. an expiring
   * token).
   */
  record ConnectionUpdateSecret(LongString newSecret, String reason) implements AmqpMethod {}

  /** connection.update-secret-ok: RabbitMQ extension: confirms connection.update-secret. */
  record ConnectionUpdateSecretOk() implements AmqpMethod {}

  // ---- channel (class 20) ----

  /** channel.open: The client opens a channel; out-of-band is reserved in 0-9-1. */
  record ChannelOpen(String outOfBand) implements AmqpMethod {}

  /** channel.open-ok: Confirms channel.open; channel-id is reserved in 0-9-1. */
  record ChannelOpenOk(LongString channelId) implements AmqpMethod {}

  /** channel.flow: Asks the peer to pause (active=false) or resume sending content. */
  record ChannelFlow(boolean active) implements AmqpMethod {}

  /** channel.flow-ok: Confirms channel.flow with the resulting state. */
  record ChannelFlowOk(boolean active) implements AmqpMethod {}

  /** channel.close: Either peer closes the channel, naming the method that failed (0, 0 if none). */
  record ChannelClose(int replyCode, String replyText, int failingClassId, int failingMethodId)
      implements AmqpMethod {}

  /** channel.close-ok: Confirms a channel.close. */
  record ChannelCloseOk() implements AmqpMethod {}

  // ---- access (class 30) ----

  /** access.request: Deprecated 0-8 access ticket request, still answered for old clients. */
  record AccessRequest(
      String realm, boolean exclusive, boolean passive, boolean active, boolean write, boolean read)
      implements AmqpMethod {}

  /** access.request-ok: Grants an access ticket. */
  record AccessRequestOk(int ticket) implements AmqpMethod {}

  // ---- exchange (class 40) ----

  /** exchange.declare: Creates an exchange, or with passive only checks that it exists. */
  record ExchangeDeclare(
      int ticket, String exchange, String type, boolean passive, boolean durable, boolean autoDelete,
      boolean internal, boolean nowait, Map<String, Object> arguments)
      implements AmqpMethod {}

  /** exchange.declare-ok: Confirms exchange.declare. */
  record ExchangeDeclareOk() implements AmqpMethod {}

  /** exchange.delete: Deletes an exchange, optionally only if it has no bindings. */
  record ExchangeDelete(int ticket, String exchange, boolean ifUnused, boolean nowait)
      implements AmqpMethod {}

  /** exchange.delete-ok: Confirms exchange.delete. */
  record ExchangeDeleteOk() implements AmqpMethod {}

  /** exchange.bind: RabbitMQ extension: binds exchange destination to exchange source. */
  record ExchangeBind(
      int ticket, String destination, String source, String routingKey, boolean nowait,
      Map<String, Object> arguments)
      implements AmqpMethod {}

  /** exchange.bind-ok: Confirms exchange.bind. */
  record ExchangeBindOk() implements AmqpMethod {}

  /** exchange.unbind: RabbitMQ extension: removes an exchange-to-exchange binding. */
  record ExchangeUnbind(
      int ticket, String destination, String source, String routingKey, boolean nowait,
      Map<String, Object> arguments)
      implements AmqpMethod {}

  /** exchange.unbind-ok: Confirms exchange.unbind (method id 51, not 41). */
  record ExchangeUnbindOk() implements AmqpMethod {}

  // ---- queue (class 50) ----

  /**
   * queue.declare: Creates a queue (a server-named one if queue is empty), or with passive only checks it.
   */
  record QueueDeclare(
      int ticket, String queue, boolean passive, boolean durable, boolean exclusive, boolean autoDelete,
      boolean nowait, Map<String, Object> arguments)
      implements AmqpMethod {}

  /** queue.declare-ok: Confirms queue.declare with the queue name and its message and consumer counts. */
  record QueueDeclareOk(String queue, long messageCount, long consumerCount) implements AmqpMethod {}

  /** queue.bind: Binds a queue to an exchange. */
  record QueueBind(
      int ticket, String queue, String exchange, String routingKey, boolean nowait,
      Map<String, Object> arguments)
      implements AmqpMethod {}

  /** queue.bind-ok: Confirms queue.bind. */
  record QueueBindOk() implements AmqpMethod {}

  /** queue.purge: Removes all ready messages from a queue. */
  record QueuePurge(int ticket, String queue, boolean nowait) implements AmqpMethod {}

  /** queue.purge-ok: Confirms queue.purge with the number of messages removed. */
  record QueuePurgeOk(long messageCount) implements AmqpMethod {}

  /** queue.delete: Deletes a queue, optionally only if unused or empty. */
  record QueueDelete(int ticket, String queue, boolean ifUnused, boolean ifEmpty, boolean nowait)
      implements AmqpMethod {}

  /** queue.delete-ok: Confirms queue.delete with the number of messages deleted. */
  record QueueDeleteOk(long messageCount) implements AmqpMethod {}

  /** queue.unbind: Removes a queue binding. */
  record QueueUnbind(
      int ticket, String queue, String exchange, String routingKey, Map<String, Object> arguments)
      implements AmqpMethod {}

  /** queue.unbind-ok: Confirms queue.unbind. */
  record QueueUnbindOk() implements AmqpMethod {}

  // ---- basic (class 60) ----

  /** basic.qos: Sets the prefetch window of the channel or, with global, of the connection's consumers. */
  record BasicQos(long prefetchSize, int prefetchCount, boolean global) implements AmqpMethod {}

  /** basic.qos-ok: Confirms basic.qos. */
  record BasicQosOk() implements AmqpMethod {}

  /** basic.consume: Starts a consumer on a queue. */
  record BasicConsume(
      int ticket, String queue, String consumerTag, boolean noLocal, boolean noAck, boolean exclusive,
      boolean nowait, Map<String, Object> arguments)
      implements AmqpMethod {}

  /** basic.consume-ok: Confirms basic.consume with the (possibly server-generated) consumer tag. */
  record BasicConsumeOk(String consumerTag) implements AmqpMethod {}

  /** basic.cancel: Ends a consumer; the server also sends it for consumer cancel notification. */
  record BasicCancel(String consumerTag, boolean nowait) implements AmqpMethod {}

  /** basic.cancel-ok: Confirms basic.cancel. */
  record BasicCancelOk(String consumerTag) implements AmqpMethod {}

  /** basic.publish: Publishes a message; a content header and body frames follow. */
  record BasicPublish(int ticket, String exchange, String routingKey, boolean mandatory, boolean immediate)
      implements AmqpMethod {}

  /** basic.return: Returns an unroutable mandatory message to the publisher; content follows. */
  record BasicReturn(int replyCode, String replyText, String exchange, String routingKey)
      implements AmqpMethod {}

  /** basic.deliver: Delivers a message to a consumer; content follows. */
  record BasicDeliver(
      String consumerTag, long deliveryTag, boolean redelivered, String exchange, String routingKey)
      implements AmqpMethod {}

  /** basic.get: Fetches one message from a queue synchronously. */
  record BasicGet(int ticket, String queue, boolean noAck) implements AmqpMethod {}

  /** basic.get-ok: Answers basic.get with a message; content follows. */
  record BasicGetOk(
      long deliveryTag, boolean redelivered, String exchange, String routingKey, long messageCount)
      implements AmqpMethod {}

  /** basic.get-empty: Answers basic.get when the queue has no ready message; cluster-id is reserved. */
  record BasicGetEmpty(String clusterId) implements AmqpMethod {}

  /** basic.ack: Acknowledges one delivery or, with multiple, all up to the tag; also a publisher confirm. */
  record BasicAck(long deliveryTag, boolean multiple) implements AmqpMethod {}

  /** basic.reject: Rejects one delivery, requeueing or discarding it. */
  record BasicReject(long deliveryTag, boolean requeue) implements AmqpMethod {}

  /** basic.recover-async: Deprecated asynchronous form of basic.recover. */
  record BasicRecoverAsync(boolean requeue) implements AmqpMethod {}

  /** basic.recover: Redelivers all unacknowledged messages of the channel. */
  record BasicRecover(boolean requeue) implements AmqpMethod {}

  /** basic.recover-ok: Confirms basic.recover. */
  record BasicRecoverOk() implements AmqpMethod {}

  /**
   * basic.nack: RabbitMQ extension: rejects one or (with multiple) many deliveries; also a negative confirm.
   */
  record BasicNack(long deliveryTag, boolean multiple, boolean requeue) implements AmqpMethod {}

  // ---- confirm (class 85) ----

  /** confirm.select: RabbitMQ extension: puts the channel into publisher confirm mode. */
  record ConfirmSelect(boolean nowait) implements AmqpMethod {}

  /** confirm.select-ok: Confirms confirm.select. */
  record ConfirmSelectOk() implements AmqpMethod {}

  // ---- tx (class 90) ----

  /** tx.select: Puts the channel into transaction mode. */
  record TxSelect() implements AmqpMethod {}

  /** tx.select-ok: Confirms tx.select. */
  record TxSelectOk() implements AmqpMethod {}

  /** tx.commit: Commits the current transaction. */
  record TxCommit() implements AmqpMethod {}

  /** tx.commit-ok: Confirms tx.commit. */
  record TxCommitOk() implements AmqpMethod {}

  /** tx.rollback: Abandons the current transaction. */
  record TxRollback() implements AmqpMethod {}

  /** tx.rollback-ok: Confirms tx.rollback. */
  record TxRollbackOk() implements AmqpMethod {}
}
