package io.brokersim.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.model.Destination;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;

/** Each benchmark method once, outside JMH, so a broken benchmark fails the build instead of the next run. */
class BenchmarksSmokeTest {

  private static final String BLACKHOLE_CONSENT =
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";

  @Test
  void routing_eachTypeFindsItsBindings() {
    RoutingBenchmark b = new RoutingBenchmark();
    b.bindings = 10;
    b.setUp();
    assertEquals(List.of(Destination.queue("q-5")), b.direct());
    assertEquals(List.of(Destination.queue("q-3"), Destination.queue("star"), Destination.queue("hash")), b.topic());
    assertEquals(List.of(Destination.queue("q-5")), b.headers());
  }

  @Test
  void frameCodec_decodesWhatItEncodes() {
    FrameCodecBenchmark b = new FrameCodecBenchmark();
    b.setUp();
    assertEquals(3, b.decodePublish().size());
    assertEquals(1, b.decodeAck().size());
    assertEquals(3, b.encodeDeliver().size());   // framing, the body slice, the end octet
    assertEquals(b.ackBytes.length, b.encodeAck().length);
  }

  @Test
  void queueState_settlesEveryMessage() {
    QueueStateBenchmark b = new QueueStateBenchmark();
    b.setUp();
    b.enqueueDeliverAck();
    b.batchOf1000(new Blackhole(BLACKHOLE_CONSENT));
    assertEquals(0, b.queue.readyCount());
    assertEquals(0, b.queue.unackedCount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"full", "no-hash", "no-ledger", "none"})
  void deterministicLoop_acksEveryMessageAndAnswersEveryCall(String recording) {
    DeterministicLoopBenchmark b = new DeterministicLoopBenchmark();
    b.recording = recording;
    b.start();
    try {
      assertEquals(DeterministicLoopBenchmark.BATCH, b.publishToAck());
      assertEquals(0, b.rpcDirectReplyTo());
    } finally {
      b.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ledger", "none"})
  void sharedTrace_recordsFiveEventsPerMessageFromEachThread(String sinks) {
    SharedTraceBenchmark b = new SharedTraceBenchmark();
    b.sinks = sinks;
    b.setUp();
    SharedTraceBenchmark.Recorder first = new SharedTraceBenchmark.Recorder();
    first.setUp(b);
    SharedTraceBenchmark.Recorder second = new SharedTraceBenchmark.Recorder();
    second.setUp(b);
    for (int i = 0; i < 3; i++) {
      b.publishToAck(first);
      b.publishToAck(second);
    }
    assertEquals(30, b.trace.lastSeq());
    assertEquals(sinks.equals("ledger") ? 6 : 0, b.ledger.size());
    assertEquals(0, b.ledger.stillLive().size());
  }
}
