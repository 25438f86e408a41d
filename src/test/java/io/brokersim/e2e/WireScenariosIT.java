package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wire scenarios (docs/scenarios.md, "Wire scenarios"): RPC stories whose fault is on the TCP connection
 * itself, so they run over real sockets against the live server with the RabbitMQ Java client, not in the
 * deterministic simulator (which has no frames). Each scenario runs for every seed of
 * {@code brokersim.wire-scenarios.seeds} (default 0..99; the broker's seed: its generated names and the fault
 * rules' streams), eight seeds at a time, and writes a report to {@code target/wire-scenarios/<name>.md}. The
 * expectations are about outcomes, never about timing; the times each run observed are in the report.
 */
@Timeout(900)
class WireScenariosIT {

  private static final int PARALLEL = 8;
  private static final long CALL_TIMEOUT_MILLIS = 1_500;
  private static final long WAIT_MILLIS = 15_000;
  /** A connection that stopped reading cannot answer the server's close: give up on it quickly at the end. */
  private static final com.typesafe.config.Config FAST_CLOSE = com.typesafe.config.ConfigFactory.parseString(
      "brokersim.server.close-timeout = 500ms");

  /** One seed's run: what it observed, and each expectation that did not hold. */
  record Outcome(long seed, List<String> observed, List<String> failed) {}

  /** A scenario run for one seed. */
  interface Run {
    Outcome run(long seed) throws Exception;
  }

  // ------------------------------------------------------------------ nat-drops-idle-requester

  @Test
  void natDropsIdleRequester_seeds_heartbeatsDecideWhoNotices() throws Exception {
    sweep("nat-drops-idle-requester", """
        A requester's call is in flight when a NAT between it and the broker forgets the connection: from the
        moment the reply is about to be written, nothing passes either way, and no FIN or RST tells anyone
        (rule: `frame-written`, `client = requester`, `method = basic.deliver` -> `half-open`, `direction =
        both`, once). Run twice: heartbeats off, then heartbeats of 1 s.

        Teaches: without heartbeats nobody notices - the broker believes it delivered the reply, the connection
        stays listed, the requester learns nothing but its own call timeout. With heartbeats both sides notice
        within about two intervals: the broker cuts the connection (its exclusive callback queue goes with it)
        and the client library reports the connection lost. Either way the reply is gone: a caller must treat a
        call that timed out, or whose connection died, as "outcome unknown".""", List.of(
            "heartbeats off: no reply within the call timeout",
            "heartbeats off: after the timeout the requester's connection is still open, and the broker still lists it",
            "heartbeats off: the broker recorded the reply as delivered (auto-acked) to the requester",
            "heartbeats on: no reply",
            "heartbeats on: the requester's client reports its connection lost",
            "heartbeats on: the broker drops the requester's connection and deletes its callback queue"),
        WireScenariosIT::natDropsIdleRequester);
  }

  private static Outcome natDropsIdleRequester(long seed) throws Exception {
    List<String> observed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int heartbeat : new int[] {0, 1}) {
      String variant = heartbeat == 0 ? "heartbeats off" : "heartbeats on";
      try (WireBroker b = WireBroker.startSeeded(BrokerProfile.RABBITMQ_4, seed, FAST_CLOSE)) {
        Connection responder = b.connect("responder");
        serve(responder.createChannel(), 1);
        ConnectionFactory f = b.factory();
        f.setRequestedHeartbeat(heartbeat);
        Connection requester = f.newConnection("requester");
        CompletableFuture<ShutdownSignalException> lost = new CompletableFuture<>();
        requester.addShutdownListener(lost::complete);
        Channel ch = requester.createChannel();
        String replyQueue = ch.queueDeclare().getQueue();
        LinkedBlockingQueue<String> replies = callbackConsumer(ch, replyQueue);
        WireFaultsIT.arm(b, "{ name = nat, at = frame-written, match { client = requester, method = basic.deliver },"
            + " action { type = half-open, direction = both }, when { once = true } }");
        long start = System.nanoTime();
        ch.basicPublish("", "rpc_queue", request("call-1", replyQueue), "work".getBytes(UTF_8));
        String reply = replies.poll(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        expect(failed, reply == null, variant + ": no reply", "got " + reply);
        if (heartbeat == 0) {
          boolean listed = connectionListed(b, "requester");
          observed.add(variant + ": call timed out after " + CALL_TIMEOUT_MILLIS + " ms; requester open: "
              + requester.isOpen() + "; broker lists it: " + listed);
          expect(failed, requester.isOpen() && listed, variant + ": connection still open and listed", "");
          int delivered = b.broker.messages().withCorrelationId("call-1").replies().withFate(Fate.Kind.AUTO_ACKED)
              .count();
          expect(failed, delivered == 1, variant + ": reply recorded as auto-acked", "count " + delivered);
          requester.abort();
        } else {
          ShutdownSignalException s = lost.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
          long clientMillis = (System.nanoTime() - start) / 1_000_000;
          boolean brokerDropped = eventually(() -> !connectionListed(b, "requester"));
          long brokerMillis = (System.nanoTime() - start) / 1_000_000;
          boolean queueGone = !queueListed(b, replyQueue);
          observed.add(variant + ": client reported " + describe(s) + " after ~" + clientMillis + " ms; broker "
              + "dropped the connection by ~" + brokerMillis + " ms; callback queue deleted: " + queueGone);
          expect(failed, !s.isInitiatedByApplication(), variant + ": client reports the connection lost",
              describe(s));
          expect(failed, brokerDropped && queueGone, variant + ": broker dropped connection and callback queue",
              "listed " + !brokerDropped + ", queue " + !queueGone);
        }
        responder.abort();
      }
    }
    return new Outcome(seed, observed, failed);
  }

  // ------------------------------------------------------------------ reply-frame-truncated

  @Test
  void replyFrameTruncated_seeds_clientLosesConnectionAndTheReply() throws Exception {
    sweep("reply-frame-truncated", """
        A proxy cuts the connection in the middle of the body frame that carries the reply to call-1 (rule:
        `frame-written`, `client = requester`, `correlation-id = call-1`, `frame-type = body` -> `truncate`).
        Run with an auto-ack callback consumer, then with a manual-ack one.

        Teaches: the client library sees its connection end mid-frame (the Java client: `EOFException`) and
        never hands the half reply to the application. The reply's fate depends on the ack mode: auto-ack -
        the broker counts it as delivered the moment it wrote it, so it is gone; manual ack - the broker
        requeues it at the cut, but the callback queue is exclusive and dies with the connection, so it is
        deleted with the queue. Either way the caller must retry on a new connection.""", List.of(
            "the requester's client reports its connection lost with an EOFException",
            "the application never receives the reply",
            "auto-ack: the broker recorded the reply as auto-acked (it thinks it was delivered)",
            "manual ack: the reply was deleted with the exclusive callback queue"),
        WireScenariosIT::replyFrameTruncated);
  }

  private static Outcome replyFrameTruncated(long seed) throws Exception {
    List<String> observed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (boolean autoAck : new boolean[] {true, false}) {
      String variant = autoAck ? "auto-ack" : "manual ack";
      try (WireBroker b = WireBroker.startSeeded(BrokerProfile.RABBITMQ_4, seed, FAST_CLOSE)) {
        Connection responder = b.connect("responder");
        serve(responder.createChannel(), 1);
        Connection requester = b.connect("requester");
        CompletableFuture<ShutdownSignalException> lost = new CompletableFuture<>();
        requester.addShutdownListener(lost::complete);
        Channel ch = requester.createChannel();
        String replyQueue = ch.queueDeclare().getQueue();
        LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        ch.basicConsume(replyQueue, autoAck, (tag, d) -> replies.add(d.getProperties().getCorrelationId()),
            tag -> { });
        WireFaultsIT.arm(b, "{ name = proxy, at = frame-written, match { client = requester, correlation-id = call-1,"
            + " frame-type = body }, action { type = truncate } }");
        ch.basicPublish("", "rpc_queue", request("call-1", replyQueue), "work".getBytes(UTF_8));
        ShutdownSignalException s = lost.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        boolean eof = s.getCause() instanceof java.io.EOFException;
        expect(failed, eof, variant + ": EOFException", describe(s));
        expect(failed, replies.isEmpty(), variant + ": no reply for the application", replies.toString());
        Fate.Kind fate = autoAck ? Fate.Kind.AUTO_ACKED : Fate.Kind.DELETED_WITH_QUEUE;
        boolean settled = eventually(() -> b.broker.messages().withCorrelationId("call-1").replies().withFate(fate)
            .count() == 1);
        observed.add(variant + ": client reported " + describe(s) + "; reply fate " + (settled ? fate : "other"));
        expect(failed, settled, variant + ": reply " + fate, "");
        responder.abort();
      }
    }
    return new Outcome(seed, observed, failed);
  }

  // ------------------------------------------------------------------ consumer-stops-reading

  @Test
  void consumerStopsReading_seeds_prefetchHeldUntilHeartbeatsFreeIt() throws Exception {
    sweep("consumer-stops-reading-full-prefetch", """
        Two servers consume `rpc_queue` with prefetch 2 and manual acks. `server-stuck` stops reading its socket
        from its first delivery on (rule: `frame-written`, `client = server-stuck`, `method = basic.deliver` ->
        `half-open`, `direction = to-client`, once): what the broker writes to it backs up, unread. A requester
        sends 10 calls. `server-stuck` has heartbeats of 1 s; `server-ok` works normally.

        Teaches: the broker does not know the consumer stopped reading: it delivers up to the prefetch limit
        (2 calls), counts them unacked, and sends the rest to the other consumer. Those 2 calls wait as long
        as the stuck connection lives. Heartbeats end it: the client misses the broker's heartbeats and closes,
        the broker requeues the 2 calls with `redelivered = true`, and `server-ok` answers them late. Without
        heartbeats (or a consumer timeout) they would wait forever.""", List.of(
            "8 calls are answered while server-stuck holds the other 2 unacked",
            "server-stuck's client reports its connection lost (missed heartbeats)",
            "the 2 held calls are redelivered to server-ok and answered: all 10 calls get exactly one reply"),
        WireScenariosIT::consumerStopsReading);
  }

  private static Outcome consumerStopsReading(long seed) throws Exception {
    List<String> observed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try (WireBroker b = WireBroker.startSeeded(BrokerProfile.RABBITMQ_4, seed, FAST_CLOSE)) {
      ConnectionFactory f = b.factory();
      f.setRequestedHeartbeat(1);
      Connection stuck = f.newConnection("server-stuck");
      CompletableFuture<ShutdownSignalException> lost = new CompletableFuture<>();
      stuck.addShutdownListener(lost::complete);
      WireFaultsIT.arm(b, "{ name = stops-reading, at = frame-written, match { client = server-stuck,"
          + " method = basic.deliver }, action { type = half-open, direction = to-client }, when { once = true } }");
      serve(stuck.createChannel(), 2);
      Connection ok = b.connect("server-ok");
      LinkedBlockingQueue<Boolean> redelivered = new LinkedBlockingQueue<>();
      serve(ok.createChannel(), 2, redelivered);
      Connection requester = b.connect("requester");
      Channel ch = requester.createChannel();
      String replyQueue = ch.queueDeclare().getQueue();
      LinkedBlockingQueue<String> replies = callbackConsumer(ch, replyQueue);
      long start = System.nanoTime();
      for (int i = 1; i <= 10; i++) {
        ch.basicPublish("", "rpc_queue", request("call-" + i, replyQueue), "work".getBytes(UTF_8));
      }
      List<String> got = new ArrayList<>();
      while (got.size() < 8) {
        String r = replies.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          break;
        }
        got.add(r);
      }
      int held = unacked(b, "server-stuck");
      observed.add(got.size() + " replies while server-stuck holds " + held + " unacked, after ~"
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      expect(failed, got.size() == 8 && held == 2, "8 answered, 2 held", got.size() + " answered, " + held + " held");
      ShutdownSignalException s = lost.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      observed.add("server-stuck's client reported " + describe(s) + " after ~" + (System.nanoTime() - start)
          / 1_000_000 + " ms");
      expect(failed, s.getCause() instanceof com.rabbitmq.client.MissedHeartbeatException, "missed heartbeats",
          describe(s));
      while (got.size() < 10) {
        String r = replies.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          break;
        }
        got.add(r);
      }
      long again = redelivered.stream().filter(x -> x).count();
      observed.add(got.size() + " replies in all, " + again + " for redelivered calls, after ~"
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      expect(failed, got.size() == 10 && got.stream().distinct().count() == 10 && again == 2,
          "10 distinct replies, 2 redelivered", got + ", redelivered " + again);
      requester.abort();
      ok.abort();
    }
    return new Outcome(seed, observed, failed);
  }

  // ------------------------------------------------------------------ helpers

  private static AMQP.BasicProperties request(String id, String replyTo) {
    return new AMQP.BasicProperties.Builder().correlationId(id).replyTo(replyTo).build();
  }

  private static void serve(Channel ch, int prefetch) throws IOException {
    serve(ch, prefetch, new LinkedBlockingQueue<>());
  }

  /** A server on rpc_queue: replies to reply_to with the correlation id, then acks. */
  private static void serve(Channel ch, int prefetch, LinkedBlockingQueue<Boolean> redelivered) throws IOException {
    ch.queueDeclare("rpc_queue", true, false, false, null);
    ch.basicQos(prefetch);
    ch.basicConsume("rpc_queue", false, (tag, d) -> {
      redelivered.add(d.getEnvelope().isRedeliver());
      ch.basicPublish("", d.getProperties().getReplyTo(),
          new AMQP.BasicProperties.Builder().correlationId(d.getProperties().getCorrelationId()).build(),
          "done".getBytes(UTF_8));
      ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
    }, tag -> { });
  }

  private static LinkedBlockingQueue<String> callbackConsumer(Channel ch, String queue) throws IOException {
    LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    ch.basicConsume(queue, true, (tag, d) -> replies.add(d.getProperties().getCorrelationId()), tag -> { });
    return replies;
  }

  private static boolean connectionListed(WireBroker b, String client) {
    return b.broker.inspect().connections().stream().anyMatch(c -> client.equals(c.clientName()));
  }

  private static boolean queueListed(WireBroker b, String queue) {
    return b.broker.inspect().queues().stream().anyMatch(q -> queue.equals(q.name()));
  }

  private static int unacked(WireBroker b, String client) {
    BrokerView v = b.broker.inspect();
    List<String> ids = v.connections().stream().filter(c -> client.equals(c.clientName()))
        .map(BrokerView.Connection::id).toList();
    return v.channels().stream().filter(c -> ids.contains(c.connection())).mapToInt(BrokerView.Channel::unacked)
        .sum();
  }

  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }

  private static String describe(ShutdownSignalException s) {
    return s.getCause() != null ? s.getCause().getClass().getSimpleName() : String.valueOf(s.getReason());
  }

  private static void expect(List<String> failed, boolean holds, String what, String detail) {
    if (!holds) {
      failed.add(what + (detail.isEmpty() ? "" : " (" + detail + ")"));
    }
  }

  /** Runs {@code run} for every seed, writes the report, and fails on any seed whose expectations did not hold. */
  private static void sweep(String name, String teaching, List<String> expectations, Run run) throws Exception {
    List<Long> seeds = seeds();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    List<Outcome> outcomes = new ArrayList<>();
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (long seed : seeds) {
        futures.add(pool.submit(() -> run.run(seed)));
      }
      for (int i = 0; i < futures.size(); i++) {
        try {
          outcomes.add(futures.get(i).get());
        } catch (java.util.concurrent.ExecutionException e) {
          outcomes.add(new Outcome(seeds.get(i), List.of(), List.of("run failed: " + e.getCause())));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<Outcome> bad = outcomes.stream().filter(o -> !o.failed().isEmpty()).toList();
    StringBuilder report = new StringBuilder("# " + name + "\n\n" + teaching + "\n\n## Expectations\n\n");
    expectations.forEach(e -> report.append("- ").append(e).append('\n'));
    report.append("\n## Runs\n\nSeeds ").append(seeds.get(0)).append("..").append(seeds.get(seeds.size() - 1))
        .append(" (profile rabbitmq-4, RabbitMQ Java client): ").append(outcomes.size() - bad.size()).append(" of ")
        .append(outcomes.size()).append(" passed.\n\n");
    for (Outcome o : outcomes) {
      report.append("- seed ").append(o.seed()).append(o.failed().isEmpty() ? ": pass" : ": FAIL " + o.failed())
          .append("; ").append(String.join("; ", o.observed())).append('\n');
    }
    Path out = Path.of("target", "wire-scenarios", name + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    assertTrue(bad.isEmpty(), name + ": " + bad.size() + " seed(s) failed; report " + out.toAbsolutePath() + "\n"
        + bad.subList(0, Math.min(5, bad.size())));
  }

  private static List<Long> seeds() {
    String spec = System.getProperty("brokersim.wire-scenarios.seeds", "0..99");
    String[] range = spec.split("\\.\\.");
    long from = Long.parseLong(range[0].trim());
    long to = range.length > 1 ? Long.parseLong(range[1].trim()) : from;
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }
}
