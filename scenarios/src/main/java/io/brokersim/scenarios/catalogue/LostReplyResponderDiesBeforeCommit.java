package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * A transactional server publishes its reply and acks the request in one transaction, then dies before
 * {@code tx.commit}: the request is redelivered and the first reply never existed.
 *
 * <p>Inside a transaction ({@code tx.select}) a channel's publishes and acks are held by the broker and take
 * effect together at {@code tx.commit}, or not at all. That is the point of using one: reply and ack become one
 * step. But it moves the moment a reply exists from the publish to the commit, and a process that dies in
 * between leaves nothing behind: the reply is rolled back, the ack with it, so the request goes back to the
 * queue and another server answers it.
 */
public final class LostReplyResponderDiesBeforeCommit implements Scenario {

  @Override
  public String name() {
    return "lost-reply-responder-dies-before-commit";
  }

  @Override
  public String description() {
    return "a transactional server replies and acks, then dies before tx.commit: the reply never existed and the "
        + "request is answered by another server";
  }

  @Override
  public String teaching() {
    return """
        `server-1` works in a transaction: it publishes the reply and acks the request, then commits both \
        together. But it dies 20 ms after the ack, before its `tx.commit`. The broker held the reply and the \
        ack for the commit that never came, so it drops both: the reply never reaches any queue (the ledger \
        calls it *rolled back*), and the request, still unacked, goes back to its queue.

        `server-2` gets it with `redelivered=true`, answers and commits, and the client gets one reply after \
        all. Nothing was lost here, but the client's wait grew by the first server's work, and without a \
        second server it would have timed out with no trace of the reply in any queue: a transaction makes \
        reply and ack atomic, not the work before them. Commit right after the reply, and keep timeouts \
        longer than the work plus a redelivery.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server-1").prefetch(1).transactional().serve(RpcCallbackQueue.REQUESTS, request -> {
      request.reply();                                                  // held by the broker until commit
      request.ack();                                                    // held too
      request.after(Duration.ofMillis(20), r -> r.responder().crash()); // dies before tx.commit
      request.after(Duration.ofMillis(100), r -> r.commit());           // the commit it would have sent
    });
    ctx.responder("server-2").prefetch(1).transactional().serve(RpcCallbackQueue.REQUESTS,
        request -> request.after(ctx.between(Duration.ofMillis(50), Duration.ofMillis(150)), r -> {
          r.reply();
          r.ack();
          r.commit();
        }));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(Duration.ofSeconds(5));
    client.call("transfer 100 EUR");   // client-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.processedTimes("client-1", 2),
        Expectations.replyRolledBack("client-1"),
        Expectations.answered("client-1"));
  }
}
