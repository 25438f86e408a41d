package io.brokersim.amqp.codec;

import java.util.Locale;
import java.util.Map;

/**
 * The primitive wire types that the spec's domains resolve to, with the Java type a method record uses
 * for each. Octet, short and long are unsigned on the wire, hence {@code int}, {@code int} and
 * {@code long} in Java.
 */
public enum FieldType {
  BIT(boolean.class),
  OCTET(int.class),
  SHORT(int.class),
  LONG(long.class),
  LONGLONG(long.class),
  SHORTSTR(String.class),
  LONGSTR(LongString.class),
  TABLE(Map.class),
  TIMESTAMP(long.class);

  private final Class<?> javaType;

  FieldType(Class<?> javaType) {
    this.javaType = javaType;
  }

  /** The Java type of a method record component of this wire type. */
  public Class<?> javaType() {
    return javaType;
  }

  /** The Java type of a nullable content property of this wire type (boxed primitives). */
  public Class<?> boxedJavaType() {
    if (javaType == int.class) {
      return Integer.class;
    }
    if (javaType == long.class) {
      return Long.class;
    }
    if (javaType == boolean.class) {
      return Boolean.class;
    }
    return javaType;
  }

  /** The type's name as the spec writes it, e.g. {@code "longlong"}. */
  public String specName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant for a spec type name such as {@code "shortstr"}. */
  public static FieldType ofSpecName(String specName) {
    return valueOf(specName.toUpperCase(Locale.ROOT));
  }
}
