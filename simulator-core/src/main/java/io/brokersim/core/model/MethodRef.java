package io.brokersim.core.model;

/** The AMQP methods the broker names in close frames: class id, method id and the spec's dotted name. */
public enum MethodRef {
  NONE(0, 0, "none"),
  CONNECTION_START_OK(10, 11, "connection.start-ok"),
  CONNECTION_TUNE_OK(10, 31, "connection.tune-ok"),
  CONNECTION_OPEN(10, 40, "connection.open"),
  CONNECTION_CLOSE(10, 50, "connection.close"),
  CHANNEL_OPEN(20, 10, "channel.open"),
  CHANNEL_FLOW(20, 20, "channel.flow"),
  CHANNEL_CLOSE(20, 40, "channel.close"),
  EXCHANGE_DECLARE(40, 10, "exchange.declare"),
  EXCHANGE_DELETE(40, 20, "exchange.delete"),
  EXCHANGE_BIND(40, 30, "exchange.bind"),
  EXCHANGE_UNBIND(40, 40, "exchange.unbind"),
  QUEUE_DECLARE(50, 10, "queue.declare"),
  QUEUE_BIND(50, 20, "queue.bind"),
  QUEUE_PURGE(50, 30, "queue.purge"),
  QUEUE_DELETE(50, 40, "queue.delete"),
  QUEUE_UNBIND(50, 50, "queue.unbind"),
  BASIC_QOS(60, 10, "basic.qos"),
  BASIC_CONSUME(60, 20, "basic.consume"),
  BASIC_CANCEL(60, 30, "basic.cancel"),
  BASIC_PUBLISH(60, 40, "basic.publish"),
  BASIC_GET(60, 70, "basic.get"),
  BASIC_ACK(60, 80, "basic.ack"),
  BASIC_REJECT(60, 90, "basic.reject"),
  BASIC_RECOVER_ASYNC(60, 100, "basic.recover-async"),
  BASIC_RECOVER(60, 110, "basic.recover"),
  BASIC_NACK(60, 120, "basic.nack"),
  TX_SELECT(90, 10, "tx.select"),
  TX_COMMIT(90, 20, "tx.commit"),
  TX_ROLLBACK(90, 30, "tx.rollback"),
  CONFIRM_SELECT(85, 10, "confirm.select");

  private final int classId;
  private final int methodId;
  private final String dottedName;

  MethodRef(int classId, int methodId, String dottedName) {
    this.classId = classId;
    this.methodId = methodId;
    this.dottedName = dottedName;
  }

  public int classId() {
    return classId;
  }

  public int methodId() {
    return methodId;
  }

  public String dottedName() {
    return dottedName;
  }
}
