package io.brokersim.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Method;
import io.brokersim.core.model.BasicProperties;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of the protocol through two independent codecs: brokersim encodes and the RabbitMQ Java
 * client decodes, then the client encodes and brokersim decodes, comparing every argument. Each method is
 * sent twice, its bits alternating from true and from false, with every other argument away from zero
 * (numbers past the signed range, non-ASCII and binary strings, tables of every shared type).
 */
class JavaClientCodecTest {

  static Stream<Arguments> everyMethodBothBitPatterns() {
    return MethodTable.methods().stream().flatMap(m -> Stream.of(
        Arguments.of(m.name(), sample(m, true)), Arguments.of(m.name(), sample(m, false))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethodBothBitPatterns")
  void method_encodedByBrokersim_decodedByJavaClient_sameArguments(String name, AmqpMethod method)
      throws Exception {
    WireWriter out = new WireWriter();
    MethodCodec.encode(method, out);
    byte[] payload = out.toByteArray();

    Method client = JavaClientOracle.clientDecode(payload);
    assertEquals(name, client.protocolMethodName());
    assertSameArguments(method, client);
    if (method.spec().fields().stream().noneMatch(f -> f.type() == FieldType.TABLE)) {
      // The client keeps tables in a HashMap, so only table-free methods can be compared octet for octet.
      assertArrayEquals(payload, JavaClientOracle.clientEncode(client), name + " re-encoded by the client");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMethodBothBitPatterns")
  void method_encodedByJavaClient_decodedByBrokersim_sameArguments(String name, AmqpMethod method)
      throws Exception {
    Method client = JavaClientOracle.toClient(method);
    byte[] payload = JavaClientOracle.clientEncode(client);

    AmqpMethod decoded = MethodCodec.decode(ByteBuffer.wrap(payload));
    assertEquals(method.getClass(), decoded.getClass(), name);
    assertSameArguments(decoded, client);
  }

  static Stream<Arguments> propertySets() {
    BasicProperties all = BasicProperties.builder()
        .contentType("application/json").contentEncoding("gzip").headers(JavaClientOracle.table("headers"))
        .deliveryMode(2).priority(255).correlationId("corr-é").replyTo("amq.rabbitmq.reply-to")
        .expiration("60000").messageId("msg-1").timestamp(1_700_000_000L).type("order.created")
        .userId("guest").appId("brokersim").clusterId("cluster-a").build();
    List<Arguments> sets = new ArrayList<>();
    sets.add(Arguments.of("all", all));
    sets.add(Arguments.of("none", BasicProperties.EMPTY));
    for (int i = 0; i < MethodTable.basicProperties().size(); i++) {
      sets.add(Arguments.of(MethodTable.basicProperties().get(i).name() + " alone", only(all, i)));
    }
    return sets.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("propertySets")
  void contentHeader_encodedByBrokersim_decodedByJavaClient_sameProperties(String name, BasicProperties p)
      throws Exception {
    WireWriter out = new WireWriter();
    ContentHeaderCodec.encode(new Frame.ContentHeader(1, MethodTable.BASIC_CLASS_ID, 0, 0x1_0000_0001L, p), out);

    AMQP.BasicProperties client = JavaClientOracle.clientDecodeHeader(out.toByteArray());
    assertEquals(0x1_0000_0001L, client.getBodySize());
    assertSameProperties(p, client);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("propertySets")
  void contentHeader_encodedByJavaClient_decodedByBrokersim_sameProperties(String name, BasicProperties p)
      throws Exception {
    AMQP.BasicProperties client = JavaClientOracle.toClient(p);
    byte[] payload = JavaClientOracle.clientEncode(client, 0x1_0000_0001L);

    Frame.ContentHeader header = ContentHeaderCodec.decode(1, ByteBuffer.wrap(payload));
    assertEquals(MethodTable.BASIC_CLASS_ID, header.classId());
    assertEquals(0x1_0000_0001L, header.bodySize());
    assertSameProperties(header.properties(), client);
  }

  @Test
  void everyJavaClientMethod_isSentByTheTests() {
    // The parameter sources above come from brokersim's table; MethodTableTest pins that table to the
    // client's method set, so this guards only against the sources skipping rows.
    assertEquals(2 * JavaClientOracle.methodClasses().size(), everyMethodBothBitPatterns().count());
  }

  private static AmqpMethod sample(MethodSpec spec, boolean firstBit) {
    return Samples.nonDefault(spec, firstBit, JavaClientOracle::table);
  }

  private static void assertSameArguments(AmqpMethod brokersim, Method client) {
    MethodSpec spec = brokersim.spec();
    for (int i = 0; i < spec.fields().size(); i++) {
      FieldSpec f = spec.fields().get(i);
      Object ours = JavaClientOracle.component((Record) brokersim, i);
      Object theirs = JavaClientOracle.clientArgument(client, f);
      assertTrue(JavaClientOracle.sameValue(f.type(), ours, theirs),
          spec.name() + " " + f.name() + ": brokersim " + ours + ", Java client " + theirs);
    }
  }

  private static void assertSameProperties(BasicProperties brokersim, AMQP.BasicProperties client) {
    List<FieldSpec> properties = MethodTable.basicProperties();
    for (int i = 0; i < properties.size(); i++) {
      FieldSpec p = properties.get(i);
      Object ours = JavaClientOracle.component(brokersim, i);
      Object theirs = JavaClientOracle.clientArgument(client, p);
      assertTrue(JavaClientOracle.sameValue(p.type(), ours, theirs),
          p.name() + ": brokersim " + ours + ", Java client " + theirs);
    }
  }

  /** {@code all} with only its {@code index}th property kept. */
  private static BasicProperties only(BasicProperties all, int index) {
    Object[] values = new Object[MethodTable.basicProperties().size()];
    Class<?>[] types = new Class<?>[values.length];
    var components = BasicProperties.class.getRecordComponents();
    try {
      for (int i = 0; i < values.length; i++) {
        types[i] = components[i].getType();
        values[i] = i == index ? components[i].getAccessor().invoke(all) : null;
      }
      return BasicProperties.class.getConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
