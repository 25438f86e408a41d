package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code brokersim serve} as a child process: the announced port, real clients, SIGTERM. */
@Timeout(120)
class ServeCommandIT {

  private static final Pattern LISTENING =
      Pattern.compile("^brokersim listening on amqp://127\\.0\\.0\\.1:(\\d+) \\(profile (\\S+)\\)$");

  @Test
  void serve_announcesThePort_servesClients_andStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("server.conf");
    Files.writeString(config, "brokersim.server { heartbeat = 9 }\n");
    Process p = brokersim(false, "serve", "--port", "0", "--profile", "rabbitmq-4", "--config", config.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m = LISTENING.matcher(String.valueOf(line));
      assertTrue(m.matches(), "stdout line: " + line);
      assertEquals("rabbitmq-4", m.group(2));
      ConnectionFactory f = new ConnectionFactory();
      f.setPort(Integer.parseInt(m.group(1)));
      f.setRequestedHeartbeat(0);
      f.setAutomaticRecoveryEnabled(false);
      Connection c = f.newConnection("serve-it");
      assertEquals(9, c.getHeartbeat(), "--config was applied");
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      c.addShutdownListener(closed::complete);
      c.createChannel().queueDeclare("", false, true, true, null);

      p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
      ShutdownSignalException s = closed.get(30, TimeUnit.SECONDS);
      AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
      assertEquals(320, close.getReplyCode());
      assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
          close.getReplyText());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
      assertEquals(null, out.readLine(), "exactly one line on stdout");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Issue 5's TCP proof: serve with examples/faults/dead-reply-channel.conf; a real client that
   * publishes a request (reply_to set) has its channel closed right after the request is routed,
   * while the responder still receives the request.
   */
  @Test
  void serve_withDeadReplyChannelFaults_closesTheRequestersChannelAfterRouting() throws Exception {
    Path file = repoFile("examples/faults/dead-reply-channel.conf");
    Process p = brokersim(false, "serve", "--port", "0", "--faults", file.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = LISTENING.matcher(String.valueOf(out.readLine()));
      assertTrue(m.matches());
      ConnectionFactory f = new ConnectionFactory();
      f.setPort(Integer.parseInt(m.group(1)));
      f.setAutomaticRecoveryEnabled(false);
      try (Connection server = f.newConnection("responder"); Connection client = f.newConnection("requester")) {
        Channel sch = server.createChannel();
        sch.queueDeclare("rpc_queue", true, false, false, null);
        CompletableFuture<String> received = new CompletableFuture<>();
        sch.basicConsume("rpc_queue", true, (tag, d) -> received.complete(d.getProperties().getReplyTo()), tag -> { });

        Channel cch = client.createChannel();
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        cch.addShutdownListener(closed::complete);
        cch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> { }, tag -> { });
        cch.basicPublish("", "rpc_queue",
            new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId("r-1").build(),
            "ping".getBytes(StandardCharsets.UTF_8));

        ShutdownSignalException s = closed.get(30, TimeUnit.SECONDS);
        AMQP.Channel.Close close = (AMQP.Channel.Close) s.getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - requester died", close.getReplyText());
        assertTrue(received.get(30, TimeUnit.SECONDS).startsWith("amq.direct.reply-to."),
            "the request was routed to the responder before the channel died");
        assertTrue(client.isOpen(), "only the channel closes (scope = channel)");
      }
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void serve_withABadFaultsFile_exits2NamingFieldAndLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "faults {\n  rules = [\n    { name = x, at = routd, action { type = drop } }\n  ]\n}\n");
    Result r = run("serve", "--port", "0", "--faults", bad.toString());
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("faults.rules[0].at"), r.output());
    assertTrue(r.output().contains("line 3"), r.output());
  }

  /** A file of the repository, found by walking up from the working directory. */
  private static Path repoFile(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new AssertionError("cannot find " + relative + " above " + Path.of("").toAbsolutePath());
  }

  @Test
  void serve_withSeed_warnsThatGeneratedNamesArePredictable() throws Exception {
    Process p = brokersim(true, "serve", "--port", "0", "--seed", "5");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> before = new ArrayList<>();
      for (String line = out.readLine(); line != null && !LISTENING.matcher(line).matches(); line = out.readLine()) {
        before.add(line);
      }
      assertTrue(before.stream().anyMatch(l -> l.startsWith("brokersim: WARNING: --seed 5 makes server-generated names")
          && l.contains("forge")), String.join("\n", before));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void serve_onAPortInUse_exits1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = run("serve", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(1, r.exit(), r.output());
      assertTrue(r.output().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.output());
    }
  }

  @Test
  void serve_unknownProfile_exits2() throws Exception {
    Result r = run("serve", "--profile", "activemq");
    assertEquals(2, r.exit());
    assertTrue(r.output().contains("unknown profile 'activemq'"), r.output());
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) throws Exception {
    Process p = brokersim(true, args);
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      return new Result(p.exitValue(), output);
    } finally {
      p.destroyForcibly();
    }
  }

  /** The CLI in a child JVM on this test's class path; stderr merged into stdout, or discarded. */
  private static Process brokersim(boolean mergeStderr, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.brokersim.scenarios.cli.Brokersim"));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command);
    if (mergeStderr) {
      b.redirectErrorStream(true);
    } else {
      b.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    return b.start();
  }
}
