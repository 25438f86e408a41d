package io.brokersim.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.trace.Fate;
import io.brokersim.scenarios.junit.LiveServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

// GUIDE-SPRING-START
@SpringBootTest(classes = SpringBootRpcIT.RpcApp.class, properties = "spring.rabbitmq.template.reply-timeout=3s")
@AutoConfigureBrokersim(profile = "rabbitmq-4")
class SpringBootRpcIT {

  /** The application under test: an RPC server on rpc_queue; Spring Boot configures the RabbitTemplate. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class RpcApp {
    @Bean
    Queue rpcQueue() {
      return new Queue("rpc_queue");
    }

    @Bean
    Pong pong() {
      return new Pong();
    }
  }

  static class Pong {
    @RabbitListener(queues = "rpc_queue")
    String handle(String request) {
      return "pong:" + request;
    }
  }

  @Autowired
  RabbitTemplate template;

  @Autowired
  LiveServer broker;

  @Test
  @Timeout(30)
  void convertSendAndReceive_directReplyTo_getsTheReply() {
    assertEquals("pong:ping", template.convertSendAndReceive("", "rpc_queue", "ping"));

    broker.eventually(() -> broker.messages().toQueue("rpc_queue").acknowledged().assertAny());
  }

  @Test
  @Timeout(30)
  void deadReplyChannel_replyIsLost_andTheLedgerSaysWhy() {
    FaultInjector.Armed dead = broker.faults().arm(new FaultRule("dead-reply-channel", Boundary.ROUTED,
        Match.builder().hasReplyTo(true).build(), FaultActions.deadReplyChannel(false, 406, "requester died"),
        Trigger.oneShot()));

    assertNull(template.convertSendAndReceive("", "rpc_queue", "lost"), "no reply within the reply timeout");

    assertEquals(1, dead.firedCount());
    broker.eventually(() -> broker.messages().replies().withFate(Fate.Kind.REPLY_DROPPED).assertCount(1));
  }
}
// GUIDE-SPRING-END
