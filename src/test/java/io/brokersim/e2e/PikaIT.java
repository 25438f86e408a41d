package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LavinMQ RPC article's pika examples (src/test/resources/pika), unmodified apart from the marked
 * fixes, against the simulator's lavinmq profile. Run with Debian's /usr/bin/python3 (system property
 * {@code brokersim.pika.python}). Without pika they are skipped, except under CI=true, where they fail.
 */
@Timeout(120)
class PikaIT {

  @BeforeEach
  void requirePika() {
    Pika.require();
  }

  @Test
  void callbackQueueRpc_serverAndClientFromTheArticle() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ)) {
      Process server = Pika.start("rpc_server.py", String.valueOf(b.port()), "5");
      try {
        BufferedReader serverOut = Pika.reader(server);
        assertEquals("server ready", serverOut.readLine(), "rpc_server.py did not start");
        Pika.Result client = Pika.run("rpc_client.py", String.valueOf(b.port()), "5");
        assertEquals(0, client.exitCode(), client.output());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          expected.add("ping-" + i + " -> pong:ping-" + i);
        }
        assertEquals(expected, client.lines());
        assertTrue(server.waitFor(Pika.PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS), "rpc_server.py did not finish");
        assertEquals("server served 5", serverOut.readLine());
        assertEquals(0, server.exitValue());
      } finally {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void priorityQueueAndConsumerTimeout_lavinMq() throws Exception {
    try (WireBroker b = WireBroker.withBrokerConfig(BrokerProfile.LAVINMQ,
        "brokersim.consumer-timeout-check-interval = 50ms")) {
      Pika.Result r = Pika.run("queue_features.py", String.valueOf(b.port()));
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(List.of("order urgent normal-0 normal-1 normal-2", "closed 406 PRECONDITION_FAILED - consumer timeout"),
          r.lines());
    }
  }

  @Test
  void directReplyToPing_fromTheArticle() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ)) {
      Pika.Result r = Pika.run("direct_reply_to.py", String.valueOf(b.port()));
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(List.of("TARGET MACHINE IS ACTIVE"), r.lines());
    }
  }
}
