package io.brokersim.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link MethodTable} against the RabbitMQ Java client's generated protocol classes, which RabbitMQ
 * builds from the same spec file the table was written from ({@link JavaClientOracle}): the same classes,
 * methods, content flags, argument names and types, properties and constants. {@code JavaClientCodecTest}
 * then sends every method through both codecs.
 */
class MethodTableTest {

  @Test
  void classes_comparedWithJavaClient_sameIdsAndNames() {
    Map<Integer, String> actual = new TreeMap<>();
    for (MethodSpec m : MethodTable.methods()) {
      actual.put(m.classId(), m.className());
    }
    assertEquals(JavaClientOracle.classNames(), actual);
  }

  @Test
  void methods_comparedWithJavaClient_sameIdsNamesAndContentFlagsAndNothingExtra() throws Exception {
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, Class<? extends Method>> e : JavaClientOracle.methodClasses().entrySet()) {
      Method m = JavaClientOracle.withZeroArguments(e.getValue());
      expected.add(row(m.protocolClassId(), m.protocolMethodId(), m.protocolMethodName(), m.hasContent()));
    }
    List<String> actual = new ArrayList<>();
    for (MethodSpec m : MethodTable.methods()) {
      actual.add(row(m.classId(), m.methodId(), m.name(), m.hasContent()));
    }
    assertEquals(expected, actual);
  }

  @Test
  void fields_comparedWithJavaClient_sameNamesAndTypesInOrder() throws Exception {
    for (MethodSpec m : MethodTable.methods()) {
      Class<? extends Method> client = JavaClientOracle.classOf(m);
      List<Class<?>> types = m.fields().stream().<Class<?>>map(f -> JavaClientOracle.clientType(f.type())).toList();
      // The client's constructor takes every argument in wire order: same count, same types, same order.
      JavaClientOracle.argumentConstructor(client, types);
      for (FieldSpec f : m.fields()) {
        java.lang.reflect.Method getter = client.getMethod(JavaClientOracle.getterName(f));
        assertEquals(JavaClientOracle.clientType(f.type()), getter.getReturnType(), m.name() + " " + f.name());
      }
      long getters = Arrays.stream(client.getDeclaredMethods())
          .filter(g -> g.getName().startsWith("get") && g.getParameterCount() == 0).count();
      assertEquals(m.fields().size(), getters, m.name() + ": arguments the table does not have");
    }
  }

  @Test
  void basicProperties_comparedWithJavaClient_sameNamesAndTypesInFlagOrder() throws Exception {
    List<FieldSpec> properties = MethodTable.basicProperties();
    List<Class<?>> types = new ArrayList<>();
    for (FieldSpec p : properties) {
      Class<?> type = p.type() == FieldType.TIMESTAMP ? Date.class : p.type().boxedJavaType();
      types.add(type);
      java.lang.reflect.Method getter = AMQP.BasicProperties.class.getMethod(JavaClientOracle.getterName(p));
      assertEquals(type, getter.getReturnType(), p.name());
    }
    // The client's all-properties constructor takes them in flag order; JavaClientCodecTest checks each
    // property alone on the wire, so a swap of two same-typed properties shows there.
    AMQP.BasicProperties.class.getConstructor(types.toArray(new Class<?>[0]));
  }

  @Test
  void table_ordering_byClassIdThenMethodId() {
    List<MethodSpec> methods = MethodTable.methods();
    for (int i = 1; i < methods.size(); i++) {
      MethodSpec a = methods.get(i - 1);
      MethodSpec b = methods.get(i);
      assertTrue(a.classId() < b.classId() || a.classId() == b.classId() && a.methodId() < b.methodId(),
          a.name() + " before " + b.name());
    }
  }

  @Test
  void records_permittedSubclasses_exactlyTheTableRows() {
    Set<Class<?>> permitted = Set.of(AmqpMethod.class.getPermittedSubclasses());
    Set<Class<?>> rows = MethodTable.methods().stream().map(MethodSpec::javaType).collect(Collectors.toSet());
    assertEquals(permitted, rows);
  }

  @Test
  void records_components_matchTableFieldsByNameAndType() {
    for (MethodSpec m : MethodTable.methods()) {
      RecordComponent[] components = m.javaType().getRecordComponents();
      List<String> actual = Arrays.stream(components)
          .map(c -> c.getName() + ":" + c.getType().getSimpleName()).collect(Collectors.toList());
      List<String> expected = m.fields().stream()
          .map(f -> f.component() + ":" + f.type().javaType().getSimpleName()).collect(Collectors.toList());
      assertEquals(expected, actual, m.name());
      String simpleName = Arrays.stream(m.name().split("[.-]"))
          .map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1)).collect(Collectors.joining());
      assertEquals(simpleName, m.javaType().getSimpleName(), m.name());
    }
  }

  @Test
  void constants_comparedWithJavaClient_frameTypesEndOctetMinSizeAndReplyCodesMatch() {
    assertEquals(AMQP.FRAME_METHOD, Frame.TYPE_METHOD);
    assertEquals(AMQP.FRAME_HEADER, Frame.TYPE_HEADER);
    assertEquals(AMQP.FRAME_BODY, Frame.TYPE_BODY);
    assertEquals(AMQP.FRAME_HEARTBEAT, Frame.TYPE_HEARTBEAT);
    assertEquals(AMQP.FRAME_END, Frame.FRAME_END);
    // The 0-9-1 spec's frame-min-size is 4096. RabbitMQ 4.1 raised its own minimum to 8192 and the client
    // (5.27) carries that newer value; the rabbitmq-4 profile enforces 8192 in the handshake instead.
    assertEquals(4096, Frame.FRAME_MIN_SIZE);
    assertEquals(AMQP.FRAME_ERROR, CodecError.FRAME_ERROR);
    assertEquals(AMQP.SYNTAX_ERROR, CodecError.SYNTAX_ERROR);
    assertEquals(AMQP.NOT_IMPLEMENTED, CodecError.NOT_IMPLEMENTED);
  }

  private static String row(int classId, int methodId, String name, boolean content) {
    return classId + "/" + methodId + " " + name + (content ? " content" : "");
  }
}
