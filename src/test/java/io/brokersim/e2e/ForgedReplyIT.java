package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.MessageFate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct reply-to names are capabilities: whoever knows one can answer in the requester's name. An
 * attacker who runs a twin broker with the seed the server might use, and replays the victim's opening
 * moves (first connection, channel 1, reply consumer), computes the name the victim would get from a
 * seeded generator. Against a server with an explicit seed ({@code serve --seed}) that forged reply
 * arrives; against the default server (names from a CSPRNG) it is dropped as unroutable and the victim
 * gets only the genuine answer, and the fate ledger records the forgery as unroutable (LavinMQ) or as a
 * reply dropped because no requester ever held its name (RabbitMQ profiles).
 */
@Timeout(120)
class ForgedReplyIT {

  private static final long GUESSED_SEED = 0;

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void forgedReply_toAComputedReplyName_isDroppedAsUnroutable(String profileName) throws Exception {
    BrokerProfile profile = BrokerProfile.byName(profileName).orElseThrow();
    String predicted = predictReplyName(profile);
    try (WireBroker b = WireBroker.start(profile)) {
      Exchange run = exchange(b, predicted);
      assertNotEquals(predicted, run.victimReplyName(), "a reply name from the CSPRNG matched the seeded guess");
      assertEquals(List.of("genuine"), run.victimGot(), "the victim sees only the responder's answer");
      List<MessageFate> forged = b.broker.ledger().byCorrelationId("forged");
      assertEquals(1, forged.size(), forged.toString());
      // Unroutable: LavinMQ's reply names route like any other key, so no binding matched; the RabbitMQ
      // profiles resolve reply names themselves and record that no requester ever held this one.
      Fate fate = forged.get(0).onlyCopy().fate();
      String why = b.broker.ledger().explain(forged.get(0).msgId());
      if (profile.isLavinMq()) {
        assertEquals(Fate.Kind.DROPPED_UNROUTABLE, fate.kind(), why);
      } else {
        assertEquals(Fate.Kind.REPLY_DROPPED, fate.kind(), why);
        assertTrue(fate.detail().contains("no requester ever held reply name '" + predicted + "'"), why);
      }
    }
  }

  /** The control: with an explicit seed the same guess is right and the forgery is delivered. */
  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void forgedReply_withAnExplicitSeed_isDelivered(String profileName) throws Exception {
    BrokerProfile profile = BrokerProfile.byName(profileName).orElseThrow();
    String predicted = predictReplyName(profile);
    try (WireBroker b = WireBroker.startSeeded(profile, GUESSED_SEED)) {
      Exchange run = exchange(b, predicted);
      assertEquals(predicted, run.victimReplyName(), "seeded names are predictable");
      assertEquals(List.of("forged", "genuine"), run.victimGot());
    }
  }

  /** The reply name a seeded broker gives the first connection's channel 1: the attacker's offline step. */
  private static String predictReplyName(BrokerProfile profile) throws Exception {
    try (WireBroker twin = WireBroker.startSeeded(profile, GUESSED_SEED);
        Connection victim = twin.connect("victim");
        Connection responder = twin.connect("responder")) {
      return requestAndCaptureReplyTo(victim.createChannel(), responder.createChannel(), new LinkedBlockingQueue<>());
    }
  }

  private record Exchange(String victimReplyName, List<String> victimGot) {}

  /**
   * The victim (first connection) sends one request; the attacker publishes to {@code guessedName}
   * before the responder answers; returns the real reply name and what the victim received, in order.
   */
  private static Exchange exchange(WireBroker b, String guessedName) throws Exception {
    try (Connection victim = b.connect("victim");
        Connection responder = b.connect("responder");
        Connection attacker = b.connect("attacker")) {
      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      Channel victimChannel = victim.createChannel();
      Channel responderChannel = responder.createChannel();
      String replyName = requestAndCaptureReplyTo(victimChannel, responderChannel, got);

      Channel attackerChannel = attacker.createChannel();
      attackerChannel.confirmSelect();
      attackerChannel.basicPublish("", guessedName,
          new AMQP.BasicProperties.Builder().correlationId("forged").build(), "forged".getBytes(UTF_8));
      attackerChannel.waitForConfirmsOrDie(10_000);

      responderChannel.basicPublish("", replyName,
          new AMQP.BasicProperties.Builder().correlationId("request-1").build(), "genuine".getBytes(UTF_8));
      List<String> received = new java.util.ArrayList<>();
      while (!received.contains("genuine")) {
        String next = got.poll(10, TimeUnit.SECONDS);
        assertTrue(next != null, "no genuine reply within 10 s; got " + received);
        received.add(next);
      }
      return new Exchange(replyName, received);
    }
  }

  /** Reply consumer on the victim's channel, one request to the responder; returns the reply_to it saw. */
  private static String requestAndCaptureReplyTo(Channel victim, Channel responder, BlockingQueue<String> got)
      throws Exception {
    responder.queueDeclare("rpc", true, false, true, null);
    CompletableFuture<String> replyTo = new CompletableFuture<>();
    responder.basicConsume("rpc", true, (tag, d) -> replyTo.complete(d.getProperties().getReplyTo()), tag -> { });
    victim.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> got.add(new String(d.getBody(), UTF_8)),
        tag -> { });
    victim.basicPublish("", "rpc",
        new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId("request-1").build(),
        "ping".getBytes(UTF_8));
    return replyTo.get(10, TimeUnit.SECONDS);
  }
}
