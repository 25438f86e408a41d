package io.brokersim.amqp.codec;

import static io.brokersim.amqp.codec.FieldType.BIT;
import static io.brokersim.amqp.codec.FieldType.LONG;
import static io.brokersim.amqp.codec.FieldType.LONGLONG;
import static io.brokersim.amqp.codec.FieldType.LONGSTR;
import static io.brokersim.amqp.codec.FieldType.OCTET;
import static io.brokersim.amqp.codec.FieldType.SHORT;
import static io.brokersim.amqp.codec.FieldType.SHORTSTR;
import static io.brokersim.amqp.codec.FieldType.TABLE;
import static io.brokersim.amqp.codec.FieldType.TIMESTAMP;

import io.brokersim.amqp.codec.AmqpMethod.*;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AMQP 0-9-1 protocol as data: every method of every class, in class-id then method-id order, with
 * its arguments in wire order and their domains resolved to primitive types, plus the {@code basic}
 * content properties in flag order. Includes the RabbitMQ extensions (exchange.bind/unbind,
 * connection.blocked/unblocked/update-secret, basic.nack, confirm.*).
 *
 * <p>Written from RabbitMQ's spec file ({@code deps/rabbitmq_codegen/amqp-rabbitmq-0.9.1.json} in
 * rabbitmq-server). {@code MethodTableTest} checks it against the RabbitMQ Java client's protocol classes,
 * generated from the same file, and {@code JavaClientCodecTest} sends every method through both codecs.
 * {@link MethodCodec} encodes and decodes from this table and refuses to load if a record's components
 * disagree with it.
 *
 * <p>Argument names follow the JSON, which keeps the 0-8 names where the 0-9-1 XML says
 * {@code reserved-1}/{@code reserved-2} (e.g. {@code ticket}, {@code out-of-band}, {@code known-hosts}).
 */
public final class MethodTable {

  /** Class id of {@code basic}, the only class with content properties. */
  public static final int BASIC_CLASS_ID = 60;

  private static final List<MethodSpec> METHODS = List.of(
      // connection (class 10)
      method(10, 10, "connection.start", ConnectionStart.class,
          field("version-major", OCTET), field("version-minor", OCTET), field("server-properties", TABLE),
          field("mechanisms", LONGSTR), field("locales", LONGSTR)),
      method(10, 11, "connection.start-ok", ConnectionStartOk.class,
          field("client-properties", TABLE), field("mechanism", SHORTSTR), field("response", LONGSTR),
          field("locale", SHORTSTR)),
      method(10, 20, "connection.secure", ConnectionSecure.class, field("challenge", LONGSTR)),
      method(10, 21, "connection.secure-ok", ConnectionSecureOk.class, field("response", LONGSTR)),
      method(10, 30, "connection.tune", ConnectionTune.class,
          field("channel-max", SHORT), field("frame-max", LONG), field("heartbeat", SHORT)),
      method(10, 31, "connection.tune-ok", ConnectionTuneOk.class,
          field("channel-max", SHORT), field("frame-max", LONG), field("heartbeat", SHORT)),
      method(10, 40, "connection.open", ConnectionOpen.class,
          field("virtual-host", SHORTSTR), field("capabilities", SHORTSTR), field("insist", BIT)),
      method(10, 41, "connection.open-ok", ConnectionOpenOk.class, field("known-hosts", SHORTSTR)),
      method(10, 50, "connection.close", ConnectionClose.class,
          field("reply-code", SHORT), field("reply-text", SHORTSTR),
          field("class-id", SHORT, "failingClassId"), field("method-id", SHORT, "failingMethodId")),
      method(10, 51, "connection.close-ok", ConnectionCloseOk.class),
      method(10, 60, "connection.blocked", ConnectionBlocked.class, field("reason", SHORTSTR)),
      method(10, 61, "connection.unblocked", ConnectionUnblocked.class),
      method(10, 70, "connection.update-secret", ConnectionUpdateSecret.class,
          field("new-secret", LONGSTR), field("reason", SHORTSTR)),
      method(10, 71, "connection.update-secret-ok", ConnectionUpdateSecretOk.class),
      // channel (class 20)
      method(20, 10, "channel.open", ChannelOpen.class, field("out-of-band", SHORTSTR)),
      method(20, 11, "channel.open-ok", ChannelOpenOk.class, field("channel-id", LONGSTR)),
      method(20, 20, "channel.flow", ChannelFlow.class, field("active", BIT)),
      method(20, 21, "channel.flow-ok", ChannelFlowOk.class, field("active", BIT)),
      method(20, 40, "channel.close", ChannelClose.class,
          field("reply-code", SHORT), field("reply-text", SHORTSTR),
          field("class-id", SHORT, "failingClassId"), field("method-id", SHORT, "failingMethodId")),
      method(20, 41, "channel.close-ok", ChannelCloseOk.class),
      // access (class 30)
      method(30, 10, "access.request", AccessRequest.class,
          field("realm", SHORTSTR), field("exclusive", BIT), field("passive", BIT), field("active", BIT),
          field("write", BIT), field("read", BIT)),
      method(30, 11, "access.request-ok", AccessRequestOk.class, field("ticket", SHORT)),
      // exchange (class 40)
      method(40, 10, "exchange.declare", ExchangeDeclare.class,
          field("ticket", SHORT), field("exchange", SHORTSTR), field("type", SHORTSTR), field("passive", BIT),
          field("durable", BIT), field("auto-delete", BIT), field("internal", BIT), field("nowait", BIT),
          field("arguments", TABLE)),
      method(40, 11, "exchange.declare-ok", ExchangeDeclareOk.class),
      method(40, 20, "exchange.delete", ExchangeDelete.class,
          field("ticket", SHORT), field("exchange", SHORTSTR), field("if-unused", BIT), field("nowait", BIT)),
      method(40, 21, "exchange.delete-ok", ExchangeDeleteOk.class),
      method(40, 30, "exchange.bind", ExchangeBind.class,
          field("ticket", SHORT), field("destination", SHORTSTR), field("source", SHORTSTR),
          field("routing-key", SHORTSTR), field("nowait", BIT), field("arguments", TABLE)),
      method(40, 31, "exchange.bind-ok", ExchangeBindOk.class),
      method(40, 40, "exchange.unbind", ExchangeUnbind.class,
          field("ticket", SHORT), field("destination", SHORTSTR), field("source", SHORTSTR),
          field("routing-key", SHORTSTR), field("nowait", BIT), field("arguments", TABLE)),
      method(40, 51, "exchange.unbind-ok", ExchangeUnbindOk.class),
      // queue (class 50)
      method(50, 10, "queue.declare", QueueDeclare.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("passive", BIT), field("durable", BIT),
          field("exclusive", BIT), field("auto-delete", BIT), field("nowait", BIT), field("arguments", TABLE)),
      method(50, 11, "queue.declare-ok", QueueDeclareOk.class,
          field("queue", SHORTSTR), field("message-count", LONG), field("consumer-count", LONG)),
      method(50, 20, "queue.bind", QueueBind.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("exchange", SHORTSTR),
          field("routing-key", SHORTSTR), field("nowait", BIT), field("arguments", TABLE)),
      method(50, 21, "queue.bind-ok", QueueBindOk.class),
      method(50, 30, "queue.purge", QueuePurge.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("nowait", BIT)),
      method(50, 31, "queue.purge-ok", QueuePurgeOk.class, field("message-count", LONG)),
      method(50, 40, "queue.delete", QueueDelete.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("if-unused", BIT), field("if-empty", BIT),
          field("nowait", BIT)),
      method(50, 41, "queue.delete-ok", QueueDeleteOk.class, field("message-count", LONG)),
      method(50, 50, "queue.unbind", QueueUnbind.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("exchange", SHORTSTR),
          field("routing-key", SHORTSTR), field("arguments", TABLE)),
      method(50, 51, "queue.unbind-ok", QueueUnbindOk.class),
      // basic (class 60)
      method(60, 10, "basic.qos", BasicQos.class,
          field("prefetch-size", LONG), field("prefetch-count", SHORT), field("global", BIT)),
      method(60, 11, "basic.qos-ok", BasicQosOk.class),
      method(60, 20, "basic.consume", BasicConsume.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("consumer-tag", SHORTSTR),
          field("no-local", BIT), field("no-ack", BIT), field("exclusive", BIT), field("nowait", BIT),
          field("arguments", TABLE)),
      method(60, 21, "basic.consume-ok", BasicConsumeOk.class, field("consumer-tag", SHORTSTR)),
      method(60, 30, "basic.cancel", BasicCancel.class, field("consumer-tag", SHORTSTR), field("nowait", BIT)),
      method(60, 31, "basic.cancel-ok", BasicCancelOk.class, field("consumer-tag", SHORTSTR)),
      content(60, 40, "basic.publish", BasicPublish.class,
          field("ticket", SHORT), field("exchange", SHORTSTR), field("routing-key", SHORTSTR),
          field("mandatory", BIT), field("immediate", BIT)),
      content(60, 50, "basic.return", BasicReturn.class,
          field("reply-code", SHORT), field("reply-text", SHORTSTR), field("exchange", SHORTSTR),
          field("routing-key", SHORTSTR)),
      content(60, 60, "basic.deliver", BasicDeliver.class,
          field("consumer-tag", SHORTSTR), field("delivery-tag", LONGLONG), field("redelivered", BIT),
          field("exchange", SHORTSTR), field("routing-key", SHORTSTR)),
      method(60, 70, "basic.get", BasicGet.class,
          field("ticket", SHORT), field("queue", SHORTSTR), field("no-ack", BIT)),
      content(60, 71, "basic.get-ok", BasicGetOk.class,
          field("delivery-tag", LONGLONG), field("redelivered", BIT), field("exchange", SHORTSTR),
          field("routing-key", SHORTSTR), field("message-count", LONG)),
      method(60, 72, "basic.get-empty", BasicGetEmpty.class, field("cluster-id", SHORTSTR)),
      method(60, 80, "basic.ack", BasicAck.class, field("delivery-tag", LONGLONG), field("multiple", BIT)),
      method(60, 90, "basic.reject", BasicReject.class, field("delivery-tag", LONGLONG), field("requeue", BIT)),
      method(60, 100, "basic.recover-async", BasicRecoverAsync.class, field("requeue", BIT)),
      method(60, 110, "basic.recover", BasicRecover.class, field("requeue", BIT)),
      method(60, 111, "basic.recover-ok", BasicRecoverOk.class),
      method(60, 120, "basic.nack", BasicNack.class,
          field("delivery-tag", LONGLONG), field("multiple", BIT), field("requeue", BIT)),
      // confirm (class 85)
      method(85, 10, "confirm.select", ConfirmSelect.class, field("nowait", BIT)),
      method(85, 11, "confirm.select-ok", ConfirmSelectOk.class),
      // tx (class 90)
      method(90, 10, "tx.select", TxSelect.class),
      method(90, 11, "tx.select-ok", TxSelectOk.class),
      method(90, 20, "tx.commit", TxCommit.class),
      method(90, 21, "tx.commit-ok", TxCommitOk.class),
      method(90, 30, "tx.rollback", TxRollback.class),
      method(90, 31, "tx.rollback-ok", TxRollbackOk.class)
  );

  /** The basic content properties; property i is flag bit 15 - i (spec 4.2.6.1). */
  private static final List<FieldSpec> BASIC_PROPERTIES = List.of(
      field("content-type", SHORTSTR),
      field("content-encoding", SHORTSTR),
      field("headers", TABLE),
      field("delivery-mode", OCTET),
      field("priority", OCTET),
      field("correlation-id", SHORTSTR),
      field("reply-to", SHORTSTR),
      field("expiration", SHORTSTR),
      field("message-id", SHORTSTR),
      field("timestamp", TIMESTAMP),
      field("type", SHORTSTR),
      field("user-id", SHORTSTR),
      field("app-id", SHORTSTR),
      field("cluster-id", SHORTSTR));

  private static final Map<Integer, MethodSpec> BY_ID = new HashMap<>();
  private static final Map<Class<?>, MethodSpec> BY_TYPE = new HashMap<>();

  static {
    for (MethodSpec spec : METHODS) {
      if (BY_ID.put(key(spec.classId(), spec.methodId()), spec) != null
          || BY_TYPE.put(spec.javaType(), spec) != null) {
        throw new IllegalStateException("duplicate method table row " + spec.name());
      }
    }
  }

  private MethodTable() {}

  /** Every method, ordered by class id then method id. */
  public static List<MethodSpec> methods() {
    return METHODS;
  }

  /** The method with these ids, or empty if the protocol has none. */
  public static Optional<MethodSpec> find(int classId, int methodId) {
    return Optional.ofNullable(BY_ID.get(key(classId, methodId)));
  }

  /** The row for a method record type. */
  public static MethodSpec of(Class<? extends AmqpMethod> javaType) {
    MethodSpec spec = BY_TYPE.get(javaType);
    if (spec == null) {
      throw new IllegalArgumentException("not a method record: " + javaType.getName());
    }
    return spec;
  }

  /** The 14 basic content properties in wire (flag) order. */
  public static List<FieldSpec> basicProperties() {
    return BASIC_PROPERTIES;
  }

  private static int key(int classId, int methodId) {
    return (classId << 16) | methodId;
  }

  private static MethodSpec method(
      int classId, int methodId, String name, Class<? extends AmqpMethod> type, FieldSpec... fields) {
    return new MethodSpec(classId, methodId, name, false, List.of(fields), type);
  }

  private static MethodSpec content(
      int classId, int methodId, String name, Class<? extends AmqpMethod> type, FieldSpec... fields) {
    return new MethodSpec(classId, methodId, name, true, List.of(fields), type);
  }

  private static FieldSpec field(String name, FieldType type) {
    return FieldSpec.of(name, type);
  }

  private static FieldSpec field(String name, FieldType type, String component) {
    return new FieldSpec(name, type, component);
  }
}
