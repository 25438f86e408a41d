package com.example.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.brokersim.scenarios.junit.BrokersimServer;
import io.brokersim.scenarios.junit.LiveServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A class-wide server under this project's JUnit 5.10: the @BeforeAll method connects to it, every test shares it,
 * and the tests assert on the broker's view of their messages.
 */
@Timeout(60)
@BrokersimServer(profile = "rabbitmq-4")
class ClassServerTest {

  private static Connection connection;

  @BeforeAll
  static void connect(LiveServer server) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(server.amqpUri());
    connection = factory.newConnection("class-server");
    Channel ch = connection.createChannel();
    ch.queueDeclare("jobs", true, false, false, null);
    ch.close();
  }

  @AfterAll
  static void disconnect() throws Exception {
    connection.close();
  }

  private static void publish(String correlationId) throws Exception {
    Channel ch = connection.createChannel();
    ch.confirmSelect();
    ch.basicPublish("", "jobs", new AMQP.BasicProperties.Builder().correlationId(correlationId).build(),
        correlationId.getBytes(UTF_8));
    ch.waitForConfirmsOrDie(10_000);
    ch.close();
  }

  @Test
  void first_messageWaitsInTheQueue(LiveServer server) throws Exception {
    publish("first");
    server.messages().withCorrelationId("first").toQueue("jobs").stillLive().assertCount(1);
  }

  @Test
  void second_sameServer_ownMessage(LiveServer server) throws Exception {
    publish("second");
    server.messages().withCorrelationId("second").toQueue("jobs").stillLive().assertCount(1);
  }
}
