package io.brokersim.core.model;

import java.util.Map;
import java.util.Optional;

/** An exchange's declared identity. */
public record ExchangeSpec(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
    Map<String, Object> arguments) {

  public ExchangeSpec {
    arguments = arguments == null ? Map.of() : arguments;
  }

  /** The first inequivalence with a redeclare (RabbitMQ-formatted received/current), if any. */
  public Optional<QueueSpec.Difference> firstDifference(String newType, boolean newDurable, boolean newAutoDelete,
      boolean newInternal) {
    if (!type.wireName().equals(newType)) {
      return Optional.of(new QueueSpec.Difference("type", "'" + newType + "'", "'" + type.wireName() + "'"));
    }
    if (durable != newDurable) {
      return Optional.of(new QueueSpec.Difference("durable", "'" + newDurable + "'", "'" + durable + "'"));
    }
    if (autoDelete != newAutoDelete) {
      return Optional.of(new QueueSpec.Difference("auto_delete", "'" + newAutoDelete + "'", "'" + autoDelete + "'"));
    }
    if (internal != newInternal) {
      return Optional.of(new QueueSpec.Difference("internal", "'" + newInternal + "'", "'" + internal + "'"));
    }
    return Optional.empty();
  }
}
