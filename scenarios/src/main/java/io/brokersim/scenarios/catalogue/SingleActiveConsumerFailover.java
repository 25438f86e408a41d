package io.brokersim.scenarios.catalogue;

import io.brokersim.core.client.SimChannel;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import io.brokersim.scenarios.VirtualTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two servers on a single-active-consumer queue: the active one dies in the middle of a call, the standby takes
 * over and processes that request again, and the request queued behind it waited the whole time although the
 * standby was idle (semantics §11).
 */
public final class SingleActiveConsumerFailover implements Scenario {

  @Override
  public String name() {
    return "single-active-consumer-failover-mid-call";
  }

  @Override
  public String description() {
    return "the active server of a single-active-consumer queue dies mid-call: the standby takes over and "
        + "processes the request again";
  }

  @Override
  public String teaching() {
    return """
        `rpc_queue` has `x-single-active-consumer = true` (a quorum queue on RabbitMQ, a classic one on \
        LavinMQ): whatever consumers attach, one at a time gets messages, in order. `primary` attached first and \
        is active; `standby` waits. `client` sends two calls at once. `primary` (prefetch 1) starts on \
        `client-1`; `client-2` stays in the queue, and `standby` gets nothing although it is idle: with single \
        active consumer a waiting consumer is not a spare pair of hands.

        300 ms into `client-1`, `primary` dies. Its unacked request goes back to the queue (at the head of a \
        quorum queue) and the broker makes `standby` the active consumer: it receives `client-1` again, flagged \
        `redelivered`, and then `client-2`. Both calls are answered, later than they would have been, and \
        `client-1` was worked on twice. The consumer count a `queue.declare` reports differs too: a quorum queue \
        counts only the active consumer (1), classic queues and LavinMQ count the waiting ones (2).

        Single active consumer keeps order and exclusivity across failover; it does not make a request \
        idempotent. Make the handler safe to run twice, and size timeouts for a failover in the middle of a call.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    Map<String, Object> args = new HashMap<>();
    args.put("x-single-active-consumer", true);
    if (ctx.profile().isRabbitMq()) {
      args.put("x-queue-type", "quorum");
    }
    ctx.responder("primary").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args, request -> {
      if (!request.redelivered() && request.correlationId().equals("client-1")) {
        request.after(Duration.ofMillis(300), r -> r.crash());   // dies mid-call
      } else {
        request.after(Duration.ofMillis(500), r -> r.answer());
      }
    });
    ctx.responder("standby").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args,
        ctx.answerAfter(Duration.ofMillis(400), Duration.ofMillis(600)));

    SimChannel setup = ctx.setupChannel();
    int consumers = setup.queueDeclarePassive(RpcCallbackQueue.REQUESTS).consumerCount();
    ctx.log().note("setup", null, "queue.declare(passive) of " + RpcCallbackQueue.REQUESTS + ": consumer_count "
        + consumers);

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(5));
    client.call("book seat 12A");   // client-1: primary dies while on it
    client.call("book seat 12B");   // client-2: waits behind it
    ctx.runFor(Duration.ofSeconds(4));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.RABBITMQ_4);
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    return List.of(
        Expectations.processedTimes("client-1", 2),
        Expectations.processedTimes("client-2", 1),
        standbyIdleUntilFailover("standby", "primary"),
        Expectations.redeliveredTo("standby", 1),
        Expectations.answered("client-1"),
        Expectations.answered("client-2"),
        consumerCount(profile.isRabbitMq() ? 1 : 2));
  }

  /** The standby received nothing while the active consumer was alive. */
  private static Expectation standbyIdleUntilFailover(String standby, String active) {
    return Expectation.of(standby + " receives nothing until " + active + " is gone", run -> {
      List<RpcLog.Entry> died = run.log().entries(active, RpcLog.Kind.CRASHED);
      List<RpcLog.Entry> got = run.log().entries(standby, RpcLog.Kind.REQUEST_RECEIVED);
      if (died.isEmpty()) {
        return Expectation.Check.fails(active + " never died");
      }
      long diedAt = died.get(0).virtualNanos();
      if (got.isEmpty() || got.get(0).virtualNanos() < diedAt) {
        return Expectation.Check.fails(standby + " received " + got.size() + " requests, the first before " + active
            + " died at " + VirtualTime.format(diedAt));
      }
      return Expectation.Check.holds(standby + " idle until " + active + " died at " + VirtualTime.format(diedAt)
          + ", then received " + got.size() + " requests from " + VirtualTime.format(got.get(0).virtualNanos()));
    });
  }

  /** What queue.declare reported as consumer_count with both servers attached. */
  private static Expectation consumerCount(int expected) {
    return Expectation.of("queue.declare reports consumer_count " + expected + " with both servers attached", run ->
        run.log().entries("setup", RpcLog.Kind.NOTE).stream().findFirst()
            .map(e -> e.text().endsWith("consumer_count " + expected) ? Expectation.Check.holds(e.text())
                : Expectation.Check.fails(e.text()))
            .orElseGet(() -> Expectation.Check.fails("no queue.declare was made")));
  }
}
