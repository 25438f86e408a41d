package com.example.rpc;

// README-EXAMPLE-IMPORTS-START
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
// README-EXAMPLE-IMPORTS-END

/**
 * The README's in-process example, with its imports, compiled and run in a user's project; the README shows the
 * lines between the markers (DocsSnippetsTest checks that it does).
 */
class ReadmeExampleTest {

  @Test
  void readmeExample_callbackQueueRpc_replyMatchedByCorrelationId() {
    // README-EXAMPLE-START
    try (Simulation sim = Simulation.builder().seed(42).profile(BrokerProfile.LAVINMQ).build()) {
      SimChannel server = sim.connect("rpc-server").openChannel();
      server.queueDeclare("rpc_queue", true, false, false, null);
      server.basicConsume("rpc_queue", false, (ch, request) -> {
        BasicProperties p = request.properties();
        ch.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
            ("pong:" + request.bodyText()).getBytes(StandardCharsets.UTF_8));
        ch.basicAck(request.deliveryTag(), false);
      });

      SimChannel client = sim.connect("rpc-client").openChannel();
      String replyQueue = client.queueDeclare().queue();       // exclusive, server-named amq.gen-...
      List<String> replies = new ArrayList<>();
      client.basicConsume(replyQueue, true, (ch, reply) ->
          replies.add(reply.properties().correlationId() + " " + reply.bodyText()));
      client.basicPublish("", "rpc_queue",
          BasicProperties.builder().replyTo(replyQueue).correlationId("req-1").build(),
          "ping".getBytes(StandardCharsets.UTF_8));

      sim.runUntilQuiet();                                      // virtual time: no sleeping
      assertEquals(List.of("req-1 pong:ping"), replies);
      sim.assertNothingLostSilently();                          // every message has a recorded fate
      System.out.println("trace-sha256: " + sim.traceSha256()); // same seed, same hash
    }
    // README-EXAMPLE-END
  }
}
