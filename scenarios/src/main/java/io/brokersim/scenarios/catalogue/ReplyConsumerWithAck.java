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
 * Consuming the direct reply-to pseudo-queue with manual acks: refused with 406, and the channel is gone.
 *
 * <p>Direct replies are never stored, so there is nothing to acknowledge and nothing the broker could redeliver:
 * the reply consumer must be no-ack (semantics §1.2). A {@code basic.consume} of the pseudo-queue with
 * {@code no-ack = false} is a precondition failure that closes the channel, in each broker's own words: RabbitMQ
 * "reply consumer cannot acknowledge", LavinMQ "Direct replys must be consumed in no-ack mode". pika's
 * {@code basic_consume} defaults to {@code auto_ack=False}, so the mistake is one forgotten argument away. It is a
 * soft error: the connection survives, the channel does not.
 */
public final class ReplyConsumerWithAck implements Scenario {

  @Override
  public String name() {
    return "reply-consumer-with-ack";
  }

  @Override
  public String description() {
    return "consuming the direct reply-to pseudo-queue with manual acks is refused with 406 and closes the channel";
  }

  @Override
  public String teaching() {
    return """
        Two clients set up direct reply-to on the broker's own pseudo-queue (`amq.direct.reply-to` under \
        `lavinmq`, `amq.rabbitmq.reply-to` under the RabbitMQ profiles). `acking-client` consumes it with manual \
        acks, as pika's `basic_consume` does unless told `auto_ack=True`; `no-ack-client` consumes it with no-ack.

        Direct replies are handed straight to the requester's channel and never stored, so the broker has \
        nothing to redeliver and nothing to acknowledge: it refuses the manual-ack consumer with `406 \
        PRECONDITION_FAILED` and closes the channel. RabbitMQ says `reply consumer cannot acknowledge`, LavinMQ \
        says `Direct replys must be consumed in no-ack mode` (sic). It is a soft error: the connection stays \
        open, but the channel is gone, and `acking-client`'s call fails before anything is published. \
        `no-ack-client` gets its answer.""";
  }

  /** The 406 text of a manual-ack reply consumer, per broker (semantics §1.2). */
  static String noAckRequired(BrokerProfile profile) {
    return profile.replyConsumerMustBeNoAck().text();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").prefetch(5)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(20), Duration.ofMillis(80)));
    String pseudo = RpcDirectReplyTo.nativePseudoName(ctx.profile());
    Requester acking = ctx.requester("acking-client", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(pseudo).manualAck()).timeout(Duration.ofSeconds(1));
    Requester noAck = ctx.requester("no-ack-client", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(pseudo)).timeout(Duration.ofSeconds(1));
    acking.call("ping");   // acking-client-1: its channel is already closed
    noAck.call("ping");    // no-ack-client-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.defaultProfile());
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    return List.of(
        Expectations.channelClosedByBroker("acking-client", 406, noAckRequired(profile)),
        Expectations.callFails("acking-client-1", "406"),
        Expectations.answered("no-ack-client-1"));
  }
}
