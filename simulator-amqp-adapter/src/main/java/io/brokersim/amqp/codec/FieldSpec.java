package io.brokersim.amqp.codec;

import java.util.Objects;

/**
 * One method argument or content property: its spec name ({@code "routing-key"}), its wire type and the
 * Java record component that carries it.
 *
 * <p>The component is the spec name in camel case, except where that would clash with {@link
 * AmqpMethod#classId()} and {@link AmqpMethod#methodId()}: {@code connection.close} and
 * {@code channel.close} carry their {@code class-id} and {@code method-id} as {@code failingClassId} and
 * {@code failingMethodId}.
 */
public record FieldSpec(String name, FieldType type, String component) {

  public FieldSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(component, "component");
  }

  /** A field whose record component is the camel-case form of its spec name. */
  public static FieldSpec of(String name, FieldType type) {
    return new FieldSpec(name, type, camelCase(name));
  }

  /** {@code "routing-key"} to {@code "routingKey"}. */
  static String camelCase(String specName) {
    StringBuilder b = new StringBuilder(specName.length());
    boolean upper = false;
    for (char c : specName.toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }
}
