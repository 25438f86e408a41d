package io.brokersim.scenarios.catalogue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.ConsumerTimeouts;
import io.brokersim.scenarios.Expectation;
import io.brokersim.scenarios.Expectations;
import io.brokersim.scenarios.Requester;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An RPC server that takes longer than the broker's consumer acknowledgement timeout (RabbitMQ's 30 minutes):
 * the broker gives the request to another server, so the work is done twice, and the client gets its answer late
 * (RabbitMQ 3.13, LavinMQ: the slow server's channel is closed and its reply never leaves) or twice (RabbitMQ 4.3
 * quorum queues: the slow server is only cancelled, and its late reply still arrives).
 *
 * <p>Virtual time makes the 30-minute timeout free to test: the run covers 45 minutes in milliseconds
 * (semantics §10).
 */
public final class SlowServerConsumerTimeout implements Scenario {

  static final Duration SLOW_WORK = Duration.ofMinutes(40);
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(45);

  @Override
  public String name() {
    return "slow-rpc-server-consumer-timeout";
  }

  @Override
  public String description() {
    return "a server works 40 minutes on a request, past the 30-minute consumer timeout: the request is "
        + "redelivered and answered twice or late";
  }

  @Override
  public String teaching() {
    return """
        `report-server` takes 40 minutes to build a report and acks only when it is done. The broker does not \
        wait that long: a delivery unacknowledged for 30 minutes (RabbitMQ's `consumer_timeout` default; LavinMQ \
        has none, so here the queue sets `x-consumer-timeout` to 30 minutes) counts as lost. `spare-server`, \
        idle all along because `report-server` took the request first, gets it redelivered and answers at once.

        What happens to `report-server` depends on the broker. RabbitMQ 3.13 and LavinMQ check each channel once \
        a minute and close it with `406 PRECONDITION_FAILED` (RabbitMQ names the channel and the timeout, \
        LavinMQ says `consumer timeout`): at 31:00 its unacked request goes back to the queue, and when its work \
        is done ten minutes later it has no channel to reply on. The client gets one answer, after 31 minutes \
        instead of 40. RabbitMQ 4.3 evaluates the timeout in the quorum queue, to the millisecond: at 30:00 the \
        queue takes the request back and the channel sends `report-server` a `basic.cancel`, but leaves the \
        channel open. So its late reply goes out at 40:00, a second answer to a call already answered, which the \
        client discards by `correlation_id`.

        Either way the report was built twice. Set the timeout above your longest job (per queue with \
        `x-consumer-timeout`), or ack early and keep your own record of work in progress; and match replies by \
        `correlation_id`.""";
  }

  @Override
  public void run(ScenarioContext ctx) {
    Map<String, Object> args = switch (ctx.profile().name()) {
      case "rabbitmq-4" -> Map.of("x-queue-type", "quorum");
      case "lavinmq" -> Map.of("x-consumer-timeout", ConsumerTimeouts.RABBITMQ_DEFAULT_MILLIS);
      default -> Map.of();
    };
    ctx.responder("report-server").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args,
        request -> request.after(SLOW_WORK, r -> r.answer()));
    ctx.responder("spare-server").prefetch(1).serve(RpcCallbackQueue.REQUESTS, args,
        ctx.answerAfter(Duration.ofMillis(500), Duration.ofSeconds(2)));

    Requester client = ctx.requester("client", RpcCallbackQueue.REQUESTS).timeout(CALL_TIMEOUT);
    client.call("monthly report");   // client-1
    ctx.runFor(CALL_TIMEOUT.plusMinutes(1));
  }

  @Override
  public List<Expectation> expectations() {
    return expectations(BrokerProfile.RABBITMQ_3);
  }

  @Override
  public List<Expectation> expectations(BrokerProfile profile) {
    if (profile.rabbitMajor() >= 4) {
      return List.of(
          Expectations.processedTimes("client-1", 2),
          consumerCancelled("report-server"),
          Expectations.answered("client-1"),
          Expectations.duplicateReplyDiscarded("client-1"));
    }
    String text = profile.isLavinMq() ? "PRECONDITION_FAILED - consumer timeout"
        : "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 1800000 ms. "
            + "This timeout value can be configured, see consumers doc guide to learn more";
    return List.of(
        Expectations.processedTimes("client-1", 2),
        Expectations.channelClosedByBroker("report-server", 406, text),
        Expectations.redeliveredTo("spare-server", 1),
        Expectations.answered("client-1"));
  }

  /** The broker cancelled the responder's consumer (RabbitMQ 4.3) and its channel stayed open. */
  private static Expectation consumerCancelled(String responder) {
    return Expectation.of("the broker cancels " + responder + "'s consumer at the timeout and keeps its channel open",
        run -> {
          List<RpcLog.Entry> cancelled = run.log().entries(responder, RpcLog.Kind.CONSUMER_CANCELLED);
          if (cancelled.isEmpty()) {
            return Expectation.Check.fails(responder + " got no basic.cancel");
          }
          if (!run.log().entries(responder, RpcLog.Kind.CHANNEL_CLOSED).isEmpty()) {
            return Expectation.Check.fails(responder + "'s channel was closed");
          }
          return Expectation.Check.holds(responder + " got basic.cancel at "
              + io.brokersim.scenarios.VirtualTime.format(cancelled.get(0).virtualNanos()) + "; its channel stayed open");
        });
  }
}
