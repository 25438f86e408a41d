package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every wire effect and connection-level fault against pika (Debian's python3-pika, script
 * {@code pika/wire_faults.py}): the rule is armed on the running broker, then the script runs one case and
 * prints what pika saw. (Java client: {@link WireFaultsIT}.)
 */
@Timeout(120)
class WireFaultsPikaIT {

  @BeforeEach
  void pika() {
    Pika.require();
  }

  private static List<String> run(String rules, String... caseArgs) throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4)) {
      WireFaultsIT.arm(b, rules);
      String[] args = new String[caseArgs.length + 1];
      args[0] = String.valueOf(b.port());
      System.arraycopy(caseArgs, 0, args, 1, caseArgs.length);
      Pika.Result r = Pika.run("wire_faults.py", args);
      assertEquals(0, r.exitCode(), r.output());
      return r.lines();
    }
  }

  private static void assertClosed(List<String> lines, String exception, String code) {
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("closed " + exception) && (code == null || last.endsWith(" " + code)),
        "expected pika's connection to end with " + exception + " " + code + ": " + lines);
  }

  @Test
  void written_drop_messageNeverArrives() throws Exception {
    assertEquals(List.of("got b", "done"), run("{ name = lost, at = frame-written, match { correlation-id = a },"
        + " action { type = drop } }", "consume", "a,b", "2"));
  }

  @Test
  void written_delay_arrivesInOrderAfterTheStall() throws Exception {
    assertEquals(List.of("got a", "got b", "done"), run("{ name = slow, at = frame-written,"
        + " match { correlation-id = a, frame-type = method }, action { type = delay, delay = 300ms } }",
        "consume", "a,b", "2"));
  }

  @Test
  void written_duplicate_arrivesTwice() throws Exception {
    assertEquals(List.of("got a", "got a", "got b", "done"), run("{ name = twice, at = frame-written,"
        + " match { correlation-id = a }, action { type = duplicate } }", "consume", "a,b", "3"));
  }

  @Test
  void written_reorder_arrivesAfterTheNextMessage() throws Exception {
    assertEquals(List.of("got b", "got a", "done"), run("{ name = swap, at = frame-written,"
        + " match { correlation-id = a }, action { type = reorder, frames = 3, max-hold = 5s } }",
        "consume", "a,b", "2"));
  }

  @Test
  void written_truncate_streamLost() throws Exception {
    assertClosed(run("{ name = cut, at = frame-written, match { correlation-id = a, frame-type = body },"
        + " action { type = truncate } }", "consume-until-closed", "a"), "StreamLostError", null);
  }

  @Test
  void written_corrupt_pikaRejectsTheFrame() throws Exception {
    List<String> lines = run("{ name = flip, at = frame-written, match { method = basic.deliver, frame-type = method },"
        + " action { type = corrupt } }", "consume-until-closed", "a");
    assertTrue(lines.get(lines.size() - 1).startsWith("closed "), lines.toString());
  }

  @Test
  void written_reset_connectionReset() throws Exception {
    List<String> lines = run("{ name = rst, at = frame-written, match { method = queue.declare-ok },"
        + " action { type = reset-connection } }", "declare");
    assertTrue(lines.get(lines.size() - 1).startsWith("closed "), lines.toString());
  }

  @Test
  void written_cut_streamLost() throws Exception {
    assertClosed(run("{ name = fin, at = frame-written, match { method = queue.declare-ok },"
        + " action { type = cut-connection } }", "declare"), "StreamLostError", null);
  }

  @Test
  void written_closeConnection_pikaGetsTheCode() throws Exception {
    assertClosed(run("{ name = bye, at = frame-written, match { method = queue.declare-ok },"
        + " action { type = close-connection, code = 320, text = \"maintenance\" } }", "declare"),
        "ConnectionClosedByBroker", "320");
  }

  @Test
  void read_drop_publishNeverQueued() throws Exception {
    assertEquals(List.of("queued b", "done"), run("{ name = lost, at = frame-read, match { correlation-id = a },"
        + " action { type = drop } }", "publish-get", "a,b", "1"));
  }

  @Test
  void read_duplicate_publishQueuedTwice() throws Exception {
    assertEquals(List.of("queued a", "queued a", "queued b", "done"), run("{ name = twice, at = frame-read,"
        + " match { correlation-id = a }, action { type = duplicate } }", "publish-get", "a,b", "3"));
  }

  @Test
  void read_reorder_publishQueuedAfterTheNext() throws Exception {
    assertEquals(List.of("queued b", "queued a", "done"), run("{ name = swap, at = frame-read,"
        + " match { correlation-id = a }, action { type = reorder, frames = 3, max-hold = 5s } }",
        "publish-get", "a,b", "2"));
  }

  @Test
  void read_delay_publishQueuedLater() throws Exception {
    assertEquals(List.of("queued a", "queued b", "done"), run("{ name = slow, at = frame-read,"
        + " match { correlation-id = a, frame-type = method }, action { type = delay, delay = 300ms } }",
        "publish-get", "a,b", "2"));
  }

  @Test
  void read_corrupt_frameError501() throws Exception {
    assertClosed(run("{ name = flip, at = frame-read, match { method = queue.declare, client = pika },"
        + " action { type = corrupt } }", "declare"), "ConnectionClosedByBroker", "501");
  }

  @Test
  void read_truncate_streamLost() throws Exception {
    assertClosed(run("{ name = half, at = frame-read, match { method = queue.declare },"
        + " action { type = truncate } }", "declare"), "StreamLostError", null);
  }

  @Test
  void stopHeartbeatsToClient_pikaTimesOut() throws Exception {
    assertClosed(run("{ name = mute, at = frame-read, match { frame-type = heartbeat },"
        + " action { type = stop-heartbeats, direction = to-client }, when { once = true } }", "idle", "1"),
        "AMQPHeartbeatTimeout", null);
  }

  @Test
  void stopHeartbeatsFromClient_serverClosesTheSocket() throws Exception {
    assertClosed(run("{ name = deaf, at = frame-read, match { frame-type = heartbeat },"
        + " action { type = stop-heartbeats, direction = from-client }, when { once = true } }", "idle", "1"),
        "StreamLostError", null);
  }

  @Test
  void halfOpenToClient_pikaMissesHeartbeats() throws Exception {
    assertClosed(run("{ name = nat, at = frame-read, match { frame-type = heartbeat },"
        + " action { type = half-open, direction = to-client }, when { once = true } }", "idle", "1"),
        "AMQPHeartbeatTimeout", null);
  }

  @Test
  void halfOpenFromClient_serverTimesOutOnSilence() throws Exception {
    assertClosed(run("{ name = nat, at = frame-read, match { frame-type = heartbeat },"
        + " action { type = half-open, direction = from-client }, when { once = true } }", "idle", "1"),
        "StreamLostError", null);
  }

  @Test
  void throttleToClient_bigMessageTakesItsTime() throws Exception {
    List<String> lines = run("{ name = thin, at = frame-written, match { method = basic.deliver },"
        + " when { once = true }, action { type = throttle, direction = to-client, bytes-per-second = 16k } }",
        "big-consume", String.valueOf(48 * 1024));
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("got big ") && Integer.parseInt(last.substring(8)) >= 1500, lines.toString());
  }

  @Test
  void throttleFromClient_bigPublishTakesItsTime() throws Exception {
    List<String> lines = run("{ name = thin, at = frame-read, match { method = queue.declare },"
        + " when { once = true }, action { type = throttle, direction = from-client, bytes-per-second = 16k } }",
        "big-publish", String.valueOf(16 * 1024), "3");
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("confirmed ") && Integer.parseInt(last.substring(10)) >= 1500, lines.toString());
  }
}
