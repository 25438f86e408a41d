package io.brokersim.scenarios;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.TraceSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Callback-queue RPC on a deterministic simulation: one server consumes {@code rpc_queue}; each client
 * declares an exclusive server-named reply queue and sends requests carrying {@code reply_to} and a
 * unique {@code correlation_id}; the server answers each request to its {@code reply_to}; clients match
 * replies by correlation id.
 */
public final class CallbackQueueDemo {

  /** What a run produced. */
  public record Result(int calls, int replies, int unmatched, long virtualNanos, String traceSha256, int stillLive) {

    /** Every request got exactly one matching reply. */
    public boolean passed() {
      return replies == calls && unmatched == 0;
    }
  }

  private CallbackQueueDemo() {}

  /** Runs {@code clients} requesters doing {@code callsPerClient} calls each. */
  public static Result run(long seed, BrokerProfile profile, int clients, int callsPerClient, TraceSink extraSink) {
    Simulation.Builder b = Simulation.builder().seed(seed).profile(profile).keepEvents(false);
    if (extraSink != null) {
      b.sink(extraSink);
    }
    try (Simulation sim = b.build()) {
      SimChannel server = sim.connect("rpc-server").openChannel();
      // Durable so that every profile accepts it: RabbitMQ 4.3 refuses transient non-exclusive queues.
      server.queueDeclare("rpc_queue", true, false, false, null);
      server.basicQos(10);
      server.basicConsume("rpc_queue", false, (SimConsumer) (ch, request) -> {
        BasicProperties p = request.properties();
        String answer = "reply-to:" + request.bodyText();
        ch.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
            answer.getBytes(StandardCharsets.UTF_8));
        ch.basicAck(request.deliveryTag(), false);
      });

      int[] replies = {0};
      int[] unmatched = {0};
      List<SimChannel> requesters = new ArrayList<>();
      List<String> replyQueues = new ArrayList<>();
      List<Map<String, String>> outstanding = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        SimChannel ch = sim.connect("client-" + c).openChannel();
        String replyQueue = ch.queueDeclare().queue();
        Map<String, String> waiting = new LinkedHashMap<>();
        ch.basicConsume(replyQueue, true, (SimConsumer) (channel, reply) -> {
          String corr = reply.properties().correlationId();
          if (waiting.remove(corr) != null) {
            replies[0]++;
          } else {
            unmatched[0]++;
          }
        });
        requesters.add(ch);
        replyQueues.add(replyQueue);
        outstanding.add(waiting);
      }
      for (int i = 0; i < callsPerClient; i++) {
        for (int c = 0; c < clients; c++) {
          SimChannel ch = requesters.get(c);
          String corr = "client-" + c + "-call-" + i;
          outstanding.get(c).put(corr, corr);
          ch.basicPublish("", "rpc_queue", BasicProperties.builder().replyTo(replyQueues.get(c)).correlationId(corr)
              .build(),
              corr.getBytes(StandardCharsets.UTF_8));
        }
      }
      sim.runUntilQuiet();
      sim.assertNothingLostSilently();
      return new Result(clients * callsPerClient, replies[0], unmatched[0], sim.nowNanos(), sim.traceSha256(),
          sim.ledger().stillLive().size());
    }
  }
}
