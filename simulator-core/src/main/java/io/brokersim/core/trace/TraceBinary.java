package io.brokersim.core.trace;

import java.util.Arrays;
import java.util.List;

/**
 * The canonical binary form of trace records, which the trace hash is computed over ({@link HashingSink}). It
 * holds exactly what a record's JSON line holds ({@link TraceJson}), in the same order, so that the hash can
 * be recomputed from a JSON Lines file ({@link JsonLinesHash}) without knowing the event types:
 *
 * <pre>
 *   record  = uint(seq - previous seq) uint(t - previous t) text(kind) uint(number of fields) value...
 *             (one value per field after "kind"; "previous" is the record before, 0 for the first)
 *   value   = 0x00                                  null
 *           | 0x01 | 0x02                           false | true
 *           | 0x03 uint(n)                          an integer n (int and long fields)
 *           | 0x04 text(s)                          a string
 *           | 0x05 uint(count) text(s)...           a list of strings
 *   uint(n) = n as a 64-bit two's complement number in LEB128: 7 bits per byte, least significant group
 *             first, high bit set on every byte but the last (0 is 0x00; a negative number takes 10 bytes)
 *   text(s) = uint(number of UTF-16 chars of s), then each char on its own in 1 to 3 bytes like UTF-8
 *             (U+0000..U+007F one byte, ..U+07FF two, else three; a surrogate pair is two 3-byte chars)
 * </pre>
 *
 * <p>Field names are not part of the form: they follow from the kind. Records are concatenated with nothing
 * between them; seq and t are written as differences so that they usually take one byte each. An instance
 * appends to one growing buffer, remembers the previous record's seq and t, and is not thread-safe.
 */
final class TraceBinary {

  static final int NULL = 0x00;
  static final int FALSE = 0x01;
  static final int TRUE = 0x02;
  static final int INTEGER = 0x03;
  static final int STRING = 0x04;
  static final int STRINGS = 0x05;

  /** The most bytes a uint takes. */
  private static final int MAX_UINT_BYTES = 10;

  private byte[] buf;
  private int size;
  private long previousSeq;
  private long previousNanos;
  private char[] chars = new char[64];

  TraceBinary(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  /** Appends the binary form of one record. */
  void record(long seq, long virtualNanos, TraceEvent event) {
    EventSchema schema = EventSchema.of(event.getClass());
    byte[] kind = schema.kindBytes;
    if (kind == null) {
      kind = textBytes(event.kind());
      schema.kindBytes = kind;
    }
    EventSchema.Component[] components = schema.components;
    ensure(3 * MAX_UINT_BYTES + kind.length);
    stamps(seq, virtualNanos);
    System.arraycopy(kind, 0, buf, size, kind.length);
    size += kind.length;
    uint(components.length);
    if (!fields(event)) {
      fieldsBySchema(components, event);
    }
  }

  /**
   * Writes the fields of the events a message produces on its way, with direct calls; false for any other
   * event, whose fields the schema's accessors write. Must write what they would (TraceBinaryTest checks it).
   */
  private boolean fields(TraceEvent event) {
    if (event instanceof TraceEvent.Published e) {
      string(e.msgId());
      string(e.channel());
      string(e.exchange());
      string(e.routingKey());
      bool(e.mandatory());
      bool(e.immediate());
      string(e.correlationId());
      string(e.replyTo());
      string(e.messageId());
      integer(e.bodySize());
    } else if (event instanceof TraceEvent.Routed e) {
      string(e.msgId());
      string(e.exchange());
      string(e.routingKey());
      strings(e.queues());
    } else if (event instanceof TraceEvent.Enqueued e) {
      string(e.msgId());
      string(e.queue());
      integer(e.depth());
    } else if (event instanceof TraceEvent.Delivered e) {
      string(e.msgId());
      string(e.queue());
      string(e.channel());
      string(e.consumerTag());
      integer(e.deliveryTag());
      bool(e.redelivered());
      bool(e.autoAck());
    } else if (event instanceof TraceEvent.Acked e) {
      string(e.msgId());
      string(e.queue());
      string(e.channel());
      integer(e.deliveryTag());
    } else if (event instanceof TraceEvent.ReplyRouted e) {
      string(e.msgId());
      string(e.replyName());
      string(e.requesterChannel());
    } else {
      return false;
    }
    return true;
  }

  /** Appends one record written by the schema's accessors only, for tests of {@link #fields}. */
  void recordBySchema(long seq, long virtualNanos, TraceEvent event) {
    EventSchema.Component[] components = EventSchema.of(event.getClass()).components;
    recordStart(seq, virtualNanos, event.kind(), components.length);
    fieldsBySchema(components, event);
  }

  private void fieldsBySchema(EventSchema.Component[] components, TraceEvent event) {
    for (EventSchema.Component c : components) {
      switch (c.type) {
        case STRING -> string((String) c.reference.apply(event));
        case LONG -> integer(c.number.applyAsLong(event));
        case BOOLEAN -> bool(c.flag.test(event));
        case STRINGS -> strings((List<?>) c.reference.apply(event));
      }
    }
  }

  /** Starts a record whose {@code fields} values follow (used when re-encoding a JSON line). */
  void recordStart(long seq, long virtualNanos, String kind, int fields) {
    ensure(3 * MAX_UINT_BYTES);
    stamps(seq, virtualNanos);
    text(kind);
    ensure(MAX_UINT_BYTES);
    uint(fields);
  }

  void nullValue() {
    ensure(1);
    buf[size++] = NULL;
  }

  void bool(boolean value) {
    ensure(1);
    buf[size++] = (byte) (value ? TRUE : FALSE);
  }

  void integer(long value) {
    ensure(1 + MAX_UINT_BYTES);
    buf[size++] = INTEGER;
    uint(value);
  }

  void string(String value) {
    if (value == null) {
      nullValue();
      return;
    }
    ensure(1);
    buf[size++] = STRING;
    text(value);
  }

  void strings(List<?> values) {
    if (values == null) {
      nullValue();
      return;
    }
    ensure(1 + MAX_UINT_BYTES);
    buf[size++] = STRINGS;
    uint(values.size());
    for (Object s : values) {
      text((String) s);
    }
  }

  /**
   * The buffer; bytes {@code [0, size())} are the records appended since the last {@link #reset()}, which
   * empties the buffer but keeps the previous seq and t (the next record continues the same trace).
   */
  byte[] array() {
    return buf;
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  private void text(String s) {
    int n = s.length();
    ensure(MAX_UINT_BYTES + 3 * n);
    uint(n);
    char[] chars = this.chars;
    if (chars.length < n) {
      chars = new char[Math.max(n, 2 * chars.length)];
      this.chars = chars;
    }
    // getChars copies (or inflates) the whole string at once; the loops then read a plain array, and for
    // ASCII (almost every id) both are simple enough for the JIT to vectorize.
    s.getChars(0, n, chars, 0);
    byte[] b = buf;
    int at = size;
    int all = 0;
    for (int i = 0; i < n; i++) {
      all |= chars[i];
    }
    if (all < 0x80) {
      for (int i = 0; i < n; i++) {
        b[at + i] = (byte) chars[i];
      }
      size = at + n;
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = chars[i];
      if (c < 0x80) {
        b[at++] = (byte) c;
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    size = at;
  }

  /** Callers ensure room for two uints. */
  private void stamps(long seq, long virtualNanos) {
    uint(seq - previousSeq);
    uint(virtualNanos - previousNanos);
    previousSeq = seq;
    previousNanos = virtualNanos;
  }

  /** Callers ensure room for {@link #MAX_UINT_BYTES}. */
  private void uint(long value) {
    byte[] b = buf;
    int at = size;
    long v = value;
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    size = at;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  private static byte[] textBytes(String s) {
    TraceBinary one = new TraceBinary(MAX_UINT_BYTES + 3 * s.length());
    one.text(s);
    return Arrays.copyOf(one.buf, one.size);
  }
}
