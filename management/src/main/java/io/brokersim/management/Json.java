package io.brokersim.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.brokersim.core.model.FieldTables;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON for the API: documents are built as ordered maps and lists (field order as written), and AMQP field values
 * (arguments, client properties) become what RabbitMQ's management plugin prints for them.
 */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  /** A new ordered JSON object. */
  static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }

  static byte[] bytes(Object document) {
    try {
      return MAPPER.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * An AMQP field table as a JSON object, keys sorted as RabbitMQ prints them; values as {@link #value} says.
   */
  static Map<String, Object> table(Map<String, Object> table) {
    Map<String, Object> out = new TreeMap<>();
    if (table != null) {
      table.forEach((k, v) -> out.put(k, value(v)));
    }
    return out;
  }

  /**
   * One AMQP field value: strings, numbers and booleans as themselves, byte arrays as UTF-8 text (RabbitMQ prints
   * binaries as strings), timestamps as epoch seconds, unsigned values as numbers, nested tables and arrays
   * likewise, anything else by its text (long strings of the wire codec).
   */
  static Object value(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Byte || v instanceof Float || v instanceof Double
        || v instanceof BigDecimal) {
      return v;
    }
    if (v instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (v instanceof FieldTables.Unsigned u) {
      return u.value();
    }
    if (v instanceof FieldTables.Timestamp t) {
      return t.epochSeconds();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) {
        out.add(value(x));
      }
      return out;
    }
    return v.toString();
  }
}
