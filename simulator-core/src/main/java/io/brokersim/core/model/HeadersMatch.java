package io.brokersim.core.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The headers-exchange match rule of one binding, compiled from its arguments once at bind time.
 *
 * <p>Semantics follow RabbitMQ 3.13 to 4.3 ({@code rabbit_exchange_type_headers:route/3}):
 *
 * <ul>
 *   <li>{@code x-match} is {@code all} (the default), {@code any}, {@code all-with-x} or {@code any-with-x}; any
 *       other value routes as {@code all}, as RabbitMQ does for bindings that predate validation.
 *   <li>{@code all}/{@code any} ignore binding arguments whose names start with {@code x-}; the {@code -with-x}
 *       variants ignore only {@code x-match} itself. Message headers are never filtered.
 *   <li>A void ({@code null}) argument matches when the header is present, with any value (even void).
 *   <li>{@code all} with nothing left to check matches every message; {@code any} with nothing matches none.
 *   <li>Values compare as RabbitMQ 3.13+ compares them: the top-level value with its AMQP type dropped, then
 *       Erlang exact equality ({@code =:=}). So every integer type compares by value ({@code Integer 1} matches
 *       {@code Long 1}, {@code Byte 1} and {@code Unsigned('i', 1)}); {@code Float} and {@code Double} compare by
 *       value; an integer never equals a float ({@code 1} does not match {@code 1.0}); a {@code String} equals a
 *       {@code byte[]} holding its UTF-8 bytes (both are Erlang binaries); {@code BigDecimal} compares scale and
 *       unscaled value; nested arrays and tables keep their element types ({@link FieldValues#typedEquals}).
 *   <li>A message header of type timestamp is turned into milliseconds before the comparison
 *       ({@code mc_amqpl:routing_value/2} multiplies it by 1000) while a binding argument stays in seconds. A
 *       timestamp header therefore matches an integer argument 1000 times larger, and never the same timestamp
 *       (except 0). That is a RabbitMQ quirk, reproduced on purpose.
 * </ul>
 *
 * <p>RabbitMQ 3.12 compared with Erlang {@code ==} (so {@code 1} matched {@code 1.0}) and did not scale
 * timestamps; LavinMQ accepts only {@code all}/{@code any}. Neither difference is modelled here.
 */
public final class HeadersMatch {

  /** The values of the {@code x-match} binding argument. */
  public enum Kind {
    ALL("all", true, false),
    ANY("any", false, false),
    ALL_WITH_X("all-with-x", true, true),
    ANY_WITH_X("any-with-x", false, true);

    private final String wireName;
    private final boolean all;
    private final boolean withX;

    Kind(String wireName, boolean all, boolean withX) {
      this.wireName = wireName;
      this.all = all;
      this.withX = withX;
    }

    /** The argument value, e.g. {@code "any-with-x"}. */
    public String wireName() {
      return wireName;
    }

    static Optional<Kind> fromWireName(String s) {
      for (Kind k : values()) {
        if (k.wireName.equals(s)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** The binding argument that selects the kind of match. */
  public static final String X_MATCH = "x-match";

  /** Stands for a void argument: presence of the header is enough. */
  private static final Object PRESENT = new Object();

  private final Kind kind;
  private final String[] keys;
  private final Object[] expected;

  private HeadersMatch(Kind kind, String[] keys, Object[] expected) {
    this.kind = kind;
    this.keys = keys;
    this.expected = expected;
  }

  /** Compiles the rule of a headers binding; never fails (see {@link #validate} for the 406 check). */
  public static HeadersMatch compile(Map<String, Object> bindingArguments) {
    Map<String, Object> args = bindingArguments == null ? Map.of() : bindingArguments;
    Object xMatch = args.get(X_MATCH);
    Kind kind = xMatch instanceof String s ? Kind.fromWireName(s).orElse(Kind.ALL) : Kind.ALL;
    List<String> keys = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (Map.Entry<String, Object> e : args.entrySet()) {
      String key = e.getKey();
      boolean ignored = kind.withX ? key.equals(X_MATCH) : key.startsWith("x-");
      if (!ignored) {
        keys.add(key);
        expected.add(e.getValue() == null ? PRESENT : bindingValue(e.getValue()));
      }
    }
    return new HeadersMatch(kind, keys.toArray(new String[0]), expected.toArray());
  }

  /** The kind of match this rule applies. */
  public Kind kind() {
    return kind;
  }

  /** True when a message with these headers ({@code null} = none) matches the binding. */
  public boolean matches(Map<String, Object> headers) {
    Map<String, Object> h = headers == null ? Map.of() : headers;
    for (int i = 0; i < keys.length; i++) {
      boolean ok = holds(expected[i], keys[i], h);
      if (kind.all && !ok) {
        return false;
      }
      if (!kind.all && ok) {
        return true;
      }
    }
    return kind.all;
  }

  /**
   * The reason a headers binding is refused with 406 PRECONDITION_FAILED, or empty when it is accepted. Mirrors
   * {@code rabbit_exchange_type_headers:validate_binding/2}; terms are printed the way Erlang's {@code ~tp}
   * prints them, e.g. {@code Invalid x-match field value <<"some">>; expected all, any, all-with-x, or any-with-x}.
   */
  public static Optional<String> validate(Map<String, Object> bindingArguments) {
    if (bindingArguments == null || !bindingArguments.containsKey(X_MATCH)) {
      return Optional.empty();
    }
    Object v = bindingArguments.get(X_MATCH);
    if (v instanceof String s) {
      if (Kind.fromWireName(s).isPresent()) {
        return Optional.empty();
      }
      return Optional.of("Invalid x-match field value " + ErlangTerm.of(v)
          + "; expected all, any, all-with-x, or any-with-x");
    }
    return Optional.of("Invalid x-match field type " + ErlangTerm.typeName(v) + " (value " + ErlangTerm.of(v)
        + "); expected longstr");
  }

  private static boolean holds(Object want, String key, Map<String, Object> headers) {
    if (want == PRESENT) {
      return headers.containsKey(key);
    }
    Object have = headers.get(key);
    return have != null && valueMatches(want, have);
  }

  /** The binding side in routing form: integers as Long, floats as Double, strings with their bytes. */
  private static Object bindingValue(Object v) {
    Long n = FieldTables.integerValue(v);
    if (n != null) {
      return n;
    }
    if (v instanceof FieldTables.Timestamp t) {
      return t.epochSeconds();
    }
    if (v instanceof Float f) {
      return (double) f;
    }
    if (v instanceof String s) {
      return new Binary(s.getBytes(StandardCharsets.UTF_8), s);
    }
    if (v instanceof byte[] b) {
      return new Binary(b.clone(), null);
    }
    return v;
  }

  private static boolean valueMatches(Object want, Object have) {
    if (want instanceof Long w) {
      Long n = FieldTables.integerValue(have);
      if (n != null) {
        return n.longValue() == w.longValue();
      }
      if (have instanceof FieldTables.Timestamp t) {
        long s = t.epochSeconds();
        // An overflowing product is an Erlang bignum, which equals no 64-bit argument.
        return Math.abs(s) <= Long.MAX_VALUE / 1000 && s * 1000 == w.longValue();
      }
      return false;
    }
    if (want instanceof Double w) {
      if (have instanceof Float f) {
        return w.equals((double) f);
      }
      return have instanceof Double d && w.equals(d);
    }
    if (want instanceof Binary w) {
      if (have instanceof String s) {
        return w.text != null ? w.text.equals(s) : Arrays.equals(w.bytes, s.getBytes(StandardCharsets.UTF_8));
      }
      return have instanceof byte[] b && Arrays.equals(w.bytes, b);
    }
    if (want instanceof Boolean || want instanceof BigDecimal) {
      return want.equals(have);
    }
    // Arrays and tables (and foreign types) keep their types, as in RabbitMQ's nested terms.
    return FieldValues.typedEquals(want, have);
  }

  /** A long string or byte array argument: both are Erlang binaries to RabbitMQ. */
  private record Binary(byte[] bytes, String text) {}

  /** Renders field values the way RabbitMQ's error texts print them with Erlang's {@code ~tp}. */
  static final class ErlangTerm {
    private ErlangTerm() {}

    /** RabbitMQ's name for the field type of a value, e.g. {@code signedint}. */
    static String typeName(Object v) {
      switch (FieldValues.typeTag(v)) {
        case 'V': return "void";
        case 't': return "bool";
        case 'b': return "byte";
        case 'B': return "unsignedbyte";
        case 's': return "short";
        case 'u': return "unsignedshort";
        case 'I': return "signedint";
        case 'i': return "unsignedint";
        case 'l': return "long";
        case 'f': return "float";
        case 'd': return "double";
        case 'D': return "decimal";
        case 'S': return "longstr";
        case 'x': return "binary";
        case 'A': return "array";
        case 'F': return "table";
        case 'T': return "timestamp";
        default: return "unknown";
      }
    }

    static String of(Object v) {
      StringBuilder sb = new StringBuilder();
      append(sb, v);
      return sb.toString();
    }

    private static void append(StringBuilder sb, Object v) {
      if (v == null) {
        sb.append("undefined");
      } else if (v instanceof Boolean) {
        sb.append(v);
      } else if (FieldTables.integerValue(v) != null) {
        sb.append(FieldTables.integerValue(v).longValue());
      } else if (v instanceof Float f) {
        sb.append(floatText((double) f));
      } else if (v instanceof Double d) {
        sb.append(floatText(d));
      } else if (v instanceof BigDecimal d) {
        sb.append('{').append(d.scale()).append(',').append(d.unscaledValue()).append('}');
      } else if (v instanceof FieldTables.Timestamp t) {
        sb.append(t.epochSeconds());
      } else if (v instanceof String s) {
        appendBinary(sb, s.getBytes(StandardCharsets.UTF_8));
      } else if (v instanceof byte[] b) {
        appendBinary(sb, b);
      } else if (v instanceof List<?> list) {
        sb.append('[');
        String sep = "";
        for (Object e : list) {
          sb.append(sep).append('{').append(typeName(e)).append(',');
          append(sb, e);
          sb.append('}');
          sep = ",";
        }
        sb.append(']');
      } else if (v instanceof Map<?, ?> map) {
        sb.append('[');
        String sep = "";
        for (Map.Entry<?, ?> e : map.entrySet()) {
          sb.append(sep).append('{');
          appendBinary(sb, String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8));
          sb.append(',').append(typeName(e.getValue())).append(',');
          append(sb, e.getValue());
          sb.append('}');
          sep = ",";
        }
        sb.append(']');
      } else {
        sb.append(v);
      }
    }

    private static String floatText(double d) {
      return Double.toString(d).replace('E', 'e');
    }

    private static void appendBinary(StringBuilder sb, byte[] bytes) {
      if (bytes.length == 0) {
        sb.append("<<>>");
        return;
      }
      String text = printableText(bytes);
      if (text == null) {
        sb.append("<<");
        for (int i = 0; i < bytes.length; i++) {
          sb.append(i == 0 ? "" : ",").append(bytes[i] & 0xff);
        }
        sb.append(">>");
        return;
      }
      sb.append("<<\"");
      boolean ascii = true;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        ascii &= c < 0x80;
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> sb.append(c);
        }
      }
      sb.append(ascii ? "\">>" : "\"/utf8>>");
    }

    /** The text when the bytes are UTF-8 with no control characters other than tab, CR and LF, else null. */
    private static String printableText(byte[] bytes) {
      String s = new String(bytes, StandardCharsets.UTF_8);
      if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes)) {
        return null;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
          return null;
        }
      }
      return s;
    }
  }
}
