package io.brokersim.amqp.codec;

import io.brokersim.core.model.FieldTables;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads AMQP 0-9-1 data types (spec 4.2.5) from a buffer, big-endian.
 *
 * <p>Field tables and arrays decode to the Java types documented on {@link FieldTables}; tables keep
 * wire order in a {@link LinkedHashMap}. Short strings and {@code S} values are decoded by
 * {@link WireText}, which keeps malformed octets (escaped) instead of replacing them, so a name decodes
 * and encodes back to the same octets. Running out of octets, an unknown field value type or nesting
 * deeper than {@value #MAX_NESTING} throws a {@link CodecException} with 502 SYNTAX_ERROR.
 */
public final class WireReader {

  /** Deepest nesting of tables and arrays accepted, so hostile input cannot exhaust the stack. */
  public static final int MAX_NESTING = 64;

  private final ByteBuffer in;
  private final int depth;

  /** A reader over {@code source} from its position to its limit; the source itself is not moved. */
  public WireReader(ByteBuffer source) {
    this(source.slice().order(ByteOrder.BIG_ENDIAN), 0);
  }

  private WireReader(ByteBuffer in, int depth) {
    this.in = in;
    this.depth = depth;
  }

  /** Octets left to read. */
  public int remaining() {
    return in.remaining();
  }

  /** An unsigned octet. */
  public int octet() {
    need(1);
    return in.get() & 0xFF;
  }

  /** An unsigned 16-bit short. */
  public int shortUnsigned() {
    need(2);
    return in.getShort() & 0xFFFF;
  }

  /** An unsigned 32-bit long. */
  public long longUnsigned() {
    need(4);
    return in.getInt() & 0xFFFF_FFFFL;
  }

  /** A 64-bit long long (unsigned on the wire; values above 2^63 - 1 come back negative). */
  public long longLong() {
    need(8);
    return in.getLong();
  }

  /** A short string: octet length, then up to 255 octets of UTF-8 (see {@link WireText}). */
  public String shortstr() {
    return WireText.decode(shortstrOctets());
  }

  /** A short string's octets, undecoded. */
  public byte[] shortstrOctets() {
    return octets(octet());
  }

  /** A long string's octets: 32-bit length, then the octets. */
  public byte[] longstrBytes() {
    return octets(length32());
  }

  /** A long string as a method argument. */
  public LongString longstr() {
    return LongString.wrap(longstrBytes());
  }

  /** A field table: 32-bit byte length, then name/value pairs. */
  public Map<String, Object> table() {
    int length = length32();
    return tableEntries(length);
  }

  /**
   * The name/value pairs of a table that fill exactly {@code byteLength} octets, with no length prefix
   * (the form of an AMQPLAIN response).
   */
  public Map<String, Object> tableEntries(int byteLength) {
    WireReader entries = nested(byteLength);
    Map<String, Object> table = new LinkedHashMap<>();
    while (entries.remaining() > 0) {
      String name = entries.shortstr();
      table.put(name, entries.fieldValue());
    }
    return table;
  }

  /** A field array: 32-bit byte length, then values. */
  public List<Object> array() {
    WireReader values = nested(length32());
    List<Object> array = new ArrayList<>();
    while (values.remaining() > 0) {
      array.add(values.fieldValue());
    }
    return array;
  }

  /** One type-tagged field value, as the Java type {@link FieldTables} documents for its tag. */
  public Object fieldValue() {
    int tag = octet();
    switch (tag) {
      case 't':
        return octet() != 0;
      case 'b':
        need(1);
        return in.get();
      case 'B':
        return new FieldTables.Unsigned('B', octet());
      case 's':
        need(2);
        return in.getShort();
      case 'u':
        return new FieldTables.Unsigned('u', shortUnsigned());
      case 'I':
        need(4);
        return in.getInt();
      case 'i':
        return new FieldTables.Unsigned('i', longUnsigned());
      case 'l':
        return longLong();
      case 'L':
        return new FieldTables.Unsigned('L', longLong());
      case 'f':
        need(4);
        return in.getFloat();
      case 'd':
        need(8);
        return in.getDouble();
      case 'D': {
        int scale = octet();
        need(4);
        return BigDecimal.valueOf(in.getInt(), scale);
      }
      case 'S':
        return WireText.decode(longstrBytes());
      case 'x':
        return longstrBytes();
      case 'A':
        return array();
      case 'T':
        return new FieldTables.Timestamp(longLong());
      case 'F':
        return table();
      case 'V':
        return null;
      default:
        throw syntax(String.format("unknown field value type 0x%02x", tag));
    }
  }

  /** A value of a non-bit wire type, boxed: Integer, Long, String, LongString or Map. */
  public Object read(FieldType type) {
    return switch (type) {
      case OCTET -> octet();
      case SHORT -> shortUnsigned();
      case LONG -> longUnsigned();
      case LONGLONG, TIMESTAMP -> longLong();
      case SHORTSTR -> shortstr();
      case LONGSTR -> longstr();
      case TABLE -> table();
      case BIT -> throw new IllegalArgumentException("bits are packed by the method codec");
    };
  }

  private int length32() {
    long length = longUnsigned();
    need(length);
    return (int) length;
  }

  private byte[] octets(int length) {
    need(length);
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private WireReader nested(int byteLength) {
    need(byteLength);
    if (depth >= MAX_NESTING) {
      throw syntax("field tables and arrays nested deeper than " + MAX_NESTING);
    }
    ByteBuffer slice = in.slice(in.position(), byteLength).order(ByteOrder.BIG_ENDIAN);
    in.position(in.position() + byteLength);
    return new WireReader(slice, depth + 1);
  }

  private void need(long octets) {
    if (octets > in.remaining()) {
      throw syntax("truncated: needs " + octets + " octets, " + in.remaining() + " left");
    }
  }

  private static CodecException syntax(String explanation) {
    return new CodecException(CodecError.syntaxError(explanation, 0, 0));
  }
}
