package io.brokersim.benchmarks;

import io.brokersim.core.model.Message;
import io.brokersim.core.model.QueueConsumer;
import io.brokersim.core.model.QueueState;
import io.brokersim.core.model.QueuedMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link QueueState}, the queue's pure rules, per message: enqueue, hand to a consumer (prefetch 1000), ack;
 * and the same in batches of 1000 (enqueue all, one {@code deliverReady}, ack all), as a busy queue actor sees
 * it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QueueStateBenchmark {

  static final int BATCH = 1_000;

  QueueState<String> queue;
  Message message;

  @Setup
  public void setUp() {
    queue = new QueueState<>();
    queue.addConsumer(new QueueConsumer<>("channel", "conn-1/ch-1", "amq.ctag-1", false, false, BATCH));
    message = new Message("m-1", "", "bench", null, new byte[100]);
  }

  /** One message: enqueue, deliver, ack. */
  @Benchmark
  public QueuedMessage enqueueDeliverAck() {
    queue.enqueue(message, Long.MAX_VALUE);
    List<QueueState.Delivery<String>> out = queue.deliverReady();
    return queue.ack(out.get(0).deliveryId());
  }

  /** 1000 messages: enqueue all, deliver all in one call, ack each; time per message. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batchOf1000(Blackhole bh) {
    for (int i = 0; i < BATCH; i++) {
      queue.enqueue(message, Long.MAX_VALUE);
    }
    List<QueueState.Delivery<String>> out = queue.deliverReady();
    for (QueueState.Delivery<String> d : out) {
      bh.consume(queue.ack(d.deliveryId()));
    }
  }
}
