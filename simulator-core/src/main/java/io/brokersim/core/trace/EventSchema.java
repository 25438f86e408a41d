package io.brokersim.core.trace;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The components of one {@link TraceEvent} record class, in declaration order, each with an accessor that does
 * not box: the shared schema of the JSON form ({@link TraceJson}) and the binary form ({@link TraceBinary}).
 * Computed once per class.
 */
final class EventSchema {

  /** The value types a trace event may hold (see {@link TraceEvent}). */
  enum Type {
    STRING,
    LONG,
    BOOLEAN,
    STRINGS
  }

  private static final ClassValue<EventSchema> SCHEMAS =
      new ClassValue<>() {
        @Override
        protected EventSchema computeValue(Class<?> type) {
          return new EventSchema(type);
        }
      };

  final Component[] components;
  /** The kind's binary form, taken from the first event encoded (kind() is a constant per record). */
  byte[] kindBytes;

  private EventSchema(Class<?> type) {
    RecordComponent[] recordComponents = type.getRecordComponents();
    if (recordComponents == null) {
      throw new IllegalArgumentException("not a record: " + type.getName());
    }
    components = new Component[recordComponents.length];
    for (int i = 0; i < recordComponents.length; i++) {
      components[i] = Component.of(type, recordComponents[i]);
    }
  }

  /** The schema of {@code type}, a record implementing {@link TraceEvent}. */
  static EventSchema of(Class<?> type) {
    return SCHEMAS.get(type);
  }

  /**
   * One record component. Exactly one accessor is set, by type: {@code reference} for strings and lists,
   * {@code number} for int and long, {@code flag} for boolean.
   */
  static final class Component {
    final String name;
    final Type type;
    final Function<Object, Object> reference;
    final ToLongFunction<Object> number;
    final Predicate<Object> flag;

    private Component(String name, Type type, Function<Object, Object> reference, ToLongFunction<Object> number,
        Predicate<Object> flag) {
      this.name = name;
      this.type = type;
      this.reference = reference;
      this.number = number;
      this.flag = flag;
    }

    @SuppressWarnings("unchecked")
    static Component of(Class<?> owner, RecordComponent c) {
      Class<?> t = c.getType();
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      try {
        MethodHandle getter = lookup.unreflect(c.getAccessor());
        if (t == String.class || t == List.class) {
          Function<Object, Object> f = (Function<Object, Object>) lambda(lookup, getter, Function.class, "apply",
              MethodType.methodType(Object.class, Object.class), MethodType.methodType(t, owner));
          return new Component(c.getName(), t == String.class ? Type.STRING : Type.STRINGS, f, null, null);
        } else if (t == int.class || t == long.class) {
          ToLongFunction<Object> f = (ToLongFunction<Object>) lambda(lookup, getter, ToLongFunction.class,
              "applyAsLong", MethodType.methodType(long.class, Object.class), MethodType.methodType(long.class, owner));
          return new Component(c.getName(), Type.LONG, null, f, null);
        } else if (t == boolean.class) {
          Predicate<Object> f = (Predicate<Object>) lambda(lookup, getter, Predicate.class, "test",
              MethodType.methodType(boolean.class, Object.class), MethodType.methodType(boolean.class, owner));
          return new Component(c.getName(), Type.BOOLEAN, null, null, f);
        }
      } catch (Throwable e) {
        throw new IllegalStateException("cannot read " + owner.getName() + "." + c.getName(), e);
      }
      throw new IllegalArgumentException(owner.getName() + " has a component of unsupported type " + t);
    }

    private static Object lambda(MethodHandles.Lookup lookup, MethodHandle getter, Class<?> iface, String method,
        MethodType erased, MethodType instantiated) throws Throwable {
      try {
        CallSite site = LambdaMetafactory.metafactory(lookup, method, MethodType.methodType(iface), erased, getter,
            instantiated);
        return site.getTarget().invoke();
      } catch (LambdaConversionException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
