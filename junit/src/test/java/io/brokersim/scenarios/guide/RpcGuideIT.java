package io.brokersim.scenarios.guide;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.RpcClient;
import com.rabbitmq.client.RpcClientParams;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultActions;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.fault.Match;
import io.brokersim.core.fault.Trigger;
import io.brokersim.core.trace.Fate;
import io.brokersim.scenarios.junit.BrokersimServer;
import io.brokersim.scenarios.junit.LiveServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/testing.md, steps 1 to 3: a real client's RPC against a brokersim server. Snippets come from here. */
@Timeout(60)
class RpcGuideIT {

  /** The code under test: an RPC server that answers "pong:" + the request, on rpc_queue. */
  static void startPongServer(Connection connection) throws IOException {
    Channel ch = connection.createChannel();
    ch.queueDeclare("rpc_queue", true, false, false, null);
    ch.basicConsume("rpc_queue", false, (tag, request) -> {
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
          .correlationId(request.getProperties().getCorrelationId()).build();
      ch.basicPublish("", request.getProperties().getReplyTo(), props,
          ("pong:" + new String(request.getBody(), UTF_8)).getBytes(UTF_8));
      ch.basicAck(request.getEnvelope().getDeliveryTag(), false);
    }, tag -> { });
  }

  static RpcClient rpcClient(Connection connection) throws IOException {
    return new RpcClient(new RpcClientParams().channel(connection.createChannel())
        .exchange("").routingKey("rpc_queue").timeout(5_000));   // direct reply-to, the Java client's default
  }

  // Step 1 --------------------------------------------------------------------------------------------------
  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void call_getsItsReply(LiveServer server) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(server.amqpUri());
    try (Connection connection = factory.newConnection("rpc")) {
      startPongServer(connection);
      RpcClient client = rpcClient(connection);

      assertEquals("pong:ping", client.stringCall("ping"));

      server.eventually(() -> server.messages().requests().toQueue("rpc_queue").acknowledged().assertCount(1));
      server.messages().replies().consumed().assertCount(1);
    }
  }

  // Step 2 --------------------------------------------------------------------------------------------------
  @Test
  @BrokersimServer(profile = "rabbitmq-4")
  void requesterChannelDies_callFails_replyDroppedAndExplained(LiveServer server) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(server.amqpUri());
    try (Connection connection = factory.newConnection("rpc")) {
      startPongServer(connection);
      RpcClient client = rpcClient(connection);
      FaultInjector.Armed deadReplyChannel = server.faults().arm(new FaultRule("dead-reply-channel",
          Boundary.ROUTED, Match.builder().hasReplyTo(true).build(),
          FaultActions.deadReplyChannel(false, 406, "requester died"), Trigger.oneShot()));

      assertThrows(ShutdownSignalException.class, () -> client.stringCall("ping"));

      assertEquals(1, deadReplyChannel.firedCount());
      server.eventually(() -> server.messages().replies().withFate(Fate.Kind.REPLY_DROPPED).assertCount(1));
      System.out.println(server.messages().replies().explain());
      assertEquals("pong:again", rpcClient(connection).stringCall("again"));   // a oneShot rule fired already
    }
  }

  // Step 3 --------------------------------------------------------------------------------------------------
  @Test
  @BrokersimServer(profile = "rabbitmq-4", faults = "classpath:faults/lose-first-reply.conf")
  void faultFile_firstCallLosesItsReply(LiveServer server) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(server.amqpUri());
    try (Connection connection = factory.newConnection("rpc")) {
      startPongServer(connection);

      assertThrows(ShutdownSignalException.class, () -> rpcClient(connection).stringCall("first"));
      assertEquals("pong:second", rpcClient(connection).stringCall("second"));

      server.eventually(() -> server.messages().replies().dropped().assertCount(1));
    }
  }
}
