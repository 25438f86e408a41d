package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.brokersim.core.profile.BrokerProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
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

  private static final long PROCESS_TIMEOUT_SECONDS = 60;
  private static String python;
  private static String problem;

  @BeforeAll
  static void findPika() {
    python = System.getProperty("brokersim.pika.python", "/usr/bin/python3");
    problem = pikaProblem(python);
  }

  @BeforeEach
  void requirePika() {
    if (problem == null) {
      return;
    }
    String message = "pika is not available for " + python + " (" + problem
        + "); install it with: apt-get install python3-pika";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  @Test
  void callbackQueueRpc_serverAndClientFromTheArticle() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ)) {
      Process server = start("rpc_server.py", String.valueOf(b.port()), "5");
      try {
        BufferedReader serverOut = reader(server);
        assertEquals("server ready", readLine(serverOut), "rpc_server.py did not start");
        Result client = run("rpc_client.py", String.valueOf(b.port()), "5");
        assertEquals(0, client.exitCode(), client.output());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          expected.add("ping-" + i + " -> pong:ping-" + i);
        }
        assertEquals(expected, client.lines());
        assertTrue(server.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS), "rpc_server.py did not finish");
        assertEquals("server served 5", readLine(serverOut));
        assertEquals(0, server.exitValue());
      } finally {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void directReplyToPing_fromTheArticle() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.LAVINMQ)) {
      Result r = run("direct_reply_to.py", String.valueOf(b.port()));
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(List.of("TARGET MACHINE IS ACTIVE"), r.lines());
    }
  }

  // ------------------------------------------------------------------ processes

  private record Result(int exitCode, List<String> lines) {
    String output() {
      return String.join("\n", lines);
    }
  }

  private static String pikaProblem(String python) {
    if (!Files.isExecutable(Path.of(python))) {
      return python + " not found";
    }
    try {
      Process p = new ProcessBuilder(python, "-c", "import pika").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "'import pika' did not finish";
      }
      if (p.exitValue() == 0) {
        return null;
      }
      String[] lines = out.split("\n");
      return lines[lines.length - 1];
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static Process start(String script, String... args) throws IOException, URISyntaxException {
    List<String> command = new ArrayList<>(List.of(python, "-u", script(script)));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static Result run(String script, String... args) throws Exception {
    Process p = start(script, args);
    try {
      BufferedReader out = reader(p);
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = readLine(out)) != null) {
        lines.add(line);
      }
      if (!p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail(script + " did not finish within " + PROCESS_TIMEOUT_SECONDS + "s; output: " + lines);
      }
      return new Result(p.exitValue(), lines);
    } finally {
      p.destroyForcibly();
    }
  }

  private static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The next line, or null at the end; the class timeout bounds a process that hangs. */
  private static String readLine(BufferedReader out) throws IOException {
    return out.readLine();
  }

  private static String script(String name) throws URISyntaxException {
    return Path.of(PikaIT.class.getResource("/pika/" + name).toURI()).toString();
  }
}
