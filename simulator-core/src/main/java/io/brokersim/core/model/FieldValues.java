package io.brokersim.core.model;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Equality of AMQP field values (the Java forms listed on {@link FieldTables}) as RabbitMQ compares the decoded
 * terms: the wire type is part of the value.
 *
 * <p>RabbitMQ keeps a decoded table entry as {@code {Key, Type, Value}} and an array element as
 * {@code {Type, Value}}, and compares them with Erlang's exact equality. So {@code Integer 1} ({@code I}) and
 * {@code Long 1} ({@code l}) differ, a {@code String} ({@code S}) differs from a {@code byte[]} ({@code x}) with
 * the same bytes, and nested tables compare entry by entry in wire order. RabbitMQ's parser reads {@code L} as a
 * signed {@code long} ({@code rabbit_binary_parser}), so {@code Unsigned('L', n)} equals {@code Long n}.
 *
 * <p>Used for binding identity (queue.bind with the same arguments is a no-op) and for arrays and tables nested
 * in header values. Top-level header matching is looser; see {@link HeadersMatch}.
 */
public final class FieldValues {
  private FieldValues() {}

  /** The AMQP 0-9-1 field type octet of a value, {@code '?'} for a Java type outside the table. */
  public static char typeTag(Object v) {
    if (v == null) {
      return 'V';
    }
    if (v instanceof String) {
      return 'S';
    }
    if (v instanceof Integer) {
      return 'I';
    }
    if (v instanceof Long) {
      return 'l';
    }
    if (v instanceof Boolean) {
      return 't';
    }
    if (v instanceof Byte) {
      return 'b';
    }
    if (v instanceof Short) {
      return 's';
    }
    if (v instanceof FieldTables.Unsigned u) {
      return u.type() == 'L' ? 'l' : u.type();
    }
    if (v instanceof Float) {
      return 'f';
    }
    if (v instanceof Double) {
      return 'd';
    }
    if (v instanceof BigDecimal) {
      return 'D';
    }
    if (v instanceof byte[]) {
      return 'x';
    }
    if (v instanceof List) {
      return 'A';
    }
    if (v instanceof Map) {
      return 'F';
    }
    if (v instanceof FieldTables.Timestamp) {
      return 'T';
    }
    return '?';
  }

  /** True when both values have the same field type and the same value; nested tables compare in order. */
  public static boolean typedEquals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    char t = typeTag(a);
    if (t != typeTag(b)) {
      return false;
    }
    switch (t) {
      case 'b', 's', 'I', 'l', 'B', 'u', 'i':
        return FieldTables.integerValue(a).longValue() == FieldTables.integerValue(b).longValue();
      case 'x':
        return Arrays.equals((byte[]) a, (byte[]) b);
      case 'A':
        return listsEqual((List<?>) a, (List<?>) b);
      case 'F':
        return tablesEqualInOrder((Map<?, ?>) a, (Map<?, ?>) b);
      default:
        // Boolean, String, Float, Double, BigDecimal (scale-sensitive, like RabbitMQ's {Scale, Unscaled}),
        // Timestamp and foreign types all have the value equality we want.
        return a.equals(b);
    }
  }

  /** A hash consistent with {@link #typedEquals}. */
  public static int typedHash(Object v) {
    if (v == null) {
      return 'V';
    }
    char t = typeTag(v);
    int h;
    switch (t) {
      case 'b', 's', 'I', 'l', 'B', 'u', 'i':
        h = Long.hashCode(FieldTables.integerValue(v));
        break;
      case 'x':
        h = Arrays.hashCode((byte[]) v);
        break;
      case 'A':
        h = 1;
        for (Object e : (List<?>) v) {
          h = 31 * h + typedHash(e);
        }
        break;
      case 'F':
        h = 1;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          h = 31 * h + (Objects.hashCode(e.getKey()) ^ typedHash(e.getValue()));
        }
        break;
      default:
        h = v.hashCode();
    }
    return 31 * t + h;
  }

  /**
   * True when two field tables hold the same keys with typed-equal values, whatever the key order. This is how
   * RabbitMQ compares binding arguments: it sorts the top-level table by key ({@code rabbit_binding:sort_args/1})
   * but not nested ones.
   */
  public static boolean tablesEqual(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> x = a == null ? Map.of() : a;
    Map<String, Object> y = b == null ? Map.of() : b;
    if (x.size() != y.size()) {
      return false;
    }
    for (Map.Entry<String, Object> e : x.entrySet()) {
      if (!y.containsKey(e.getKey()) || !typedEquals(e.getValue(), y.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** A hash consistent with {@link #tablesEqual}: independent of key order. */
  public static int tableHash(Map<String, Object> table) {
    if (table == null) {
      return 0;
    }
    int h = 0;
    for (Map.Entry<String, Object> e : table.entrySet()) {
      h += Objects.hashCode(e.getKey()) ^ typedHash(e.getValue());
    }
    return h;
  }

  private static boolean listsEqual(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<?> i = a.iterator();
    Iterator<?> j = b.iterator();
    while (i.hasNext()) {
      if (!typedEquals(i.next(), j.next())) {
        return false;
      }
    }
    return true;
  }

  private static boolean tablesEqualInOrder(Map<?, ?> a, Map<?, ?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<? extends Map.Entry<?, ?>> i = a.entrySet().iterator();
    Iterator<? extends Map.Entry<?, ?>> j = b.entrySet().iterator();
    while (i.hasNext()) {
      Map.Entry<?, ?> x = i.next();
      Map.Entry<?, ?> y = j.next();
      if (!Objects.equals(x.getKey(), y.getKey()) || !typedEquals(x.getValue(), y.getValue())) {
        return false;
      }
    }
    return true;
  }
}
