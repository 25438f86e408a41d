package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.Samples.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokersim.core.model.FieldTables;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldTableTest {

  /** One value per field value type, keyed by its tag, at awkward values. */
  private static Map<String, Object> everyType() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("z", "last");
    nested.put("a", "first");
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("t", true);
    table.put("b", Byte.MIN_VALUE);
    table.put("B", new FieldTables.Unsigned('B', 255));
    table.put("s", Short.MIN_VALUE);
    table.put("u", new FieldTables.Unsigned('u', 65_535));
    table.put("I", Integer.MIN_VALUE);
    table.put("i", new FieldTables.Unsigned('i', 0xFFFF_FFFFL));
    table.put("l", Long.MIN_VALUE);
    table.put("L", new FieldTables.Unsigned('L', -1L));
    table.put("f", -1.5f);
    table.put("d", Double.MAX_VALUE);
    table.put("D", new BigDecimal("-123.4500"));
    table.put("S", "ünïcødé ✓");
    table.put("x", new byte[] {0, 1, (byte) 0xFF});
    table.put("A", new ArrayList<>(Arrays.asList(1, "two", null, List.of(false))));
    table.put("T", new FieldTables.Timestamp(1_700_000_000L));
    table.put("F", nested);
    table.put("V", null);
    return table;
  }

  @Test
  void everyType_roundTrip_valuesJavaTypesAndOrderPreserved() {
    Map<String, Object> table = everyType();

    Map<String, Object> decoded = decodeTable(encodeTable(table));

    assertEquals(List.copyOf(table.keySet()), List.copyOf(decoded.keySet()));
    for (Map.Entry<String, Object> e : table.entrySet()) {
      assertDeepEquals(e.getValue(), decoded.get(e.getKey()), e.getKey());
    }
    assertInstanceOf(LinkedHashMap.class, decoded);
    assertEquals(List.of("z", "a"), List.copyOf(((Map<?, ?>) decoded.get("F")).keySet()));
  }

  @Test
  void everyType_asArray_roundTripPreservesTypes() {
    List<Object> array = new ArrayList<>(everyType().values());
    WireWriter out = new WireWriter();
    out.array(array);

    List<Object> decoded = new WireReader(out.toByteBuffer()).array();

    assertDeepEquals(array, decoded, "array");
  }

  @Test
  void everyType_writtenWithItsTag() {
    for (Map.Entry<String, Object> e : everyType().entrySet()) {
      WireWriter out = new WireWriter();
      out.fieldValue(e.getValue());
      assertEquals(e.getKey().charAt(0), (char) out.toByteArray()[0], e.getKey());
    }
  }

  @Test
  void smallTable_exactWireBytes() {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("a", true);
    table.put("b", 1);

    assertArrayEquals(hex("0000000b 01 61 74 01 01 62 49 00000001"), encodeTable(table));
  }

  @Test
  void emptyAndNullTables_encodeAsZeroLength() {
    assertArrayEquals(hex("00000000"), encodeTable(Map.of()));
    assertArrayEquals(hex("00000000"), encodeTable(null));
  }

  @Test
  void voidValue_decodesAsNullEntry() {
    Map<String, Object> decoded = decodeTable(hex("00000003 01 6b 56"));

    assertEquals(1, decoded.size());
    assertNull(decoded.get("k"));
  }

  @Test
  void tableEntries_withoutLengthPrefix_decodeAmqplainResponse() {
    Map<String, Object> login = new LinkedHashMap<>();
    login.put("LOGIN", "guest");
    login.put("PASSWORD", "p".repeat(200));
    byte[] entries = new WireWriter().tableEntries(login).toByteArray();

    assertEquals(login, new WireReader(ByteBuffer.wrap(entries)).tableEntries(entries.length));
  }

  @Test
  void keyLongerThan255Octets_encodeThrowsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> encodeTable(Map.of("k".repeat(256), 1)));
  }

  @Test
  void unsupportedJavaType_encodeThrowsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> encodeTable(Map.of("c", 'c')));
    assertThrows(IllegalArgumentException.class, () -> encodeTable(Map.of("o", new Object())));
  }

  @Test
  void unsignedOutOfRange_encodeThrowsIllegalArgument() {
    assertThrows(IllegalArgumentException.class,
        () -> encodeTable(Map.of("B", new FieldTables.Unsigned('B', 256))));
    assertThrows(IllegalArgumentException.class,
        () -> encodeTable(Map.of("i", new FieldTables.Unsigned('i', -1))));
  }

  @Test
  void decimalOutOfRange_encodeThrowsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> encodeTable(Map.of("D", new BigDecimal("1E+3"))));
    assertThrows(IllegalArgumentException.class,
        () -> encodeTable(Map.of("D", new BigDecimal("4294967296"))));
  }

  @Test
  void unknownValueType_decodeSyntaxError() {
    CodecException e = assertThrows(CodecException.class, () -> decodeTable(hex("00000004 01 6b 5a 00")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void valueOverrunningTableLength_decodeSyntaxError() {
    CodecException e = assertThrows(CodecException.class,
        () -> decodeTable(hex("00000004 01 6b 49 00 00000000")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void tableLengthBeyondInput_decodeSyntaxError() {
    CodecException e = assertThrows(CodecException.class, () -> decodeTable(hex("ffffffff 01 6b")));

    assertEquals(502, e.error().replyCode());
  }

  @Test
  void nestingDeeperThanLimit_decodeSyntaxError() {
    Map<String, Object> table = Map.of();
    for (int i = 0; i < WireReader.MAX_NESTING - 1; i++) {
      table = Map.of("n", table);
    }
    byte[] deepest = encodeTable(table);
    assertEquals(table, decodeTable(deepest));

    byte[] tooDeep = Samples.concat(hex(String.format("%08x 01 6e 46", deepest.length + 3)), deepest);
    CodecException e = assertThrows(CodecException.class, () -> decodeTable(tooDeep));
    assertEquals(502, e.error().replyCode());
  }

  private static byte[] encodeTable(Map<String, Object> table) {
    return new WireWriter().table(table).toByteArray();
  }

  private static Map<String, Object> decodeTable(byte[] bytes) {
    return new WireReader(ByteBuffer.wrap(bytes)).table();
  }

  /** Equality that compares byte arrays by content and also requires identical Java types. */
  private static void assertDeepEquals(Object expected, Object actual, String where) {
    if (expected == null) {
      assertNull(actual, where);
      return;
    }
    Class<?> type = expected instanceof Map ? Map.class
        : expected instanceof List ? List.class
        : expected.getClass();
    assertInstanceOf(type, actual, where);
    if (expected instanceof byte[] bytes) {
      assertArrayEquals(bytes, (byte[]) actual, where);
    } else if (expected instanceof List<?> list) {
      List<?> other = (List<?>) actual;
      assertEquals(list.size(), other.size(), where);
      for (int i = 0; i < list.size(); i++) {
        assertDeepEquals(list.get(i), other.get(i), where + "[" + i + "]");
      }
    } else if (expected instanceof Map<?, ?> map) {
      Map<?, ?> other = (Map<?, ?>) actual;
      assertEquals(List.copyOf(map.keySet()), List.copyOf(other.keySet()), where);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        assertDeepEquals(e.getValue(), other.get(e.getKey()), where + "." + e.getKey());
      }
    } else {
      assertEquals(expected, actual, where);
    }
  }
}
