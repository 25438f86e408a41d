package io.brokersim.scenarios;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One request as a {@link Responder} received it, with the moves a server can make: reply, ack, wait, die.
 * Every move is fire-and-forget, so handlers run on the simulation thread without blocking it. Moves made
 * after the responder has died are recorded as not made, the way a dead process makes none.
 */
public final class Request {

  private final Responder responder;
  private final Delivery delivery;

  Request(Responder responder, Delivery delivery) {
    this.responder = responder;
    this.delivery = delivery;
  }

  public Responder responder() {
    return responder;
  }

  public String correlationId() {
    return delivery.properties().correlationId();
  }

  public String replyTo() {
    return delivery.properties().replyTo();
  }

  public String body() {
    return delivery.bodyText();
  }

  /** Whether the broker flagged this delivery as a redelivery (it was delivered before and not acked). */
  public boolean redelivered() {
    return delivery.redelivered();
  }

  /** The answer the well-behaved server gives: {@code answer(<request body>)}. */
  public String defaultAnswer() {
    return "answer(" + body() + ")";
  }

  /**
   * Publishes {@code body} to the default exchange with routing key {@code reply_to} and the request's
   * {@code correlation_id} (mandatory if the responder asks for it).
   */
  public void reply(String body) {
    ScenarioContext ctx = responder.context();
    if (!responder.alive()) {
      ctx.log().add(responder.name(), RpcLog.Kind.REPLY_NOT_SENT, correlationId(), null,
          "the responder was gone before it could reply");
      return;
    }
    boolean mandatory = responder.mandatoryReplies();
    ctx.log().add(responder.name(), RpcLog.Kind.REPLY_SENT, correlationId(), null,
        mandatory ? "mandatory" : "not mandatory");
    responder.channel().basicPublish("", replyTo(), mandatory,
        BasicProperties.builder().correlationId(correlationId()).build(), body.getBytes(StandardCharsets.UTF_8));
  }

  /** Decides not to reply, for the reason given (recorded in the log; the request still needs its ack). */
  public void noReply(String why) {
    responder.context().log().add(responder.name(), RpcLog.Kind.REPLY_NOT_SENT, correlationId(), null, why);
  }

  /** Replies with {@link #defaultAnswer()}. */
  public void reply() {
    reply(defaultAnswer());
  }

  /** Acknowledges the request: from now on the broker considers it done and will never redeliver it. */
  public void ack() {
    if (!responder.alive()) {
      return;
    }
    responder.context().log().add(responder.name(), RpcLog.Kind.REQUEST_ACKED, correlationId(), null, null);
    responder.channel().basicAck(delivery.deliveryTag(), false);
  }

  /**
   * Rejects the request ({@code basic.reject}): with {@code requeue} it goes back to the queue for another try
   * (and counts towards a delivery limit, semantics §9.4), without it the queue dead-letters or drops it.
   */
  public void reject(boolean requeue) {
    if (!responder.alive()) {
      return;
    }
    responder.context().log().add(responder.name(), RpcLog.Kind.REQUEST_REJECTED, correlationId(), null,
        requeue ? "basic.reject, requeue=true" : "basic.reject, requeue=false");
    responder.channel().basicReject(delivery.deliveryTag(), requeue);
  }

  /**
   * {@code tx.commit} on a transactional responder: its reply and ack take effect together, or — if it dies
   * first — neither does.
   */
  public void commit() {
    if (!responder.alive()) {
      return;
    }
    responder.context().log().add(responder.name(), RpcLog.Kind.COMMITTED, correlationId(), null, null);
    responder.channel().txCommitAsync();
  }

  /** Replies, then acks: the order that never loses a request (at the price of a possible duplicate reply). */
  public void answer() {
    reply();
    ack();
  }

  /** Runs {@code next} with this request after {@code delay} of virtual time, if the responder is still alive. */
  public void after(Duration delay, Consumer<Request> next) {
    responder.connection().schedule(delay, responder.context().guarded(responder.name() + " timer", () -> {
      if (responder.alive()) {
        next.accept(this);
      } else {
        responder.context().log().add(responder.name(), RpcLog.Kind.REPLY_NOT_SENT, correlationId(), null,
            "the responder lost its channel or connection while processing");
      }
    }));
  }

  /**
   * The liveness probe from the LavinMQ guide: on a disposable channel of the responder's connection, a passive
   * {@code queue.declare} of {@code reply_to}. For a direct reply-to name the broker answers {@code declare-ok}
   * while the requester's reply consumer is live, and 404 once it is gone; the 404 closes only the disposable
   * channel. The answer goes to the log; then {@code next} runs with this request and whether the requester is
   * alive. Asynchronous: safe in handlers and timers.
   */
  public void probeRequester(BiConsumer<Request, Boolean> next) {
    ScenarioContext ctx = responder.context();
    String name = replyTo();
    if (!responder.alive()) {
      ctx.log().add(responder.name(), RpcLog.Kind.REPLY_NOT_SENT, correlationId(), null,
          "the responder was gone before it could probe the requester");
      return;
    }
    SimChannel[] probe = new SimChannel[1];
    responder.connection().openChannelAsync()
        .thenCompose(ch -> {
          probe[0] = ch;
          return ch.queueDeclarePassiveAsync(name);
        })
        .whenComplete((ok, error) -> ctx.guarded(responder.name() + " liveness probe", () -> {
          String on = probe[0] == null ? "" : " on disposable channel " + probe[0].id();
          boolean alive = error == null;
          if (alive) {
            ctx.log().note(responder.name(), correlationId(), "probe of " + name + on + ": declare-ok (consumer_count "
                + ok.consumerCount() + "), the requester is there");
            probe[0].closeAsync();
          } else {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String what = cause instanceof AmqpException a ? Requester.describe(a) : cause.toString();
            ctx.log().note(responder.name(), correlationId(), "probe of " + name + on + ": " + what
                + "; the requester is gone (only the disposable channel closed)");
          }
          next.accept(this, alive);
        }).run());
  }

  /** The responder's process dies now (its connection drops). */
  public void crash() {
    responder.crash();
  }

  @Override
  public String toString() {
    return "Request(" + correlationId() + " at " + responder.name() + (redelivered() ? ", redelivered" : "") + ")";
  }
}
