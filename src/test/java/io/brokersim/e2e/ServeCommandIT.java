package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** {@code brokersim serve} as a child process: the announced port, real clients, SIGTERM and SIGINT. */
@Timeout(120)
class ServeCommandIT {

  private static final Pattern LISTENING =
      Pattern.compile("^brokersim listening on amqp://127\\.0\\.0\\.1:(\\d+) \\(profile (\\S+)\\)$");

  @Test
  void serve_announcesThePort_servesClients_andStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("server.conf");
    Files.writeString(config, "brokersim.server { heartbeat = 9 }\n");
    Path stderr = dir.resolve("stderr.txt");
    Process p = brokersim(stderr, "serve", "--port", "0", "--profile", "rabbitmq-4", "--config", config.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      ConnectionFactory f = announced(out, "rabbitmq-4");
      f.setRequestedHeartbeat(0);
      Connection c = f.newConnection("serve-it");
      assertEquals(9, c.getHeartbeat(), "--config was applied");
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      c.addShutdownListener(closed::complete);
      c.createChannel().queueDeclare("", false, true, true, null);

      p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
      assertStopsCleanly(p, closed, out, stderr);
    } finally {
      p.destroyForcibly();
    }
  }

  /** Ctrl-C in a terminal: the same clean stop as SIGTERM, exit status 0. */
  @Test
  void serve_onSigint_closesConnectionsAndExits0(@TempDir Path dir) throws Exception {
    // A background job of a non-interactive shell starts with SIGINT ignored, and so would the child.
    assumeFalse(sigintIgnored(), "this JVM was started with SIGINT ignored; its children cannot receive it");
    Path stderr = dir.resolve("stderr.txt");
    Process p = brokersim(stderr, "serve", "--port", "0");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Connection c = announced(out, "lavinmq").newConnection("sigint-it");
      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      c.addShutdownListener(closed::complete);
      Channel ch = c.createChannel();
      ch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> { }, tag -> { });
      ch.basicPublish("", ch.queueDeclare().getQueue(),
          new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(), new byte[10]);

      assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
      assertStopsCleanly(p, closed, out, stderr);
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * After a stop signal: the client's connection was closed with 320, the process exited 0 with nothing more on
   * stdout, and stderr has the server's lines and nothing Pekko had to say (no dead letters, no warnings).
   */
  private static void assertStopsCleanly(Process p, CompletableFuture<ShutdownSignalException> closed,
      BufferedReader out, Path stderr) throws Exception {
    ShutdownSignalException s = closed.get(30, TimeUnit.SECONDS);
    AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
    assertEquals(320, close.getReplyCode());
    assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
        close.getReplyText());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
    assertEquals(0, p.exitValue(), "exit status after a stop signal; stderr:\n" + Files.readString(stderr));
    assertEquals(null, out.readLine(), "exactly one line on stdout");
    List<String> logged = Files.readAllLines(stderr);
    assertEquals("brokersim: stopped", logged.get(logged.size() - 1), String.join("\n", logged));
    for (String line : logged) {
      assertTrue(line.contains(" INFO  i.b.") || line.equals("brokersim: stopped"), "unexpected stderr line: "
          + line + "\n" + String.join("\n", logged));
    }
  }

  /** A client factory for the server that {@code out}'s first line announces, after checking that line. */
  private static ConnectionFactory announced(BufferedReader out, String profile) throws Exception {
    String line = out.readLine();
    Matcher m = LISTENING.matcher(String.valueOf(line));
    assertTrue(m.matches(), "stdout line: " + line);
    assertEquals(profile, m.group(2));
    ConnectionFactory f = new ConnectionFactory();
    f.setPort(Integer.parseInt(m.group(1)));
    f.setAutomaticRecoveryEnabled(false);
    return f;
  }

  private static boolean sigintIgnored() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << 1)) != 0;   // SIGINT = 2
      }
    }
    return false;
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
      ConnectionFactory f = announced(out, "lavinmq");
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

  /**
   * Issue 15's serve: with --http-port, --trace and a fault file, the management API answers, each fault that fires
   * is one log line naming rule, boundary, message and correlation_id, the trace file holds the run, and the stop
   * logs how every message ended.
   */
  @Test
  void serve_withHttpPortTraceAndFaults_logsEachFaultWritesTheTrace_andSummarisesFatesOnStop(@TempDir Path dir)
      throws Exception {
    Path traceFile = dir.resolve("trace.jsonl");
    Path stderr = dir.resolve("stderr.txt");
    Process p = brokersim(stderr, "serve", "--port", "0", "--http-port", "0", "--trace", traceFile.toString(),
        "--faults", repoFile("examples/faults/dead-reply-channel.conf").toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      ConnectionFactory f = announced(out, "lavinmq");
      Matcher http = Pattern.compile("^brokersim management on (http://127\\.0\\.0\\.1:\\d+/) \\(console and HTTP API\\)$")
          .matcher(String.valueOf(out.readLine()));
      assertTrue(http.matches(), http.toString());
      HttpResponse<String> overview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(http.group(1) + "api/overview")).header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, overview.statusCode(), overview.body());
      assertTrue(overview.body().contains("\"fault_rules\":1"), overview.body());

      Connection c = f.newConnection("requester");
      CompletableFuture<ShutdownSignalException> channelClosed = new CompletableFuture<>();
      Channel ch = c.createChannel();
      ch.addShutdownListener(channelClosed::complete);
      ch.queueDeclare("rpc_queue", false, false, false, null);
      ch.basicPublish("", "nowhere", null, new byte[] {0});
      ch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> { }, tag -> { });
      ch.basicPublish("", "rpc_queue", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
          .correlationId("call-7").build(), new byte[] {1});
      AMQP.Channel.Close close = (AMQP.Channel.Close) channelClosed.get(30, TimeUnit.SECONDS).getReason();
      assertEquals("PRECONDITION_FAILED - requester died", close.getReplyText());

      p.toHandle().destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
      assertEquals(0, p.exitValue());
      String log = Files.readString(stderr);
      assertTrue(log.contains("fault rule 'dead-reply-channel' fired at routed (dead-reply-channel: close-channel 406)"
          + " on conn-1/ch-1, message conn-1/ch-1#2, correlation_id 'call-7'"), log);
      assertTrue(log.contains("fates of 2 messages: 1 still live"), log);
      assertTrue(log.contains("  1 dropped as unroutable (no queue bound, not mandatory)"), log);
      List<String> trace = Files.readAllLines(traceFile);
      assertTrue(trace.stream().anyMatch(l -> l.contains("\"kind\":\"fault_injected\"")), String.join("\n", trace));
      assertTrue(trace.get(0).startsWith("{\"seq\":1,"), trace.get(0));
      c.abort();
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

  @Test
  void serve_withABadConsumerTimeout_exits2NamingTheSettingAndLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("timeout.conf");
    Files.writeString(bad, "# a broker setting\nbrokersim.consumer-timeout = soon\n");
    Result r = run("serve", "--port", "0", "--config", bad.toString());
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("brokersim.consumer-timeout (" + bad + ": 2)"), r.output());
    assertTrue(r.output().contains("expected 'profile', 'off' or a duration"), r.output());
  }

  @Test
  void serve_withVhostUserAndPermissions_opensOnlyThatVhostWithThosePermissions() throws Exception {
    Process p = brokersim(false, "serve", "--port", "0", "--profile", "rabbitmq-3", "--vhost", "staging",
        "--user", "alice:s3cret", "--permissions", "alice", "staging", "^app\\.", "^app\\.", "^app\\.");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      ConnectionFactory f = announced(out, "rabbitmq-3");
      f.setUsername("alice");
      f.setPassword("s3cret");
      f.setVirtualHost("staging");
      try (Connection c = f.newConnection("serve-vhosts")) {
        Channel ch = c.createChannel();
        ch.queueDeclare("app.jobs", true, false, false, null);
        IOException refused = assertThrows(IOException.class, () -> ch.queueDeclare("jobs", true, false, false, null));
        assertEquals("ACCESS_REFUSED - configure access to queue 'jobs' in vhost 'staging' refused for user 'alice'",
            ((AMQP.Channel.Close) ((ShutdownSignalException) refused.getCause()).getReason())
                .getReplyText());
      }
      f.setVirtualHost("/");
      IOException noAccess = assertThrows(IOException.class, () -> f.newConnection("serve-root"));
      assertEquals("NOT_ALLOWED - access to vhost '/' refused for user 'alice'",
          ((AMQP.Connection.Close) ((ShutdownSignalException) noAccess.getCause()).getReason())
              .getReplyText());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void serve_withTls_announcesTheAmqpsPortAndTheGeneratedCa_javaClientConnects(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("tls.conf");
    Files.writeString(config, "brokersim.server.tls.generated-dir = \"" + dir.resolve("ca") + "\"\n");
    Process p = brokersim(false, "serve", "--port", "0", "--tls", "--tls-port", "0", "--config", config.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertTrue(LISTENING.matcher(out.readLine()).matches());
      Matcher amqps = Pattern.compile("^brokersim listening on amqps://127\\.0\\.0\\.1:(\\d+) \\(profile lavinmq\\)$")
          .matcher(out.readLine());
      assertTrue(amqps.matches());
      String tls = out.readLine();
      Path trustStore = dir.resolve("ca").resolve("brokersim-truststore.p12");
      assertTrue(tls.startsWith("brokersim TLS: generated certificate for localhost, 127.0.0.1, ::1, signed by a"
          + " generated CA (SHA-256 "), tls);
      assertTrue(tls.contains(trustStore.toString()), tls);
      ConnectionFactory f = new ConnectionFactory();
      f.setHost("localhost");
      f.setPort(Integer.parseInt(amqps.group(1)));
      f.useSslProtocol(TlsIT.trusting(trustStore, "brokersim".toCharArray()));
      f.enableHostnameVerification();
      try (Connection c = f.newConnection("serve-tls")) {
        assertEquals("amq.gen-", c.createChannel().queueDeclare().getQueue().substring(0, 8));
      }
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void serve_withPermissionsForAnUnknownVhost_exits2NamingTheUserAndLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("users.conf");
    Files.writeString(bad, "brokersim.server.users = [\n  { name = bob, password = b,\n"
        + "    permissions { prod { configure = \".*\", write = \".*\", read = \".*\" } } }\n]\n");
    Result r = run("serve", "--port", "0", "--config", bad.toString());
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("brokersim.server.users[0].permissions.\"prod\" (" + bad + ": 3): no vhost 'prod'"),
        r.output());
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
  void serve_onAPortInUse_oneLineNamingThePort_exits1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = run("serve", "--port", String.valueOf(taken.getLocalPort()));
      assertEquals(1, r.exit(), r.output());
      assertEquals("brokersim: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the address is in use"
          + " (another broker? --port 0 picks a free port)", r.output().strip());
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
    ProcessBuilder b = command(args);
    if (mergeStderr) {
      b.redirectErrorStream(true);
    } else {
      b.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    return b.start();
  }

  /** The CLI in a child JVM on this test's class path, its stderr written to {@code stderr}. */
  private static Process brokersim(Path stderr, String... args) throws Exception {
    return command(args).redirectError(stderr.toFile()).start();
  }

  private static ProcessBuilder command(String... args) {
    return CliProcess.command(args);
  }
}
