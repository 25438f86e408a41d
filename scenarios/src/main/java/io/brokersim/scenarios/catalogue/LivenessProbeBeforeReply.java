package io.brokersim.scenarios.catalogue;

import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Request;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The LavinMQ guide's tip for direct reply-to, done: before replying, check on a disposable channel that the
 * requester still exists, and skip the reply if it does not.
 *
 * <p>A direct reply-to name answers a {@code queue.declare} like a queue would (semantics §1.7): {@code declare-ok}
 * with consumer_count 1 while the requester's reply consumer is live, {@code 404 NOT_FOUND} once it is gone, from
 * any channel of any connection. A 404 closes the channel it was asked on, so the probe goes on a disposable channel,
 * never on the one that holds the responder's consumer and unacked requests. If the requester is gone, the responder
 * does not reply: nothing is published, so nothing can be dropped silently, and it acks the request (the work is
 * not worth redoing for nobody). The probe is a race, not a guarantee: the requester can go between the probe and
 * the reply. It is still the only way a responder learns anything on RabbitMQ 4.2+, which never returns a mandatory
 * direct reply.
 */
public final class LivenessProbeBeforeReply implements Scenario {

  @Override
  public String name() {
    return "liveness-probe-before-reply";
  }

  @Override
  public String description() {
    return "the responder probes the reply name on a disposable channel before replying: 404 means the requester "
        + "is gone, so it skips the reply";
  }

  @Override
  public String teaching() {
    return """
        `prober` serves `rpc_queue`. After the work (100-200 ms) and before replying it does what the LavinMQ \
        guide advises: it opens a disposable channel and declares the request's `reply_to` name passively. Two \
        clients use direct reply-to: `gone` sends a request at 0 s and its connection drops at 50 ms; `alive` \
        sends one at 300 ms and waits.

        For `gone` the probe answers `404 NOT_FOUND`: the reply name died with its channel. The 404 closes only \
        the disposable channel, not the channel that holds `prober`'s consumer. `prober` skips the reply and acks \
        the request. No reply is published, so none is dropped: without the probe the reply would vanish, and \
        on `rabbitmq-4` even `mandatory` would not tell. For `alive` the probe answers `declare-ok` (consumer \
        count 1); `prober` closes the disposable channel and replies.

        The probe narrows the window, it does not close it: a requester can go between the probe and the reply.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("prober").prefetch(5).serve(RpcCallbackQueue.REQUESTS, request ->
        request.after(ctx.between(Duration.ofMillis(100), Duration.ofMillis(200)), r -> r.probeRequester(
            (probed, alive) -> {
              if (alive) {
                probed.answer();
              } else {
                probed.noReply("the probe says the requester is gone");
                probed.ack();
              }
            })));
    Requester.Replies direct = Requester.Replies.directReplyTo(RpcDirectReplyTo.nativePseudoName(ctx.profile()));
    Requester gone = ctx.requester("gone", RpcCallbackQueue.REQUESTS, direct).timeout(Duration.ofSeconds(1));
    gone.call("monthly report");                      // gone-1
    ctx.at(Duration.ofMillis(50), gone::cut);
    Requester alive = ctx.requester("alive", RpcCallbackQueue.REQUESTS, direct).timeout(Duration.ofSeconds(1));
    alive.callAfter(Duration.ofMillis(300), "daily report");   // alive-1
    ctx.runFor(Duration.ofSeconds(2));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        probeSays("gone-1", "404 NOT_FOUND"),
        onlyTheDisposableChannelCloses(),
        noReplyPublished("gone-1"),
        probeSays("alive-1", "declare-ok"),
        Expectations.answered("alive-1"));
  }

  /** prober's probe for the call was answered with {@code answer}. */
  private static Expectation probeSays(String correlationId, String answer) {
    return Expectation.of("the probe of " + correlationId + "'s reply name answers " + answer, run -> {
      Optional<RpcLog.Entry> note = run.log().entries("prober", RpcLog.Kind.NOTE).stream()
          .filter(e -> correlationId.equals(e.correlationId())).findFirst();
      if (note.isEmpty()) {
        return Expectation.Check.fails("prober never probed for " + correlationId);
      }
      return note.get().text().contains(answer) ? Expectation.Check.holds(note.get().text())
          : Expectation.Check.fails(note.get().text());
    });
  }

  /** The 404 closed a channel of prober's connection, not the one it consumes on. */
  private static Expectation onlyTheDisposableChannelCloses() {
    return Expectation.of("the 404 closes only the disposable probe channel; prober's consuming channel stays open",
        run -> {
          String conn = Expectations.connectionId(run, "prober");
          String main = run.sim().events().events(TraceEvent.ConsumerAdded.class).stream()
              .filter(c -> c.channel().startsWith(conn + "/")).map(TraceEvent.ConsumerAdded::channel)
              .findFirst().orElse("?");
          List<TraceEvent.ChannelClosed> closed = run.sim().events().events(TraceEvent.ChannelClosed.class).stream()
              .filter(c -> c.channel().startsWith(conn + "/") && c.code() == 404).toList();
          boolean mainClosed = run.sim().events().events(TraceEvent.ChannelClosed.class).stream()
              .anyMatch(c -> c.channel().equals(main));
          if (closed.isEmpty() || mainClosed) {
            return Expectation.Check.fails(closed.isEmpty() ? "no channel of prober was closed with 404"
                : "prober's consuming channel " + main + " was closed");
          }
          return Expectation.Check.holds("the broker closed " + closed.get(0).channel() + " with 404 "
              + closed.get(0).text() + "; " + main + " (prober's consumer) stayed open");
        });
  }

  /** The responder skipped the reply, so no reply exists to be dropped, and it acked the request. */
  private static Expectation noReplyPublished(String correlationId) {
    return Expectation.of("no reply to " + correlationId + " is published, so none is dropped; the request is acked",
        run -> {
          if (!Expectations.replies(run, correlationId).isEmpty()) {
            return Expectation.Check.fails("a reply to " + correlationId + " was published");
          }
          return Expectations.request(run, correlationId)
              .map(r -> Expectations.fateKind(r) == Fate.Kind.ACKNOWLEDGED
                  ? Expectation.Check.holds("no reply was published; the request " + Expectations.phrase(r))
                  : Expectation.Check.fails("the request " + Expectations.phrase(r)))
              .orElseGet(() -> Expectation.Check.fails("no request " + correlationId + " was published"));
        });
  }
}
