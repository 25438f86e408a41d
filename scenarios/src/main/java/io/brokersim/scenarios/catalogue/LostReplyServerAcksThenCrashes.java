package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Request;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * A server acks the request on receipt, then dies before replying: the request is gone and the caller can only
 * time out.
 *
 * <p>An ack tells the broker the message is done with (AMQP 0-9-1 {@code basic.ack}); it deletes it and will
 * never redeliver it. Acking before the work is finished (or consuming with {@code no-ack}, which is the same
 * thing) trades a possible duplicate for a possible loss: if the process dies in between, nobody holds the
 * request any more. The caller sees only silence, so it needs a timeout, and after the timeout it cannot tell
 * "lost" from "slow".
 */
public final class LostReplyServerAcksThenCrashes implements Scenario {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  @Override
  public String name() {
    return "lost-reply-server-acks-then-crashes";
  }

  @Override
  public String description() {
    return "a server acks on receipt, then dies before replying: the request is lost and the client times out";
  }

  @Override
  public String teaching() {
    return """
        `server-1` acks the request as soon as it arrives ("ack early", or consuming with `no-ack`), starts the \
        work, and dies 50 ms later, before it can reply. The broker deleted the request at the ack, so there \
        is nothing to requeue: `server-2` stands idle and never sees it.

        The client hears nothing and gives up after its 2 s timeout. The request is lost without any broker \
        error: every message in the trace has a fate, and the request's fate is "acknowledged". Ack after the \
        reply is published, not before, and give every call a timeout.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server-1").prefetch(1).serve(RpcCallbackQueue.REQUESTS, request -> {
      request.ack();                                          // the broker forgets the request now
      request.after(Duration.ofMillis(50), Request::crash);   // the process dies mid-work
      request.after(Duration.ofMillis(200), Request::reply);  // the reply it would have sent
    });
    ctx.responder("server-2").prefetch(1)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(50), Duration.ofMillis(150)));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(CALL_TIMEOUT);
    client.call("reserve seat 7C");   // client-1
    ctx.runFor(CALL_TIMEOUT.plusSeconds(1));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.processedTimes("client-1", 1),
        Expectations.requestAckedButNeverAnswered("client-1"),
        Expectations.timesOut("client-1"));
  }
}
