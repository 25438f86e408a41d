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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The canonical JSON line of a {@link TraceRecord}: {@code {"seq":..,"t":<virtual nanos>,"kind":"..",
 * <record components in declaration order>}} followed by {@code '\n'}, UTF-8, no spaces, nulls written as
 * {@code null}, non-ASCII characters written raw. The trace hash is SHA-256 over exactly these bytes.
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

  /** Component names and accessors per event class, computed once per class. */
  private static final ClassValue<Field[]> FIELDS =
      new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
          return fieldsOf(type);
        }
      };

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
      for (Field field : FIELDS.get(event.getClass())) {
        field.write(g, event);
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

  private static Field[] fieldsOf(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    if (components == null) {
      throw new IllegalArgumentException("not a record: " + type.getName());
    }
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Field[] fields = new Field[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      try {
        MethodHandle getter =
            lookup.unreflect(c.getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
        fields[i] = new Field(c.getName(), Type.of(c.getType(), type), getter);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return fields;
  }

  private enum Type {
    STRING,
    LONG,
    BOOLEAN,
    STRINGS;

    static Type of(Class<?> c, Class<?> owner) {
      if (c == String.class) {
        return STRING;
      } else if (c == int.class || c == long.class) {
        return LONG;
      } else if (c == boolean.class) {
        return BOOLEAN;
      } else if (c == List.class) {
        return STRINGS;
      }
      throw new IllegalArgumentException(owner.getName() + " has a component of unsupported type " + c);
    }
  }

  private record Field(String name, Type type, MethodHandle getter) {
    void write(JsonGenerator g, Object event) throws IOException {
      Object value;
      try {
        value = getter.invokeExact(event);
      } catch (Throwable t) {
        throw new IllegalStateException("cannot read " + name, t);
      }
      g.writeFieldName(name);
      if (value == null) {
        g.writeNull();
        return;
      }
      switch (type) {
        case STRING -> g.writeString((String) value);
        case LONG -> g.writeNumber(((Number) value).longValue());
        case BOOLEAN -> g.writeBoolean((Boolean) value);
        case STRINGS -> {
          g.writeStartArray();
          for (Object s : (List<?>) value) {
            g.writeString((String) s);
          }
          g.writeEndArray();
        }
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
