package io.brokersim.core.model;

import java.util.Map;

/**
 * Java representation of AMQP 0-9-1 field-table values, shared by the broker and the wire codec.
 *
 * <pre>
 * type  Java value                      type  Java value
 * 't'   Boolean                         'd'   Double
 * 'b'   Byte     (signed 8)             'D'   java.math.BigDecimal (scale 0..255)
 * 'B'   Unsigned('B', 0..255)           'S'   String (UTF-8 long string)
 * 's'   Short    (signed 16)            'x'   byte[]
 * 'u'   Unsigned('u', 0..65535)         'A'   java.util.List&lt;Object&gt;
 * 'I'   Integer  (signed 32)            'T'   Timestamp (seconds since the epoch)
 * 'i'   Unsigned('i', 0..2^32-1)        'F'   java.util.Map&lt;String, Object&gt; (LinkedHashMap, wire order)
 * 'l'   Long     (signed 64)            'V'   null
 * 'L'   Unsigned('L', any 64 bits)      'f'   Float
 * </pre>
 */
public final class FieldTables {
  private FieldTables() {}

  /** An unsigned integer field value; {@code type} is one of {@code B u i L}. */
  public record Unsigned(char type, long value) {
    public Unsigned {
      if ("BuiL".indexOf(type) < 0) {
        throw new IllegalArgumentException("not an unsigned field type: " + type);
      }
    }
  }

  /** A timestamp field value ({@code T}): seconds since the epoch, as on the wire. */
  public record Timestamp(long epochSeconds) {}

  /** The value as a long if it is any AMQP integer type, else {@code null}. */
  public static Long integerValue(Object v) {
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Unsigned u) {
      return u.value();
    }
    return null;
  }

  /** The value of {@code key} as a string if it is a long string, else {@code null}. */
  public static String stringValue(Map<String, Object> table, String key) {
    if (table == null) {
      return null;
    }
    Object v = table.get(key);
    return v instanceof String s ? s : null;
  }

  /** RabbitMQ's name for a field value's type, as its error texts print it ({@code longstr}, {@code signedint}, …). */
  public static String rabbitTypeName(Object v) {
    if (v == null) {
      return "void";
    } else if (v instanceof Long) {
      return "long";
    } else if (v instanceof Integer) {
      return "signedint";
    } else if (v instanceof Short) {
      return "short";
    } else if (v instanceof Byte) {
      return "byte";
    } else if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof String) {
      return "longstr";
    } else if (v instanceof Double) {
      return "double";
    } else if (v instanceof Float) {
      return "float";
    } else if (v instanceof Map) {
      return "table";
    } else if (v instanceof java.util.List) {
      return "array";
    } else if (v instanceof byte[]) {
      return "binary";
    } else if (v instanceof Timestamp) {
      return "timestamp";
    } else if (v instanceof java.math.BigDecimal) {
      return "decimal";
    } else if (v instanceof Unsigned u) {
      return switch (u.type()) {
        case 'B' -> "unsignedbyte";
        case 'u' -> "unsignedshort";
        case 'i' -> "unsignedint";
        default -> "long";
      };
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
