package io.brokersim.benchmarks;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The deterministic loop end to end, on one thread: a batch of 1000 publishes (or RPC calls) and
 * {@code runUntilQuiet()}, which routes, enqueues, delivers and acks them all through the actors, with the trace
 * hash and fate ledger on ({@code recording=full}, the default) or turned off as a user can turn them off
 * ({@code -p recording=no-hash,no-ledger,none}). Throughput is per message (per call). A fresh simulation per
 * iteration keeps the fate ledger, which remembers every message of a run, from growing across the whole benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeterministicLoopBenchmark {

  static final int BATCH = 1_000;
  static final String QUEUE = "bench";
  static final String RPC_QUEUE = "rpc_queue";

  /** What the simulation records: both trace hash and ledger, one of them, or neither. */
  @Param({"full", "no-hash", "no-ledger", "none"})
  String recording;

  Simulation sim;
  SimChannel producer;
  RpcClient rpc;
  byte[] body;
  long acked;
  long seed;

  @Setup(Level.Iteration)
  public void start() {
    boolean hash = recording.equals("full") || recording.equals("no-ledger");
    boolean ledger = recording.equals("full") || recording.equals("no-hash");
    sim = Simulation.builder().seed(++seed).profile(BrokerProfile.RABBITMQ_3).keepEvents(false).traceHash(hash)
        .ledger(ledger).build();
    SimChannel consumer = sim.connect("consumer").openChannel();
    consumer.queueDeclare(QUEUE, false, false, false, null);
    consumer.basicQos(BATCH);
    consumer.basicConsume(QUEUE, false, (ch, d) -> {
      ch.basicAck(d.deliveryTag(), false);
      acked++;
    });
    producer = sim.connect("producer").openChannel();

    SimChannel server = sim.connect("rpc-server").openChannel();
    server.queueDeclare(RPC_QUEUE, false, false, false, null);
    server.basicQos(BATCH);
    server.basicConsume(RPC_QUEUE, false, (ch, request) -> {
      BasicProperties p = request.properties();
      ch.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
          request.body());
      ch.basicAck(request.deliveryTag(), false);
    });
    rpc = RpcClient.directReplyTo(sim.connect("rpc-client").openChannel(), BrokerProfile.RABBITMQ_REPLY_TO, "",
        RPC_QUEUE, Duration.ofSeconds(30));
    body = new byte[100];
    sim.runUntilQuiet();
  }

  @TearDown(Level.Iteration)
  public void stop() {
    sim.close();
  }

  /** 1000 messages: publish, route, enqueue, deliver, ack (1 producer, 1 consumer, prefetch 1000). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long publishToAck() {
    for (int i = 0; i < BATCH; i++) {
      producer.basicPublish("", QUEUE, null, body);
    }
    sim.runUntilQuiet();
    return acked;
  }

  /** 1000 RpcClient calls over direct reply-to, all in flight at once; the server acks each request. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int rpcDirectReplyTo() {
    for (int i = 0; i < BATCH; i++) {
      rpc.callAsync(null, body);
    }
    sim.runUntilQuiet();
    return rpc.pending();
  }
}
