package io.brokersim.core.determinism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's proof: a busy topology (≥ 50 clients, ≥ 1,000 RPCs over callback queues, with timers)
 * gives byte-identical trace hashes for the same seed, in this JVM and in another, and different ones
 * for different seeds.
 */
class BusyTopologyDeterminismIT {

  @Test
  void busyTopology_sameSeedTwice_sameHash_forThreeSeeds_andSeedsDiffer() {
    Set<String> distinct = new LinkedHashSet<>();
    for (long seed : new long[] {1, 2, 3}) {
      BusyRpcWorkload.Result a = BusyRpcWorkload.run(seed, BrokerProfile.LAVINMQ);
      BusyRpcWorkload.Result b = BusyRpcWorkload.run(seed, BrokerProfile.LAVINMQ);
      assertEquals(a, b, "seed " + seed + " must replay exactly");
      assertEquals(1_000, a.calls());
      assertEquals(a.calls(), a.replies() + a.timeouts(), "every call ends in a reply or a timeout");
      assertTrue(a.timeouts() > 0, "the workload exercises timeouts: " + a);
      assertTrue(a.lateReplies() > 0, "and late replies discarded by correlation id: " + a);
      assertEquals(0, a.foreignSubmissions());
      distinct.add(a.traceSha256());
    }
    assertEquals(3, distinct.size(), "different seeds give different traces");
  }

  @Test
  void busyTopology_separateJvm_sameHash() throws Exception {
    BusyRpcWorkload.Result here = BusyRpcWorkload.run(5, BrokerProfile.RABBITMQ_4);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        BusyRpcWorkload.class.getName(), "5", "rabbitmq-4"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(line);
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
    assertEquals(0, p.exitValue(), String.join("\n", out));
    assertEquals(here.traceSha256() + " " + here.events(), out.get(out.size() - 1));
    assertNotEquals(here.traceSha256(), BusyRpcWorkload.run(6, BrokerProfile.RABBITMQ_4).traceSha256());
  }
}
