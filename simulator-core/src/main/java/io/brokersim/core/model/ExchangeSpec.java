package io.brokersim.core.model;

import java.util.Map;
import java.util.Optional;

/** An exchange's declared identity. */
public record ExchangeSpec(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
    Map<String, Object> arguments) {

  /** The argument naming the exchange that gets what this one cannot route. */
  public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

  public ExchangeSpec {
    arguments = arguments == null ? Map.of() : arguments;
  }

  /** LavinMQ's other name for {@link #ALTERNATE_EXCHANGE}. */
  public static final String X_ALTERNATE_EXCHANGE = "x-alternate-exchange";

  /**
   * The alternate exchange's name as RabbitMQ reads it: {@code alternate-exchange}, a long string (other types
   * are refused on declare), or null.
   */
  public String alternateExchange() {
    return arguments.get(ALTERNATE_EXCHANGE) instanceof String s ? s : null;
  }

  /** The first inequivalence with a redeclare (RabbitMQ-formatted received/current), if any. */
  public Optional<QueueSpec.Difference> firstDifference(String newType, boolean newDurable, boolean newAutoDelete,
      boolean newInternal, Map<String, Object> newArguments) {
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
    Object mine = arguments.get(ALTERNATE_EXCHANGE);
    Object theirs = newArguments == null ? null : newArguments.get(ALTERNATE_EXCHANGE);
    if (!QueueSpec.sameValue(mine, theirs)) {
      return Optional.of(QueueSpec.Difference.ofArgument(ALTERNATE_EXCHANGE, theirs, mine));
    }
    return Optional.empty();
  }
}
