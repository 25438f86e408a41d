package io.brokersim.amqp.codec;

import io.brokersim.core.model.FieldTables;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes AMQP 0-9-1 data types (spec 4.2.5) into a growable array, big-endian.
 *
 * <p>Values out of range for their wire type, {@code null} strings and field values of a Java type
 * {@link FieldTables} does not list throw {@link IllegalArgumentException}: they are bugs in the caller,
 * not malformed input. Short strings over 255 octets throw its subclass {@link ShortstrTooLongException}
 * (a value the broker composed may be too long, as in RabbitMQ). A {@code null} table is written as an
 * empty one.
 */
public final class WireWriter {

  private byte[] buf;
  private int size;
  private int depth;

  /** A writer with a small initial capacity. */
  public WireWriter() {
    this(256);
  }

  /** A writer that will not grow until {@code initialCapacity} octets are written. */
  public WireWriter(int initialCapacity) {
    buf = new byte[Math.max(initialCapacity, 8)];
  }

  /** Octets written so far. */
  public int size() {
    return size;
  }

  /** A copy of the octets written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** The octets written, as a buffer over the writer's own array (no copy; stop writing afterwards). */
  public ByteBuffer toByteBuffer() {
    return ByteBuffer.wrap(buf, 0, size);
  }

  /** An unsigned octet, 0..255. */
  public WireWriter octet(int value) {
    check(value >= 0 && value <= 0xFF, "octet", value);
    ensure(1);
    buf[size++] = (byte) value;
    return this;
  }

  /** An unsigned 16-bit short, 0..65535. */
  public WireWriter shortUnsigned(int value) {
    check(value >= 0 && value <= 0xFFFF, "short", value);
    return put16(value);
  }

  /** An unsigned 32-bit long, 0..2^32-1. */
  public WireWriter longUnsigned(long value) {
    check(value >= 0 && value <= 0xFFFF_FFFFL, "long", value);
    return put32((int) value);
  }

  /** A 64-bit long long. */
  public WireWriter longLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (value >>> shift);
    }
    return this;
  }

  /** A short string; its octets ({@link WireText#encode}) must fit in 255. */
  public WireWriter shortstr(String value) {
    if (value == null) {
      throw new IllegalArgumentException("shortstr is null");
    }
    byte[] bytes = WireText.encode(value);
    if (bytes.length > 0xFF) {
      throw new ShortstrTooLongException(
          "shortstr is " + bytes.length + " octets, more than 255: "
              + value.substring(0, Math.min(32, value.length())) + "...");
    }
    ensure(1 + bytes.length);
    buf[size++] = (byte) bytes.length;
    return bytes(bytes);
  }

  /** A long string of these octets. */
  public WireWriter longstr(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("longstr is null");
    }
    put32(value.length);
    return bytes(value);
  }

  /** A long string method argument. */
  public WireWriter longstr(LongString value) {
    if (value == null) {
      throw new IllegalArgumentException("longstr is null");
    }
    ByteBuffer octets = value.asByteBuffer();
    put32(octets.remaining());
    return bytes(octets);
  }

  /** A field table: 32-bit byte length, then name/value pairs in the map's iteration order. */
  public WireWriter table(Map<String, ?> table) {
    int lengthAt = openNested("table");
    if (table != null) {
      tableEntries(table);
    }
    return closeNested(lengthAt);
  }

  /** The name/value pairs of a table without the length prefix (the form of an AMQPLAIN response). */
  public WireWriter tableEntries(Map<String, ?> table) {
    for (Map.Entry<?, ?> e : table.entrySet()) {
      if (!(e.getKey() instanceof String name)) {
        throw new IllegalArgumentException("field table name is not a String: " + e.getKey());
      }
      shortstr(name);
      fieldValue(e.getValue());
    }
    return this;
  }

  /** A field array: 32-bit byte length, then type-tagged values. */
  public WireWriter array(List<?> array) {
    int lengthAt = openNested("array");
    for (Object value : array) {
      fieldValue(value);
    }
    return closeNested(lengthAt);
  }

  /** One type-tagged field value, the tag chosen from the Java type as {@link FieldTables} documents. */
  public WireWriter fieldValue(Object value) {
    if (value == null) {
      return octet('V');
    }
    if (value instanceof Boolean v) {
      return octet('t').octet(v ? 1 : 0);
    }
    if (value instanceof Byte v) {
      return octet('b').octet(v & 0xFF);
    }
    if (value instanceof Short v) {
      return octet('s').put16(v);
    }
    if (value instanceof Integer v) {
      return octet('I').put32(v);
    }
    if (value instanceof Long v) {
      return octet('l').longLong(v);
    }
    if (value instanceof FieldTables.Unsigned v) {
      return unsigned(v);
    }
    if (value instanceof Float v) {
      return octet('f').put32(Float.floatToRawIntBits(v));
    }
    if (value instanceof Double v) {
      return octet('d').longLong(Double.doubleToRawLongBits(v));
    }
    if (value instanceof BigDecimal v) {
      return decimal(v);
    }
    if (value instanceof String v) {
      return octet('S').longstr(WireText.encode(v));
    }
    if (value instanceof byte[] v) {
      return octet('x').longstr(v);
    }
    if (value instanceof List<?> v) {
      return octet('A').array(v);
    }
    if (value instanceof FieldTables.Timestamp v) {
      return octet('T').longLong(v.epochSeconds());
    }
    if (value instanceof Map<?, ?> v) {
      @SuppressWarnings("unchecked")
      Map<String, ?> table = (Map<String, ?>) v;
      return octet('F').table(table);
    }
    throw new IllegalArgumentException("no field value type for " + value.getClass().getName());
  }

  /** A value of a non-bit wire type, boxed as {@link WireReader#read(FieldType)} returns it. */
  public WireWriter write(FieldType type, Object value) {
    return switch (type) {
      case OCTET -> octet((Integer) value);
      case SHORT -> shortUnsigned((Integer) value);
      case LONG -> longUnsigned((Long) value);
      case LONGLONG, TIMESTAMP -> longLong((Long) value);
      case SHORTSTR -> shortstr((String) value);
      case LONGSTR -> longstr((LongString) value);
      case TABLE -> {
        @SuppressWarnings("unchecked")
        Map<String, ?> table = (Map<String, ?>) value;
        yield table(table);
      }
      case BIT -> throw new IllegalArgumentException("bits are packed by the method codec");
    };
  }

  /** Raw octets. */
  public WireWriter bytes(byte[] octets) {
    ensure(octets.length);
    System.arraycopy(octets, 0, buf, size, octets.length);
    size += octets.length;
    return this;
  }

  /** Raw octets from the buffer's position to its limit; the buffer is not moved. */
  public WireWriter bytes(ByteBuffer octets) {
    int n = octets.remaining();
    ensure(n);
    octets.duplicate().get(buf, size, n);
    size += n;
    return this;
  }

  /** Overwrites four octets at {@code position} with a 32-bit value (a length written after the fact). */
  void put32At(int position, int value) {
    buf[position] = (byte) (value >>> 24);
    buf[position + 1] = (byte) (value >>> 16);
    buf[position + 2] = (byte) (value >>> 8);
    buf[position + 3] = (byte) value;
  }

  private WireWriter unsigned(FieldTables.Unsigned v) {
    long value = v.value();
    switch (v.type()) {
      case 'B' -> {
        check(value >= 0 && value <= 0xFF, "unsigned 'B'", value);
        return octet('B').octet((int) value);
      }
      case 'u' -> {
        check(value >= 0 && value <= 0xFFFF, "unsigned 'u'", value);
        return octet('u').put16((int) value);
      }
      case 'i' -> {
        check(value >= 0 && value <= 0xFFFF_FFFFL, "unsigned 'i'", value);
        return octet('i').put32((int) value);
      }
      default -> {
        return octet('L').longLong(value);
      }
    }
  }

  private WireWriter decimal(BigDecimal v) {
    // The spec's decimal is a scale octet and a 32-bit value; RabbitMQ and its clients read it signed.
    if (v.scale() < 0 || v.scale() > 0xFF || v.unscaledValue().bitLength() > 31) {
      throw new IllegalArgumentException("decimal out of range (scale 0..255, 32-bit unscaled): " + v);
    }
    return octet('D').octet(v.scale()).put32(v.unscaledValue().intValueExact());
  }

  private int openNested(String what) {
    if (depth >= WireReader.MAX_NESTING) {
      throw new IllegalArgumentException(what + " nested deeper than " + WireReader.MAX_NESTING);
    }
    depth++;
    int lengthAt = size;
    put32(0);
    return lengthAt;
  }

  private WireWriter closeNested(int lengthAt) {
    depth--;
    put32At(lengthAt, size - lengthAt - 4);
    return this;
  }

  private WireWriter put16(int value) {
    ensure(2);
    buf[size++] = (byte) (value >>> 8);
    buf[size++] = (byte) value;
    return this;
  }

  private WireWriter put32(int value) {
    ensure(4);
    put32At(size, value);
    size += 4;
    return this;
  }

  private void ensure(int more) {
    int needed = size + more;
    if (needed < 0) {
      throw new IllegalArgumentException("more than 2^31 octets");
    }
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8L, buf.length * 2L)));
    }
  }

  private static void check(boolean inRange, String type, long value) {
    if (!inRange) {
      throw new IllegalArgumentException(type + " out of range: " + value);
    }
  }
}
