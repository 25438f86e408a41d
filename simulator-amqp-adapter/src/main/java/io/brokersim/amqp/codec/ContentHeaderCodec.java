package io.brokersim.amqp.codec;

import io.brokersim.core.model.BasicProperties;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes and decodes content header payloads (spec 4.2.6).
 *
 * <pre>
 *  0          2        4                  12               14
 *  +----------+--------+------------------+----------------+---------------------------+
 *  | class-id | weight | body-size        | property-flags | property list             |
 *  +----------+--------+------------------+----------------+---------------------------+
 *    short      short    longlong           short            present properties, in
 *                                                            flag order, no padding
 *
 *  property-flags: bit 15 content-type, 14 content-encoding, 13 headers, 12 delivery-mode,
 *  11 priority, 10 correlation-id, 9 reply-to, 8 expiration, 7 message-id, 6 timestamp,
 *  5 type, 4 user-id, 3 app-id, 2 cluster-id; bit 1 unused; bit 0 = another flags word follows.
 * </pre>
 *
 * <p>{@link BasicProperties} components are bound to {@link MethodTable#basicProperties()} when this
 * class loads, and must match it in order, name and (boxed) type. A {@code null} property is absent.
 */
public final class ContentHeaderCodec {

  /** Octets before the property list. */
  public static final int FIXED_SIZE = 14;

  private static final int INTERNAL_ERROR = 541;

  private static final List<FieldSpec> PROPERTIES = MethodTable.basicProperties();
  private static final MethodHandle[] GETTERS = new MethodHandle[PROPERTIES.size()];
  private static final MethodHandle CONSTRUCTOR = bind();

  private ContentHeaderCodec() {}

  /** Appends the payload of a content header frame. */
  public static void encode(Frame.ContentHeader header, WireWriter out) {
    out.shortUnsigned(header.classId()).shortUnsigned(header.weight()).longLong(header.bodySize());
    encodeProperties(header.classId(), header.properties(), out);
  }

  /** Appends property flags and the present properties. */
  public static void encodeProperties(int classId, BasicProperties properties, WireWriter out) {
    Object[] values = new Object[PROPERTIES.size()];
    int flags = 0;
    for (int i = 0; i < values.length; i++) {
      values[i] = get(i, properties);
      if (values[i] != null) {
        flags |= 1 << (15 - i);
      }
    }
    if (classId != MethodTable.BASIC_CLASS_ID && flags != 0) {
      throw new IllegalArgumentException("class " + classId + " has no content properties");
    }
    out.shortUnsigned(flags);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        try {
          out.write(PROPERTIES.get(i).type(), values[i]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(PROPERTIES.get(i).name() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Decodes a content header payload. Truncated or overlong payloads, property flags the class does not
   * define and malformed property values throw 502 SYNTAX_ERROR.
   */
  public static Frame.ContentHeader decode(int channel, ByteBuffer payload) {
    return decode(channel, payload, Dialect.SPEC);
  }

  /** Decodes a content header payload, reporting malformed properties as {@code dialect} does. */
  public static Frame.ContentHeader decode(int channel, ByteBuffer payload, Dialect dialect) {
    try {
      return decodeSpec(channel, payload);
    } catch (CodecException e) {
      throw switch (dialect) {
        case SPEC -> e;
        // RabbitMQ decodes the properties of every publish; a failure crashes the channel: 541, no text.
        case RABBITMQ -> new CodecException(new CodecError(INTERNAL_ERROR, "INTERNAL_ERROR", 0, 0));
        case LAVINMQ -> new CodecException(CodecError.frameError(e.error().explanation()));
      };
    }
  }

  private static Frame.ContentHeader decodeSpec(int channel, ByteBuffer payload) {
    WireReader in = new WireReader(payload);
    if (in.remaining() < FIXED_SIZE) {
      throw syntax("is " + in.remaining() + " octets, shorter than " + FIXED_SIZE);
    }
    int classId = in.shortUnsigned();
    int weight = in.shortUnsigned();
    long bodySize = in.longLong();
    if (bodySize < 0) {
      throw syntax("body size " + Long.toUnsignedString(bodySize) + " is out of range");
    }
    BasicProperties properties = decodeProperties(classId, in);
    if (in.remaining() > 0) {
      throw syntax(in.remaining() + " octets after the last property");
    }
    return new Frame.ContentHeader(channel, classId, weight, bodySize, properties);
  }

  /** Decodes property flags and the properties they announce. */
  public static BasicProperties decodeProperties(int classId, WireReader in) {
    int flags = flags(in);
    int defined = classId == MethodTable.BASIC_CLASS_ID ? 0xFFFC : 0;
    if ((flags & ~defined & ~1) != 0) {
      throw syntax(String.format(
          "property flags 0x%04x set bits that class %d does not define", flags, classId));
    }
    for (int more = flags; (more & 1) != 0; ) {
      // A continuation word may follow (bit 0), but basic defines no properties beyond the first word.
      more = flags(in);
      if ((more & ~1) != 0) {
        throw syntax(String.format(
            "continuation property flags 0x%04x name undefined properties", more));
      }
    }
    Object[] values = new Object[PROPERTIES.size()];
    for (int i = 0; i < values.length; i++) {
      if ((flags & (1 << (15 - i))) != 0) {
        try {
          values[i] = in.read(PROPERTIES.get(i).type());
        } catch (CodecException e) {
          throw syntax(PROPERTIES.get(i).name() + ": " + e.error().explanation());
        }
      }
    }
    try {
      return (BasicProperties) CONSTRUCTOR.invokeExact(values);
    } catch (Throwable t) {
      throw new IllegalStateException("cannot construct BasicProperties", t);
    }
  }

  private static int flags(WireReader in) {
    try {
      return in.shortUnsigned();
    } catch (CodecException e) {
      throw syntax("property flags: " + e.error().explanation());
    }
  }

  private static CodecException syntax(String explanation) {
    return new CodecException(CodecError.syntaxError("content header " + explanation, 0, 0));
  }

  private static Object get(int index, BasicProperties properties) {
    try {
      return GETTERS[index].invokeExact(properties);
    } catch (Throwable t) {
      throw new IllegalStateException("cannot read BasicProperties", t);
    }
  }

  private static MethodHandle bind() {
    RecordComponent[] components = BasicProperties.class.getRecordComponents();
    if (components.length != PROPERTIES.size()) {
      throw new IllegalStateException("BasicProperties does not have " + PROPERTIES.size() + " components");
    }
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        FieldSpec property = PROPERTIES.get(i);
        if (!components[i].getName().equals(property.component())
            || components[i].getType() != property.type().boxedJavaType()) {
          throw new IllegalStateException("BasicProperties." + components[i].getName()
              + " does not match property " + property);
        }
        types[i] = components[i].getType();
        GETTERS[i] = lookup.unreflect(components[i].getAccessor())
            .asType(MethodType.methodType(Object.class, BasicProperties.class));
      }
      return lookup.unreflectConstructor(BasicProperties.class.getConstructor(types))
          .asSpreader(Object[].class, types.length)
          .asType(MethodType.methodType(BasicProperties.class, Object[].class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot bind BasicProperties", e);
    }
  }
}
