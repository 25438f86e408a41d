package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * A server dies after replying but before acking: the request is processed twice and the caller gets two
 * replies.
 *
 * <p>Reply-then-ack is the safe order (AMQP 0-9-1 {@code basic.ack}: until the ack, the broker owns the
 * message). If the server's connection dies between the two, the broker requeues the unacked request and
 * delivers it again, flagged {@code redelivered}, to another server, which does the work a second time and
 * replies again. The caller receives two replies with the same {@code correlation_id}; it must keep the first
 * and discard the second, and the work itself must be idempotent, because "processed twice" is the price of
 * never losing a request. The {@code redelivered} flag is the server's hint that it may be a repeat.
 */
public final class LostReplyServerCrashBeforeAck implements Scenario {

  @Override
  public String name() {
    return "lost-reply-server-crash-before-ack";
  }

  @Override
  public String description() {
    return "a server replies, then dies before its ack: the request is redelivered, processed twice, and the "
        + "duplicate reply is discarded by correlation_id";
  }

  @Override
  public String teaching() {
    return """
        `server-1` takes the request, does the work (50-150 ms), publishes the reply, and dies before it can \
        send `basic.ack`. The reply is already on its way and reaches the client, which is done.

        But the broker never got the ack, so when `server-1`'s connection drops it requeues the request and \
        delivers it again, with `redelivered=true`, to `server-2`, which does the work a second time and \
        replies again. The client receives a second reply with the same `correlation_id` and discards it.

        Reply-then-ack never loses a request, at the price of processing some twice: make the work \
        idempotent, and match replies by `correlation_id`.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server-1").prefetch(1).serve(RpcCallbackQueue.REQUESTS,
        request -> request.after(ctx.between(Duration.ofMillis(50), Duration.ofMillis(150)), r -> {
          r.reply();   // the reply leaves...
          r.crash();   // ...and the process dies before basic.ack
        }));
    ctx.responder("server-2").prefetch(1)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(50), Duration.ofMillis(150)));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(5));
    client.call("charge order 42");   // client-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.processedTimes("client-1", 2),
        Expectations.answered("client-1"),
        Expectations.duplicateReplyDiscarded("client-1"));
  }
}
