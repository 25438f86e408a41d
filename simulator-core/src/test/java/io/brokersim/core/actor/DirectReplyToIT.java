package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.actor.BrokerIT.Collector;
import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.client.UnroutableRpcException;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct reply-to, mirroring the conformance rows D1–D22 of docs/semantics.md §7.1 for each
 * profile where the brokers differ. Every test ends with the fate-ledger check.
 */
class DirectReplyToIT extends SimulationTestBase {
  private static final String RABBIT = BrokerProfile.RABBITMQ_REPLY_TO;
  private static final String LAVIN = BrokerProfile.LAVINMQ_REPLY_TO;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A responder on {@code rpc} that answers every request to its reply_to, optionally mandatory. */
  private SimChannel responder(boolean mandatory, List<Delivery> seen) {
    SimChannel r = channel("responder");
    r.queueDeclare("rpc", true, false, false, null);
    r.basicConsume("rpc", true, (SimConsumer) (ch, req) -> {
      seen.add(req);
      ch.basicPublish("", req.properties().replyTo(), mandatory,
          BasicProperties.builder().correlationId(req.properties().correlationId()).build(),
          utf8("re:" + req.bodyText()));
    });
    return r;
  }

  private static void request(SimChannel requester, String pseudo, String corr, String body) {
    requester.basicPublish("", "rpc", false, BasicProperties.builder().replyTo(pseudo).correlationId(corr).build(),
        utf8(body));
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, amq.rabbitmq.reply-to", "lavinmq, amq.direct.reply-to", "rabbitmq-3, amq.rabbitmq.reply-to",
      "rabbitmq-4, amq.rabbitmq.reply-to"})
  void roundTrip_replyDeliveredToRequester_D3_D4_D10(String profile, String pseudo) {
    start(BrokerProfile.byName(profile).orElseThrow());
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimChannel requester = channel("requester");
    Collector replies = new Collector(false);
    String tag = requester.basicConsume(pseudo, "my-tag", true, false, null, replies);
    assertEquals("my-tag", tag);
    request(requester, pseudo, "c-1", "ping");
    sim.runUntilQuiet();
    assertEquals(List.of("re:ping"), replies.bodies());
    Delivery reply = replies.got.get(0);
    assertEquals("my-tag", reply.consumerTag());
    assertFalse(reply.redelivered());
    assertEquals("", reply.exchange());
    assertEquals("c-1", reply.properties().correlationId());
    String replyName = requests.get(0).properties().replyTo();
    assertEquals(replyName, reply.routingKey());
    assertEquals(Fate.Kind.DELIVERED_REPLY, sim.ledger().byCorrelationId("c-1").stream()
        .filter(f -> f.exchange().isEmpty() && f.routingKey().equals(replyName)).findFirst().orElseThrow()
        .copies().get(0).fate().kind());
  }

  @Test
  void rewrite_lavinMq_nameIsPrefixPlusConsumerTag_D6() {
    start(BrokerProfile.LAVINMQ);
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimChannel requester = channel("requester");
    String tag = requester.basicConsume(RABBIT, true, new Collector(false));
    request(requester, RABBIT, "c", "x");
    sim.runUntilQuiet();
    assertEquals("amq.direct.reply-to." + tag, requests.get(0).properties().replyTo(),
        "LavinMQ rewrites to amq.direct.reply-to.<consumer-tag> whichever alias was consumed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "rabbitmq-4"})
  void rewrite_rabbitMq_opaqueSuffixWithAtLeast128Bits(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimChannel requester = channel("requester");
    requester.basicConsume(RABBIT, true, new Collector(false));
    request(requester, RABBIT, "c", "x");
    sim.runUntilQuiet();
    String name = requests.get(0).properties().replyTo();
    assertTrue(name.startsWith("amq.rabbitmq.reply-to."), name);
    String key = name.substring(name.lastIndexOf('.') + 1);
    assertTrue(Base64.getDecoder().decode(key).length >= 16, "key part carries >= 128 random bits: " + name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | PRECONDITION_FAILED - Direct replys must be consumed in no-ack mode",
      "rabbitmq-3 | PRECONDITION_FAILED - reply consumer cannot acknowledge",
      "rabbitmq-4 | PRECONDITION_FAILED - reply consumer cannot acknowledge"})
  void consume_withAck_closesChannel406_D5_D11(String profile, String text) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("requester");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicConsume(RABBIT, false, new Collector(false)));
    assertEquals(406, e.replyCode());
    assertEquals(text, e.replyText());
    assertFalse(e.connectionLevel());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | PRECONDITION_FAILED - Direct reply consumer does not exist | 0  | 0",
      "rabbitmq-3 | PRECONDITION_FAILED - fast reply consumer does not exist   | 60 | 40",
      "rabbitmq-4 | PRECONDITION_FAILED - fast reply consumer does not exist   | 60 | 40"})
  void publish_pseudoReplyToWithoutConsumer_406NothingEnqueued_D7_D14(String profile, String text, int classId,
      int methodId) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel admin = channel("admin");
    admin.queueDeclare("rpc", true, false, false, null);
    SimChannel requester = channel("requester");
    request(requester, RABBIT, "c", "x");
    requester.basicPublish("", "rpc", "published after the failing one on the same channel");
    sim.runUntilQuiet();
    AmqpException e = requester.closeCause();
    assertNotNull(e);
    assertEquals(text, e.replyText());
    assertEquals(classId, e.classId());
    assertEquals(methodId, e.methodId());
    assertEquals(0, admin.queueDeclarePassive("rpc").messageCount(), "nothing enqueued");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | PRECONDITION_FAILED - fast reply consumer does not exist",
      "lavinmq    | PRECONDITION_FAILED - Expiration not a number"})
  void publish_checkOrder_replyToVersusExpirationPerProfile(String profile, String text) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("requester");
    ch.basicPublish("", "rpc", false, BasicProperties.builder().replyTo(RABBIT).expiration("soon").build(), utf8("x"));
    sim.runUntilQuiet();
    assertEquals(text, ch.closeCause().replyText());
  }

  @Test
  void publish_missingExchangeAndPseudoReplyTo_404First() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("requester");
    ch.basicPublish("nope", "rpc", false, BasicProperties.builder().replyTo(RABBIT).build(), utf8("x"));
    sim.runUntilQuiet();
    assertEquals(404, ch.closeCause().replyCode());
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, 0", "rabbitmq-3, 1", "rabbitmq-4, 1"})
  void declare_pseudoName_echoedWithProfileConsumerCount_D1_D2(String profile, int consumers) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    var ok = ch.queueDeclare(RABBIT, false, false, false, null);
    assertEquals(RABBIT, ok.queue());
    assertEquals(0, ok.messageCount());
    assertEquals(consumers, ok.consumerCount());
  }

  @Test
  void declare_lavinAlias_underRabbitMq_reservedPrefix403() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("app");
    AmqpException e = assertThrows(AmqpException.class, () -> ch.queueDeclare(LAVIN, false, false, false, null));
    assertEquals("ACCESS_REFUSED - queue name 'amq.direct.reply-to' contains reserved prefix 'amq.*'", e.replyText());
    SimChannel other = channel("app2");
    AmqpException consume = assertThrows(AmqpException.class, () -> other.basicConsume(LAVIN, true, new Collector(false)));
    assertEquals(404, consume.replyCode(), "an ordinary name under RabbitMQ profiles");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "lavinmq    | NOT_FOUND - Queue '%s' doesn't exists",
      "rabbitmq-3 | NOT_FOUND - no queue '%s' in vhost '/'",
      "rabbitmq-4 | NOT_FOUND - no queue '%s' in vhost '/'"})
  void probe_liveThenClosed_okThen404_D8_D15(String profile, String text) {
    start(BrokerProfile.byName(profile).orElseThrow());
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimConnection requesterConn = sim.connect("requester");
    SimChannel requester = requesterConn.openChannel();
    requester.basicConsume(RABBIT, true, new Collector(false));
    request(requester, RABBIT, "c", "x");
    sim.runUntilQuiet();
    String name = requests.get(0).properties().replyTo();
    SimChannel probe = channel("prober");
    var ok = probe.queueDeclarePassive(name);
    assertEquals(1, ok.consumerCount());
    var active = probe.queueDeclare(name, true, false, false, null);
    assertEquals(name, active.queue(), "any declare of a reply name is a probe, whatever its flags");
    requester.close();
    AmqpException e = assertThrows(AmqpException.class, () -> probe.queueDeclarePassive(name));
    assertEquals(String.format(text, name), e.replyText());
  }

  @Test
  void cancel_replyConsumer_nameDies_laterRepliesDropped_D15() {
    start(BrokerProfile.RABBITMQ_4);
    List<Delivery> requests = new ArrayList<>();
    SimChannel responder = channel("responder");
    responder.queueDeclare("rpc", true, false, false, null);
    responder.basicConsume("rpc", true, (SimConsumer) (ch, req) -> requests.add(req));
    SimChannel requester = channel("requester");
    Collector replies = new Collector(false);
    String tag = requester.basicConsume(RABBIT, true, replies);
    request(requester, RABBIT, "c-1", "x");
    sim.runUntilQuiet();
    String name = requests.get(0).properties().replyTo();
    requester.basicCancel(tag);
    responder.basicPublish("", name, false, BasicProperties.builder().correlationId("c-1").build(), utf8("late"));
    sim.runUntilQuiet();
    assertTrue(replies.got.isEmpty());
    var dropped = sim.events().events(TraceEvent.ReplyDropped.class);
    assertEquals(1, dropped.size());
    assertTrue(dropped.get(0).reason().contains("cancelled its reply consumer"), dropped.get(0).reason());
    assertTrue(sim.ledger().explainReplyFor("c-1").contains("cancelled"), sim.ledger().explainReplyFor("c-1"));
    SimChannel probe = channel("prober");
    assertEquals(404, assertThrows(AmqpException.class, () -> probe.queueDeclarePassive(name)).replyCode());
    // consume again: new tag, new name (D20 consumeSuccess)
    String tag2 = requester.basicConsume(RABBIT, true, replies);
    assertFalse(tag.equals(tag2));
  }

  @Test
  void secondReplyConsumer_rabbit406_lavinReplaces_D12_D21() {
    start(BrokerProfile.RABBITMQ_3);
    SimChannel ch = channel("requester");
    ch.basicConsume(RABBIT, true, new Collector(false));
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicConsume(RABBIT, true, new Collector(false)));
    assertEquals("PRECONDITION_FAILED - reply consumer already set", e.replyText());
    sim.assertNothingLostSilently();
    sim.close();

    start(BrokerProfile.LAVINMQ);
    SimChannel lavin = channel("requester");
    lavin.basicConsume(LAVIN, true, new Collector(false));
    String second = lavin.basicConsume(LAVIN, true, new Collector(false));
    assertTrue(lavin.isOpen(), "LavinMQ replaces the reply consumer instead of failing");
    assertTrue(second.startsWith("amq.ctag-"));
  }

  @Test
  void replyConsumerTagReuse_rabbit530ConnectionError_D13() {
    start(BrokerProfile.RABBITMQ_4);
    SimConnection conn = sim.connect("requester");
    SimChannel ch = conn.openChannel();
    ch.queueDeclare("q", true, false, false, null);
    ch.basicConsume("q", "my-tag", true, false, null, new Collector(false));
    assertThrows(AmqpException.class, () -> ch.basicConsume(RABBIT, "my-tag", true, false, null, new Collector(false)));
    assertEquals("NOT_ALLOWED - attempt to reuse consumer tag 'my-tag'", conn.closeCause().replyText());
    assertEquals(530, conn.closeCause().replyCode());
  }

  /** §1.6: what the responder sees for a mandatory reply, per profile, requester alive and gone. */
  @ParameterizedTest
  @CsvSource({"rabbitmq-3, true, true", "rabbitmq-4, false, false", "lavinmq, false, true"})
  void mandatoryReply_returnsPerProfileTable(String profile, boolean returnWhenAlive, boolean returnWhenGone) {
    start(BrokerProfile.byName(profile).orElseThrow());
    List<Delivery> requests = new ArrayList<>();
    SimChannel responder = responder(true, requests);
    responder.confirmSelect();
    SimConnection requesterConn = sim.connect("requester");
    SimChannel requester = requesterConn.openChannel();
    Collector replies = new Collector(false);
    requester.basicConsume(RABBIT, true, replies);
    request(requester, RABBIT, "alive", "1");
    sim.runUntilQuiet();
    assertEquals(1, replies.got.size(), "delivered while the requester is alive");
    assertEquals(returnWhenAlive ? 1 : 0, responder.returnedMessages().size());

    String name = requests.get(0).properties().replyTo();
    requesterConn.close();
    responder.basicPublish("", name, true, BasicProperties.builder().correlationId("gone").build(), utf8("2"));
    assertTrue(responder.waitForConfirms(), "the responder's publish is acked either way");
    int expected = (returnWhenAlive ? 1 : 0) + (returnWhenGone ? 1 : 0);
    assertEquals(expected, responder.returnedMessages().size());
    if (returnWhenGone) {
      assertEquals("gone", responder.returnedMessages().get(expected - 1).properties().correlationId());
    }
    String why = sim.ledger().explainReplyFor("gone");
    assertTrue(why.contains("gone") || why.contains("closed") || why.contains("returned") || why.contains("no queue"),
        why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rabbitmq-3", "lavinmq", "rabbitmq-4"})
  void deliveryTags_perProfile(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimChannel requester = channel("requester");
    requester.queueDeclare("own", true, false, false, null);
    Collector replies = new Collector(false);
    requester.basicConsume(RABBIT, true, replies);
    request(requester, RABBIT, "a", "1");
    request(requester, RABBIT, "b", "2");
    sim.runUntilQuiet();
    requester.basicPublish("", "own", "normal");
    Collector normal = new Collector(true);
    requester.basicConsume("own", false, normal);
    sim.runUntilQuiet();
    long[] replyTags = replies.got.stream().mapToLong(Delivery::deliveryTag).toArray();
    long normalTag = normal.got.get(0).deliveryTag();
    switch (profile) {
      case "lavinmq" -> {
        assertEquals(1, replyTags[0]);
        assertEquals(1, replyTags[1]);
      }
      case "rabbitmq-3" -> {
        assertEquals(1, replyTags[0]);
        assertEquals(1, replyTags[1], "up to 4.1 the next tag is used without being consumed");
        assertEquals(1, normalTag, "so a later normal delivery reuses it");
      }
      default -> {
        assertEquals(1, replyTags[0]);
        assertEquals(2, replyTags[1]);
        assertEquals(3, normalTag);
      }
    }
  }

  @Test
  void lavinMq_replyInterceptedOnAnyExchange_unknownTagMandatoryReturned_D9() {
    start(BrokerProfile.LAVINMQ);
    SimChannel requester = channel("requester");
    Collector replies = new Collector(false);
    String tag = requester.basicConsume(LAVIN, true, replies);
    SimChannel responder = channel("responder");
    responder.basicPublish("amq.direct", "amq.direct.reply-to." + tag, false, null, utf8("via amq.direct"));
    responder.basicPublish("amq.direct", "amq.direct.reply-to.random", true, null, utf8("nobody"));
    sim.runUntilQuiet();
    assertEquals(List.of("via amq.direct"), replies.bodies());
    assertEquals(312, responder.returnedMessages().get(0).replyCode());
  }

  @Test
  void rabbitMq_forgedName_dropped_probe404_D20() {
    start(BrokerProfile.RABBITMQ_3);
    List<Delivery> requests = new ArrayList<>();
    responder(false, requests);
    SimChannel requester = channel("requester");
    Collector replies = new Collector(false);
    requester.basicConsume(RABBIT, true, replies);
    request(requester, RABBIT, "c", "x");
    sim.runUntilQuiet();
    String name = requests.get(0).properties().replyTo();
    String forged = name.substring(0, name.lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAA==";
    SimChannel attacker = channel("attacker");
    attacker.basicPublish("", forged, "forged");
    sim.runUntilQuiet();
    assertEquals(1, replies.got.size(), "only the genuine reply");
    assertEquals(404, assertThrows(AmqpException.class, () -> attacker.queueDeclarePassive(forged)).replyCode());
  }

  @ParameterizedTest
  @CsvSource({"rabbitmq-3, 404", "rabbitmq-4, 540", "lavinmq, 404"})
  void basicGet_onReplyName_perProfile(String profile, int code) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimConnection conn = sim.connect("app");
    SimChannel ch = conn.openChannel();
    String name = BrokerProfile.byName(profile).orElseThrow().replyNamePrefix() + "whatever";
    AmqpException e = assertThrows(AmqpException.class, () -> ch.basicGet(name, true));
    assertEquals(code, e.replyCode());
    assertEquals(code == 540, e.connectionLevel());
  }

  @ParameterizedTest
  @CsvSource({"rabbitmq-3, 404", "rabbitmq-4, 403", "lavinmq, 404"})
  void bind_toReplyName_perProfile_D17(String profile, int code) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    String name = BrokerProfile.byName(profile).orElseThrow().replyNamePrefix() + "x";
    assertEquals(code, assertThrows(AmqpException.class, () -> ch.queueBind(name, "amq.direct", "k")).replyCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void rpcClient_directReplyTo_roundTripsAndTimesOut_D22(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    responder(false, new ArrayList<>());
    RpcClient client = RpcClient.directReplyTo(channel("requester"), RABBIT, "", "rpc", Duration.ofSeconds(5));
    assertEquals("re:1", client.call("1").bodyText());
    assertEquals("re:2", client.call("2").bodyText());
    RpcClient nowhere = RpcClient.directReplyTo(channel("lost"), RABBIT, "", "no-such-queue", Duration.ofSeconds(5));
    CompletableFuture<Delivery> call = nowhere.callAsync("x").toCompletableFuture();
    sim.advanceBy(Duration.ofSeconds(5));
    assertInstanceOf(io.brokersim.core.client.RpcTimeoutException.class,
        assertThrows(CompletionException.class, call::join).getCause());
  }

  @Test
  void rpcClient_mandatoryUnroutable_failsWithReturnCarryingCorrelationId_D22() {
    start(BrokerProfile.RABBITMQ_3);
    RpcClient client = RpcClient.directReplyTo(channel("requester"), RABBIT, "", "no-such-queue", Duration.ofSeconds(5))
        .mandatory();
    CompletableFuture<Delivery> call = client.callAsync("x").toCompletableFuture();
    sim.runUntilQuiet();
    UnroutableRpcException e = assertInstanceOf(UnroutableRpcException.class,
        assertThrows(CompletionException.class, call::join).getCause());
    assertEquals(312, e.returned().replyCode());
    assertNotNull(e.returned().properties().correlationId());
  }

  @Test
  void requesterRepliesToItself_withConfirm_D15() {
    start(BrokerProfile.RABBITMQ_4);
    SimChannel ch = channel("self");
    Collector replies = new Collector(false);
    ch.basicConsume(RABBIT, true, replies);
    ch.queueDeclare("own", true, false, false, null);
    ch.basicPublish("", "own", false, BasicProperties.builder().replyTo(RABBIT).build(), utf8("req"));
    Delivery req = ch.basicGet("own", true);
    ch.confirmSelect();
    ch.basicPublish("", req.properties().replyTo(), "to myself");
    assertTrue(ch.waitForConfirms());
    sim.runUntilQuiet();
    assertEquals(List.of("to myself"), replies.bodies());
  }
}
