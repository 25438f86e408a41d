package io.brokersim.scenarios.catalogue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * Publishing a request with {@code reply_to} = the pseudo-queue before consuming it: refused with 406, nothing
 * enqueued.
 *
 * <p>The broker rewrites the pseudo name to the name of the publishing channel's reply consumer, so it needs that
 * consumer to exist, on the same channel, before the request (semantics §1.3). Without it the publish is a
 * precondition failure: RabbitMQ "fast reply consumer does not exist" (raised on {@code basic.publish}, class 60
 * method 40), LavinMQ "Direct reply consumer does not exist" (raised on the content header, so class 0 method 0).
 * The request is not routed anywhere, and the channel is closed.
 */
public final class PublishBeforeReplyConsumer implements Scenario {

  @Override
  public String name() {
    return "publish-before-reply-consumer";
  }

  @Override
  public String description() {
    return "publishing with reply_to = the pseudo-queue before consuming it is refused with 406; the request is "
        + "never enqueued";
  }

  @Override
  public String teaching() {
    return """
        `hasty-client` sends a request with `reply_to` set to the direct reply-to pseudo-queue (`amq.direct.reply-to` \
        under `lavinmq`, `amq.rabbitmq.reply-to` under the RabbitMQ profiles) but never consumes it. \
        `careful-client` consumes the pseudo-queue with no-ack first, on the same channel, then sends the same \
        request.

        The broker has to rewrite the pseudo name to the name of the channel's reply consumer; with no consumer \
        there is nothing to rewrite it to. The publish is refused with `406 PRECONDITION_FAILED` and the channel \
        closes: RabbitMQ says `fast reply consumer does not exist` (on `basic.publish`, class 60 method 40), \
        LavinMQ `Direct reply consumer does not exist` (on the content header, so class 0 method 0). The request \
        is never routed, never enqueued, and `server` never sees it. `careful-client` gets its answer.

        A reply consumer on another channel of the same connection does not count. (The guide's tip "start \
        consuming from amq.lavinmq.reply-to before publishing" names a queue that does not exist; the rule \
        holds for the real pseudo names.)""";
  }

  /** The 406 text of a direct reply-to publish without a reply consumer, per broker (semantics §1.3). */
  static String consumerMissing(BrokerProfile profile) {
    return profile.replyConsumerMissing().text();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").prefetch(5)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(20), Duration.ofMillis(80)));
    String pseudo = RpcDirectReplyTo.nativePseudoName(ctx.profile());
    Requester hasty = ctx.requester("hasty-client", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(pseudo).withoutConsumer()).timeout(Duration.ofSeconds(1));
    Requester careful = ctx.requester("careful-client", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(pseudo)).timeout(Duration.ofSeconds(1));
    hasty.call("ping");     // hasty-client-1: refused
    careful.call("ping");   // careful-client-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.defaultProfile());
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    return List.of(
        Expectations.channelClosedByBroker("hasty-client", 406, consumerMissing(profile)),
        Expectations.requestUnroutable("hasty-client-1"),
        Expectations.neverReceived("hasty-client-1"),
        Expectations.callFails("hasty-client-1", "406"),
        Expectations.answered("careful-client-1"));
  }
}
