package io.brokersim.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.http.client.Client;
import com.rabbitmq.http.client.HttpServerException;
import com.rabbitmq.http.client.domain.BindingInfo;
import com.rabbitmq.http.client.domain.ChannelInfo;
import com.rabbitmq.http.client.domain.ConnectionInfo;
import com.rabbitmq.http.client.domain.ConsumerDetails;
import com.rabbitmq.http.client.domain.DestinationType;
import com.rabbitmq.http.client.domain.ExchangeInfo;
import com.rabbitmq.http.client.domain.OverviewResponse;
import com.rabbitmq.http.client.domain.QueueInfo;
import io.brokersim.core.profile.BrokerProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RabbitMQ's own Java client of the management API (Hop, {@code com.rabbitmq:http-client}), unmodified, against
 * brokersim: it reads the topology a real AMQP client built, purges a queue and closes a connection.
 */
@Timeout(60)
class ManagementClientIT {

  /** Polls until {@code ok} holds (the broker works on its own threads). */
  private static <T> T eventually(Supplier<T> read, java.util.function.Predicate<T> ok) throws InterruptedException {
    T last = null;
    for (int i = 0; i < 100; i++) {
      last = read.get();
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never as expected: " + last);
  }

  @Test
  void hop_readsTopology_purgesAQueue_andClosesAConnection() throws Exception {
    try (LiveManagement m = LiveManagement.start(BrokerProfile.RABBITMQ_4)) {
      // Not closed by the test: the management API closes it.
      Connection app = m.amqpFactory().newConnection("orders-service");
      Client hop = new Client(new URL(m.base() + "/api/"), "guest", "guest");

      Channel ch = app.createChannel();
      ch.exchangeDeclare("orders", "topic", true);
      ch.queueDeclare("orders.created", true, false, false, null);
      ch.queueBind("orders.created", "orders", "order.created.#");
      for (int i = 0; i < 4; i++) {
        ch.basicPublish("orders", "order.created.eu", null, ("o" + i).getBytes(StandardCharsets.UTF_8));
      }
      Channel worker = app.createChannel();
      worker.basicQos(2);
      worker.basicConsume("orders.created", false, "worker-1", (tag, d) -> { }, tag -> { });

      OverviewResponse overview = hop.getOverview();
      assertEquals("brokersim@rabbitmq-4", overview.getNode());
      assertEquals(m.amqp.address().getPort(), overview.getListeners().get(0).getPort());
      assertEquals("/", hop.getVhosts().get(0).getName());
      assertEquals("guest", hop.whoAmI().getName());

      QueueInfo q = eventually(() -> hop.getQueue("/", "orders.created"), x -> x.getMessagesUnacknowledged() == 2);
      assertEquals(4, q.getTotalMessages());
      assertEquals(2, q.getMessagesReady());
      assertEquals(1, q.getConsumerCount());
      assertTrue(q.isDurable());
      assertEquals("classic", q.getType());
      assertTrue(hop.getQueues().stream().anyMatch(x -> x.getName().equals("orders.created")));
      assertNull(hop.getQueue("/", "no-such-queue"), "Hop maps 404 to null");

      ExchangeInfo orders = hop.getExchange("/", "orders");
      assertEquals("topic", orders.getType());
      assertTrue(orders.isDurable());
      List<BindingInfo> fromOrders = hop.getBindingsBySource("/", "orders");
      assertEquals(1, fromOrders.size());
      assertEquals("orders.created", fromOrders.get(0).getDestination());
      assertEquals(DestinationType.QUEUE, fromOrders.get(0).getDestinationType());
      assertEquals("order.created.#", fromOrders.get(0).getRoutingKey());
      assertTrue(hop.getBindings().size() >= 2);

      List<ConsumerDetails> consumers = hop.getConsumers();
      assertEquals(1, consumers.size());
      assertEquals("worker-1", consumers.get(0).getConsumerTag());
      assertEquals("orders.created", consumers.get(0).getQueueDetails().getName());
      assertEquals(2, consumers.get(0).getPrefetchCount());
      assertTrue(consumers.get(0).isAckRequired());

      List<ConnectionInfo> connections = hop.getConnections();
      assertEquals(1, connections.size());
      ConnectionInfo c = connections.get(0);
      assertEquals("orders-service", c.getClientProperties().getConnectionName());
      assertEquals("guest", c.getUser());
      assertEquals("AMQP 0-9-1", c.getProtocol());
      assertEquals(m.amqp.address().getPort(), c.getPort());
      assertEquals(c.getName(), hop.getConnection(c.getName()).getName());

      List<ChannelInfo> channels = hop.getChannels();
      assertEquals(2, channels.size());
      ChannelInfo workerChannel = channels.stream().filter(x -> x.getConsumerCount() == 1).findFirst().orElseThrow();
      assertEquals(2, workerChannel.getPrefetchCount());
      assertEquals(2, workerChannel.getMessagesUnacknowledged());
      assertEquals(c.getName(), workerChannel.getConnectionDetails().getName());
      assertEquals(2, hop.getChannels(c.getName()).size());

      hop.purgeQueue("/", "orders.created");
      QueueInfo purged = eventually(() -> hop.getQueue("/", "orders.created"), x -> x.getMessagesReady() == 0);
      assertEquals(2, purged.getMessagesUnacknowledged(), "a purge leaves unacked messages");

      HttpServerException notImplemented = org.junit.jupiter.api.Assertions.assertThrows(HttpServerException.class,
          () -> hop.getNodes());
      assertEquals(501, notImplemented.status());

      CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
      app.addShutdownListener(closed::complete);
      hop.closeConnection(c.getName(), "closed by the management client test");
      AMQP.Connection.Close close = (AMQP.Connection.Close) closed.get(10, TimeUnit.SECONDS).getReason();
      assertEquals(320, close.getReplyCode());
      assertEquals("CONNECTION_FORCED - closed by the management client test", close.getReplyText());
      assertFalse(app.isOpen());
      assertTrue(eventually(hop::getConnections, List::isEmpty).isEmpty());
      // The unacked deliveries went back to the queue when their channel closed.
      assertEquals(2, eventually(() -> hop.getQueue("/", "orders.created"), x -> x.getMessagesReady() == 2)
          .getMessagesReady());
    }
  }
}
