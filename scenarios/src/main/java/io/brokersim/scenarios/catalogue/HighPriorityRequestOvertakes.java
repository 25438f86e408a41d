package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A priority queue in front of a busy server: an urgent request sent after a batch of ordinary ones is answered
 * right after the request in progress, ahead of the whole backlog (semantics §12).
 */
public final class HighPriorityRequestOvertakes implements Scenario {

  static final int BATCH = 5;

  @Override
  public String name() {
    return "high-priority-request-overtakes-queued";
  }

  @Override
  public String description() {
    return "an urgent request with priority 9 overtakes a backlog of ordinary requests on a priority queue";
  }

  @Override
  public String teaching() {
    return """
        `batch` sends five ordinary requests (no `priority` property) to a server that takes 500 ms for each and \
        holds one at a time (prefetch 1). 100 ms later `urgent` sends one request with `priority = 9`. On a \
        priority queue the broker serves the highest priority first, so the urgent request is the next one the \
        server gets once the request in progress is done: answered after about a second, not after three.

        How a queue gets priorities depends on the broker. Classic queues (RabbitMQ, LavinMQ) have them only if \
        declared with `x-max-priority` (here 10); a larger priority counts as the maximum, a message without one \
        as 0; without the argument the property is ignored. RabbitMQ 4.3 quorum queues always order by priority, \
        in 32 levels (0-31), and refuse `x-max-priority`; a message without `priority` counts as 4, so there a \
        request sent with priority 1 to mean "low" goes behind every unprioritised one. RabbitMQ 3.13 quorum \
        queues ignore priorities. This run uses a classic queue with `x-max-priority` on LavinMQ and RabbitMQ \
        3.13, and a quorum queue on RabbitMQ 4.

        Priorities order only what is still in the queue: with a large prefetch the server would already hold the \
        backlog, and the urgent request would wait behind it anyway. Keep prefetch small where priorities matter.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    Map<String, Object> args = ctx.profile().rabbitMajor() >= 4 ? Map.of("x-queue-type", "quorum")
        : Map.of("x-max-priority", 10);
    ctx.responder("server").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args,
        request -> request.after(Duration.ofMillis(500), r -> r.answer()));
    Requester batch = ctx.requester("batch", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(10));
    Requester urgent = ctx.requester("urgent", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(10));
    for (int i = 1; i <= BATCH; i++) {
      batch.call("nightly export part " + i);   // batch-1 .. batch-5
    }
    ctx.at(Duration.ofMillis(100), () -> urgent.call("refund order 42", p -> p.priority(9)));   // urgent-1
    ctx.runFor(Duration.ofSeconds(5));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.everyCallAnsweredOnce(),
        answeredInOrder(List.of("batch-1", "urgent-1", "batch-2", "batch-3", "batch-4", "batch-5")));
  }

  /** The calls were answered in exactly this order. */
  private static Expectation answeredInOrder(List<String> order) {
    return Expectation.of("the calls are answered in the order " + String.join(", ", order), run -> {
      List<String> answered = run.log().entries().stream().filter(e -> e.kind() == RpcLog.Kind.REPLY_ACCEPTED)
          .map(RpcLog.Entry::correlationId).toList();
      return answered.equals(order) ? Expectation.Check.holds("answered in order: " + String.join(", ", answered))
          : Expectation.Check.fails("answered in order: " + String.join(", ", answered));
    });
  }
}
