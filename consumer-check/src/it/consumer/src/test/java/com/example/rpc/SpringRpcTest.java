package com.example.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.scenarios.junit.BrokersimServer;
import io.brokersim.scenarios.junit.LiveServer;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.adapter.MessageListenerAdapter;

/** Spring AMQP's request/reply (direct reply-to, RabbitTemplate's default) against a brokersim server. */
@Timeout(60)
class SpringRpcTest {

  /** The RPC server: Spring calls handleMessage with the converted request and sends back its result. */
  public static final class Pong {
    public String handleMessage(String request) {
      return "pong:" + request;
    }
  }

  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void convertSendAndReceive_directReplyTo_returnsTheReply(LiveServer server) {
    CachingConnectionFactory connections = new CachingConnectionFactory(URI.create(server.amqpUri()));
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
    try {
      new RabbitAdmin(connections).declareQueue(new Queue("rpc_queue"));   // durable: RabbitMQ 4.3 refuses transient
      container.setQueueNames("rpc_queue");
      container.setMessageListener(new MessageListenerAdapter(new Pong()));
      container.start();

      RabbitTemplate template = new RabbitTemplate(connections);
      template.setReplyTimeout(10_000);
      assertEquals("pong:ping", template.convertSendAndReceive("", "rpc_queue", "ping"));
      assertEquals("pong:pong", template.convertSendAndReceive("", "rpc_queue", "pong"));
    } finally {
      container.stop();
      connections.destroy();
    }
  }
}
