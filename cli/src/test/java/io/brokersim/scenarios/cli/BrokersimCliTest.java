package io.brokersim.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.JsonLinesHash;
import io.brokersim.scenarios.Catalogue;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

class BrokersimCliTest {

  private static final Pattern HASH = Pattern.compile("(?m)^trace-sha256: ([0-9a-f]{64})$");

  /** One CLI invocation's exit code and output. */
  record Outcome(int exit, String out, String err) {
    String hash() {
      Matcher m = HASH.matcher(out);
      assertTrue(m.find(), "no trace-sha256 line in:\n" + out);
      return m.group(1);
    }
  }

  static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = io.brokersim.scenarios.cli.Brokersim.execute(new PrintWriter(out, true), new PrintWriter(err, true),
        args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  @Test
  void scenarios_listsEveryCatalogueNameWithItsDescription() {
    Outcome o = cli("scenarios");
    assertEquals(0, o.exit());
    for (String name : Catalogue.names()) {
      assertTrue(o.out().contains(name + "  "), o.out());
    }
    assertEquals(Catalogue.names().size(), o.out().lines().count());
  }

  @Test
  void run_sameSeedTwice_sameHash_otherSeedOtherHash() {
    Outcome a = cli("run", "lost-reply-requester-connection-dropped", "--seed", "42");
    Outcome b = cli("run", "lost-reply-requester-connection-dropped", "--seed", "42");
    Outcome c = cli("run", "lost-reply-requester-connection-dropped", "--seed", "43");
    assertEquals(0, a.exit(), a.out() + a.err());
    assertTrue(a.out().contains("verdict: PASS"), a.out());
    assertEquals(a.hash(), b.hash());
    assertNotEquals(a.hash(), c.hash());
  }

  @Test
  void run_traceAndReport_areWritten_traceFileHashIsThePrintedHash(@TempDir Path dir) throws IOException {
    Path trace = dir.resolve("t.jsonl");
    Path report = dir.resolve("r.md");
    Outcome o = cli("run", "late-reply-after-timeout", "--seed", "5", "--profile", "rabbitmq-3", "--trace",
        trace.toString(), "--report", report.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    assertEquals(o.hash(), JsonLinesHash.of(trace));
    String md = Files.readString(report);
    assertTrue(md.startsWith("# late-reply-after-timeout: PASS"), md);
    assertTrue(md.contains("```mermaid\nsequenceDiagram"), md);
    assertTrue(md.contains("| profile | seed |"), md);
    assertTrue(md.contains("rabbitmq-3 | 5 | PASS"), md);
  }

  @Test
  void run_failingExpectation_exit1_withAReplayCommandThatReplaysIt() throws Exception {
    Outcome o = cli("run", FailingScenario.class.getName(), "--seed", "3");
    assertEquals(1, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("verdict: FAIL"), o.out());
    String classes = Path.of(FailingScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    assertTrue(o.out().contains("replay: brokersim run " + FailingScenario.class.getName() + " --classpath "
        + classes + " --profile lavinmq --seed 3"), o.out());
    Outcome replay = cli(replayArguments(o.out()));
    assertEquals(1, replay.exit(), replay.out() + replay.err());
    assertEquals(o.hash(), replay.hash());
  }

  /** The arguments of the printed {@code replay: brokersim run ...} line (its words need no shell quoting). */
  static String[] replayArguments(String out) {
    Matcher m = Pattern.compile("(?m)^replay: brokersim (.*)$").matcher(out);
    assertTrue(m.find(), "no replay line in:\n" + out);
    return m.group(1).trim().split(" +");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "run lost-reply-requester-conection-dropped | brokersim run: unknown scenario 'lost-reply-requester-conection-dropped'; did you mean 'lost-reply-requester-connection-dropped'? (see 'brokersim scenarios')",
      "run no-such-scenario                      | brokersim run: unknown scenario 'no-such-scenario' (see 'brokersim scenarios')",
      "run rpc-callback-queue --profile rabbit-4 | brokersim run: unknown profile 'rabbit-4'; did you mean 'rabbitmq-4'? (one of lavinmq, rabbitmq-3, rabbitmq-4)",
      "run rpc-callback-queue --profile activemq | brokersim run: unknown profile 'activemq' (one of lavinmq, rabbitmq-3, rabbitmq-4)",
      "run rpc-callback-queue --sed 4            | brokersim run: unknown option '--sed'; did you mean '--seed'? (see 'brokersim run --help')",
      "run rpc-callback-queue --seed x           | brokersim run: invalid value for option '--seed': 'x' is not a long (see 'brokersim run --help')",
      "run                                       | brokersim run: missing required parameter: 'NAME' (see 'brokersim run --help')",
      "rnu rpc-callback-queue                    | brokersim: unknown command 'rnu'; did you mean 'run'? (see 'brokersim --help')",
      "nonsense                                  | brokersim: unknown command 'nonsense' (see 'brokersim --help')",
      "scenarios extra                           | brokersim scenarios: unexpected argument 'extra' (see 'brokersim scenarios --help')",
      "sweep rpc-callback-queue --seeds 0..1 --jbos 2 | brokersim sweep: unknown option '--jbos'; did you mean '--jobs'? (see 'brokersim sweep --help')",
  })
  void badUsage_oneLineWithTheNearestName_exit2(String args, String expected) {
    Outcome o = cli(args.trim().split(" +"));
    assertEquals(2, o.exit(), o.err());
    assertEquals(expected + System.lineSeparator(), o.err());
    assertEquals("", o.out());
  }

  /** The example fault files, from the repository root (the tests run in scenarios/). */
  private static Path example(String name) {
    return Path.of("..", "examples", "faults", name);
  }

  @Test
  void run_faults_fileRulesApplyAfterTheScenarios_listedWithHowOftenTheyFired(@TempDir Path dir) throws IOException {
    Path report = dir.resolve("r.md");
    Outcome o = cli("run", "rpc-callback-queue", "--seed", "2", "--faults", example("dead-reply-channel.conf").toString(),
        "--report", report.toString());
    assertEquals(1, o.exit(), "a dead reply channel breaks the baseline's expectation\n" + o.out() + o.err());
    assertTrue(o.out().contains("fault rules:\n  dead-reply-channel (" + example("dead-reply-channel.conf")
        + "; fired 5 times): at routed, match has-reply-to = true, action dead-reply-channel, when always"), o.out());
    assertTrue(o.out().contains("replay: brokersim run rpc-callback-queue --profile lavinmq --seed 2 --faults "
        + example("dead-reply-channel.conf")), o.out());
    assertTrue(o.out().contains("The request: Fault rule 'dead-reply-channel'"), o.out());
    assertTrue(Files.readString(report).contains("| `dead-reply-channel` | " + example("dead-reply-channel.conf")),
        Files.readString(report));
    Outcome again = cli("run", "rpc-callback-queue", "--seed", "2", "--faults",
        example("dead-reply-channel.conf").toString());
    assertEquals(o.hash(), again.hash());
  }

  @Test
  void run_faults_scenarioRulesFirst_thenTheFiles(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("slow.conf");
    Files.writeString(file, "faults { rules = [ { name = slow-replies, at = reply-resolved, action { type = delay, "
        + "delay = 10ms } } ] }\n");
    Outcome o = cli("run", "lost-reply-requester-channel-closed", "--profile", "rabbitmq-4", "--faults", file.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    int scenarioRule = o.out().indexOf("  requester-channel-dies (scenario; fired 2 times)");
    int fileRule = o.out().indexOf("  slow-replies (" + file + "; fired once)");
    assertTrue(scenarioRule > 0 && fileRule > scenarioRule, o.out());
  }

  @Test
  void run_badFaultFile_exit2_namesFieldAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "faults {\n  rules = [\n    {\n      name = x\n      at = routd\n"
        + "      action { type = drop }\n    }\n  ]\n}\n");
    Outcome o = cli("run", "rpc-callback-queue", "--faults", file.toString());
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("brokersim: cannot use fault file " + file + ": faults.rules[0].at: unknown boundary "
        + "'routd' at line 5 of " + file), o.err());
    assertEquals("", o.out());
    Outcome missing = cli("run", "rpc-callback-queue", "--faults", dir.resolve("none.conf").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  @Test
  void faults_ruleNamedLikeAScenarioRule_exit2() throws IOException {
    Path file = Files.createTempFile("clash", ".conf");
    try {
      Files.writeString(file, "faults { rules = [ { name = broker-restart, at = routed, action { type = drop } } ] }\n");
      Outcome o = cli("sweep", "all", "--seeds", "0..1", "--faults", file.toString(), "--progress", "none");
      assertEquals(2, o.exit());
      assertTrue(o.err().contains("fault rule 'broker-restart' in " + file
          + " has the same name as a rule of the scenario; rename it"), o.err());
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void sweep_faults_appliedToEveryRun_failuresReplayWithTheFile() {
    Outcome o = cli("sweep", "rpc-callback-queue", "--seeds", "0..1", "--profile", "rabbitmq-3", "--faults",
        example("dead-reply-channel.conf").toString(), "--progress", "none");
    assertEquals(1, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("fault rules from " + example("dead-reply-channel.conf")
        + ", after each scenario's own:\n  dead-reply-channel: at routed"), o.out());
    assertTrue(o.out().contains("--profile rabbitmq-3 --seed 0 --faults " + example("dead-reply-channel.conf")), o.out());
  }

  @Test
  void sweep_passingSeeds_exit0_summary() {
    Outcome o = cli("sweep", "lost-reply-server-acks-then-crashes", "--seeds", "0..4", "--jobs", "2", "--progress",
        "lines");
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("15 runs: 15 passed, 0 failed"), o.out());
    assertTrue(o.err().contains("sweep: 15/15 runs, 0 failed"), o.err());
  }

  @Test
  void sweep_shardAndProfile_narrowTheRuns() {
    Outcome o = cli("sweep", "rpc-callback-queue", "--seeds", "0..9", "--shard", "2/3", "--profile", "rabbitmq-4",
        "--progress", "none");
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("3 runs: 3 passed"), o.out());   // seeds 1, 4, 7
    assertEquals("", o.err());
  }

  @Test
  void sweep_failingSeeds_exit1_oneLinePerWayOfFailing_withTheSmallestSeedsReplay() {
    Outcome o = cli("sweep", FailingScenario.class.getName(), "--seeds", "0..2", "--profile", "lavinmq", "--progress",
        "none");
    assertEquals(1, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("3 runs: 0 passed, 3 failed"), o.out());
    assertTrue(o.out().contains("3 failures in 1 group (runs, smallest seed, how they failed):\n"
        + "  3  seed 0 lavinmq  the caller times out waiting for client-1: request acked -> reply delivered -> "
        + "caller answered\n"), o.out());
    assertTrue(o.out().contains("replay the first group's seed: brokersim run " + FailingScenario.class.getName()
        + " --classpath "), o.out());
    assertTrue(o.out().contains(" --profile lavinmq --seed 0\nshrink it to its smallest schedule: brokersim shrink "
        + FailingScenario.class.getName()), o.out());
  }

  @Test
  void sweep_badUsage_exit2() {
    assertEquals(2, cli("sweep", "rpc-callback-queue").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "9..0").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "a..b").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "0..9", "--shard", "4/3").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "0..9", "--shard", "0/3").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "0..9", "--jobs", "0").exit());
    assertEquals(2, cli("sweep", "rpc-callback-queue", "--seeds", "0..9", "--profile", "x").exit());
    assertEquals(2, cli("sweep", "nope", "--seeds", "0..9").exit());
  }

  @Test
  void profiles_exit0() {
    Outcome o = cli("profiles");
    assertEquals(0, o.exit());
    assertTrue(o.out().contains("rabbitmq-4"), o.out());
  }
}
