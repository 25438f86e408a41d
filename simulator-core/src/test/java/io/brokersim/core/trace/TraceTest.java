package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.TraceEvent.Acked;
import io.brokersim.core.trace.TraceEvent.ChannelOpened;
import io.brokersim.core.trace.TraceEvent.Delivered;
import io.brokersim.core.trace.TraceEvent.Enqueued;
import io.brokersim.core.trace.TraceEvent.Published;
import io.brokersim.core.trace.TraceEvent.QueueDeclared;
import io.brokersim.core.trace.TraceEvent.Routed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {

  private static final String GOLDEN =
      "{\"seq\":1,\"t\":0,\"kind\":\"channel_opened\",\"channel\":\"conn-1/ch-1\"}\n"
          + "{\"seq\":2,\"t\":1000000,\"kind\":\"queue_declared\",\"queue\":\"rpc\",\"durable\":false,"
          + "\"exclusive\":false,\"autoDelete\":false,\"ownerConn\":null}\n"
          + "{\"seq\":3,\"t\":2500000,\"kind\":\"published\",\"msgId\":\"conn-1/ch-1#1\","
          + "\"channel\":\"conn-1/ch-1\",\"exchange\":\"\",\"routingKey\":\"rpc\",\"mandatory\":true,"
          + "\"immediate\":false,\"correlationId\":\"r-1\",\"replyTo\":\"amq.rabbitmq.reply-to.g1\","
          + "\"messageId\":null,\"bodySize\":5}\n"
          + "{\"seq\":4,\"t\":2500000,\"kind\":\"routed\",\"msgId\":\"conn-1/ch-1#1\",\"exchange\":\"\","
          + "\"routingKey\":\"rpc\",\"queues\":[\"rpc\"]}\n"
          + "{\"seq\":5,\"t\":3000000,\"kind\":\"enqueued\",\"msgId\":\"conn-1/ch-1#1\",\"queue\":\"rpc\","
          + "\"depth\":1}\n"
          + "{\"seq\":6,\"t\":1250000000,\"kind\":\"delivered\",\"msgId\":\"conn-1/ch-1#1\",\"queue\":\"rpc\","
          + "\"channel\":\"conn-2/ch-1\",\"consumerTag\":\"amq.ctag-1\",\"deliveryTag\":1,"
          + "\"redelivered\":false,\"autoAck\":false}\n";

  /** Records the golden scenario into {@code sinks}, driving a clock in virtual milliseconds. */
  private static void goldenScenario(TraceSink... sinks) {
    AtomicLong nanos = new AtomicLong();
    Trace trace = Trace.create(nanos::get, sinks);
    trace.record(new ChannelOpened("conn-1/ch-1"));
    nanos.set(1_000_000);
    trace.record(new QueueDeclared("rpc", false, false, false, null));
    nanos.set(2_500_000);
    trace.record(new Published("conn-1/ch-1#1", "conn-1/ch-1", "", "rpc", true, false, "r-1",
        "amq.rabbitmq.reply-to.g1", null, 5));
    trace.record(new Routed("conn-1/ch-1#1", "", "rpc", List.of("rpc")));
    nanos.set(3_000_000);
    trace.record(new Enqueued("conn-1/ch-1#1", "rpc", 1));
    nanos.set(1_250_000_000);
    trace.record(new Delivered("conn-1/ch-1#1", "rpc", "conn-2/ch-1", "amq.ctag-1", 1, false, false));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void jsonLines_smallTrace_matchesGoldenText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonLinesSink sink = JsonLinesSink.to(out);
    goldenScenario(sink);
    assertEquals(GOLDEN, flushed(sink, out));
  }

  @Test
  void jsonLines_writerAndMemorySink_produceSameText() {
    StringWriter writer = new StringWriter();
    JsonLinesSink sink = JsonLinesSink.to(writer);
    MemorySink memory = new MemorySink();
    goldenScenario(sink, memory);
    assertEquals(GOLDEN, writer.toString());
    assertEquals(GOLDEN, memory.toJsonLines());
  }

  @Test
  void hash_ofTraceWrittenToFile_isRecomputedFromTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trace.jsonl");
    HashingSink hash = new HashingSink();
    try (JsonLinesSink sink = JsonLinesSink.to(file)) {
      goldenScenario(sink, hash);
    }
    assertEquals(GOLDEN, Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(hash.hex(), JsonLinesHash.of(file));
    assertEquals(6, hash.records());
  }

  @Test
  void hash_isNotTheSha256OfTheJsonBytes() throws Exception {
    HashingSink hash = new HashingSink();
    goldenScenario(hash);
    assertNotEquals(sha256(GOLDEN.getBytes(StandardCharsets.UTF_8)), hash.hex());
  }

  @Test
  void hash_sameEventsTwice_isEqual() {
    HashingSink first = new HashingSink();
    HashingSink second = new HashingSink();
    goldenScenario(first);
    goldenScenario(second);
    assertEquals(first.hex(), second.hex());
  }

  @Test
  void hash_differentField_orDifferentTime_orDifferentOrder_differs() {
    Set<String> hashes = new HashSet<>();
    hashes.add(hashOf(t -> {
      t.record(new Enqueued("m1", "q", 1));
      t.record(new Acked("m1", "q", "c/ch-1", 1));
    }, 0));
    hashes.add(hashOf(t -> {
      t.record(new Enqueued("m1", "q", 2));
      t.record(new Acked("m1", "q", "c/ch-1", 1));
    }, 0));
    hashes.add(hashOf(t -> {
      t.record(new Enqueued("m1", "q", 1));
      t.record(new Acked("m1", "q", "c/ch-1", 1));
    }, 1));
    hashes.add(hashOf(t -> {
      t.record(new Acked("m1", "q", "c/ch-1", 1));
      t.record(new Enqueued("m1", "q", 1));
    }, 0));
    assertEquals(4, hashes.size());
    assertNotEquals(new HashingSink().hex(), hashOf(t -> t.record(new ChannelOpened("c/ch-1")), 0));
  }

  private static String hashOf(Consumer<Trace> events, long nanos) {
    HashingSink hash = new HashingSink();
    events.accept(Trace.create(() -> nanos, hash));
    return hash.hex();
  }

  @Test
  void json_nonAsciiAndQuotes_areEscapedCanonically() {
    String line = TraceJson.lineString(
        new TraceRecord(7, 42, new TraceEvent.ChannelClosed("c/ch-1", 406, "PRECONDITION_FAILED - \"é\"\n", 60,
            40, "server")));
    assertEquals("{\"seq\":7,\"t\":42,\"kind\":\"channel_closed\",\"channel\":\"c/ch-1\",\"code\":406,"
        + "\"text\":\"PRECONDITION_FAILED - \\\"é\\\"\\n\",\"classId\":60,\"methodId\":40,"
        + "\"initiator\":\"server\"}\n", line);
  }

  @Test
  void record_twoEvents_getSeqFromOneAndClockTime() {
    AtomicLong nanos = new AtomicLong(5);
    MemorySink memory = new MemorySink();
    Trace trace = Trace.create(nanos::get, memory);
    trace.record(new ChannelOpened("a"));
    nanos.set(9);
    trace.record(new ChannelOpened("b"));
    List<TraceRecord> records = memory.records();
    assertEquals(List.of(1L, 2L), records.stream().map(TraceRecord::seq).toList());
    assertEquals(List.of(5L, 9L), records.stream().map(TraceRecord::virtualNanos).toList());
    assertEquals(2, trace.lastSeq());
  }

  @Test
  void record_withoutSinks_onlyCounts() {
    Trace trace = Trace.create(() -> {
      throw new AssertionError("the clock is not read when nothing listens");
    });
    assertFalse(trace.enabled());
    trace.record(new ChannelOpened("a"));
    assertEquals(1, trace.lastSeq());
  }

  @Test
  void record_fromManyThreads_keepsSinksInSeqOrder() throws Exception {
    MemorySink memory = new MemorySink();
    HashingSink hash = new HashingSink();
    AtomicLong clock = new AtomicLong();
    Trace trace = Trace.create(clock::incrementAndGet, memory, hash);
    int threads = 8;
    int perThread = 2_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String channel = "conn-" + t + "/ch-1";
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < perThread; i++) {
          trace.record(new ChannelOpened(channel));
        }
      });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    List<TraceRecord> records = memory.records();
    assertEquals(threads * perThread, records.size());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i + 1, records.get(i).seq());
      assertEquals(i + 1, records.get(i).virtualNanos());
    }
    assertEquals(hash.hex(), JsonLinesHash.of(new StringReader(memory.toJsonLines())));
  }

  @Test
  @Timeout(30) // a record that waited for the first thread would hang here
  void record_whileAnotherThreadFeedsTheSinks_leavesItsEventToThatThreadInOrder() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Long> seen = new ArrayList<>();
    TraceSink slow = r -> {
      seen.add(r.seq());
      if (r.seq() == 1) {
        inSink.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    MemorySink memory = new MemorySink();
    Trace trace = Trace.create(() -> 0, slow, memory);
    Thread first = new Thread(() -> trace.record(new ChannelOpened("c1/ch-1")));
    first.start();
    inSink.await();

    trace.record(new ChannelOpened("c2/ch-1")); // returns although the first thread holds the sinks
    assertEquals(List.of(1L), seen, "the second event waits in the queue");
    assertEquals(2, trace.lastSeq());
    release.countDown();
    first.join();

    assertEquals(List.of(1L, 2L), seen, "the first thread handed over the second event too");
    assertEquals(2, memory.records().size());
  }

  @Test
  @Timeout(30)
  void record_withTooManyEventsQueued_waitsForTheSinks() throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TraceSink slow = r -> {
      if (r.seq() == 1) {
        inSink.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    MemorySink memory = new MemorySink();
    Trace trace = Trace.create(() -> 0, slow, memory);
    Thread first = new Thread(() -> trace.record(new ChannelOpened("c1/ch-1")));
    first.start();
    inSink.await();
    for (int i = 0; i < Trace.MAX_PENDING; i++) {
      trace.record(new ChannelOpened("c2/ch-1")); // queued; returns at once
    }
    Thread over = new Thread(() -> trace.record(new ChannelOpened("c3/ch-1")));
    over.start();
    while (over.getState() != Thread.State.BLOCKED) {
      Thread.sleep(1); // the event past the bound waits for the sinks' lock
    }
    release.countDown();
    first.join();
    over.join();

    List<TraceRecord> records = memory.records();
    assertEquals(Trace.MAX_PENDING + 2, records.size());
    for (int i = 0; i < records.size(); i++) {
      assertEquals(i + 1, records.get(i).seq());
    }
  }

  @Test
  void kind_everyRecord_isUniqueSnakeCase() {
    Set<String> kinds = new HashSet<>();
    for (Class<?> type : TraceEvent.class.getPermittedSubclasses()) {
      if (type.isRecord()) {
        kinds.add(kindOf(type));
      }
    }
    for (Class<?> type : TraceEvent.MessageEvent.class.getPermittedSubclasses()) {
      kinds.add(kindOf(type));
    }
    assertEquals(29, kinds.size(), kinds.toString());
    assertTrue(kinds.stream().allMatch(k -> k.matches("[a-z]+(_[a-z]+)*")), kinds.toString());
  }

  private static String kindOf(Class<?> type) {
    // Every record's JSON names the kind first; encode a record with default values to read it.
    try {
      var components = type.getRecordComponents();
      Object[] args = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        args[i] = types[i] == int.class ? 0 : types[i] == long.class ? 0L
            : types[i] == boolean.class ? false : types[i] == List.class ? List.of() : null;
      }
      return ((TraceEvent) type.getDeclaredConstructor(types).newInstance(args)).kind();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String flushed(JsonLinesSink sink, ByteArrayOutputStream out) {
    try {
      sink.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
