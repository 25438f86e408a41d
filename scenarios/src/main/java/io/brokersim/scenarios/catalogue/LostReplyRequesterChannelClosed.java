package io.brokersim.scenarios.catalogue;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;

/**
 * Direct reply-to, and the requester's channel dies after its request was queued: the reply has nowhere to go,
 * and whether the responder hears about it depends on {@code mandatory} and on the broker.
 *
 * <p>A direct reply-to name lives exactly as long as the requester's reply consumer, that is, its channel. A fault
 * rule ({@code dead-reply-channel} at {@code routed}, on requests that carry {@code reply_to}) closes the
 * requester's channel right after its request reached the queue. The responder still does the work and replies to
 * a name that is now dead. Every broker drops the reply. What the responder is told follows semantics §1.6
 * table: without {@code mandatory}, nothing; with {@code mandatory}, RabbitMQ 3.x sends {@code basic.return 312}
 * (it returns every mandatory direct reply, even one it delivered), RabbitMQ 4.2+ sends nothing (it does not check
 * the requester at routing time), and LavinMQ sends 312 because a dead name falls through to normal routing, where
 * no queue has that name.
 */
public final class LostReplyRequesterChannelClosed implements Scenario {

  /** The rule's name: the trace, the ledger and the report all cite it. */
  static final String RULE = "requester-channel-dies";
  private static final String PLAIN = "rpc_queue";
  private static final String MANDATORY = "rpc_mandatory";

  @Override
  public String name() {
    return "lost-reply-requester-channel-closed";
  }

  @Override
  public String description() {
    return "direct reply-to: the requester's channel dies after its request is queued; the reply is dropped, "
        + "returned with mandatory or not, per broker";
  }

  @Override
  public String teaching() {
    return """
        Three clients use direct reply-to (`amq.rabbitmq.reply-to`, no-ack). Fault rule `requester-channel-dies` \
        (`dead-reply-channel` at `routed`, on requests with `reply_to` and a correlation_id `gone-*`) closes the \
        channels of `gone-a` and `gone-b` right after their requests reach their queue; `alive` is left alone. \
        `plain-server` serves `rpc_queue` and replies without `mandatory`; `mandatory-server` serves \
        `rpc_mandatory` and replies with `mandatory=true`.

        A reply name dies with its requester's channel, so the replies to `gone-a` and `gone-b` are dropped \
        on every broker. `plain-server` is never told. What `mandatory-server` is told follows the \
        direct reply-to mandatory table (semantics §1.6):

        | reply published mandatory to … | rabbitmq-3 | rabbitmq-4 | lavinmq |
        |---|---|---|---|
        | a requester that is gone (`gone-b`) | dropped, 312 returned | dropped, **no return** | 312 returned |
        | a live requester (`alive`) | delivered **and** 312 returned | delivered | delivered |

        So `mandatory` tells the responder the truth only on LavinMQ. RabbitMQ 3.x returns every mandatory \
        direct reply, delivered or not, and RabbitMQ 4.2+ never returns one. On RabbitMQ 4 the responder has to \
        probe the reply name before replying (`liveness-probe-before-reply`) or accept that replies can vanish.""";
  }

  @Override
  public FaultPlan faults() {
    return FaultPlan.builder().rule(RULE, Boundary.ROUTED,
        Match.builder().hasReplyTo(true).correlationId("gone-*").build(),
        FaultActions.deadReplyChannel(false, 406, null), Trigger.ALWAYS).build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    Duration min = Duration.ofMillis(50);
    Duration max = Duration.ofMillis(150);
    ctx.responder("plain-server").serve(PLAIN, ctx.answerAfter(min, max));
    ctx.responder("mandatory-server").mandatoryReplies(true).serve(MANDATORY, ctx.answerAfter(min, max));
    Requester.Replies direct = Requester.Replies.directReplyTo(BrokerProfile.RABBITMQ_REPLY_TO);
    Duration timeout = Duration.ofSeconds(1);
    ctx.requester("gone-a", PLAIN, direct).timeout(timeout).call("status of order 17");         // gone-a-1
    ctx.requester("gone-b", MANDATORY, direct).timeout(timeout).call("status of order 18");     // gone-b-1
    ctx.requester("alive", MANDATORY, direct).timeout(timeout).call("status of order 19");      // alive-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.defaultProfile());
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    return List.of(
        Expectations.callFails("gone-a-1", "fault rule '" + RULE + "'"),
        Expectations.replyNeverReachesRequester("gone-a-1"),
        Expectations.responderToldByReturn("gone-a-1", false),
        Expectations.explanationNamesFaultRule("gone-a-1", RULE),
        Expectations.callFails("gone-b-1", "fault rule '" + RULE + "'"),
        Expectations.replyNeverReachesRequester("gone-b-1"),
        Expectations.responderToldByReturn("gone-b-1", profile.returnsMandatoryReplyWhenRequesterGone()),
        Expectations.explanationNamesFaultRule("gone-b-1", RULE),
        Expectations.answered("alive-1"),
        Expectations.responderToldByReturn("alive-1", profile.returnsMandatoryReplyWhenDelivered()));
  }
}
