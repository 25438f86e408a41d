package io.brokersim.scenarios.bench;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker started as a child process, timed from just before it is spawned. Reads its output for the line
 * {@code brokersim serve} prints ({@code brokersim listening on amqp://HOST:PORT}) and keeps the last lines for
 * error messages; closing it stops the whole process tree (SIGTERM, then SIGKILL after a grace period).
 */
final class ServerProcess implements AutoCloseable {

  static final Pattern LISTENING = Pattern.compile("listening on (amqp://[^\\s,;]+)");
  /** How often {@link #awaitFirstConnection} tries to connect. */
  static final long POLL_MILLIS = 10;
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final int KEPT_LINES = 20;
  private static final long STOP_WAIT_SECONDS = 20;

  private final long startNanos;
  private final Process process;
  private final CompletableFuture<URI> announced = new CompletableFuture<>();
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();

  private ServerProcess(long startNanos, Process process) {
    this.startNanos = startNanos;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "bench-server-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Spawns {@code command} with stdout and stderr merged. */
  static ServerProcess start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    long start = System.nanoTime();
    return new ServerProcess(start, builder.start());
  }

  /**
   * Spawns {@code command} and waits until a connection to {@code uri} opens: a server started for the wire
   * benchmarks. Refuses if something already answers at {@code uri} (it would be measured instead).
   */
  static ServerProcess startServing(List<String> command, URI uri) throws Exception {
    if (answers(uri)) {
      throw new IllegalStateException("a server already answers at " + WireBenchmarks.redact(uri)
          + "; stop it first");
    }
    ServerProcess p = start(command);
    try {
      p.awaitFirstConnection(WireBenchmarks.factory(uri));
      return p;
    } catch (Exception e) {
      p.close();
      throw e;
    }
  }

  /** {@code java JVM-OPTIONS -jar JAR serve --port 0 --profile P} with this JVM's java. */
  static List<String> brokersimServe(Path jar, String profile, List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0", "--profile", profile));
    return command;
  }

  /** True if a connection to {@code uri} opens now. */
  static boolean answers(URI uri) {
    try {
      WireBenchmarks.factory(uri).newConnection("bench-check").close();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Why a benchmark that needs a spawned server could not run: "wire server unavailable" when the jar has no
   * {@code serve} command (yet) or the process died or never announced itself, else "failed" with the error.
   */
  static String whyUnavailable(Exception e) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("Unmatched argument") || text.contains("exited with status")
        || text.contains("no 'listening on")) {
      return "wire server unavailable (" + text + ")";
    }
    return "failed: " + e;
  }

  long pid() {
    return process.pid();
  }

  /** The address the process announced, waiting up to {@link #START_TIMEOUT}; fails if it exits first. */
  URI awaitAnnounced() throws Exception {
    long end = startNanos + START_TIMEOUT.toNanos();
    while (System.nanoTime() < end) {
      try {
        return announced.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        checkAlive();
      }
    }
    throw new IllegalStateException("no 'listening on amqp://...' line within " + START_TIMEOUT
        + "; last output: " + lastOutput());
  }

  /**
   * Tries to connect every {@link #POLL_MILLIS} ms until a connection opens (TCP, protocol header, SASL, tune and
   * {@code connection.open} done); returns the nanoseconds from the spawn to that moment.
   */
  long awaitFirstConnection(ConnectionFactory factory) throws Exception {
    factory.setConnectionTimeout(1_000);
    long deadline = startNanos + START_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Connection c = factory.newConnection("bench-startup");
        long nanos = System.nanoTime() - startNanos;
        c.close();
        return nanos;
      } catch (Exception e) {
        last = e;
        checkAlive();
        Thread.sleep(POLL_MILLIS);
      }
    }
    throw new IllegalStateException("no connection within " + START_TIMEOUT + ": " + last + "; last output: "
        + lastOutput());
  }

  /** Throws, with the last output lines, if the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the server process exited with status " + process.exitValue()
          + "; last output: " + lastOutput());
    }
  }

  synchronized String lastOutput() {
    return lastLines.isEmpty() ? "(none)" : String.join(" | ", lastLines);
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.find() && !announced.isDone()) {
          announced.complete(URI.create(m.group(1)));
        }
        synchronized (this) {
          lastLines.addLast(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // The process went away; checkAlive reports it.
    }
  }

  /**
   * Stops the process and everything it started, and waits for them to exit (killing what is still there after
   * the grace period, or at once if interrupted), so the next start finds the port free.
   */
  @Override
  public void close() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        h.destroyForcibly();
      } catch (ExecutionException | TimeoutException e) {
        h.destroyForcibly();
      }
    }
  }
}
