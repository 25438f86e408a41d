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
 * RPC without a callback queue: direct reply-to, done right.
 *
 * <p>The requester consumes a pseudo-queue, {@code amq.rabbitmq.reply-to} (every broker) or LavinMQ's alias
 * {@code amq.direct.reply-to}, in no-ack mode, and sends requests with {@code reply_to} set to that pseudo name,
 * on the same channel. The broker rewrites {@code reply_to} to a name that stands for this channel's reply
 * consumer: LavinMQ always writes {@code amq.direct.reply-to.<consumer tag>}, whichever alias was consumed;
 * RabbitMQ writes {@code amq.rabbitmq.reply-to.<opaque suffix>}. The responder publishes its reply to the
 * default exchange with that name as routing key, as with a callback queue, and the broker's reply-to registry
 * hands it straight to the requester's channel: no queue is declared, nothing is stored, nothing to clean up
 * (semantics §1.1-1.5).
 */
public final class RpcDirectReplyTo implements Scenario {

  private static final int CALLS_EACH = 4;

  @Override
  public String name() {
    return "rpc-direct-reply-to";
  }

  @Override
  public String description() {
    return "direct reply-to: no callback queue, the broker rewrites reply_to and delivers replies straight to the "
        + "requester's channel";
  }

  @Override
  public String teaching() {
    return """
        Two clients consume a direct reply-to pseudo-queue with no-ack and send four requests each to `rpc_queue` \
        with `reply_to` set to the pseudo name and a unique `correlation_id`. `client-a` uses \
        `amq.rabbitmq.reply-to`. `client-b` uses LavinMQ's alias `amq.direct.reply-to` under `lavinmq`, and \
        `amq.rabbitmq.reply-to` under the RabbitMQ profiles, where the alias is an ordinary (missing) queue name.

        The broker rewrites `reply_to` before the request is queued, so the servers never see the pseudo name. \
        LavinMQ writes `amq.direct.reply-to.<consumer tag>` for both aliases: the suffix is the reply consumer's \
        own tag, predictable. RabbitMQ writes `amq.rabbitmq.reply-to.<opaque suffix>`. The servers reply to the \
        default exchange with that name as routing key; the broker's reply-to registry resolves it and delivers \
        the reply straight to the requester's channel. No reply queue is declared, and no reply ever sits in a \
        queue.""";
  }

  /** The pseudo name each broker calls its own: LavinMQ's alias under lavinmq, else RabbitMQ's name. */
  static String nativePseudoName(BrokerProfile profile) {
    return profile.isLavinMq() ? BrokerProfile.LAVINMQ_REPLY_TO : BrokerProfile.RABBITMQ_REPLY_TO;
  }

  @Override
  public void run(ScenarioContext ctx) {
    for (int s = 1; s <= 2; s++) {
      ctx.responder("server-" + s).prefetch(5)
          .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(5), Duration.ofMillis(200)));
    }
    Requester a = ctx.requester("client-a", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(BrokerProfile.RABBITMQ_REPLY_TO)).timeout(Duration.ofSeconds(5));
    Requester b = ctx.requester("client-b", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(nativePseudoName(ctx.profile()))).timeout(Duration.ofSeconds(5));
    for (Requester client : List.of(a, b)) {
      for (int k = 1; k <= CALLS_EACH; k++) {
        client.callAfter(ctx.between(Duration.ZERO, Duration.ofMillis(300)), "price-check " + k);
      }
    }
    ctx.runFor(Duration.ofSeconds(6));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.everyCallAnsweredOnce(),
        Expectations.repliesDeliveredDirectly(),
        Expectations.replyNameRewritten("client-a"),
        Expectations.replyNameRewritten("client-b"));
  }
}
