package io.brokersim.core.fault;

import com.typesafe.config.Config;
import io.brokersim.core.model.RandomSource;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A custom fault action, the worked example of the SPI in docs/faults.md: delays the event by a time
 * drawn from {@code [min, max)} with the rule's own seeded stream, so the same seed gives the same
 * delays. Fault file: {@code action { type = jitter, min = 10ms, max = 200ms }}.
 */
final class JitterFault implements FaultAction {
  private static final Set<String> SETTINGS = Set.of("type", "min", "max");

  private final Duration min;
  private final Duration max;

  JitterFault(Duration min, Duration max) {
    if (min.isNegative() || max.compareTo(min) <= 0) {
      throw new IllegalArgumentException("jitter needs 0 <= min < max, was min = " + min + ", max = " + max);
    }
    this.min = min;
    this.max = max;
  }

  /** Reads {@code action { type = jitter, min = …, max = … }}, rejecting unknown settings like the built-ins. */
  static JitterFault fromConfig(Config action) {
    for (String key : action.root().keySet()) {
      if (!SETTINGS.contains(key)) {
        throw new IllegalArgumentException("unknown setting '" + key + "'; jitter takes min and max");
      }
    }
    return new JitterFault(action.getDuration("min"), action.getDuration("max"));
  }

  @Override
  public String name() {
    return "jitter";
  }

  @Override
  public List<Effect> apply(FaultEvent event, RandomSource random) {
    long spanNanos = max.toNanos() - min.toNanos();
    return List.of(new Effect.Delay(min.plusNanos((long) (random.nextDouble() * spanNanos))));
  }
}
