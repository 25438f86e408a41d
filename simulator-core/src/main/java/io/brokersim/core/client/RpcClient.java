package io.brokersim.core.client;

import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Request/reply over AMQP the way the RabbitMQ Java client's {@code RpcClient} does it: every request
 * carries {@code reply_to} and a fresh {@code correlation_id}; replies are matched by correlation id;
 * a call that gets no reply within its timeout fails with {@link RpcTimeoutException}, and a reply that
 * arrives after that (or matches no call) is discarded and recorded in {@link #discardedReplies()}.
 *
 * <p>The reply address is an exclusive server-named callback queue ({@link #callbackQueue}) or the
 * direct reply-to pseudo-queue ({@link #directReplyTo}). Correlation ids are {@code <channel id>:<n>}, deterministic per run.
 */
public final class RpcClient {

  /** A reply the client dropped: late (its call had timed out) or unknown correlation id. */
  public record DiscardedReply(String correlationId, String reason, String body) {}

  private final SimChannel channel;
  private final String exchange;
  private final String routingKey;
  private final String replyTo;
  private final Duration timeout;
  private final Map<String, CompletableFuture<Delivery>> calls = new LinkedHashMap<>();
  private final Map<String, Driver.Scheduled> timers = new LinkedHashMap<>();
  private final List<String> timedOut = new ArrayList<>();
  private final List<DiscardedReply> discarded = new ArrayList<>();
  private long nextId;
  private boolean mandatory;

  private RpcClient(SimChannel channel, String exchange, String routingKey, String replyTo, Duration timeout) {
    this.channel = channel;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.replyTo = replyTo;
    this.timeout = timeout;
  }

  /**
   * Declares an exclusive, server-named callback queue on {@code channel}, consumes it (auto-ack), and
   * returns a client that sends requests to {@code exchange}/{@code routingKey}.
   */
  public static RpcClient callbackQueue(SimChannel channel, String exchange, String routingKey, Duration timeout) {
    String queue = channel.queueDeclare().queue();
    RpcClient client = new RpcClient(channel, exchange, routingKey, queue, timeout);
    channel.basicConsume(queue, true, (SimConsumer) (ch, reply) -> client.onReply(reply));
    return client;
  }

  /**
   * Direct reply-to (semantics §1): consumes the pseudo-queue {@code pseudoName} (no-ack) on
   * {@code channel} and sends requests with {@code reply_to} set to it; the broker rewrites it to this
   * channel's reply name. Use {@code amq.rabbitmq.reply-to} (every profile) or, under LavinMQ,
   * {@code amq.direct.reply-to}.
   */
  public static RpcClient directReplyTo(SimChannel channel, String pseudoName, String exchange, String routingKey,
      Duration timeout) {
    RpcClient client = new RpcClient(channel, exchange, routingKey, pseudoName, timeout);
    channel.basicConsume(pseudoName, true, (SimConsumer) (ch, reply) -> client.onReply(reply));
    return client;
  }

  /**
   * Publishes requests as mandatory: a {@code basic.return} carrying a waiting call's correlation id
   * fails that call at once with {@link UnroutableRpcException} (as the Java client's
   * {@code RpcClientParams.useMandatory()}).
   */
  public RpcClient mandatory() {
    mandatory = true;
    channel.addReturnListener(r -> {
      String correlationId = r.properties().correlationId();
      CompletableFuture<Delivery> f;
      Driver.Scheduled timer;
      synchronized (this) {
        f = correlationId == null ? null : calls.remove(correlationId);
        timer = correlationId == null ? null : timers.remove(correlationId);
      }
      if (timer != null) {
        timer.cancel();
      }
      if (f != null) {
        f.completeExceptionally(new UnroutableRpcException(correlationId, r));
      }
    });
    return this;
  }

  /** The reply address requests carry. */
  public String replyTo() {
    return replyTo;
  }

  /** Sends a request; the stage completes with the reply or fails with {@link RpcTimeoutException}. */
  public CompletionStage<Delivery> callAsync(BasicProperties props, byte[] body) {
    String correlationId;
    CompletableFuture<Delivery> f = new CompletableFuture<>();
    synchronized (this) {
      correlationId = channel.id() + ":" + (++nextId);
      calls.put(correlationId, f);
    }
    BasicProperties base = props == null ? BasicProperties.EMPTY : props;
    channel.basicPublish(exchange, routingKey, mandatory,
        base.toBuilder().replyTo(replyTo).correlationId(correlationId).build(), body);
    Driver.Scheduled timer = channel.connection().schedule(timeout, () -> expire(correlationId));
    synchronized (this) {
      if (calls.containsKey(correlationId)) {
        timers.put(correlationId, timer);
      } else {
        timer.cancel();
      }
    }
    return f;
  }

  /** Sends a UTF-8 text request. */
  public CompletionStage<Delivery> callAsync(String body) {
    return callAsync(null, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a request and waits for the reply (blocking form; not for use inside consumer callbacks). */
  public Delivery call(String body) {
    return channel.connection().driver().await(callAsync(body));
  }

  private void expire(String correlationId) {
    CompletableFuture<Delivery> f;
    synchronized (this) {
      f = calls.remove(correlationId);
      timers.remove(correlationId);
      if (f != null) {
        timedOut.add(correlationId);
      }
    }
    if (f != null) {
      f.completeExceptionally(new RpcTimeoutException(correlationId, timeout));
    }
  }

  private void onReply(Delivery reply) {
    String correlationId = reply.properties().correlationId();
    CompletableFuture<Delivery> f;
    Driver.Scheduled timer;
    synchronized (this) {
      f = correlationId == null ? null : calls.remove(correlationId);
      timer = correlationId == null ? null : timers.remove(correlationId);
      if (f == null) {
        String reason = correlationId != null && timedOut.contains(correlationId)
            ? "late: the call had already timed out"
            : "unknown correlation_id";
        discarded.add(new DiscardedReply(correlationId, reason, reply.bodyText()));
      }
    }
    if (timer != null) {
      timer.cancel();
    }
    if (f != null) {
      f.complete(reply);
    }
  }

  /** Calls still waiting for a reply. */
  public synchronized int pending() {
    return calls.size();
  }

  /** Correlation ids of calls that timed out, in order. */
  public synchronized List<String> timedOut() {
    return List.copyOf(timedOut);
  }

  /** Replies that matched no waiting call, in arrival order. */
  public synchronized List<DiscardedReply> discardedReplies() {
    return List.copyOf(discarded);
  }
}
