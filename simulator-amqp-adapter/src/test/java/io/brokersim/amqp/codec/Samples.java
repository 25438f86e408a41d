package io.brokersim.amqp.codec;

import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.FieldTables;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sample methods, properties, tables and wire streams shared by the codec tests (and the server's rule tests). */
public final class Samples {

  static final int FRAME_MAX = Frame.FRAME_MIN_SIZE;

  private Samples() {}

  /**
   * An instance of {@code spec}'s record with no argument at its zero value: numbers beyond the signed
   * range of their wire type, non-ASCII strings, binary long strings, non-empty tables. Bits alternate,
   * starting with {@code firstBit}, so two calls cover both values of every bit.
   */
  public static AmqpMethod nonDefault(MethodSpec spec, boolean firstBit) {
    return nonDefault(spec, firstBit, Samples::table);
  }

  /** Like {@link #nonDefault(MethodSpec, boolean)}, with each table argument from {@code tables} (given its name). */
  public static AmqpMethod nonDefault(MethodSpec spec, boolean firstBit, Function<String, Map<String, Object>> tables) {
    List<FieldSpec> fields = spec.fields();
    Object[] args = new Object[fields.size()];
    Class<?>[] types = new Class<?>[fields.size()];
    for (int i = 0; i < args.length; i++) {
      FieldSpec field = fields.get(i);
      types[i] = field.type().javaType();
      args[i] = switch (field.type()) {
        case BIT -> (i % 2 == 0) == firstBit;
        case OCTET -> 200 + i;
        case SHORT -> 65_000 + i;
        case LONG -> 4_000_000_000L + i;
        case LONGLONG, TIMESTAMP -> 0xFEDC_BA98_7654_3210L + i;
        case SHORTSTR -> field.name() + "-é✓";
        case LONGSTR -> LongString.of(("\0" + field.name() + "\u00ff").getBytes(StandardCharsets.UTF_8));
        case TABLE -> tables.apply(field.name());
      };
    }
    try {
      return spec.javaType().getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** A small table whose values have comparable Java types (no byte arrays). */
  static Map<String, Object> table(String name) {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("deep", new FieldTables.Unsigned('u', 65_535));
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("name", name);
    table.put("x-max-priority", 10);
    table.put("flag", true);
    table.put("nested", nested);
    table.put("list", List.of(1L, "two", new FieldTables.Timestamp(1_700_000_000L)));
    return table;
  }

  /** Every property set, headers holding several value types. */
  static BasicProperties allProperties() {
    return BasicProperties.builder()
        .contentType("application/json")
        .contentEncoding("gzip")
        .headers(table("headers"))
        .deliveryMode(2)
        .priority(255)
        .correlationId("corr-é")
        .replyTo("amq.rabbitmq.reply-to")
        .expiration("60000")
        .messageId("msg-1")
        .timestamp(1_700_000_000L)
        .type("order.created")
        .userId("guest")
        .appId("brokersim")
        .clusterId("cluster-a")
        .build();
  }

  /** Body bytes 0, 1, 2, ... wrapping at 256. */
  static ByteBuffer body(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) i;
    }
    return ByteBuffer.wrap(bytes);
  }

  /** Named wire streams, each one or more whole frames, covering every frame type. */
  static Map<String, byte[]> streams() {
    FrameEncoder encoder = new FrameEncoder(FRAME_MAX);
    Map<String, byte[]> streams = new LinkedHashMap<>();
    streams.put("connection.start", encoder.encodeMethod(0, new AmqpMethod.ConnectionStart(
        0, 9, table("server"), LongString.of("PLAIN AMQPLAIN"), LongString.of("en_US"))));
    streams.put("queue.declare", encoder.encodeMethod(1, nonDefault(
        MethodTable.of(AmqpMethod.QueueDeclare.class), true)));
    streams.put("basic.publish with 3 body frames", FrameEncoder.join(encoder.encodeContent(7,
        new AmqpMethod.BasicPublish(0, "amq.direct", "rk", true, false), allProperties(),
        body(2 * (FRAME_MAX - Frame.OVERHEAD) + 5))));
    streams.put("basic.deliver empty body", FrameEncoder.join(encoder.encodeContent(65_535,
        new AmqpMethod.BasicDeliver("ctag", 42, true, "", "q"), BasicProperties.EMPTY, body(0))));
    streams.put("heartbeat", encoder.heartbeat());
    streams.put("channel.close", encoder.encodeMethod(3,
        new AmqpMethod.ChannelClose(404, "NOT_FOUND - no queue 'q' in vhost '/'", 50, 10)));
    return streams;
  }

  /** Concatenates byte arrays. */
  static byte[] concat(byte[]... parts) {
    List<ByteBuffer> buffers = new ArrayList<>();
    for (byte[] part : parts) {
      buffers.add(ByteBuffer.wrap(part));
    }
    return FrameEncoder.join(buffers);
  }

  /** Parses hex such as {@code "01 00 01 ce"}. */
  static byte[] hex(String hex) {
    String digits = hex.replace(" ", "");
    byte[] bytes = new byte[digits.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
