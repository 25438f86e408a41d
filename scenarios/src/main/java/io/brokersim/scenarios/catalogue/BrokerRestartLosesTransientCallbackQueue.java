package io.brokersim.scenarios.catalogue;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Request;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcCall;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The broker restarts mid-conversation: what is durable and persistent survives, what is transient does not, and
 * the replies to the surviving requests have nowhere to go.
 *
 * <p>A restart cuts every connection (their unacked messages go back to their queues first), then deletes every
 * non-durable or exclusive queue with its contents, and drops the transient messages (no {@code delivery_mode = 2})
 * from durable queues. A client's transient callback queue is therefore gone, and with it the address its
 * requests carry in {@code reply_to}. The persistent requests in the durable request queue survive and are
 * processed after the restart, one of them a second time, and their replies are unroutable. Survival of a request
 * says nothing about survival of its caller: an RPC client must treat every call in flight across a broker restart
 * (or any reconnect) as "outcome unknown", and RPC work should be idempotent.
 */
public final class BrokerRestartLosesTransientCallbackQueue implements Scenario {

  static final String RULE = "broker-restart";
  static final String CALLBACK_QUEUE = "client.replies";

  @Override
  public String name() {
    return "broker-restart-loses-transient-callback-queue";
  }

  @Override
  public String description() {
    return "the broker restarts: the transient callback queue and transient requests are lost, persistent requests "
        + "survive and their replies are unroutable";
  }

  @Override
  public String teaching() {
    return """
        `client` receives replies on a transient callback queue: `client.replies` (non-durable, not exclusive) \
        under `lavinmq` and `rabbitmq-3`; under `rabbitmq-4`, which refuses transient non-exclusive queues \
        (541), a server-named exclusive one. It sends four requests to the durable `rpc_queue`, 100 ms apart, \
        alternating transient and persistent (`delivery_mode = 2`). `server-1` takes one at a time and needs \
        200-280 ms each.

        Fault rule `broker-restart` restarts the broker when the fourth request is routed (300 ms). `client-1` \
        was answered just before. The restart cuts every connection: `client-2`, in `server-1`'s hands, goes \
        back to `rpc_queue`, and `server-1`'s reply to it is never sent. Then the transient state goes: \
        `client.replies` is deleted (the exclusive queue under `rabbitmq-4` already went with its connection), \
        and so is the transient `client-3` waiting in `rpc_queue`. The persistent `client-2` and `client-4` \
        survive.

        At 1 s `server-2` starts (the server process reconnected). It processes `client-2` (`redelivered`, its \
        second run) and `client-4`, and replies to `reply_to`: a queue that no longer exists. Both replies are \
        dropped as unroutable. The client lost its connection at 300 ms and never hears about any of it.""";
  }

  @Override
  public FaultPlan faults() {
    return FaultPlan.builder().rule(RULE, Boundary.ROUTED, Match.builder().queue(RpcCallbackQueue.REQUESTS).build(),
        FaultActions.brokerRestart(), Trigger.nth(4)).build();
  }

  @Override
  public void run(ScenarioContext ctx) {
    ctx.responder("server-1").prefetch(1)
        .serve(RpcCallbackQueue.REQUESTS, ctx.answerAfter(Duration.ofMillis(200), Duration.ofMillis(280)));
    Requester.Replies replies = ctx.profile().refusesTransientNonExclusiveQueues()
        ? Requester.Replies.callbackQueue()
        : Requester.Replies.queue(CALLBACK_QUEUE, false, false, false);
    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS, replies).timeout(Duration.ofSeconds(3));
    for (int i = 1; i <= 4; i++) {
      boolean persistent = i % 2 == 0;
      client.callAfter(Duration.ofMillis(100L * (i - 1)), "invoice " + i + (persistent ? " (persistent)" : ""),
          p -> p.deliveryMode(persistent ? 2 : 1));
    }
    ctx.runFor(Duration.ofSeconds(1));
    // The server process comes back; the client does not.
    ctx.responder("server-2").prefetch(1).serve(RpcCallbackQueue.REQUESTS, Request::answer);
    ctx.runFor(Duration.ofSeconds(1));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.defaultProfile());
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    return List.of(
        Expectations.answered("client-1"),
        connectionsCut(),
        callbackQueueLost(profile),
        lostInRestart("client-3"),
        survivesAndIsProcessedAfterRestart("client-2", true),
        survivesAndIsProcessedAfterRestart("client-4", false),
        replyUnroutable("client-2"),
        replyUnroutable("client-4"),
        callerLostItsConnection("client-2"),
        callerLostItsConnection("client-4"));
  }

  /** The restart cut the client's and server-1's connections. */
  private static Expectation connectionsCut() {
    return Expectation.of("the restart cuts every connection, the client's and server-1's", run -> {
      List<String> cut = run.sim().events().events(TraceEvent.ConnectionClosed.class).stream()
          .filter(c -> c.text().contains("broker restart")).map(TraceEvent.ConnectionClosed::conn).toList();
      String client = Expectations.connectionId(run, "client");
      String server = Expectations.connectionId(run, "server-1");
      return cut.contains(client) && cut.contains(server)
          ? Expectation.Check.holds("connections " + String.join(", ", cut) + " were closed by the restart, "
              + "without a close handshake")
          : Expectation.Check.fails("the restart closed " + cut + ", not both " + client + " and " + server);
    });
  }

  /** The callback queue is deleted: by the restart (transient), or with its connection (exclusive, rabbitmq-4). */
  private static Expectation callbackQueueLost(BrokerProfile profile) {
    boolean exclusive = profile.refusesTransientNonExclusiveQueues();
    return Expectation.of(exclusive ? "the exclusive callback queue is deleted when the restart cuts its connection"
        : "the transient callback queue " + CALLBACK_QUEUE + " is deleted by the restart", run -> {
          String queue = run.sim().events().events(TraceEvent.QueueDeclared.class).stream()
              .filter(q -> exclusive ? q.exclusive() : q.queue().equals(CALLBACK_QUEUE))
              .map(TraceEvent.QueueDeclared::queue).findFirst().orElse(null);
          Optional<TraceEvent.QueueDeleted> deleted = run.sim().events().events(TraceEvent.QueueDeleted.class).stream()
              .filter(d -> d.queue().equals(queue)).findFirst();
          if (deleted.isEmpty()) {
            return Expectation.Check.fails("callback queue " + queue + " was not deleted");
          }
          boolean expected = exclusive ? !deleted.get().reason().equals("client") : deleted.get().reason().equals("restart");
          return expected
              ? Expectation.Check.holds("queue " + queue + " was deleted (reason " + deleted.get().reason() + ")")
              : Expectation.Check.fails("queue " + queue + " was deleted with reason " + deleted.get().reason());
        });
  }

  /** A transient request waiting in the durable queue was dropped by the restart. */
  private static Expectation lostInRestart(String correlationId) {
    return Expectation.of("the transient request " + correlationId + " is lost in the restart",
        run -> Expectations.request(run, correlationId).map(r -> {
          Fate f = r.onlyCopy().fate();
          return f != null && f.kind() == Fate.Kind.DROPPED_BY_FAULT && RULE.equals(f.detail())
              ? Expectation.Check.holds("the request " + Expectations.phrase(r) + ": it was not persistent")
              : Expectation.Check.fails("the request " + Expectations.phrase(r));
        }).orElseGet(() -> Expectation.Check.fails("no request " + correlationId + " was published")));
  }

  /** A persistent request survived and server-2 processed it after the restart. */
  private static Expectation survivesAndIsProcessedAfterRestart(String correlationId, boolean redelivered) {
    return Expectation.of("the persistent request " + correlationId + " survives and server-2 processes it"
        + (redelivered ? ", flagged redelivered (server-1 had it when the broker went down)" : ""), run -> {
          String server2 = Expectations.connectionId(run, "server-2");
          Optional<String> msgId = Expectations.request(run, correlationId).map(r -> r.msgId());
          Optional<TraceEvent.Delivered> d = run.sim().events().events(TraceEvent.Delivered.class).stream()
              .filter(x -> msgId.isPresent() && x.msgId().equals(msgId.get()) && x.channel().startsWith(server2 + "/"))
              .findFirst();
          if (d.isEmpty()) {
            return Expectation.Check.fails("server-2 never got " + correlationId);
          }
          return d.get().redelivered() == redelivered
              ? Expectation.Check.holds("delivered to server-2 on " + d.get().channel() + " with redelivered="
                  + d.get().redelivered())
              : Expectation.Check.fails("delivered to server-2 with redelivered=" + d.get().redelivered());
        });
  }

  /** The reply to a request that survived the restart names a callback queue that did not, and is dropped. */
  private static Expectation replyUnroutable(String correlationId) {
    return Expectation.of("the reply to " + correlationId + " is unroutable: its callback queue did not survive",
        run -> {
          var replies = Expectations.replies(run, correlationId);
          if (replies.isEmpty()) {
            return Expectation.Check.fails("no reply to " + correlationId + " was published");
          }
          if (Expectations.fateKind(replies.get(replies.size() - 1)) != Fate.Kind.DROPPED_UNROUTABLE) {
            return Expectation.Check.fails("the reply " + Expectations.phrase(replies.get(replies.size() - 1)));
          }
          String why = run.sim().ledger().explain(replies.get(replies.size() - 1).msgId());
          return Expectation.Check.holds(why.substring(0, why.indexOf('\n')));
        });
  }

  private static Expectation callerLostItsConnection(String correlationId) {
    return Expectation.of("the caller of " + correlationId + " only knows its connection was lost", run ->
        run.log().calls().stream().filter(c -> c.correlationId().equals(correlationId)).findFirst()
            .map(c -> c.outcome() == RpcCall.Outcome.CONNECTION_LOST
                ? Expectation.Check.holds(correlationId + " " + c.outcomeText())
                : Expectation.Check.fails(correlationId + " " + c.summary()))
            .orElseGet(() -> Expectation.Check.fails("no call " + correlationId)));
  }
}
