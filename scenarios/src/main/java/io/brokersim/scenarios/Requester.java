package io.brokersim.scenarios;

import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The calling side of callback-queue RPC, scripted: its own connection, an exclusive server-named reply
 * queue consumed with auto-ack, requests carrying {@code reply_to} and a fresh {@code correlation_id}
 * ({@code <name>-<n>}), an optional virtual-time timeout per call. Everything it does and sees goes to the
 * run's {@link RpcLog}.
 *
 * <p>It matches replies in one of two ways: {@link Matching#CORRELATION_ID}, as every RPC client should
 * (a reply for a call that timed out, was already answered, or is unknown is discarded), or
 * {@link Matching#NEXT_REPLY}, the naive client that takes whatever arrives next as the answer to its
 * oldest waiting call.
 */
public final class Requester {

  /** How replies are matched to calls. */
  public enum Matching {
    /** By {@code correlation_id}; anything else is discarded. */
    CORRELATION_ID,
    /** The next reply answers the oldest waiting call, whatever its {@code correlation_id} (a bug). */
    NEXT_REPLY
  }

  private final ScenarioContext ctx;
  private final String name;
  private final SimConnection connection;
  private final SimChannel channel;
  private final String replyQueue;
  private final String exchange;
  private final String routingKey;
  /** Waiting calls in send order, with their timeout timers (null without a timeout). */
  private final Map<String, Driver.Scheduled> waiting = new LinkedHashMap<>();
  private final Set<String> timedOut = new HashSet<>();
  private final Set<String> answered = new HashSet<>();
  private Duration timeout;
  private Matching matching = Matching.CORRELATION_ID;
  private boolean connected = true;
  private int calls;

  Requester(ScenarioContext ctx, String name, String exchange, String routingKey) {
    this.ctx = ctx;
    this.name = name;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.connection = ctx.sim().connect(name);
    this.channel = connection.openChannel();
    // queue.declare with an empty name: exclusive, auto-delete, named by the broker (amq.gen-...).
    this.replyQueue = channel.queueDeclare().queue();
    channel.basicConsume(replyQueue, true, (SimConsumer) (ch, reply) ->
        ctx.guarded(name + " reply consumer", () -> onReply(reply)).run());
  }

  public String name() {
    return name;
  }

  /** The server-named callback queue its requests name in {@code reply_to}. */
  public String replyQueue() {
    return replyQueue;
  }

  public SimConnection connection() {
    return connection;
  }

  /** Gives up on a call after {@code value} of virtual time; none by default. */
  public Requester timeout(Duration value) {
    timeout = value;
    return this;
  }

  public Requester matching(Matching value) {
    matching = value;
    return this;
  }

  /**
   * Publishes a request now and returns its correlation_id. Fire-and-forget: safe in callbacks and timers.
   */
  public String call(String body) {
    if (!connected) {
      throw new IllegalStateException(name + " cannot call: its connection is gone");
    }
    String correlationId = name + "-" + (++calls);
    ctx.log().add(name, RpcLog.Kind.CALL_SENT, correlationId, null, body);
    BasicProperties props = BasicProperties.builder().replyTo(replyQueue).correlationId(correlationId).build();
    channel.basicPublish(exchange, routingKey, false, props, body.getBytes(StandardCharsets.UTF_8));
    Driver.Scheduled timer = timeout == null ? null
        : connection.schedule(timeout, ctx.guarded(name + " timeout", () -> expire(correlationId)));
    waiting.put(correlationId, timer);
    return correlationId;
  }

  /** Sends {@link #call} after {@code delay} of virtual time. */
  public void callAfter(Duration delay, String body) {
    ctx.at(delay, () -> call(body));
  }

  /** Drops the connection without a close handshake, as a dying process or network does. */
  public void cut() {
    if (!connected) {
      return;
    }
    connected = false;
    ctx.log().add(name, RpcLog.Kind.CRASHED, null, null, "connection lost");
    for (Map.Entry<String, Driver.Scheduled> call : waiting.entrySet()) {
      if (call.getValue() != null) {
        call.getValue().cancel();
      }
      ctx.log().add(name, RpcLog.Kind.CALL_ABANDONED, call.getKey(), null, "connection lost while waiting");
    }
    waiting.clear();
    connection.cut();
  }

  private void expire(String correlationId) {
    if (waiting.remove(correlationId) != null) {
      timedOut.add(correlationId);
      ctx.log().add(name, RpcLog.Kind.CALL_TIMED_OUT, correlationId, null, "no reply within " + timeout.toMillis()
          + " ms");
    }
  }

  private void onReply(Delivery reply) {
    String correlationId = reply.properties().correlationId();
    String body = reply.bodyText();
    if (matching == Matching.NEXT_REPLY) {
      if (waiting.isEmpty()) {
        discard(correlationId, "no call was waiting for a reply");
      } else {
        accept(waiting.keySet().iterator().next(), correlationId, body);
      }
      return;
    }
    if (correlationId != null && waiting.containsKey(correlationId)) {
      accept(correlationId, correlationId, body);
    } else if (timedOut.contains(correlationId)) {
      discard(correlationId, "late: the call had already timed out");
    } else if (answered.contains(correlationId)) {
      discard(correlationId, "duplicate: the call was already answered");
    } else {
      discard(correlationId, "unknown correlation_id");
    }
  }

  private void accept(String call, String replyCorrelationId, String body) {
    Driver.Scheduled timer = waiting.remove(call);
    if (timer != null) {
      timer.cancel();
    }
    answered.add(call);
    ctx.log().add(name, RpcLog.Kind.REPLY_ACCEPTED, call, replyCorrelationId, body);
  }

  private void discard(String correlationId, String why) {
    ctx.log().add(name, RpcLog.Kind.REPLY_DISCARDED, correlationId, correlationId, why);
  }

  @Override
  public String toString() {
    return "Requester(" + name + ", reply queue " + replyQueue + ")";
  }
}
