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
   * Decodes a method frame payload (ids and arguments). Unknown ids throw 540 NOT_IMPLEMENTED; short,
   * malformed or overlong arguments throw 502 SYNTAX_ERROR; both carry the ids.
   */
  public static AmqpMethod decode(ByteBuffer payload) {
    WireReader in = new WireReader(payload);
    int classId = in.shortUnsigned();
    int methodId = in.shortUnsigned();
    MethodSpec spec = MethodTable.find(classId, methodId)
        .orElseThrow(() -> new CodecException(CodecError.notImplemented(
            "unknown method: class " + classId + ", method " + methodId, classId, methodId)));
    return decodeArguments(spec, in);
  }

  /** Decodes the arguments of {@code spec}'s method; the reader must hold exactly those octets. */
  public static AmqpMethod decodeArguments(MethodSpec spec, WireReader in) {
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
        } else {
          bitIndex = 8;
          args[i] = in.read(field.type());
        }
      } catch (CodecException e) {
        throw syntax(spec, field.name() + ": " + e.error().explanation());
      }
    }
    if (in.remaining() > 0) {
      throw syntax(spec, in.remaining() + " octets after the last argument");
    }
    return BINDINGS.get(spec.javaType()).construct(args);
  }

  private static CodecException syntax(MethodSpec spec, String explanation) {
    return new CodecException(
        CodecError.syntaxError(spec.name() + " " + explanation, spec.classId(), spec.methodId()));
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
