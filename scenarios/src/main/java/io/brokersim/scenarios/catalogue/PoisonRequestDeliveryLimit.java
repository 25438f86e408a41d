package io.brokersim.scenarios.catalogue;

import io.brokersim.core.client.Delivery;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.QueueTypes;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the server cannot process ("poison") is rejected with requeue again and again until it passes the
 * queue's delivery limit; the queue then dead-letters it (reason {@code delivery_limit}), the caller times out, and
 * the fate ledger says where the request went (semantics §9.4).
 */
public final class PoisonRequestDeliveryLimit implements Scenario {

  static final String POISON_QUEUE = "rpc_queue.poison";
  /** The limit set where the broker has no default (RabbitMQ 3.13 quorum queues, LavinMQ). */
  static final int EXPLICIT_LIMIT = 5;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "poison-request-dead-lettered-after-delivery-limit";
  }

  @Override
  public String description() {
    return "a request that makes the server fail is redelivered until the delivery limit, then dead-lettered; "
        + "the caller times out";
  }

  @Override
  public String teaching() {
    return """
        `rpc_queue` is a quorum queue with a dead-letter exchange: the default exchange, routing key \
        `rpc_queue.poison`. `server` answers `add 2 3` in 50 ms but fails on `parse <broken>`: it rejects the \
        request with `basic.reject(requeue=true)` to let it be tried again. Nothing else is in the queue, so the \
        same request comes straight back, with `redelivered=true` and a growing `x-delivery-count` header.

        A quorum queue counts those failures. On RabbitMQ 4.x the limit is 20 unless `x-delivery-limit` says \
        otherwise; RabbitMQ 3.13 has no default (this run sets 5), and neither has LavinMQ, which ignores \
        `x-queue-type = quorum` but has its own `x-delivery-limit` on any queue (set to 5 here, and its header \
        is a 32-bit int, not a long). One failure past the limit, the queue dead-letters the request with reason \
        `delivery_limit`; without a dead-letter exchange it would drop it, and only the ledger would say so.

        `client` waits 10 s for `parse <broken>` and times out. The request did not vanish: it was processed 21 \
        (or 6) times and is now in `rpc_queue.poison`, where the client finds it with its `x-death` header. On \
        RabbitMQ 4.3 only `basic.reject` and a consumer that dies count: a server that answers failure with \
        `basic.nack(requeue=true)` loops on the poison request forever (4.3 allows unlimited returns); on 3.13 \
        and LavinMQ every requeue counts.""";
  }

  /** The delivery limit the scenario's queue ends up with under {@code profile}. */
  static long limit(BrokerProfile profile) {
    return profile.rabbitMajor() >= 4 ? QueueTypes.RABBITMQ_4_DEFAULT_DELIVERY_LIMIT : EXPLICIT_LIMIT;
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.setupChannel().queueDeclare(POISON_QUEUE, true, false, false, null);
    Map<String, Object> args = new HashMap<>();
    args.put("x-queue-type", "quorum");
    args.put("x-dead-letter-exchange", "");
    args.put("x-dead-letter-routing-key", POISON_QUEUE);
    if (ctx.profile().rabbitMajor() < 4) {
      args.put("x-delivery-limit", EXPLICIT_LIMIT);
    }
    ctx.responder("server").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args, request -> {
      if (request.body().contains("<broken>")) {
        request.after(Duration.ofMillis(50), r -> r.reject(true));   // fails: try again
      } else {
        request.after(Duration.ofMillis(50), r -> r.answer());
      }
    });

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(CALL_TIMEOUT);
    client.call("add 2 3");             // client-1: answered
    client.call("parse <broken>");      // client-2: poison
    ctx.runFor(CALL_TIMEOUT.plusSeconds(1));

    // After the timeout the client looks in the poison queue.
    Delivery dead = client.channel().basicGet(POISON_QUEUE, true);
    if (dead == null) {
      ctx.log().note(client.name(), null, "found nothing in " + POISON_QUEUE);
    } else {
      Object count = dead.properties().headers() == null ? null
          : dead.properties().headers().get("x-delivery-count");
      ctx.log().note(client.name(), dead.properties().correlationId(), "found its request "
          + dead.properties().correlationId() + " in " + POISON_QUEUE + ": " + RequestExpiresInQueue.death(dead)
          + (count == null ? "" : "; x-delivery-count " + count));
    }
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.RABBITMQ_4);
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    int deliveries = (int) limit(profile) + 1;
    return List.of(
        Expectations.answered("client-1"),
        Expectations.processedTimes("client-2", deliveries),
        Expectations.requestDeadLettered("client-2", "delivery_limit", POISON_QUEUE),
        Expectations.timesOut("client-2"),
        clientFindsItInThePoisonQueue("client-2"));
  }

  private static Expectation clientFindsItInThePoisonQueue(String correlationId) {
    return Expectation.of("after the timeout the client finds " + correlationId + " in " + POISON_QUEUE
        + " with x-death reason delivery_limit", run -> run.log().entries("client", RpcLog.Kind.NOTE).stream()
            .filter(e -> correlationId.equals(e.correlationId())).findFirst()
            .map(e -> e.text().contains("x-death reason delivery_limit") ? Expectation.Check.holds(e.text())
                : Expectation.Check.fails(e.text()))
            .orElseGet(() -> Expectation.Check.fails("the client found no dead letter for " + correlationId)));
  }
}
