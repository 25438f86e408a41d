package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Fate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;

/** The operator's messages of the vhost (inspect, purge, close a connection) under the deterministic runtime. */
class InspectIT extends SimulationTestBase {

  /** A queue bound to a topic exchange, three messages waiting and two unacked on a consumer with prefetch 2. */
  private SimChannel busyTopology() {
    start(BrokerProfile.LAVINMQ);
    SimChannel producer = channel("producer");
    producer.exchangeDeclare("orders", "topic", true, false, false, null);
    producer.queueDeclare("q1", true, false, false, null);
    producer.queueBind("q1", "orders", "a.#");
    for (int i = 1; i <= 5; i++) {
      producer.basicPublish("orders", "a.b", "m" + i);
    }
    SimChannel consumer = channel("consumer");
    consumer.basicQos(2);
    consumer.basicConsume("q1", false, new BrokerIT.Collector(false));
    sim.runUntilQuiet();
    return consumer;
  }

  @Test
  void inspect_busyTopology_reportsExchangesBindingsQueueCountsConnectionsAndChannels() {
    busyTopology();
    BrokerView view = sim.inspect();

    assertTrue(view.complete());
    assertEquals("/", view.vhost());
    List<String> exchanges = view.exchanges().stream().map(BrokerView.Exchange::name).toList();
    assertEquals("", exchanges.get(0));
    assertTrue(exchanges.containsAll(List.of("amq.direct", "amq.topic", "orders")), exchanges.toString());
    assertEquals(List.of(new BrokerView.Binding("", "q1", true, "q1", Map.of()),
        new BrokerView.Binding("orders", "q1", true, "a.#", Map.of())), view.bindings());

    BrokerView.Queue q = view.queues().get(0);
    assertEquals("q1", q.name());
    assertEquals(3, q.ready());
    assertEquals(2, q.unacked());
    assertEquals(5, q.messages());
    assertEquals(6, q.readyBytes());
    assertEquals(1, q.consumers().size());
    BrokerView.Consumer c = q.consumers().get(0);
    assertEquals("conn-2/ch-1", c.channel());
    assertEquals(2, c.prefetch());
    assertEquals(2, c.unacked());
    assertFalse(c.noAck());

    assertEquals(List.of("producer", "consumer"),
        view.connections().stream().map(BrokerView.Connection::clientName).toList());
    assertEquals(null, view.connections().get(0).origin(), "in-process clients have no network origin");
    assertEquals(List.of("conn-1/ch-1", "conn-2/ch-1"), view.channels().stream().map(BrokerView.Channel::id).toList());
    BrokerView.Channel consumerChannel = view.channels().get(1);
    assertEquals(1, consumerChannel.consumers());
    assertEquals(2, consumerChannel.unacked());
    assertEquals(2, consumerChannel.prefetch());
  }

  @Test
  void inspect_sameSeedTwice_sameView() {
    busyTopology();
    BrokerView first = sim.inspect();
    sim.close();
    busyTopology();
    assertEquals(first, sim.inspect());
  }

  @Test
  void purgeQueue_readyMessagesGo_unackedStay_andTheLedgerRecordsWhy() {
    busyTopology();
    QueueActor.Purged purged = this.<QueueActor.Purged>ask(replyTo -> new VhostActor.PurgeQueue("q1", "management API", replyTo));
    assertEquals(new QueueActor.Purged("q1", true, 3), purged);
    sim.runUntilQuiet();
    BrokerView.Queue q = sim.inspect().queues().get(0);
    assertEquals(0, q.ready());
    assertEquals(2, q.unacked());
    assertEquals(3, sim.ledger().summary().count(Fate.Kind.PURGED));

    assertEquals(new QueueActor.Purged("nope", false, 0),
        this.<QueueActor.Purged>ask(replyTo -> new VhostActor.PurgeQueue("nope", "management API", replyTo)));
  }

  @Test
  void closeConnection_forcedWith320_itsUnackedMessagesGoBackToTheQueue() {
    SimChannel consumer = busyTopology();
    SimConnection consumerConnection = consumer.connection();
    AmqpError forced = AmqpError.of(ReplyCode.CONNECTION_FORCED, MethodRef.NONE, "Closed via management plugin");
    assertTrue(this.<Boolean>ask(replyTo -> new VhostActor.CloseConnection(consumerConnection.id(), forced,
        "management", replyTo)));
    sim.runUntilQuiet();
    assertFalse(consumerConnection.isOpen());
    assertEquals(320, consumerConnection.closeCause().replyCode());
    assertEquals("CONNECTION_FORCED - Closed via management plugin", consumerConnection.closeCause().replyText());

    BrokerView view = sim.inspect();
    assertEquals(List.of("producer"), view.connections().stream().map(BrokerView.Connection::clientName).toList());
    assertEquals(5, view.queues().get(0).ready());
    assertFalse(this.<Boolean>ask(replyTo -> new VhostActor.CloseConnection("conn-99", forced, "management",
        replyTo)));
  }

  private <T> T ask(java.util.function.Function<ActorRef<T>, VhostActor.Command> message) {
    Simulation s = sim;
    ActorSystem<?> system = (ActorSystem<?>) s.vhost();
    return s.await(AskPattern.ask(s.vhost(), message::apply, Duration.ofSeconds(5), system.scheduler()));
  }
}
