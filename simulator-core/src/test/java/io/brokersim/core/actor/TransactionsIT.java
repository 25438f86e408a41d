package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Transactions (semantics §3.9) under every profile; the ledger balances after each test. */
class TransactionsIT extends SimulationTestBase {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private SimChannel work(String profile) {
    start(BrokerProfile.byName(profile).orElseThrow());
    SimChannel ch = channel("app");
    ch.queueDeclare("work", true, false, false, null);
    return ch;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void publishes_heldUntilCommit_droppedOnRollback(String profile) {
    SimChannel tx = work(profile);
    SimChannel observer = channel("observer");
    tx.txSelect();
    tx.basicPublish("", "work", "kept");
    assertEquals(0, observer.queueDeclarePassive("work").messageCount(), "nothing before commit");
    tx.txCommit();
    assertEquals(1, observer.queueDeclarePassive("work").messageCount(), "commit-ok: the queue has it");

    tx.basicPublish("", "work", "dropped");
    tx.txRollback();
    tx.txCommit();
    assertEquals(1, observer.queueDeclarePassive("work").messageCount());
    String dropped = sim.events().events(TraceEvent.Published.class).get(1).msgId();
    assertEquals(Fate.Kind.ROLLED_BACK, sim.ledger().fateOf(dropped).orElseThrow().copies().get(0).fate().kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void mandatoryUnroutable_returnedAtCommit(String profile) {
    SimChannel tx = work(profile);
    tx.txSelect();
    tx.basicPublish("", "nowhere", true, BasicProperties.EMPTY, b("lost"));
    tx.queueDeclarePassive("work"); // a round trip: a return would be here by now
    assertEquals(0, tx.returnedMessages().size(), "no return before commit");
    tx.txCommit();
    assertEquals(1, tx.returnedMessages().size(), "returned at commit, before commit-ok");
  }

  /**
   * The Java client's Routing.basicReturnTransactional: routable at publish, the queue deleted before commit.
   * LavinMQ routes at commit and returns the message; RabbitMQ 3.13 and 4.x routed it at publish, to a queue
   * that is gone at commit: no return, and the ledger says where it went.
   */
  @ParameterizedTest
  @CsvSource({"lavinmq, 1", "rabbitmq-3, 0", "rabbitmq-4, 0"})
  void queueDeletedBetweenPublishAndCommit_lavinMqRoutesAtCommit(String profile, int returns) {
    SimChannel tx = work(profile);
    tx.txSelect();
    tx.basicPublish("", "work", true, BasicProperties.EMPTY, b("late"));
    tx.queueDelete("work");
    tx.txCommit();
    assertEquals(returns, tx.returnedMessages().size());
    String msgId = sim.events().events(TraceEvent.Published.class).get(0).msgId();
    assertTrue(sim.ledger().fateOf(msgId).isPresent(), "the message has a recorded fate");
  }

  @ParameterizedTest
  @CsvSource({"lavinmq, true", "rabbitmq-3, false", "rabbitmq-4, false"})
  void bindingAddedBetweenPublishAndCommit_onlyLavinMqRoutesByIt(String profile, boolean routed) {
    SimChannel tx = work(profile);
    tx.exchangeDeclare("x", "direct");
    tx.txSelect();
    tx.basicPublish("x", "k", false, BasicProperties.EMPTY, b("m"));
    tx.queueBind("work", "x", "k");
    tx.txCommit();
    assertEquals(routed ? 1 : 0, tx.queueDeclarePassive("work").messageCount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void acks_heldUntilCommit_undoneByRollback(String profile) {
    SimChannel ch = work(profile);
    ch.basicPublish("", "work", "m");
    Delivery d = ch.basicGet("work", false); // delivered before tx.select
    ch.txSelect();
    ch.basicAck(d.deliveryTag(), false);
    ch.txRollback();
    ch.basicAck(d.deliveryTag(), false); // the tag is unacked again, so this is no unknown tag
    ch.txCommit();
    assertEquals(0, ch.queueDeclarePassive("work").messageCount());
    ch.close();
    assertEquals(0, channel("check").queueDeclarePassive("work").messageCount(), "acked at commit: not requeued");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void commitOrRollback_withoutSelect_406ChannelError(String profile) {
    SimChannel ch = work(profile);
    AmqpException e = assertThrows(AmqpException.class, ch::txCommit);
    assertEquals(406, e.replyCode());
    assertEquals(sim.profile().isLavinMq() ? "PRECONDITION_FAILED - Not in transaction mode"
        : "PRECONDITION_FAILED - channel is not transactional", e.replyText());
    SimChannel ch2 = channel("again");
    assertEquals(406, assertThrows(AmqpException.class, ch2::txRollback).replyCode());
    assertTrue(ch2.connection().isOpen(), "a channel error, not a connection error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void txAndConfirms_exclude_eachOther(String profile) {
    SimChannel ch = work(profile);
    boolean lavin = sim.profile().isLavinMq();
    ch.txSelect();
    assertEquals(lavin ? "PRECONDITION_FAILED - Channel already in transactional mode"
        : "PRECONDITION_FAILED - cannot switch from tx to confirm mode",
        assertThrows(AmqpException.class, ch::confirmSelect).replyText());
    SimChannel c2 = channel("confirms");
    c2.confirmSelect();
    assertEquals(lavin ? "PRECONDITION_FAILED - Channel already in confirm mode"
        : "PRECONDITION_FAILED - cannot switch from confirm to tx mode",
        assertThrows(AmqpException.class, c2::txSelect).replyText());
  }

  /**
   * The lost reply only transactions explain: the responder publishes its reply and acks the request in one
   * transaction; its connection drops before commit. The request is redelivered; the reply never existed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void responderDiesBeforeCommit_requestRedelivered_replyNeverExisted(String profile) {
    SimChannel requester = work(profile);
    String replyQueue = requester.queueDeclare().queue();
    List<Delivery> replies = new ArrayList<>();
    requester.basicConsume(replyQueue, true, (c, r) -> replies.add(r));
    requester.basicPublish("", "work", false, BasicProperties.builder().replyTo(replyQueue).correlationId("c1")
        .build(), b("request"));

    SimConnection responderConn = sim.connect("responder");
    SimChannel responder = responderConn.openChannel();
    responder.txSelect();
    Delivery request = responder.basicGet("work", false);
    assertNotNull(request);
    responder.basicPublish("", replyQueue, false, BasicProperties.builder().correlationId("c1").build(), b("reply"));
    responder.basicAck(request.deliveryTag(), false);
    responderConn.cut(); // dies before tx.commit
    sim.runUntilQuiet();

    assertTrue(replies.isEmpty(), "the reply never reached the requester");
    Delivery again = channel("second-responder").basicGet("work", true);
    assertTrue(again.redelivered(), "the request went back to the queue");
    String reply = sim.events().events(TraceEvent.Published.class).stream()
        .filter(p -> "c1".equals(p.correlationId()) && p.channel().startsWith("conn-2")).findFirst().orElseThrow()
        .msgId();
    assertEquals(Fate.Kind.ROLLED_BACK, sim.ledger().fateOf(reply).orElseThrow().copies().get(0).fate().kind());
    assertNull(channel("late").basicGet("work", true));
  }

  /** A direct reply inside a transaction: RabbitMQ holds it until commit; LavinMQ delivers it at once (§1.4). */
  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void directReplyInsideATransaction_perProfile(String profile) {
    SimChannel requester = work(profile);
    List<Delivery> replies = new ArrayList<>();
    requester.basicConsume("amq.rabbitmq.reply-to", true, (c, r) -> replies.add(r));
    requester.basicPublish("", "work", false, BasicProperties.builder().replyTo("amq.rabbitmq.reply-to")
        .correlationId("c1").build(), b("request"));
    SimChannel responder = channel("responder");
    responder.txSelect();
    Delivery request = responder.basicGet("work", false);
    responder.basicPublish("", request.properties().replyTo(), false,
        BasicProperties.builder().correlationId("c1").build(), b("reply"));
    responder.basicAck(request.deliveryTag(), false);
    sim.runUntilQuiet();
    boolean immediate = sim.profile().directRepliesBypassTransactions();
    assertEquals(immediate ? 1 : 0, replies.size(), "before commit");
    responder.txCommit();
    sim.runUntilQuiet();
    assertEquals(1, replies.size(), "after commit");
  }
}
