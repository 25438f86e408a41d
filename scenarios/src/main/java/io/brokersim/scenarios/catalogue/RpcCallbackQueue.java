package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * Callback-queue RPC done right, the baseline every failure scenario departs from.
 *
 * <p>Each requester declares its own reply queue with {@code queue.declare("")}: the broker names it
 * ({@code amq.gen-...}), it is exclusive to the requester's connection and auto-deleted. Every request
 * carries {@code reply_to} = that queue and a fresh {@code correlation_id}. The responders consume the shared
 * {@code rpc_queue} with manual acks and a prefetch, take a seeded while to process, publish the reply to the
 * default exchange with routing key {@code reply_to} and the same {@code correlation_id}, then ack. Because
 * many calls are in flight at once and answered out of order, the requester can only pair a reply with its
 * call by {@code correlation_id}.
 */
public final class RpcCallbackQueue implements Scenario {

  static final String REQUESTS = "rpc_queue";
  private static final int RESPONDERS = 2;
  private static final int REQUESTERS = 5;
  private static final int CALLS_EACH = 4;

  @Override
  public String name() {
    return "rpc-callback-queue";
  }

  @Override
  public String description() {
    return "callback-queue RPC: exclusive server-named reply queues and correlation_id, 20 concurrent calls";
  }

  @Override
  public String teaching() {
    return """
        Five clients each declare an exclusive, server-named callback queue (`queue.declare("")` gives \
        `amq.gen-...`) and send four requests to `rpc_queue`, every one with `reply_to` = their callback queue \
        and a unique `correlation_id`. Two servers share `rpc_queue` (prefetch 5), take a seeded 5-200 ms per \
        request, reply to `reply_to` with the same `correlation_id`, and only then ack.

        Replies come back out of order, so the client pairs them with calls by `correlation_id`. Nothing \
        fails here without faults: this is the baseline the lost-reply scenarios break.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    for (int s = 1; s <= RESPONDERS; s++) {
      ctx.responder("server-" + s).prefetch(5)
          .serve(REQUESTS, ctx.answerAfter(Duration.ofMillis(5), Duration.ofMillis(200)));
    }
    for (int c = 1; c <= REQUESTERS; c++) {
      Requester client = ctx.requester("client-" + c, REQUESTS).timeout(Duration.ofSeconds(5));
      for (int k = 1; k <= CALLS_EACH; k++) {
        client.callAfter(ctx.between(Duration.ZERO, Duration.ofMillis(500)), "lookup-" + c + "." + k);
      }
    }
    ctx.runFor(Duration.ofSeconds(6));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(Expectations.everyCallAnsweredOnce());
  }
}
