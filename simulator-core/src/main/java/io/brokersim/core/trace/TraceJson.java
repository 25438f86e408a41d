package io.brokersim.core.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The canonical JSON line of a {@link TraceRecord}: {@code {"seq":..,"t":<virtual nanos>,"kind":"..",
 * <record components in declaration order>}} followed by {@code '\n'}, UTF-8, no spaces, nulls written as
 * {@code null}, non-ASCII characters written raw. The trace hash is computed over the canonical binary form of
 * the same values ({@link TraceBinary}), so {@link JsonLinesHash} recomputes it from these lines.
 *
 * <p>An instance reuses one buffer and one generator, so it is not thread-safe; {@link Trace} uses it under
 * its lock.
 */
public final class TraceJson {

  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .rootValueSeparator((String) null)
          .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

  private final Buffer buffer = new Buffer();
  private final JsonGenerator generator;

  /** An encoder with its own buffer and generator. */
  public TraceJson() {
    try {
      generator = FACTORY.createGenerator(buffer, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON line of one record, as a fresh array (convenient, allocates; prefer an instance on hot paths). */
  public static byte[] line(TraceRecord record) {
    TraceJson json = new TraceJson();
    int length = json.encode(record);
    byte[] copy = new byte[length];
    System.arraycopy(json.bytes(), 0, copy, 0, length);
    return copy;
  }

  /** The JSON line of one record as a string, including the final {@code '\n'}. */
  public static String lineString(TraceRecord record) {
    return new String(line(record), StandardCharsets.UTF_8);
  }

  /** Encodes one record into this instance's buffer and returns the number of bytes; see {@link #bytes()}. */
  public int encode(TraceRecord record) {
    buffer.reset();
    try {
      JsonGenerator g = generator;
      g.writeStartObject();
      g.writeNumberField("seq", record.seq());
      g.writeNumberField("t", record.virtualNanos());
      TraceEvent event = record.event();
      g.writeStringField("kind", event.kind());
      for (EventSchema.Component c : EventSchema.of(event.getClass()).components) {
        write(g, c, event);
      }
      g.writeEndObject();
      g.writeRaw('\n');
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.size();
  }

  /** The buffer holding the last {@link #encode} result; valid until the next call. */
  public byte[] bytes() {
    return buffer.array();
  }

  private static void write(JsonGenerator g, EventSchema.Component c, TraceEvent event) throws IOException {
    g.writeFieldName(c.name);
    switch (c.type) {
      case STRING -> {
        String value = (String) c.reference.apply(event);
        if (value == null) {
          g.writeNull();
        } else {
          g.writeString(value);
        }
      }
      case LONG -> g.writeNumber(c.number.applyAsLong(event));
      case BOOLEAN -> g.writeBoolean(c.flag.test(event));
      case STRINGS -> {
        List<?> value = (List<?>) c.reference.apply(event);
        if (value == null) {
          g.writeNull();
          return;
        }
        g.writeStartArray();
        for (Object s : value) {
          g.writeString((String) s);
        }
        g.writeEndArray();
      }
    }
  }

  /** A byte buffer whose array can be read without a copy. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(512);
    }

    byte[] array() {
      return buf;
    }
  }
}
