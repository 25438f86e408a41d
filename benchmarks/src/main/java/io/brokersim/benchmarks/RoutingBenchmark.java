package io.brokersim.benchmarks;

import io.brokersim.core.model.Binding;
import io.brokersim.core.model.BindingTable;
import io.brokersim.core.model.Destination;
import io.brokersim.core.model.ExchangeType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BindingTable#route} per exchange type, with {@code bindings} bindings on the exchange: the per-publish
 * cost of choosing destinations. Each publish matches one binding (direct), three patterns (topic: a literal
 * key, a {@code *} and a {@code #} pattern), or one binding (headers, {@code x-match=all} on two headers).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {

  @Param({"10", "1000"})
  public int bindings;

  BindingTable<Destination> direct;
  BindingTable<Destination> topic;
  BindingTable<Destination> headers;
  String directKey;
  String topicKey;
  Map<String, Object> messageHeaders;

  @Setup
  public void setUp() {
    direct = BindingTable.create(ExchangeType.DIRECT);
    topic = BindingTable.create(ExchangeType.TOPIC);
    headers = BindingTable.create(ExchangeType.HEADERS);
    for (int i = 0; i < bindings; i++) {
      Destination q = Destination.queue("q-" + i);
      direct.add(Binding.of(q, "key-" + i));
      // Topic keys of three shapes, one of each matching the benchmark's routing key when i == bindings / 2.
      String pattern = switch (i % 3) {
        case 0 -> "orders." + i + ".created";
        case 1 -> "orders.*." + i;
        default -> "audit." + i + ".#";
      };
      topic.add(Binding.of(q, pattern));
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("x-match", "all");
      args.put("region", "eu-" + i);
      args.put("kind", "order");
      headers.add(new Binding<>(q, "", args));
    }
    int mid = bindings / 2;
    topic.add(Binding.of(Destination.queue("star"), "orders.*.created"));
    topic.add(Binding.of(Destination.queue("hash"), "orders.#"));
    directKey = "key-" + mid;
    topicKey = "orders." + (mid - mid % 3) + ".created";
    messageHeaders = new LinkedHashMap<>();
    messageHeaders.put("region", "eu-" + mid);
    messageHeaders.put("kind", "order");
  }

  @Benchmark
  public List<Destination> direct() {
    return direct.route(directKey, null);
  }

  @Benchmark
  public List<Destination> topic() {
    return topic.route(topicKey, null);
  }

  @Benchmark
  public List<Destination> headers() {
    return headers.route("", messageHeaders);
  }
}
