package io.brokersim.amqp.codec;

import java.util.List;

/**
 * One row of the {@link MethodTable}: a method's class id, method id, dotted spec name, whether content
 * frames follow it, its ordered arguments, and the record that represents it.
 */
public record MethodSpec(
    int classId,
    int methodId,
    String name,
    boolean hasContent,
    List<FieldSpec> fields,
    Class<? extends AmqpMethod> javaType) {

  public MethodSpec {
    fields = List.copyOf(fields);
  }

  /** The class part of the name, e.g. {@code "basic"} for {@code "basic.publish"}. */
  public String className() {
    return name.substring(0, name.indexOf('.'));
  }
}
