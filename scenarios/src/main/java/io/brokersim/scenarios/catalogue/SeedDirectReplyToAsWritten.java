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
 * The direct reply-to example of the LavinMQ guide ("Using direct reply-to in LavinMQ"), taken literally, then
 * corrected.
 *
 * <p>As written, both the requester and the "remote machine" consume {@code amq.direct.reply-to}, and the request
 * is published to exchange {@code ''} with routing key {@code ''}. The default exchange routes by queue name, and
 * no queue is named {@code ''}: the request reaches no queue and is dropped. A consumer on the pseudo-queue is a
 * reply consumer; it receives only replies addressed to its own reply name, never requests. So the responder waits
 * forever and so does the requester. The fix is the callback-queue pattern's other half: a real request queue that
 * the responder consumes, and replies published to {@code properties.reply_to}.
 *
 * <p>Under the RabbitMQ profiles {@code amq.direct.reply-to} is not special at all (semantics §1.1): consuming it
 * is a consume from a queue that does not exist, 404, and the example stops there. The corrected version uses
 * {@code amq.rabbitmq.reply-to}, which every broker accepts.
 */
public final class SeedDirectReplyToAsWritten implements Scenario {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FIX_AT = Duration.ofMillis(2500);

  @Override
  public String name() {
    return "seed-direct-reply-to-as-written";
  }

  @Override
  public String description() {
    return "the LavinMQ guide's direct reply-to example as written: the request goes to routing key '' and "
        + "reaches no queue; then the fix";
  }

  @Override
  public String teaching() {
    return """
        The LavinMQ guide's direct reply-to example, taken literally. `seed-responder` (the "remote machine") \
        consumes `amq.direct.reply-to`; `seed-requester` consumes `amq.direct.reply-to` too, then publishes \
        `Hello World` with `reply_to = amq.direct.reply-to` to exchange `''` with routing key `''`. (The scenario \
        adds a `correlation_id` so the report can follow the call, and a 2 s timeout; the guide's code has \
        neither, and waits forever.)

        Under `lavinmq` both consumes work, and the broker rewrites the request's `reply_to` to \
        `amq.direct.reply-to.<consumer tag>`. But the default exchange routes by queue name and no queue is \
        named `''`: the request is dropped as unroutable, and nobody is told (it was not mandatory). \
        `seed-responder`'s consumer could not have received it anyway: a consumer on the pseudo-queue is a \
        reply consumer, and gets only replies addressed to its own reply name. Nothing answers; the requester \
        times out.

        Under `rabbitmq-3` and `rabbitmq-4`, `amq.direct.reply-to` is an ordinary name (only \
        `amq.rabbitmq.reply-to` is special): both consumes fail with `404 NOT_FOUND` and close their channels, \
        so the example stops before it publishes anything.

        The corrected version, from 2.5 s: `fixed-responder` consumes a real request queue, `rpc_queue`, and \
        replies to `properties.reply_to` on the default exchange; `fixed-requester` consumes the pseudo-queue \
        with no-ack and publishes to `rpc_queue` on the same channel. The reply comes back directly. (The \
        guide's tips also name `amq.lavinmq.reply-to`, which does not exist in LavinMQ.)""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    // As written: the "remote machine" consumes the pseudo-queue, and would reply to properties.reply_to and
    // ack (an ack of a no-ack delivery, itself a 406), if a request ever reached it.
    ctx.responder("seed-responder").consume(BrokerProfile.LAVINMQ_REPLY_TO, true, request -> {
      request.reply("Hello from Consumer");
      request.ack();
    });
    Requester seed = ctx.requester("seed-requester", "", "",
        Requester.Replies.directReplyTo(BrokerProfile.LAVINMQ_REPLY_TO)).timeout(CALL_TIMEOUT);
    seed.call("Hello World");   // seed-requester-1: exchange '', routing key ''
    ctx.runFor(FIX_AT);

    // Corrected: a real request queue, consumed by the responder, replies to reply_to.
    ctx.responder("fixed-responder").serve(RpcCallbackQueue.REQUESTS, request -> {
      request.reply("Hello from Consumer");
      request.ack();
    });
    Requester fixed = ctx.requester("fixed-requester", RpcCallbackQueue.REQUESTS,
        Requester.Replies.directReplyTo(RpcDirectReplyTo.nativePseudoName(ctx.profile()))).timeout(CALL_TIMEOUT);
    fixed.call("Hello World");   // fixed-requester-1
    ctx.runFor(Duration.ofSeconds(1));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.defaultProfile());
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    List<Expectation> fixed = List.of(
        Expectations.answered("fixed-requester-1"),
        Expectations.repliesDeliveredDirectly());
    if (profile.isLavinMq()) {
      return concat(List.of(
          Expectations.requestUnroutable("seed-requester-1"),
          Expectations.receivedNothing("seed-responder"),
          Expectations.timesOut("seed-requester-1")), fixed);
    }
    String notFound = "NOT_FOUND - no queue '" + BrokerProfile.LAVINMQ_REPLY_TO + "' in vhost '/'";
    return concat(List.of(
        Expectations.channelClosedByBroker("seed-responder", 404, notFound),
        Expectations.channelClosedByBroker("seed-requester", 404, notFound),
        Expectations.callFails("seed-requester-1", "404")), fixed);
  }

  static List<Expectation> concat(List<Expectation> a, List<Expectation> b) {
    List<Expectation> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
