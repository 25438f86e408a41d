package io.brokersim.scenarios.cli;

import static io.brokersim.scenarios.cli.BrokersimCliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokersim.scenarios.cli.BrokersimCliTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brokersim shrink}, grouped sweeps, and replay commands for a scenario class of one's own. */
class ShrinkAndSweepCliTest {

  private static final Path FLAKY_NETWORK = Path.of("..", "examples", "faults", "flaky-network.conf");

  @Test
  void shrink_flakyNetworkFile_twoProbabilisticRules_oneLostReplyIsAllItTakes_andTheFileReplaysIt(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("shrunk.conf");
    Path report = dir.resolve("smallest.html");
    Outcome o = cli("shrink", "rpc-callback-queue", "--seed", "3", "--faults", FLAKY_NETWORK.toString(), "--out",
        out.toString(), "--report", report.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    Matcher shrunk = Pattern.compile("(?m)^shrunk: (\\d+) firings -> 1 in (\\d+) runs$").matcher(o.out());
    assertTrue(shrunk.find(), o.out());
    assertEquals("9", shrunk.group(1), "README.md and docs/scenarios.md quote this shrink");
    assertEquals("7", shrunk.group(2), "README.md and docs/scenarios.md quote this shrink");
    assertTrue(o.out().contains("fails: every call gets exactly one reply, matched by correlation_id: request acked "
        + "-> reply dropped by fault 'lose-callback-replies' -> caller timed out"), o.out());
    assertTrue(o.out().contains("\n  fires: lose-callback-replies at match "), o.out());
    assertTrue(o.out().contains("schedule: " + out), o.out());
    String file = Files.readString(out);
    assertTrue(file.contains("name = \"slow-callback-replies\""), file);
    assertTrue(Files.readString(report).contains("<svg"), "the report of the smallest run");

    // The printed replay runs the written fault file: the same failure, the same trace.
    Outcome replay = cli(BrokersimCliTest.replayArguments(o.out()));
    assertEquals(1, replay.exit(), replay.out() + replay.err());
    assertEquals(List.of("run", "rpc-callback-queue", "--profile", "lavinmq", "--seed", "3", "--faults",
        out.toString()), List.of(BrokersimCliTest.replayArguments(o.out())));
    assertTrue(replay.out().contains("lose-callback-replies (" + out + "; fired once)"), replay.out());
    assertTrue(replay.out().contains("slow-callback-replies (" + out + "; fired 0 times)"), replay.out());
    assertEquals(o.hash(), replay.hash());

    Outcome again = cli("shrink", "rpc-callback-queue", "--seed", "3", "--faults", FLAKY_NETWORK.toString());
    assertEquals(o.out().substring(o.out().indexOf("shrunk:"), o.out().indexOf("schedule")),
        again.out().substring(again.out().indexOf("shrunk:"), again.out().indexOf("schedule")), "deterministic");
    assertTrue(again.out().contains(file.substring(file.indexOf("faults {"))), again.out());
  }

  @Test
  void shrink_passingRun_exit1_nothingToShrink() {
    Outcome o = cli("shrink", "rpc-callback-queue", "--seed", "0");
    assertEquals(1, o.exit(), o.out() + o.err());
    assertEquals("rpc-callback-queue (profile lavinmq, seed 0) passes: there is no failure to shrink\n", o.out());
  }

  @Test
  void sweep_hundredsOfFailures_oneLinePerGroup_andJson() throws Exception {
    Outcome o = cli("sweep", LossyCalls.class.getName(), "--seeds", "0..249", "--profile", "lavinmq", "--progress",
        "none");
    assertEquals(1, o.exit(), o.out() + o.err());
    Matcher summary = Pattern.compile("250 runs: (\\d+) passed, (\\d+) failed").matcher(o.out());
    assertTrue(summary.find(), o.out());
    int failed = Integer.parseInt(summary.group(2));
    assertTrue(failed >= 200, "hundreds of failures: " + failed);
    List<String> groupLines = o.out().lines().filter(l -> l.matches("  +\\d+  seed \\d+ lavinmq  .*")).toList();
    assertTrue(groupLines.size() >= 2 && groupLines.size() <= 10, o.out());
    assertEquals(failed, groupLines.stream().mapToInt(l -> Integer.parseInt(l.trim().split(" ")[0])).sum(), o.out());
    assertTrue(o.out().lines().count() < 20, "one line per group, not per failure:\n" + o.out());
    assertTrue(groupLines.stream().anyMatch(l -> l.endsWith("request dropped by fault 'lost-requests' -> never "
        + "received -> caller timed out")), o.out());
    assertTrue(groupLines.stream().anyMatch(l -> l.endsWith("request acked -> reply delivered -> caller timed out, "
        + "discarded a late reply")), o.out());

    Outcome json = cli("sweep", LossyCalls.class.getName(), "--seeds", "0..39", "--profile", "lavinmq", "--progress",
        "none", "--json");
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertEquals(40, root.path("runs").asInt());
    int runs = 0;
    for (JsonNode g : root.path("groups")) {
      runs += g.path("runs").size();
      assertEquals(g.path("count").asInt(), g.path("runs").size());
      assertTrue(g.path("chain").asText().endsWith("caller timed out") || g.path("chain").asText().endsWith("reply"),
          g.toString());
      assertTrue(g.path("smallestSeed").path("shrink").asText().contains(" shrink " + LossyCalls.class.getName()));
    }
    assertTrue(root.path("groups").size() >= 2, json.out());
    assertEquals(root.path("failed").asInt(), runs);
  }

  @Test
  void run_ownScenarioClass_outsideTheClassPath_withClasspath_replayCommandReplaysIt(@TempDir Path dir)
      throws Exception {
    Path src = dir.resolve("src/com/acme/MyScenario.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, """
        package com.acme;

        import io.brokersim.scenarios.*;
        import java.time.Duration;
        import java.util.List;

        public class MyScenario implements Scenario {
          public String name() { return "my-scenario"; }
          public String description() { return "a call that is answered, expected to time out"; }
          public String teaching() { return "Mine."; }
          public void run(ScenarioContext ctx) {
            ctx.responder("server").serve("rpc_queue", Request::answer);
            ctx.requester("client", "rpc_queue").timeout(Duration.ofSeconds(1)).call("ping");
            ctx.runFor(Duration.ofSeconds(2));
          }
          public List<Expectation> expectations() { return List.of(Expectations.timesOut("client-1")); }
        }
        """);
    Path classes = dir.resolve("my classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.toString());
    assertEquals(0, compiled);

    Outcome missing = cli("run", "com.acme.MyScenario", "--seed", "7");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no scenario class 'com.acme.MyScenario'"), missing.err());

    Outcome o = cli("run", "com.acme.MyScenario", "--classpath", classes.toString(), "--seed", "7");
    assertEquals(1, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("replay: brokersim run com.acme.MyScenario --classpath '" + classes
        + "' --profile lavinmq --seed 7\n"), o.out());
    String[] args = {"run", "com.acme.MyScenario", "--classpath", classes.toString(), "--profile", "lavinmq",
        "--seed", "7"};
    assertEquals(o.hash(), cli(args).hash());

    Outcome badPath = cli("run", "com.acme.MyScenario", "--classpath", dir.resolve("nowhere").toString());
    assertEquals(2, badPath.exit());
    assertTrue(badPath.err().contains("--classpath entry '" + dir.resolve("nowhere") + "' does not exist"),
        badPath.err());
  }

  @Test
  void run_onlyCalls_onAScenarioWhoseCallsDependOnEachOther_usageError() {
    Outcome o = cli("run", "rpc-callback-queue", "--only-calls", "client-1-1");
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("does not allow leaving calls out"), o.err());
  }
}
