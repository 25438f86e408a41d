package io.brokersim.amqp.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes method frame payloads from the {@link MethodTable}.
 *
 * <pre>
 *  +----------+-----------+----------------------------------------------+
 *  | class-id | method-id | arguments, in table order                    |
 *  +----------+-----------+----------------------------------------------+
 *    short      short       consecutive bits share an octet, first bit in
 *                           the lowest-order bit (spec 4.2.5.2)
 * </pre>
 *
 * <p>Record components are bound to table rows once, when this class loads; a record whose component
 * names or types disagree with its row stops the class from loading, so the table, the records and the
 * codec cannot drift apart.
 */
public final class MethodCodec {

  private static final Map<Class<?>, Binding> BINDINGS = bindAll();

  /** RabbitMQ's answer to a short string argument that is not UTF-8 ({@code rabbit_binary_parser:assert_utf8}). */
  private static final CodecError MALFORMED_UTF8 = CodecError.frameError("Malformed UTF-8 in shortstr");

  /** Longest rendering of argument octets in a RabbitMQ "cannot decode" text; the reply text is cut anyway. */
  private static final int ERLANG_BINARY_MAX_CHARS = 300;

  private MethodCodec() {}

  /** Appends class id, method id and arguments of {@code method}. */
  public static void encode(AmqpMethod method, WireWriter out) {
    MethodSpec spec = method.spec();
    out.shortUnsigned(spec.classId()).shortUnsigned(spec.methodId());
    encodeArguments(method, out);
  }

  /** Appends the arguments of {@code method}, packing bits. */
  public static void encodeArguments(AmqpMethod method, WireWriter out) {
    MethodSpec spec = method.spec();
    Binding binding = BINDINGS.get(method.getClass());
    List<FieldSpec> fields = spec.fields();
    int bits = 0;
    int bitCount = 0;
    for (int i = 0; i < fields.size(); i++) {
      FieldSpec field = fields.get(i);
      Object value = binding.get(i, method);
      if (field.type() == FieldType.BIT) {
        if (bitCount == 8) {
          out.octet(bits);
          bits = 0;
          bitCount = 0;
        }
        if ((Boolean) value) {
          bits |= 1 << bitCount;
        }
        bitCount++;
        continue;
      }
      if (bitCount > 0) {
        out.octet(bits);
        bits = 0;
        bitCount = 0;
      }
      try {
        out.write(field.type(), value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(spec.name() + " " + field.name() + ": " + e.getMessage(), e);
      }
    }
    if (bitCount > 0) {
      out.octet(bits);
    }
  }

  /**
   * Decodes a method frame payload (ids and arguments) as the spec reads it: unknown ids throw 540
   * NOT_IMPLEMENTED; short, malformed or overlong arguments throw 502 SYNTAX_ERROR; both carry the ids.
   */
  public static AmqpMethod decode(ByteBuffer payload) {
    return decode(payload, Dialect.SPEC);
  }

  /** Decodes a method frame payload, reporting bad arguments as {@code dialect} does (see {@link Dialect}). */
  public static AmqpMethod decode(ByteBuffer payload, Dialect dialect) {
    WireReader in = new WireReader(payload);
    int classId = in.shortUnsigned();
    int methodId = in.shortUnsigned();
    MethodSpec spec = MethodTable.find(classId, methodId)
        .orElseThrow(() -> new CodecException(CodecError.notImplemented(
            "unknown method: class " + classId + ", method " + methodId, classId, methodId)));
    try {
      return decodeArguments(spec, in, dialect);
    } catch (MalformedArguments e) {
      throw new CodecException(malformed(spec, e.getMessage(), dialect, payload));
    }
  }

  /** Decodes the arguments of {@code spec}'s method; the reader must hold exactly those octets. */
  private static AmqpMethod decodeArguments(MethodSpec spec, WireReader in, Dialect dialect) {
    // RabbitMQ checks every short string argument of a method without content (not basic.publish).
    boolean checkUtf8 = dialect == Dialect.RABBITMQ && !spec.hasContent();
    List<FieldSpec> fields = spec.fields();
    Object[] args = new Object[fields.size()];
    int bits = 0;
    int bitIndex = 8;
    for (int i = 0; i < args.length; i++) {
      FieldSpec field = fields.get(i);
      try {
        if (field.type() == FieldType.BIT) {
          if (bitIndex == 8) {
            bits = in.octet();
            bitIndex = 0;
          }
          args[i] = (bits & (1 << bitIndex)) != 0;
          bitIndex++;
        } else if (field.type() == FieldType.SHORTSTR && checkUtf8) {
          bitIndex = 8;
          byte[] octets = in.shortstrOctets();
          if (!WireText.isRabbitMqUtf8(octets)) {
            throw new CodecException(MALFORMED_UTF8);
          }
          args[i] = WireText.decode(octets);
        } else {
          bitIndex = 8;
          args[i] = in.read(field.type());
        }
      } catch (CodecException e) {
        if (e.error() == MALFORMED_UTF8) {
          throw e;
        }
        throw new MalformedArguments(field.name() + ": " + e.error().explanation());
      }
    }
    if (in.remaining() > 0) {
      throw new MalformedArguments(in.remaining() + " octets after the last argument");
    }
    return BINDINGS.get(spec.javaType()).construct(args);
  }

  /** The close for arguments that do not parse, in the dialect's words. */
  private static CodecError malformed(MethodSpec spec, String explanation, Dialect dialect, ByteBuffer payload) {
    return switch (dialect) {
      case SPEC -> CodecError.syntaxError(spec.name() + " " + explanation, spec.classId(), spec.methodId());
      case RABBITMQ -> new CodecError(CodecError.FRAME_ERROR, "FRAME_ERROR - cannot decode "
          + erlangBinary(payload.slice(payload.position() + 4, payload.remaining() - 4)), spec.classId(),
          spec.methodId());
      case LAVINMQ -> CodecError.frameError(spec.name() + " " + explanation);
    };
  }

  /**
   * Octets as Erlang prints a binary with {@code ~w}: {@code <<0,0,5,97,98>>}. Long binaries are cut (the
   * reply text is cut to 255 octets anyway).
   */
  static String erlangBinary(ByteBuffer octets) {
    StringBuilder b = new StringBuilder("<<");
    for (int i = octets.position(); i < octets.limit() && b.length() < ERLANG_BINARY_MAX_CHARS; i++) {
      if (i > octets.position()) {
        b.append(',');
      }
      b.append(octets.get(i) & 0xFF);
    }
    return b.append(">>").toString();
  }

  /** Arguments that do not parse; turned into the dialect's {@link CodecError} by {@link #decode}. */
  private static final class MalformedArguments extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedArguments(String explanation) {
      super(explanation, null, false, false);
    }
  }

  /** Accessors and canonical constructor of one method record, in table order. */
  private record Binding(MethodHandle[] getters, MethodHandle constructor) {

    Object get(int index, AmqpMethod method) {
      try {
        return getters[index].invokeExact(method);
      } catch (Throwable t) {
        throw new IllegalStateException("cannot read " + method.getClass().getSimpleName(), t);
      }
    }

    AmqpMethod construct(Object[] args) {
      try {
        return (AmqpMethod) constructor.invokeExact(args);
      } catch (RuntimeException e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException("cannot construct method record", t);
      }
    }
  }

  private static Map<Class<?>, Binding> bindAll() {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Map<Class<?>, Binding> bindings = new HashMap<>();
    for (MethodSpec spec : MethodTable.methods()) {
      bindings.put(spec.javaType(), bind(lookup, spec));
    }
    return Map.copyOf(bindings);
  }

  private static Binding bind(MethodHandles.Lookup lookup, MethodSpec spec) {
    Class<?> type = spec.javaType();
    RecordComponent[] components = type.getRecordComponents();
    List<FieldSpec> fields = spec.fields();
    if (components == null || components.length != fields.size()) {
      throw new IllegalStateException(type.getSimpleName() + " does not match " + spec.name() + fields);
    }
    MethodHandle[] getters = new MethodHandle[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        RecordComponent component = components[i];
        FieldSpec field = fields.get(i);
        if (!component.getName().equals(field.component())
            || component.getType() != field.type().javaType()) {
          throw new IllegalStateException(type.getSimpleName() + "." + component.getName() + " "
              + component.getType().getSimpleName() + " does not match " + spec.name() + " " + field);
        }
        parameterTypes[i] = component.getType();
        getters[i] = lookup.unreflect(component.getAccessor())
            .asType(MethodType.methodType(Object.class, AmqpMethod.class));
      }
      MethodHandle constructor = lookup.unreflectConstructor(type.getDeclaredConstructor(parameterTypes))
          .asSpreader(Object[].class, parameterTypes.length)
          .asType(MethodType.methodType(AmqpMethod.class, Object[].class));
      return new Binding(getters, constructor);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot bind " + type.getSimpleName(), e);
    }
  }
}
