package io.brokersim.core.determinism;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A busy RPC topology for determinism checks: 10 responders share {@code rpc_queue} (prefetch 20) and
 * answer after a seeded virtual delay, occasionally never; 50 requesters each make 20 callback-queue
 * calls spread over time, with a 2 s timeout. Run as a main, it prints the trace hash so another JVM
 * can be compared.
 */
public final class BusyRpcWorkload {

  /** Outcome of one run. */
  public record Result(String traceSha256, int calls, int replies, int timeouts, int lateReplies, long events,
      Duration virtualTime, long foreignSubmissions) {}

  public static final int REQUESTERS = 50;
  public static final int CALLS_EACH = 20;
  public static final int RESPONDERS = 10;

  private BusyRpcWorkload() {}

  public static Result run(long seed, BrokerProfile profile) {
    // Test-side randomness (responder delays) is seeded too, so the whole run is a function of the seed.
    SplittableRandom rng = new SplittableRandom(seed * 31 + 7);
    try (Simulation sim = Simulation.builder().seed(seed).profile(profile).keepEvents(false).build()) {
      for (int r = 0; r < RESPONDERS; r++) {
        SimConnection conn = sim.connect("responder-" + r);
        SimChannel ch = conn.openChannel();
        ch.queueDeclare("rpc_queue", true, false, false, null);
        ch.basicQos(20);
        ch.basicConsume("rpc_queue", false, (SimConsumer) (channel, request) -> {
          long delayMillis = 10 + rng.nextInt(2_500);
          boolean answer = rng.nextInt(100) >= 3;
          conn.schedule(Duration.ofMillis(delayMillis), () -> {
            if (answer) {
              BasicProperties p = request.properties();
              channel.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
                  ("re:" + request.bodyText()).getBytes(StandardCharsets.UTF_8));
            }
            channel.basicAck(request.deliveryTag(), false);
          });
        });
      }
      int[] replies = {0};
      int[] timeouts = {0};
      List<RpcClient> clients = new ArrayList<>();
      for (int c = 0; c < REQUESTERS; c++) {
        SimConnection conn = sim.connect("requester-" + c);
        RpcClient client = RpcClient.callbackQueue(conn.openChannel(), "", "rpc_queue", Duration.ofSeconds(2));
        clients.add(client);
        for (int k = 0; k < CALLS_EACH; k++) {
          String body = "c" + c + "-k" + k;
          conn.schedule(Duration.ofMillis(k * 500L + rng.nextInt(400)), () -> client.callAsync(body).whenComplete(
              (reply, err) -> {
                if (err == null) {
                  replies[0]++;
                } else {
                  timeouts[0]++;
                }
              }));
        }
      }
      sim.advanceBy(Duration.ofSeconds(60));
      sim.assertNothingLostSilently();
      int late = clients.stream().mapToInt(cl -> cl.discardedReplies().size()).sum();
      return new Result(sim.traceSha256(), REQUESTERS * CALLS_EACH, replies[0], timeouts[0], late,
          sim.trace().lastSeq(), sim.now(), sim.foreignSubmissions());
    }
  }

  /** Prints {@code <hash> <events>} for the given seed: used to compare runs across JVMs. */
  public static void main(String[] args) {
    Result r = run(Long.parseLong(args[0]), BrokerProfile.byName(args.length > 1 ? args[1] : "lavinmq").orElseThrow());
    System.out.println(r.traceSha256() + " " + r.events());
  }
}
