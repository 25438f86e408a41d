package io.brokersim.scenarios.catalogue;

import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request that waits in the queue longer than its caller will wait expires there, unprocessed, and is
 * dead-lettered to a {@code timeouts} queue.
 *
 * <p>A client-side timeout ends the wait, not the request: a request nobody has taken yet is still in the queue, and
 * a slow server will eventually do work whose answer nobody wants. Giving the request an {@code expiration} shorter
 * than the client's timeout lets the broker discard it first (semantics §5.1, §5.6). Expiry happens at the head of
 * the queue, in virtual time here; with {@code x-dead-letter-exchange} on the request queue the expired request is
 * not lost but republished, with an {@code x-death} header (reason {@code expired}, the queue, the original
 * expiration) and without its {@code expiration} (§5.4-5.5), so whoever reads the dead-letter queue can tell "never
 * processed" from "processed but the reply was lost".
 */
public final class RequestExpiresInQueue implements Scenario {

  static final String DEAD_LETTER_EXCHANGE = "rpc.dlx";
  static final String TIMEOUTS = "timeouts";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  private static final String REQUEST_TTL_MS = "500";

  @Override
  public String name() {
    return "request-expires-in-queue";
  }

  @Override
  public String description() {
    return "a request with an expiration shorter than the client's timeout expires in the queue, unprocessed, "
        + "and is dead-lettered to a timeouts queue";
  }

  @Override
  public String teaching() {
    return """
        `rpc_queue` is declared with `x-dead-letter-exchange = rpc.dlx` and `x-dead-letter-routing-key = \
        timeouts`; the direct exchange `rpc.dlx` routes that key to the queue `timeouts`. `slow-server` takes one \
        request at a time (prefetch 1) and needs 700-900 ms for each. `client` sends two requests at once, each \
        with `expiration = 500` (ms), shorter than its 1 s timeout.

        `client-1` goes to `slow-server` at once and is answered in time. `client-2` waits behind it at the head \
        of `rpc_queue`; at 500 ms its TTL runs out and the queue dead-letters it: the broker republishes it to \
        `rpc.dlx` with an `x-death` header (reason `expired`, queue `rpc_queue`, original expiration `500`) and \
        without its `expiration`, and it lands in `timeouts`. `slow-server` never sees it, so no work is wasted \
        on an answer nobody waits for. (LavinMQ writes the `x-death` count as a 32-bit int, RabbitMQ as a long: \
        a client that casts it to one type breaks on the other broker.)

        At 1 s `client` gives up on `client-2`. It then reads `timeouts` and finds its own request there, with \
        the reason: never processed, expired in the queue. A client that sees only its own timeout cannot tell \
        that from "processed, reply lost".""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    SimChannel setup = ctx.setupChannel();
    setup.exchangeDeclare(DEAD_LETTER_EXCHANGE, "direct", true, false, false, null);
    setup.queueDeclare(TIMEOUTS, true, false, false, null);
    setup.queueBind(TIMEOUTS, DEAD_LETTER_EXCHANGE, TIMEOUTS);

    ctx.responder("slow-server").prefetch(1).serve(RpcCallbackQueue.REQUESTS,
        Map.of("x-dead-letter-exchange", DEAD_LETTER_EXCHANGE, "x-dead-letter-routing-key", TIMEOUTS),
        ctx.answerAfter(Duration.ofMillis(700), Duration.ofMillis(900)));
    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(CALL_TIMEOUT);
    client.call("quote for order 7", p -> p.expiration(REQUEST_TTL_MS));   // client-1: processed
    client.call("quote for order 8", p -> p.expiration(REQUEST_TTL_MS));   // client-2: expires in the queue
    ctx.runFor(CALL_TIMEOUT.plusMillis(50));

    // After the timeout the client asks the timeouts queue what became of its request.
    Delivery dead = client.channel().basicGet(TIMEOUTS, true);
    if (dead == null) {
      ctx.log().note(client.name(), null, "found nothing in " + TIMEOUTS);
    } else {
      ctx.log().note(client.name(), dead.properties().correlationId(), "found its request "
          + dead.properties().correlationId() + " in " + TIMEOUTS + ": " + death(dead));
    }
    ctx.runFor(Duration.ofSeconds(1));
  }

  /** The first x-death entry in words: "x-death reason expired, queue rpc_queue, original-expiration 500". */
  static String death(Delivery d) {
    Map<String, Object> headers = d.properties().headers();
    Object deaths = headers == null ? null : headers.get("x-death");
    if (!(deaths instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof Map<?, ?> first)) {
      return "no x-death header";
    }
    Object count = first.get("count");
    String type = count instanceof Integer ? " (a 32-bit int)" : count instanceof Long ? " (a 64-bit long)" : "";
    return "x-death reason " + text(first.get("reason")) + ", queue " + text(first.get("queue"))
        + ", original-expiration " + text(first.get("original-expiration")) + ", count " + count + type
        + "; expiration now " + (d.properties().expiration() == null ? "none" : d.properties().expiration());
  }

  private static String text(Object v) {
    return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(v);
  }

  @Override
  public List<Expectation> expectations() {
    return List.of(
        Expectations.answered("client-1"),
        Expectations.requestDeadLettered("client-2", "expired", TIMEOUTS),
        Expectations.neverReceived("client-2"),
        Expectations.timesOut("client-2"),
        clientFindsTheReason("client-2"));
  }

  /** After its timeout, the client read its own request from the timeouts queue, x-death reason expired. */
  private static Expectation clientFindsTheReason(String correlationId) {
    return Expectation.of("after the timeout the client finds " + correlationId + " in " + TIMEOUTS
        + " with x-death reason expired", run -> {
          Optional<RpcLog.Entry> found = run.log().entries("client", RpcLog.Kind.NOTE).stream()
              .filter(e -> correlationId.equals(e.correlationId())).findFirst();
          if (found.isEmpty()) {
            return Expectation.Check.fails("the client found no dead letter for " + correlationId);
          }
          return found.get().text().contains("x-death reason expired, queue " + RpcCallbackQueue.REQUESTS)
              ? Expectation.Check.holds(found.get().text())
              : Expectation.Check.fails(found.get().text());
        });
  }
}
