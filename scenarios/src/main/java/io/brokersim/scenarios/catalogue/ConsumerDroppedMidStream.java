package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Responder;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * A consumer with prefetch N is holding N unacked requests when its channel closes: the broker requeues all of
 * them and another consumer gets them, flagged {@code redelivered}. Nothing is lost.
 *
 * <p>Prefetch ({@code basic.qos}) is how many deliveries a consumer may hold unacked. Those deliveries still
 * belong to the broker: when the channel closes, for any reason, every one of them goes back to its queue at its
 * original position and is delivered again with {@code redelivered=true} (the RabbitMQ guide calls it "automatic
 * requeueing"; LavinMQ does the same). A stuck or dying consumer therefore delays requests but does not lose
 * them, as long as it acks only after the work is done.
 */
public final class ConsumerDroppedMidStream implements Scenario {

  private static final int PREFETCH = 3;
  private static final int CALLS = 10;

  @Override
  public String name() {
    return "consumer-dropped-mid-stream";
  }

  @Override
  public String description() {
    return "a consumer holding its full prefetch of unacked requests loses its channel: all are redelivered "
        + "to another consumer, none lost";
  }

  @Override
  public String teaching() {
    return """
        Ten requests arrive at once. `server-1` and `server-2` both consume `rpc_queue` with prefetch 3. \
        `server-1` is stuck: it takes its three requests and never finishes them. `server-2` works normally.

        At 500 ms `server-1`'s channel closes. Its three deliveries were never acked, so they still belong to \
        the broker, which puts them back in `rpc_queue` and delivers them to `server-2` with \
        `redelivered=true`. Every call gets exactly one reply; three of them just wait longer.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    Responder stuck = ctx.responder("server-1").prefetch(PREFETCH)
        .serve(RpcCallbackQueue.REQUESTS, request -> { });   // takes requests, never finishes one
    ctx.responder("server-2").prefetch(PREFETCH)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(20), Duration.ofMillis(60)));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(5));
    for (int i = 1; i <= CALLS; i++) {
      client.call("job " + i);
    }
    ctx.at(Duration.ofMillis(500), stuck::closeChannel);
    ctx.runFor(Duration.ofSeconds(3));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.heldUnackedWhenChannelClosed("server-1", PREFETCH),
        Expectations.redeliveredTo("server-2", PREFETCH),
        Expectations.everyCallAnsweredOnce());
  }
}
