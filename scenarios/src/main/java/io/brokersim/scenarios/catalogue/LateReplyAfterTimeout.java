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
 * A slow server replies after the caller has timed out. A client that checks {@code correlation_id} discards the
 * late reply; a client that does not takes it as the answer to its next call.
 *
 * <p>A client-side timeout ends the wait, not the work: the request is still in the server's hands, and its reply
 * will still arrive in the callback queue, which outlives the call. The only thing that tells that late reply
 * apart from the reply to the next call is its {@code correlation_id}. A client that simply takes "the next
 * message on my reply queue" returns the previous call's answer to the current caller, and every answer after
 * it is off by one.
 */
public final class LateReplyAfterTimeout implements Scenario {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SLOW_WORK = Duration.ofMillis(1500);
  private static final Duration QUICK_WORK = Duration.ofMillis(100);
  /** Seeded processing jitter; small enough that the late reply always lands while the next call waits. */
  private static final Duration JITTER = Duration.ofMillis(40);
  private static final Duration SECOND_CALL_AT = Duration.ofMillis(1450);

  @Override
  public String name() {
    return "late-reply-after-timeout";
  }

  @Override
  public String description() {
    return "a slow server replies after the client timed out: checked by correlation_id the late reply is "
        + "discarded, unchecked it answers the next call";
  }

  @Override
  public String teaching() {
    return """
        Two clients run the same script: a slow call at 0 s (the server needs 1.5 s, the client waits 1 s), \
        then a quick call at 1.45 s (100 ms of work). The slow call times out at 1 s, but its reply is still \
        coming: it lands in the callback queue at about 1.5 s, while the quick call is waiting.

        `careful` matches replies by `correlation_id`: the late reply belongs to a call that already timed out, \
        so it is discarded, and the quick call gets its own reply. `naive` takes the next message on its reply \
        queue as the answer: the quick call returns the slow call's answer, and its own reply arrives to find \
        nobody waiting. Every later answer would be off by one.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server").prefetch(10).serve(RpcCallbackQueue.REQUESTS, request -> {
      Duration work = request.body().startsWith("slow") ? SLOW_WORK : QUICK_WORK;
      request.after(ctx.between(work, work.plus(JITTER)), Request::answer);
    });
    for (Requester.Matching matching : Requester.Matching.values()) {
      String name = matching == Requester.Matching.CORRELATION_ID ? "careful" : "naive";
      Requester client = ctx.requester(name, RpcCallbackQueue.REQUESTS).timeout(CALL_TIMEOUT).matching(matching);
      client.call("slow report");                          // <name>-1, times out
      client.callAfter(SECOND_CALL_AT, "quick lookup");    // <name>-2
    }
    ctx.runFor(Duration.ofSeconds(3));
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.timesOut("careful-1"),
        Expectations.lateReplyDiscarded("careful-1"),
        Expectations.answered("careful-2"),
        Expectations.timesOut("naive-1"),
        Expectations.answeredWithReplyOf("naive-2", "naive-1"));
  }
}
