package io.brokersim.core.client;

import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ClientMethod;
import io.brokersim.core.actor.Outbound;
import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * An in-process AMQP channel. Every synchronous method has an {@code …Async} form returning a
 * {@link CompletionStage} and a blocking form for tests; fire-and-forget methods (publish, ack, nack,
 * reject) just send. A server error fails the pending calls with {@link AmqpException}.
 */
public final class SimChannel {
  private final SimConnection connection;
  private final int number;
  private final ActorRef<ChannelActor.Command> ref;
  private final String id;
  private final ArrayDeque<CompletableFuture<Outbound>> pending = new ArrayDeque<>();
  private final Map<String, SimConsumer> consumers = new LinkedHashMap<>();
  private final List<Consumer<ReturnedMessage>> returnListeners = new CopyOnWriteArrayList<>();
  private final List<ReturnedMessage> returned = new CopyOnWriteArrayList<>();
  private final TreeSet<Long> unconfirmed = new TreeSet<>();
  private final List<CompletableFuture<Boolean>> confirmWaiters = new ArrayList<>();
  private final CompletableFuture<AmqpException> closed = new CompletableFuture<>();
  private boolean confirmMode;
  private boolean nacked;
  private long nextPublishSeqNo = 1;
  private volatile AmqpException closeCause;

  SimChannel(SimConnection connection, int number, String id, ActorRef<ChannelActor.Command> ref) {
    this.connection = connection;
    this.number = number;
    this.id = id;
    this.ref = ref;
  }

  public int number() {
    return number;
  }

  /** The channel's id in the trace ({@code conn-N/ch-M}, {@code conn-N/ch-M.K} for the K-th reuse of number M). */
  public String id() {
    return id;
  }

  public SimConnection connection() {
    return connection;
  }

  private <T> T await(CompletionStage<T> stage) {
    return connection.driver().await(stage);
  }

  /** Sends a synchronous method; the stage completes with the broker's answer. */
  private <T extends Outbound> CompletableFuture<T> call(ClientMethod method, Class<T> answer) {
    CompletableFuture<Outbound> f = new CompletableFuture<>();
    synchronized (this) {
      if (closeCause != null || closed.isDone()) {
        f.completeExceptionally(closeCause != null ? closeCause : new IllegalStateException("channel closed"));
      } else {
        pending.addLast(f);
        ref.tell(method);
      }
    }
    return f.thenApply(answer::cast);
  }

  /** Sends a method that has no answer (noWait forms, publish, ack). */
  private void cast(ClientMethod method) {
    synchronized (this) {
      if (closeCause != null || closed.isDone()) {
        throw closeCause != null ? closeCause : new IllegalStateException("channel closed");
      }
      ref.tell(method);
    }
  }

  // ---------------------------------------------------------------- exchanges

  public CompletionStage<Outbound.ExchangeDeclareOk> exchangeDeclareAsync(String exchange, String type, boolean durable,
      boolean autoDelete, boolean internal, Map<String, Object> arguments) {
    return call(new ClientMethod.ExchangeDeclare(exchange, type, false, durable, autoDelete, internal, false, arguments),
        Outbound.ExchangeDeclareOk.class);
  }

  public void exchangeDeclare(String exchange, String type) {
    await(exchangeDeclareAsync(exchange, type, false, false, false, null));
  }

  public void exchangeDeclare(String exchange, String type, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    await(exchangeDeclareAsync(exchange, type, durable, autoDelete, internal, arguments));
  }

  public void exchangeDeclarePassive(String exchange) {
    await(call(new ClientMethod.ExchangeDeclare(exchange, "", true, false, false, false, false, null),
        Outbound.ExchangeDeclareOk.class));
  }

  public void exchangeDelete(String exchange, boolean ifUnused) {
    await(call(new ClientMethod.ExchangeDelete(exchange, ifUnused, false), Outbound.ExchangeDeleteOk.class));
  }

  public void exchangeBind(String destination, String source, String routingKey) {
    await(call(new ClientMethod.ExchangeBind(destination, source, routingKey, false, null), Outbound.ExchangeBindOk.class));
  }

  public void exchangeUnbind(String destination, String source, String routingKey) {
    await(call(new ClientMethod.ExchangeUnbind(destination, source, routingKey, false, null),
        Outbound.ExchangeUnbindOk.class));
  }

  // ---------------------------------------------------------------- queues

  public CompletionStage<Outbound.QueueDeclareOk> queueDeclareAsync(String queue, boolean durable, boolean exclusive,
      boolean autoDelete, Map<String, Object> arguments) {
    return call(new ClientMethod.QueueDeclare(queue, false, durable, exclusive, autoDelete, false, arguments),
        Outbound.QueueDeclareOk.class);
  }

  /** Declares a server-named, exclusive, auto-delete, non-durable queue (the callback-queue idiom). */
  public Outbound.QueueDeclareOk queueDeclare() {
    return queueDeclare("", false, true, true, null);
  }

  public Outbound.QueueDeclareOk queueDeclare(String queue, boolean durable, boolean exclusive, boolean autoDelete,
      Map<String, Object> arguments) {
    return await(queueDeclareAsync(queue, durable, exclusive, autoDelete, arguments));
  }

  public CompletionStage<Outbound.QueueDeclareOk> queueDeclarePassiveAsync(String queue) {
    return call(new ClientMethod.QueueDeclare(queue, true, false, false, false, false, null),
        Outbound.QueueDeclareOk.class);
  }

  public Outbound.QueueDeclareOk queueDeclarePassive(String queue) {
    return await(queueDeclarePassiveAsync(queue));
  }

  public CompletionStage<Outbound.QueueBindOk> queueBindAsync(String queue, String exchange, String routingKey,
      Map<String, Object> arguments) {
    return call(new ClientMethod.QueueBind(queue, exchange, routingKey, false, arguments), Outbound.QueueBindOk.class);
  }

  public void queueBind(String queue, String exchange, String routingKey) {
    await(queueBindAsync(queue, exchange, routingKey, null));
  }

  public void queueBind(String queue, String exchange, String routingKey, Map<String, Object> arguments) {
    await(queueBindAsync(queue, exchange, routingKey, arguments));
  }

  public void queueUnbind(String queue, String exchange, String routingKey) {
    await(call(new ClientMethod.QueueUnbind(queue, exchange, routingKey, null), Outbound.QueueUnbindOk.class));
  }

  public int queuePurge(String queue) {
    return await(call(new ClientMethod.QueuePurge(queue, false), Outbound.QueuePurgeOk.class)).messageCount();
  }

  public CompletionStage<Outbound.QueueDeleteOk> queueDeleteAsync(String queue, boolean ifUnused, boolean ifEmpty) {
    return call(new ClientMethod.QueueDelete(queue, ifUnused, ifEmpty, false), Outbound.QueueDeleteOk.class);
  }

  public int queueDelete(String queue) {
    return await(queueDeleteAsync(queue, false, false)).messageCount();
  }

  public int queueDelete(String queue, boolean ifUnused, boolean ifEmpty) {
    return await(queueDeleteAsync(queue, ifUnused, ifEmpty)).messageCount();
  }

  // ---------------------------------------------------------------- consumers

  public CompletionStage<Outbound.BasicQosOk> basicQosAsync(int prefetchCount, boolean global) {
    return call(new ClientMethod.BasicQos(0, prefetchCount, global), Outbound.BasicQosOk.class);
  }

  public void basicQos(int prefetchCount) {
    await(basicQosAsync(prefetchCount, false));
  }

  public void basicQos(long prefetchSize, int prefetchCount, boolean global) {
    await(call(new ClientMethod.BasicQos(prefetchSize, prefetchCount, global), Outbound.BasicQosOk.class));
  }

  /** Starts a consumer; the stage completes with its tag, after which deliveries reach {@code consumer}. */
  public CompletionStage<String> basicConsumeAsync(String queue, String consumerTag, boolean autoAck, boolean exclusive,
      Map<String, Object> arguments, SimConsumer consumer) {
    // Registered while completing, before any delivery for the tag can be handled (same thread, in order).
    return call(new ClientMethod.BasicConsume(queue, consumerTag == null ? "" : consumerTag, false, autoAck, exclusive,
        false, arguments), Outbound.BasicConsumeOk.class)
        .thenApply(ok -> {
          synchronized (this) {
            consumers.put(ok.consumerTag(), consumer);
          }
          return ok.consumerTag();
        });
  }

  public String basicConsume(String queue, boolean autoAck, SimConsumer consumer) {
    return await(basicConsumeAsync(queue, "", autoAck, false, null, consumer));
  }

  public String basicConsume(String queue, String consumerTag, boolean autoAck, boolean exclusive,
      Map<String, Object> arguments, SimConsumer consumer) {
    return await(basicConsumeAsync(queue, consumerTag, autoAck, exclusive, arguments, consumer));
  }

  public CompletionStage<String> basicCancelAsync(String consumerTag) {
    return call(new ClientMethod.BasicCancel(consumerTag, false), Outbound.BasicCancelOk.class)
        .thenApply(ok -> {
          synchronized (this) {
            consumers.remove(consumerTag);
          }
          return ok.consumerTag();
        });
  }

  public void basicCancel(String consumerTag) {
    await(basicCancelAsync(consumerTag));
  }

  // ---------------------------------------------------------------- publish, get, acks

  /** Publishes; returns the publish sequence number when in confirm mode, else 0. */
  public long basicPublish(String exchange, String routingKey, boolean mandatory, BasicProperties props, byte[] body) {
    long seq = 0;
    synchronized (this) {
      if (confirmMode) {
        seq = nextPublishSeqNo++;
        unconfirmed.add(seq);
      }
      cast(new ClientMethod.BasicPublish(exchange, routingKey, mandatory, false,
          props == null ? BasicProperties.EMPTY : props, body));
    }
    return seq;
  }

  public long basicPublish(String exchange, String routingKey, BasicProperties props, byte[] body) {
    return basicPublish(exchange, routingKey, false, props, body);
  }

  /** Publishes a UTF-8 text body with no properties. */
  public long basicPublish(String exchange, String routingKey, String body) {
    return basicPublish(exchange, routingKey, false, null, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes with {@code immediate=true} (RabbitMQ answers 540; see the profile). */
  public void basicPublishImmediate(String exchange, String routingKey, BasicProperties props, byte[] body) {
    cast(new ClientMethod.BasicPublish(exchange, routingKey, false, true, props, body));
  }

  /** {@code basic.get}: the stage completes with a delivery, or null when the queue is empty. */
  public CompletionStage<Delivery> basicGetAsync(String queue, boolean autoAck) {
    return call(new ClientMethod.BasicGet(queue, autoAck), Outbound.class).thenApply(o -> {
      if (o instanceof Outbound.BasicGetOk g) {
        return new Delivery(null, g.deliveryTag(), g.redelivered(), g.exchange(), g.routingKey(), g.properties(),
            g.body(), g.messageCount());
      }
      return null;
    });
  }

  public Delivery basicGet(String queue, boolean autoAck) {
    return await(basicGetAsync(queue, autoAck));
  }

  public void basicAck(long deliveryTag, boolean multiple) {
    cast(new ClientMethod.BasicAck(deliveryTag, multiple));
  }

  public void basicNack(long deliveryTag, boolean multiple, boolean requeue) {
    cast(new ClientMethod.BasicNack(deliveryTag, multiple, requeue));
  }

  public void basicReject(long deliveryTag, boolean requeue) {
    cast(new ClientMethod.BasicReject(deliveryTag, requeue));
  }

  public void basicRecover(boolean requeue) {
    await(call(new ClientMethod.BasicRecover(requeue), Outbound.BasicRecoverOk.class));
  }

  // ---------------------------------------------------------------- confirms and returns

  public CompletionStage<Outbound.ConfirmSelectOk> confirmSelectAsync() {
    synchronized (this) {
      confirmMode = true;
    }
    return call(new ClientMethod.ConfirmSelect(false), Outbound.ConfirmSelectOk.class);
  }

  public void confirmSelect() {
    await(confirmSelectAsync());
  }

  // ---------------------------------------------------------------- transactions

  /** {@code tx.select}: from now on publishes and acks take effect at {@link #txCommit()}. */
  public void txSelect() {
    await(call(new ClientMethod.TxSelect(), Outbound.TxSelectOk.class));
  }

  /** {@code tx.commit}: held publishes reach their queues (answered once they accepted), held acks apply. */
  public CompletionStage<Outbound.TxCommitOk> txCommitAsync() {
    return call(new ClientMethod.TxCommit(), Outbound.TxCommitOk.class);
  }

  public void txCommit() {
    await(txCommitAsync());
  }

  /** {@code tx.rollback}: held publishes are dropped, held acks undone. */
  public void txRollback() {
    await(call(new ClientMethod.TxRollback(), Outbound.TxRollbackOk.class));
  }

  public synchronized long nextPublishSeqNo() {
    return confirmMode ? nextPublishSeqNo : 0;
  }

  /**
   * Completes with true when every publish so far is confirmed and none was nacked since the last wait, as
   * the Java client's {@code waitForConfirms}: each completed wait starts a new count.
   */
  public CompletionStage<Boolean> waitForConfirmsAsync() {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    synchronized (this) {
      if (!confirmMode) {
        f.completeExceptionally(new IllegalStateException("confirm.select was not sent on this channel"));
      } else if (unconfirmed.isEmpty()) {
        f.complete(!nacked);
        nacked = false;
      } else if (closeCause != null) {
        f.completeExceptionally(closeCause);
      } else {
        confirmWaiters.add(f);
      }
    }
    return f;
  }

  public boolean waitForConfirms() {
    return await(waitForConfirmsAsync());
  }

  public void addReturnListener(Consumer<ReturnedMessage> listener) {
    returnListeners.add(listener);
  }

  /** Every {@code basic.return} this channel received, in order. */
  public List<ReturnedMessage> returnedMessages() {
    return List.copyOf(returned);
  }

  // ---------------------------------------------------------------- close

  public CompletionStage<AmqpException> closeAsync() {
    call(new ClientMethod.ChannelClose(200, "OK", 0, 0), Outbound.ChannelCloseOk.class)
        .whenComplete((ok, err) -> markClosed(null));
    return closed;
  }

  public void close() {
    await(closeAsync());
  }

  /** Completes when the channel is closed, with the server error that closed it (null for a clean close). */
  public CompletionStage<AmqpException> whenClosed() {
    return closed;
  }

  public AmqpException closeCause() {
    return closeCause;
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  // ---------------------------------------------------------------- inbound (broker thread)

  void receive(Outbound m) {
    if (m instanceof Outbound.BasicDeliver d) {
      SimConsumer c;
      synchronized (this) {
        c = consumers.get(d.consumerTag());
      }
      if (c != null) {
        c.handleDelivery(this, new Delivery(d.consumerTag(), d.deliveryTag(), d.redelivered(), d.exchange(),
            d.routingKey(), d.properties(), d.body(), -1));
      }
    } else if (m instanceof Outbound.BasicReturn r) {
      ReturnedMessage rm = new ReturnedMessage(r.replyCode(), r.replyText(), r.exchange(), r.routingKey(),
          r.properties(), r.body());
      returned.add(rm);
      for (Consumer<ReturnedMessage> l : returnListeners) {
        l.accept(rm);
      }
    } else if (m instanceof Outbound.BasicAck a) {
      confirmed(a.deliveryTag(), a.multiple(), false);
    } else if (m instanceof Outbound.BasicNack n) {
      confirmed(n.deliveryTag(), n.multiple(), true);
    } else if (m instanceof Outbound.BasicCancel c) {
      SimConsumer consumer;
      synchronized (this) {
        consumer = consumers.remove(c.consumerTag());
      }
      if (consumer != null) {
        consumer.handleCancel(c.consumerTag());
      }
    } else if (m instanceof Outbound.ChannelClose c) {
      AmqpException cause = new AmqpException(c.error());
      ref.tell(new ClientMethod.ChannelCloseOk());
      markClosed(cause);
    } else if (m.isReply()) {
      CompletableFuture<Outbound> f;
      synchronized (this) {
        f = pending.pollFirst();
      }
      if (f != null) {
        f.complete(m);
      }
    }
  }

  private void confirmed(long seq, boolean multiple, boolean nack) {
    List<CompletableFuture<Boolean>> ready = List.of();
    boolean result;
    synchronized (this) {
      if (multiple) {
        unconfirmed.headSet(seq, true).clear();
      } else {
        unconfirmed.remove(seq);
      }
      nacked |= nack;
      result = !nacked;
      if (unconfirmed.isEmpty() && !confirmWaiters.isEmpty()) {
        ready = new ArrayList<>(confirmWaiters);
        confirmWaiters.clear();
        nacked = false;
      }
    }
    for (CompletableFuture<Boolean> f : ready) {
      f.complete(result);
    }
  }

  void connectionClosed(AmqpException cause) {
    markClosed(cause);
  }

  private void markClosed(AmqpException cause) {
    List<CompletableFuture<Outbound>> failed;
    List<CompletableFuture<Boolean>> waiters;
    Map<String, SimConsumer> cs;
    synchronized (this) {
      if (closed.isDone()) {
        return;
      }
      closeCause = cause;
      failed = new ArrayList<>(pending);
      pending.clear();
      waiters = new ArrayList<>(confirmWaiters);
      confirmWaiters.clear();
      cs = new LinkedHashMap<>(consumers);
      consumers.clear();
    }
    Exception e = cause != null ? cause : new IllegalStateException("channel closed");
    for (CompletableFuture<Outbound> f : failed) {
      f.completeExceptionally(e);
    }
    for (CompletableFuture<Boolean> f : waiters) {
      f.completeExceptionally(e);
    }
    for (Map.Entry<String, SimConsumer> c : cs.entrySet()) {
      c.getValue().handleShutdown(c.getKey(), cause);
    }
    connection.channelClosed(number);
    closed.complete(cause);
  }
}
