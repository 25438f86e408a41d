package io.brokersim.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One binding of an exchange (spec: queue.bind / exchange.bind): where matching messages go, the binding key and
 * the binding arguments.
 *
 * <p>The destination is generic so the same rules serve queue bindings and exchange-to-exchange bindings; it must
 * have value equality. Arguments keep the caller's order, may hold {@code null} (void) values and are never
 * {@code null} themselves (absent = empty table). Two bindings are equal when destination, key and arguments are
 * equal, the arguments compared as RabbitMQ compares them (see {@link FieldValues#tablesEqual}); that equality is
 * what makes binding idempotent. Values inside the arguments must not be mutated after construction.
 */
public record Binding<D>(D destination, String routingKey, Map<String, Object> arguments) {

  public Binding {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(routingKey, "routingKey");
    if (arguments == null || arguments.isEmpty()) {
      arguments = Map.of();
    } else {
      // LinkedHashMap, not Map.copyOf: void arguments are null values, and the order stays the caller's.
      LinkedHashMap<String, Object> copy = new LinkedHashMap<>(arguments);
      if (copy.containsKey(null)) {
        throw new NullPointerException("binding argument name");
      }
      arguments = Collections.unmodifiableMap(copy);
    }
  }

  /** A binding without arguments. */
  public static <D> Binding<D> of(D destination, String routingKey) {
    return new Binding<>(destination, routingKey, Map.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Binding<?> b
        && destination.equals(b.destination)
        && routingKey.equals(b.routingKey)
        && FieldValues.tablesEqual(arguments, b.arguments);
  }

  @Override
  public int hashCode() {
    return (destination.hashCode() * 31 + routingKey.hashCode()) * 31 + FieldValues.tableHash(arguments);
  }
}
