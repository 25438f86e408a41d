package io.brokersim.scenarios.catalogue;

import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * The requester's connection drops while its calls are being processed, and the replies have nowhere to go.
 *
 * <p>An exclusive callback queue belongs to the connection that declared it (AMQP 0-9-1 {@code queue.declare}
 * {@code exclusive}): when that connection closes or its socket dies, the broker deletes the queue. The
 * requests were already routed to {@code rpc_queue}, so the servers process them and publish replies to the
 * default exchange with routing key = the deleted queue's name. No queue has that name any more, so the reply
 * is unroutable. What the server learns depends on one flag: without {@code mandatory} the broker drops the
 * reply and tells nobody; with {@code mandatory=true} it sends it back as {@code basic.return 312 NO_ROUTE},
 * so the server can at least log it. Either way the reply is gone: a reconnecting client declares a new queue
 * with a new name and can never receive it. The caller must treat "connection lost" as "outcome unknown".
 */
public final class LostReplyRequesterConnectionDropped implements Scenario {

  @Override
  public String name() {
    return "lost-reply-requester-connection-dropped";
  }

  @Override
  public String description() {
    return "the requester's connection drops mid-call: its exclusive reply queue dies with it and the reply is "
        + "unroutable";
  }

  @Override
  public String teaching() {
    return """
        The client sends two requests, then its connection drops (a dead socket, no close handshake) at 100 ms, \
        while both requests sit with the servers. The broker deletes the client's exclusive callback queue \
        together with the connection that owned it.

        The servers finish and reply to `reply_to`: the name of a queue that no longer exists. On the default \
        exchange that routes to nothing. `server-1` publishes its reply without `mandatory`: the broker drops \
        it and tells nobody. `server-2` sets `mandatory=true` and gets `basic.return 312 NO_ROUTE`, so it at \
        least knows. Neither reply can reach the client: after reconnecting it has a new queue with a new name. \
        A caller that loses its connection must treat every call in flight as "outcome unknown".""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    Duration min = Duration.ofMillis(200);
    Duration max = Duration.ofMillis(300);
    ctx.responder("server-1").prefetch(1).serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(min, max));
    ctx.responder("server-2").prefetch(1).mandatoryReplies(true)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(min, max));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS);
    client.call("order-status A");   // client-1, to server-1
    client.call("order-status B");   // client-2, to server-2
    ctx.at(Duration.ofMillis(100), client::cut);
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.replyLostWithRequesterConnection("client-1"),
        Expectations.replyLostWithRequesterConnection("client-2"),
        Expectations.replyDroppedSilently("client-1"),
        Expectations.replyReturnedToResponder("client-2"));
  }
}
