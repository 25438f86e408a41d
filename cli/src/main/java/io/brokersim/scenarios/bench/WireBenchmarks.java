package io.brokersim.scenarios.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.scenarios.bench.TimedLoop.Rate;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The simulator over TCP, measured with the unmodified RabbitMQ Java client, against a server started here
 * (a {@link LiveBroker} and its {@link AmqpServer} on a free loopback port, a fresh one per benchmark) or against
 * any broker at {@code --uri}, so the same harness measures RabbitMQ.
 *
 * <p>Rates are counted at the consumer, over the measurement window only, after the warmup. The producer is
 * bounded (at most {@link #CONSUME_WINDOW} messages published and not yet consumed), so a benchmark measures
 * the broker's sustained rate rather than how fast a queue can grow; both brokers get the same bound.
 */
final class WireBenchmarks {

  static final int BODY_BYTES = 100;
  /** Messages published but not yet consumed, at most. */
  static final int CONSUME_WINDOW = 10_000;
  /** Publishes not yet confirmed, at most (confirm mode). */
  static final int CONFIRM_WINDOW = 1_000;
  static final int PREFETCH = 1_000;
  private static final long STOP_WAIT_MILLIS = 5_000;
  private static final int CLOSE_TIMEOUT_MILLIS = 5_000;

  private WireBenchmarks() {}

  // ------------------------------------------------------------------------------------ the server

  /**
   * The server the wire benchmarks talk to: a LiveBroker and its AMQP server started in this JVM; or
   * {@code --uri}; or, with {@code --serve-command} too, a process spawned for this benchmark and stopped after
   * it, so each benchmark starts from a fresh broker either way.
   */
  static final class Target implements AutoCloseable {
    final ConnectionFactory factory;
    private final LiveBroker broker;
    private final AmqpServer server;
    private final ServerProcess process;

    private Target(ConnectionFactory factory, LiveBroker broker, AmqpServer server, ServerProcess process) {
      this.factory = factory;
      this.broker = broker;
      this.server = server;
      this.process = process;
    }

    static Target open(BenchSettings s) throws Exception {
      if (s.uri() != null) {
        ServerProcess process = s.serveCommand().isEmpty() ? null
            : ServerProcess.startServing(s.serveCommand(), s.uri());
        return new Target(factory(s.uri()), null, null, process);
      }
      LiveBroker broker = LiveBroker.builder().profile(s.profile()).ledger(false).systemName("brokersim-bench")
          .build();
      try {
        AmqpServer server = AmqpServer.builder(broker)
            .config(ConfigFactory.parseString("brokersim.server { host = \"127.0.0.1\", port = 0 }"))
            .memoryGauge(WireBenchmarks::heapAfterLastGc).start();
        URI uri = new URI("amqp://guest:guest@127.0.0.1:" + server.address().getPort());
        return new Target(factory(uri), broker, server, null);
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
    }

    Client connect(String name) throws Exception {
      return new Client(factory.newConnection(name));
    }

    @Override
    public void close() {
      if (server != null) {
        try {
          server.close();
        } finally {
          broker.close();
        }
      }
      if (process != null) {
        process.close();
      }
    }
  }

  /**
   * A client connection whose close never hangs a benchmark: it waits {@link #CLOSE_TIMEOUT_MILLIS} for the
   * server's {@code connection.close-ok} (the Java client's {@code close()} waits forever), then drops the socket.
   */
  record Client(Connection connection) implements AutoCloseable {
    Channel createChannel() throws IOException {
      return connection.createChannel();
    }

    @Override
    public void close() {
      try {
        connection.close(CLOSE_TIMEOUT_MILLIS);
      } catch (IOException | RuntimeException e) {
        connection.abort(CLOSE_TIMEOUT_MILLIS);
      }
    }
  }

  /**
   * The heap the in-process server's memory alarm sees: what the heap pools held after their last collection.
   * The server's default gauge reads the used heap, garbage included; in the bench JVM the other benchmarks'
   * garbage would trip the alarm (measured: 5 GB of a 6 GB heap, alarm at 80%) and the server would stop reading
   * from publishers. A separate {@code brokersim serve} keeps its default gauge.
   */
  static long heapAfterLastGc() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
      if (afterGc != null) {
        used += afterGc.getUsed();
      }
    }
    return used;
  }

  static ConnectionFactory factory(URI uri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    f.setConnectionTimeout(5_000);
    f.setHandshakeTimeout(10_000);
    f.setChannelRpcTimeout(30_000);
    f.setShutdownTimeout(2_000);
    f.setAutomaticRecoveryEnabled(false);
    f.setTopologyRecoveryEnabled(false);
    return f;
  }

  /** The URI without its password, for reports. */
  static String redact(URI uri) {
    try {
      String user = uri.getUserInfo() == null ? null : uri.getUserInfo().replaceAll(":.*", ":***");
      return new URI(uri.getScheme(), user, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
  }

  // ------------------------------------------------------------------------------------ 1 producer / 1 consumer

  /**
   * {@code wire-pubsub-autoack} or {@code wire-pubsub-confirm-ack}: one producer connection publishing
   * 100-byte messages to a queue, one consumer connection consuming it; with {@code confirms} the producer is in
   * confirm mode (at most {@link #CONFIRM_WINDOW} unconfirmed) and the consumer acks every message (prefetch
   * {@link #PREFETCH}), else the consumer uses auto-ack.
   */
  static List<Measurement> pubSub(BenchSettings s, boolean confirms) throws Exception {
    String name = confirms ? "wire-pubsub-confirm-ack" : "wire-pubsub-autoack";
    try (Target t = Target.open(s);
        Client consumerConnection = t.connect("bench-consumer");
        Client producerConnection = t.connect("bench-producer")) {
      Channel consumer = consumerConnection.createChannel();
      String queue = "bench-pubsub-" + System.nanoTime();
      consumer.queueDeclare(queue, false, false, true, null);
      Semaphore window = new Semaphore(CONSUME_WINDOW);
      AtomicLong consumed = new AtomicLong();
      if (confirms) {
        consumer.basicQos(PREFETCH);
      }
      consumer.basicConsume(queue, !confirms, (tag, d) -> {
        if (confirms) {
          consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
        }
        consumed.incrementAndGet();
        window.release();
      }, tag -> { });

      AtomicReference<String> blocked = new AtomicReference<>();
      producerConnection.connection().addBlockedListener(reason -> blocked.compareAndSet(null, reason), () -> { });
      Channel producer = producerConnection.createChannel();
      Semaphore unconfirmed = new Semaphore(CONFIRM_WINDOW);
      ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
      if (confirms) {
        producer.confirmSelect();
        producer.addConfirmListener(new ConfirmListener() {
          @Override
          public void handleAck(long seq, boolean multiple) {
            settle(seq, multiple);
          }

          @Override
          public void handleNack(long seq, boolean multiple) {
            settle(seq, multiple);
          }

          private void settle(long seq, boolean multiple) {
            if (multiple) {
              ConcurrentNavigableMap<Long, Boolean> done = outstanding.headMap(seq, true);
              int n = done.size();
              done.clear();
              unconfirmed.release(n);
            } else if (outstanding.remove(seq) != null) {
              unconfirmed.release();
            }
          }
        });
      }
      byte[] body = new byte[BODY_BYTES];
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread publisher = new Thread(() -> {
        try {
          while (!stop.get()) {
            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue;
            }
            if (confirms) {
              while (!unconfirmed.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (stop.get()) {
                  return;
                }
              }
              outstanding.put(producer.getNextPublishSeqNo(), Boolean.TRUE);
            }
            producer.basicPublish("", queue, null, body);
          }
        } catch (Exception e) {
          failure.set(e);
        }
      }, "bench-publisher");
      publisher.start();
      try {
        Rate r = measureWindow(s, consumed, failure);
        return List.of(Measurement.rate(name, "throughput", r.perSecond(), "msgs/s", String.format(
            "%,d messages of %d bytes consumed; %s; at most %,d unconsumed%s", r.operations(), BODY_BYTES,
            confirms ? "publisher confirms (" + CONFIRM_WINDOW + " outstanding), manual ack each, prefetch "
                + PREFETCH : "auto-ack", CONSUME_WINDOW,
            blocked.get() == null ? "" : "; the server blocked the producer (" + blocked.get() + ")")));
      } finally {
        stop.set(true);
        publisher.join(STOP_WAIT_MILLIS);
      }
    }
  }

  // ------------------------------------------------------------------------------------ N producers / N consumers

  /**
   * {@code wire-pubsub-4x4}: {@code pairs} producer connections, each publishing 100-byte messages to its own
   * queue, and {@code pairs} consumer connections, one per queue, auto-ack; each pair bounded like
   * {@code wire-pubsub-autoack}. Nothing is shared between the pairs but the broker, so the rate grows with the
   * cores the broker may use unless something in it serialises them.
   */
  static List<Measurement> pubSubPairs(BenchSettings s, int pairs) throws Exception {
    String name = "wire-pubsub-" + pairs + "x" + pairs;
    AtomicLong consumed = new AtomicLong();
    AtomicLong[] perQueue = new AtomicLong[pairs];
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> publishers = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    try (Target t = Target.open(s)) {
      try {
        byte[] body = new byte[BODY_BYTES];
        for (int i = 0; i < pairs; i++) {
          Client consumerConnection = t.connect("bench-consumer-" + i);
          clients.add(consumerConnection);
          Client producerConnection = t.connect("bench-producer-" + i);
          clients.add(producerConnection);
          Channel consumer = consumerConnection.createChannel();
          String queue = "bench-pubsub-" + i + "-" + System.nanoTime();
          consumer.queueDeclare(queue, false, false, true, null);
          Semaphore window = new Semaphore(CONSUME_WINDOW);
          AtomicLong mine = perQueue[i] = new AtomicLong();
          consumer.basicConsume(queue, true, (tag, d) -> {
            consumed.incrementAndGet();
            mine.incrementAndGet();
            window.release();
          }, tag -> { });
          Channel producer = producerConnection.createChannel();
          Thread publisher = new Thread(() -> {
            try {
              while (!stop.get()) {
                if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                  producer.basicPublish("", queue, null, body);
                }
              }
            } catch (Exception e) {
              failure.compareAndSet(null, e);
            }
          }, "bench-publisher-" + i);
          publishers.add(publisher);
        }
        publishers.forEach(Thread::start);
        Thread.sleep(s.warmup().toMillis());
        long[] before = new long[pairs];
        for (int i = 0; i < pairs; i++) {
          before[i] = perQueue[i].get();
        }
        long c0 = consumed.get();
        long t0 = System.nanoTime();
        Thread.sleep(s.measure().toMillis());
        Rate r = new Rate(consumed.get() - c0, System.nanoTime() - t0);
        long slowest = Long.MAX_VALUE;
        long fastest = 0;
        for (int i = 0; i < pairs; i++) {
          long n = perQueue[i].get() - before[i];
          slowest = Math.min(slowest, n);
          fastest = Math.max(fastest, n);
        }
        if (failure.get() != null) {
          throw failure.get();
        }
        DeterministicBenchmarks.check(slowest > 0, "a queue had nothing consumed in " + s.measure());
        double seconds = r.nanos() / 1e9;
        return List.of(Measurement.rate(name, "throughput", r.perSecond(), "msgs/s", String.format(
            "%,d messages of %d bytes consumed from %d queues, auto-ack, %d producer and %d consumer connections;"
                + " per queue %,.0f to %,.0f msgs/s", r.operations(), BODY_BYTES, pairs, pairs, pairs,
            slowest / seconds, fastest / seconds)));
      } finally {
        stop.set(true);
        for (Thread p : publishers) {
          p.join(STOP_WAIT_MILLIS);
        }
        clients.forEach(Client::close);
      }
    }
  }

  /** Sleeps through the warmup, then counts {@code done} over the measurement window. */
  private static Rate measureWindow(BenchSettings s, AtomicLong done, AtomicReference<Exception> failure)
      throws Exception {
    Thread.sleep(s.warmup().toMillis());
    long c0 = done.get();
    long t0 = System.nanoTime();
    Thread.sleep(s.measure().toMillis());
    long c1 = done.get();
    long t1 = System.nanoTime();
    if (failure.get() != null) {
      throw failure.get();
    }
    DeterministicBenchmarks.check(c1 > c0, "nothing was consumed in " + s.measure());
    return new Rate(c1 - c0, t1 - t0);
  }

  // ------------------------------------------------------------------------------------ RPC

  /**
   * {@code wire-rpc-direct-N} or {@code wire-rpc-callback-N}: an RPC server connection (manual ack, prefetch
   * {@link #PREFETCH}, replies with the request body) and a client connection keeping {@code inFlight} calls
   * outstanding: each reply sends the next call. Latency is request publish to reply delivery, at the client.
   */
  static List<Measurement> rpc(BenchSettings s, boolean direct, int inFlight) throws Exception {
    String name = "wire-rpc-" + (direct ? "direct" : "callback") + "-" + inFlight;
    try (Target t = Target.open(s);
        Client serverConnection = t.connect("bench-rpc-server");
        Client clientConnection = t.connect("bench-rpc-client")) {
      Channel server = serverConnection.createChannel();
      String rpcQueue = "bench-rpc-" + System.nanoTime();
      server.queueDeclare(rpcQueue, false, false, true, null);
      server.basicQos(PREFETCH);
      server.basicConsume(rpcQueue, false, (tag, request) -> {
        AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
            .correlationId(request.getProperties().getCorrelationId()).build();
        server.basicPublish("", request.getProperties().getReplyTo(), reply, request.getBody());
        server.basicAck(request.getEnvelope().getDeliveryTag(), false);
      }, tag -> { });

      Channel client = clientConnection.createChannel();
      String replyTo = direct ? "amq.rabbitmq.reply-to" : client.queueDeclare().getQueue();
      ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
      AtomicLong ids = new AtomicLong();
      AtomicLong answered = new AtomicLong();
      AtomicBoolean recording = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Exception> failure = new AtomicReference<>();
      Latencies latencies = new Latencies();
      byte[] body = new byte[BODY_BYTES];
      RpcCaller caller = () -> {
        String id = Long.toString(ids.incrementAndGet());
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().correlationId(id).replyTo(replyTo).build();
        sentAt.put(id, System.nanoTime());
        client.basicPublish("", rpcQueue, props, body);
      };
      client.basicConsume(replyTo, true, (tag, reply) -> {
        Long sent = sentAt.remove(reply.getProperties().getCorrelationId());
        if (sent == null) {
          return;
        }
        if (recording.get()) {
          latencies.record(System.nanoTime() - sent);
          answered.incrementAndGet();
        }
        if (!stop.get()) {
          try {
            caller.call();
          } catch (Exception e) {
            failure.compareAndSet(null, e);
          }
        }
      }, tag -> { });
      for (int i = 0; i < inFlight; i++) {
        caller.call();
      }
      Thread.sleep(s.warmup().toMillis());
      recording.set(true);
      long t0 = System.nanoTime();
      Thread.sleep(s.measure().toMillis());
      recording.set(false);
      long t1 = System.nanoTime();
      stop.set(true);
      long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
      while (!sentAt.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      if (failure.get() != null) {
        throw failure.get();
      }
      long calls = latencies.count();
      DeterministicBenchmarks.check(calls > 0, "no RPC reply arrived in " + s.measure());
      String note = String.format("%,d calls of %d bytes over %s, %d in flight; server acks each request", calls,
          BODY_BYTES, direct ? "direct reply-to" : "an exclusive callback queue", inFlight);
      return List.of(
          Measurement.rate(name, "round trips", new Rate(answered.get(), t1 - t0).perSecond(), "calls/s", note),
          Measurement.cost(name, "p50", latencies.percentile(50) / 1e3, "µs", "request publish to reply delivery"),
          Measurement.cost(name, "p99", latencies.percentile(99) / 1e3, "µs", "request publish to reply delivery"));
    }
  }

  @FunctionalInterface
  private interface RpcCaller {
    void call() throws Exception;
  }
}
