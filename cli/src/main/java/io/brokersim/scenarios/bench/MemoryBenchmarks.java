package io.brokersim.scenarios.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap cost of held state: used heap after a full GC, before and after creating the state, divided by how many
 * there are. The in-process numbers include the client objects of the in-process API; the TCP number is the heap
 * of a separate {@code brokersim serve} process, read with {@code jcmd}, so the Java client's own heap is not in
 * it.
 */
final class MemoryBenchmarks {

  private static final int BODY_BYTES = 100;
  private static final int PUBLISH_BATCH = 10_000;
  private static final Pattern JCMD_USED = Pattern.compile("used (\\d+)K");

  private MemoryBenchmarks() {}

  /** {@code mem-queued-messages}: 100-byte messages sitting in one queue. */
  static List<Measurement> queuedMessages(BenchSettings s) throws Exception {
    int n = s.size(1_000_000, 100_000);
    String name = "mem-queued-messages";
    List<Measurement> rows = new ArrayList<>();
    try (Simulation sim = Simulation.builder().seed(1).profile(s.profile()).keepEvents(false).build()) {
      SimChannel ch = sim.connect("producer").openChannel();
      ch.queueDeclare("mem", false, false, false, null);
      sim.runUntilQuiet();
      long before = usedHeapAfterGc();
      for (int sent = 0; sent < n; sent += PUBLISH_BATCH) {
        for (int i = 0; i < PUBLISH_BATCH; i++) {
          ch.basicPublish("", "mem", null, new byte[BODY_BYTES]);
        }
        sim.runUntilQuiet();
      }
      DeterministicBenchmarks.check(ch.queueDeclarePassive("mem").messageCount() == n, "queue does not hold " + n);
      long after = usedHeapAfterGc();
      rows.add(Measurement.cost(name, "Simulation", (after - before) / (double) n, "bytes/message", String.format(
          "%,d messages of %d bytes (body included) in one queue; fate ledger on, as a Simulation by default", n,
          BODY_BYTES)));
    }
    try (LiveBroker broker = LiveBroker.builder().profile(s.profile()).ledger(false).build()) {
      SimChannel ch = broker.connect("producer").openChannel();
      ch.queueDeclare("mem", false, false, false, null);
      long before = usedHeapAfterGc();
      for (int sent = 0; sent < n; sent += PUBLISH_BATCH) {
        for (int i = 0; i < PUBLISH_BATCH; i++) {
          ch.basicPublish("", "mem", null, new byte[BODY_BYTES]);
        }
        ch.queueDeclarePassive("mem");   // a round trip, so the mailboxes never hold more than one batch
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ch.queueDeclarePassive("mem").messageCount() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      DeterministicBenchmarks.check(ch.queueDeclarePassive("mem").messageCount() == n, "queue does not hold " + n);
      long after = usedHeapAfterGc();
      rows.add(Measurement.cost(name, "LiveBroker", (after - before) / (double) n, "bytes/message",
          "the same in a LiveBroker with ledger(false)"));
    }
    return rows;
  }

  /** {@code mem-idle-connection}: open connections with one channel each, doing nothing. */
  static List<Measurement> idleConnections(BenchSettings s) throws Exception {
    String name = "mem-idle-connection";
    List<Measurement> rows = new ArrayList<>();
    int n = s.size(10_000, 1_000);
    try (Simulation sim = Simulation.builder().seed(1).profile(s.profile()).keepEvents(false).build()) {
      sim.connect("warm").openChannel();
      long before = usedHeapAfterGc();
      List<SimConnection> held = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        SimConnection c = sim.connect("idle-" + i);
        c.openChannel();
        held.add(c);
      }
      long after = usedHeapAfterGc();
      rows.add(Measurement.cost(name, "in-process", (after - before) / (double) n, "bytes/connection",
          String.format("%,d Simulation connections with one channel each (client objects included)", held.size())));
    }
    try {
      rows.add(tcpIdleConnections(s, s.size(1_000, 100)));
    } catch (Exception e) {
      rows.add(Measurement.notMeasured(name, "TCP", "bytes/connection", ServerProcess.whyUnavailable(e)));
    }
    return rows;
  }

  private static Measurement tcpIdleConnections(BenchSettings s, int n) throws Exception {
    String name = "mem-idle-connection";
    if (s.uri() != null) {
      return Measurement.notMeasured(name, "TCP", "bytes/connection", "the server at --uri is not this JVM's child");
    }
    if (s.brokersimJar() == null) {
      return Measurement.notMeasured(name, "TCP", "bytes/connection", "brokersim.jar not found");
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!jcmd.toFile().canExecute()) {
      return Measurement.notMeasured(name, "TCP", "bytes/connection", "no jcmd in " + jcmd.getParent());
    }
    ExecutorService shared = Executors.newFixedThreadPool(2);
    List<String> serve = ServerProcess.brokersimServe(s.brokersimJar(), s.profile().name(), List.of());
    try (ServerProcess server = ServerProcess.start(serve)) {
      URI announced = server.awaitAnnounced();
      ConnectionFactory f = WireBenchmarks.factory(new URI("amqp", "guest:guest", announced.getHost(),
          announced.getPort(), null, null, null));
      f.setSharedExecutor(shared);
      List<Connection> held = new ArrayList<>(n + 1);
      try {
        Connection warm = f.newConnection("warm");
        warm.createChannel();
        held.add(warm);
        long before = remoteHeapUsed(jcmd, server.pid());
        for (int i = 0; i < n; i++) {
          Connection c = f.newConnection("idle-" + i);
          Channel ch = c.createChannel();
          ch.basicQos(1);   // a round trip on the channel, so the server has finished opening it
          held.add(c);
        }
        long after = remoteHeapUsed(jcmd, server.pid());
        return Measurement.cost(name, "TCP", (after - before) / (double) n, "bytes/connection", String.format(
            "%,d Java client connections with one channel each; heap of the brokersim serve process (jcmd)", n));
      } finally {
        for (Connection c : held) {
          try {
            c.abort(1_000);
          } catch (RuntimeException e) {
            // Closing is best effort: the server process is stopped next anyway.
          }
        }
      }
    } finally {
      shared.shutdownNow();
    }
  }

  /** Used heap of another JVM after a full GC, read with {@code jcmd PID GC.run} and {@code GC.heap_info}. */
  static long remoteHeapUsed(Path jcmd, long pid) throws IOException, InterruptedException {
    run(jcmd, pid, "GC.run");
    run(jcmd, pid, "GC.run");
    String info = run(jcmd, pid, "GC.heap_info");
    Matcher m = JCMD_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String run(Path jcmd, long pid, String what) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + what + " failed: " + out);
    }
    return out;
  }

  /** Used heap after full collections (System.gc() is a full, stop-the-world GC with the default G1). */
  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
