package io.brokersim.core.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Field tables written compactly for table tests: {@code "h1=S:foo;h2=I:1;h3=V"}. The letter before the colon is
 * the AMQP 0-9-1 field type (S string, x bytes of the UTF-8 text, b s I l signed integers, B u i L unsigned, f d
 * floats, D decimal, t boolean, T timestamp, V void). {@code ""} is the empty table and {@code "-"} no table.
 */
final class FieldTableText {
  private FieldTableText() {}

  static Map<String, Object> parse(String text) {
    if (text == null || text.equals("-")) {
      return null;
    }
    Map<String, Object> table = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return table;
    }
    for (String entry : text.split(";", -1)) {
      int eq = entry.indexOf('=');
      String key = entry.substring(0, eq);
      String typed = entry.substring(eq + 1);
      char type = typed.charAt(0);
      String v = typed.length() > 2 ? typed.substring(2) : "";
      table.put(key, value(type, v));
    }
    return table;
  }

  static Object value(char type, String v) {
    switch (type) {
      case 'S': return v;
      case 'x': return v.getBytes(StandardCharsets.UTF_8);
      case 'b': return Byte.parseByte(v);
      case 's': return Short.parseShort(v);
      case 'I': return Integer.parseInt(v);
      case 'l': return Long.parseLong(v);
      case 'B': case 'u': case 'i': case 'L': return new FieldTables.Unsigned(type, Long.parseLong(v));
      case 'f': return Float.parseFloat(v);
      case 'd': return Double.parseDouble(v);
      case 'D': return new BigDecimal(v);
      case 't': return Boolean.parseBoolean(v);
      case 'T': return new FieldTables.Timestamp(Long.parseLong(v));
      case 'V': return null;
      default: throw new IllegalArgumentException("unknown field type " + type);
    }
  }
}
