package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.fail;

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

/**
 * Runs the pika scripts in {@code src/test/resources/pika} with Debian's {@code /usr/bin/python3} (system
 * property {@code brokersim.pika.python}). Without pika a test is skipped, except under CI=true, where it fails.
 */
final class Pika {
  static final long PROCESS_TIMEOUT_SECONDS = 120;
  private static final String PYTHON = System.getProperty("brokersim.pika.python", "/usr/bin/python3");
  private static String problem;
  private static boolean checked;

  private Pika() {}

  /** A finished script: its exit code and output lines. */
  record Result(int exitCode, List<String> lines) {
    String output() {
      return String.join("\n", lines);
    }
  }

  /** Skips the calling test when pika is missing (fails it under CI=true). */
  static synchronized void require() {
    if (!checked) {
      problem = pikaProblem();
      checked = true;
    }
    if (problem == null) {
      return;
    }
    String message = "pika is not available for " + PYTHON + " (" + problem
        + "); install it with: apt-get install python3-pika";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  private static String pikaProblem() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return PYTHON + " not found";
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import pika").redirectErrorStream(true).start();
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

  /** Starts a script; read its output with {@link #reader}. */
  static Process start(String script, String... args) throws IOException, URISyntaxException {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-u", script(script)));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Runs a script to its end. */
  static Result run(String script, String... args) throws Exception {
    Process p = start(script, args);
    try {
      BufferedReader out = reader(p);
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
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

  static BufferedReader reader(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  private static String script(String name) throws URISyntaxException {
    return Path.of(Pika.class.getResource("/pika/" + name).toURI()).toString();
  }
}
