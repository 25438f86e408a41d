package io.brokersim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.JsonLinesHash;
import io.brokersim.core.trace.JsonLinesSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a simulation records, and what it costs to turn recording off: the trace hash and the fate ledger. */
class SimulationRecordingIT {

  /** Publishes and acks, RPC over direct reply-to, and a message that expires into a dead-letter queue. */
  private static String workload(Simulation sim) {
    SimChannel server = sim.connect("server").openChannel();
    server.queueDeclare("rpc", false, false, false, null);
    server.basicConsume("rpc", false, (ch, request) -> {
      BasicProperties p = request.properties();
      ch.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
          request.body());
      ch.basicAck(request.deliveryTag(), false);
    });
    server.queueDeclare("dead", false, false, false, null);
    server.queueDeclare("short", false, false, false,
        Map.of("x-message-ttl", 100, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead"));
    SimChannel client = sim.connect("client").openChannel();
    RpcClient rpc = RpcClient.directReplyTo(client, BrokerProfile.RABBITMQ_REPLY_TO, "", "rpc", Duration.ofSeconds(5));
    for (int i = 0; i < 20; i++) {
      rpc.callAsync(null, ("call-" + i).getBytes());
      client.basicPublish("", "short", null, ("ttl-" + i).getBytes());
    }
    sim.advanceBy(Duration.ofSeconds(1));
    return sim.traceSha256();
  }

  private static Simulation.Builder builder(long seed) {
    return Simulation.builder().seed(seed).profile(BrokerProfile.RABBITMQ_3).keepEvents(false);
  }

  @Test
  void traceFile_hashRecomputedFromTheFile_equalsTraceSha256(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.jsonl");
    String hash;
    try (JsonLinesSink sink = JsonLinesSink.to(file); Simulation sim = builder(7).sink(sink).build()) {
      hash = workload(sim);
      sim.assertNothingLostSilently();
      sim.trace().flush();
      assertEquals(hash, JsonLinesHash.of(file));
    }
  }

  @Test
  void ledgerOff_sameHashAsLedgerOn_andLedgerQueriesFail() {
    String withLedger;
    try (Simulation sim = builder(3).build()) {
      withLedger = workload(sim);
      sim.assertNothingLostSilently();
      assertTrue(sim.ledger().all().size() >= 60, "requests, replies, expired messages and their dead letters");
    }
    try (Simulation sim = builder(3).ledger(false).build()) {
      assertEquals(withLedger, workload(sim));
      IllegalStateException e = assertThrows(IllegalStateException.class, sim::ledger);
      assertTrue(e.getMessage().contains("ledger(false)"), e.getMessage());
      assertThrows(IllegalStateException.class, sim::assertNothingLostSilently);
    }
  }

  @Test
  void traceHashOff_traceSha256Fails_ledgerStillChecks() {
    try (Simulation sim = builder(3).traceHash(false).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> workload(sim));
      assertTrue(e.getMessage().contains("traceHash(false)"), e.getMessage());
      sim.assertNothingLostSilently();
      // Only the dead letters are left, waiting in "dead", which has no consumer.
      assertEquals(20, sim.ledger().stillLive().size());
      assertTrue(sim.ledger().stillLive().stream().allMatch(m -> m.onlyCopy().queue().equals("dead")));
    }
  }
}
