package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ExceptionHandler;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.brokersim.core.profile.BrokerProfile;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A storm of clients that vanish without closing: 200 publishers each publish some whole messages and then
 * drop their socket in the middle of the next one (after the method, after the header or inside the body);
 * then 200 Java-client consumers each take a full prefetch, ack some of it and drop their socket. Counts
 * are exact: the queue holds every whole message and no part of a cut one; every unacked delivery comes
 * back; draining the queue finds exactly the messages nobody acked, each once; the fate ledger accounts for
 * every message, and the server logs no stack trace.
 */
@Timeout(300)
class ConnectionStormIT {

  private static final int PUBLISHERS = 200;
  private static final int CONSUMERS = 200;
  private static final int PREFETCH = 10;
  private static final String QUEUE = "storm";

  /** The consumers close their own sockets; the client need not warn about that 200 times. */
  private static final ExceptionHandler QUIET_ABOUT_OWN_DROPS = new ForgivingExceptionHandler() {
    @Override
    public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
      // expected: the test dropped this socket
    }
  };

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3"})
  void clientsDroppingMidPublishAndMidConsume_exactCounts(String profileName) throws Exception {
    BrokerProfile profile = BrokerProfile.byName(profileName).orElseThrow();
    Random random = new Random(19);
    int[] published = new int[PUBLISHERS];
    int[] cutAt = new int[PUBLISHERS];
    int[] acks = new int[CONSUMERS];
    for (int i = 0; i < PUBLISHERS; i++) {
      published[i] = 10 + random.nextInt(21);
      cutAt[i] = random.nextInt(1_000);
    }
    for (int i = 0; i < CONSUMERS; i++) {
      acks[i] = random.nextInt(PREFETCH + 1);
    }
    int whole = Arrays.stream(published).sum();
    int acked = Arrays.stream(acks).sum();

    try (LogCapture log = LogCapture.start(); WireBroker b = WireBroker.start(profile);
        Connection observer = b.connect("observer")) {
      Channel probe = observer.createChannel();
      probe.queueDeclare(QUEUE, true, false, false, null);
      ExecutorService clients = Executors.newFixedThreadPool(32);
      try {
        List<Future<?>> publishing = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
          int p = i;
          publishing.add(clients.submit(() -> publishThenDropMidMessage(b.port(), p, published[p], cutAt[p])));
        }
        for (Future<?> f : publishing) {
          f.get(60, TimeUnit.SECONDS);
        }
        awaitDepth(probe, whole, "every whole message and no part of a cut one");

        Set<String> ackedIds = ConcurrentHashMap.newKeySet();
        List<Future<?>> consuming = new ArrayList<>();
        for (int i = 0; i < CONSUMERS; i++) {
          int c = i;
          consuming.add(clients.submit(() -> consumeAckThenDrop(b, c, acks[c], ackedIds)));
        }
        for (Future<?> f : consuming) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(acked, ackedIds.size(), "each ack settled a distinct message");
        awaitDepth(probe, whole - acked, "every unacked delivery requeued");
        JavaClientIT.awaitTrue(() -> b.server.connectionCount() == 1);

        Set<String> drained = new HashSet<>();
        for (GetResponse r = probe.basicGet(QUEUE, true); r != null; r = probe.basicGet(QUEUE, true)) {
          assertTrue(drained.add(new String(r.getBody(), UTF_8)), "delivered once: " + new String(r.getBody(), UTF_8));
        }
        Set<String> all = new HashSet<>(drained);
        all.addAll(ackedIds);
        assertEquals(whole - acked, drained.size());
        assertEquals(whole, all.size(), "acked and drained together are every whole message, each once");
        for (int p = 0; p < PUBLISHERS; p++) {
          for (int m = 0; m < published[p]; m++) {
            assertTrue(all.contains(id(p, m)), id(p, m));
          }
        }
      } finally {
        clients.shutdownNow();
      }
      System.out.printf("%s: %d publishers dropped mid-message after %d whole messages; %d consumers dropped"
          + " holding %d unacked deliveries after %d acks%n", profileName, PUBLISHERS, whole, CONSUMERS,
          CONSUMERS * PREFETCH - acked, acked);
      log.assertNoStackTrace();
    }
  }

  /** Publishes {@code count} whole messages, then part of one more (where depends on {@code cut}), then drops. */
  private static Void publishThenDropMidMessage(int port, int publisher, int count, int cut) throws Exception {
    try (RawAmqp c = RawAmqp.open(port)) {
      for (int m = 0; m < count; m++) {
        c.write(c.publishFrames("", QUEUE, id(publisher, m).getBytes(UTF_8)));
      }
      byte[] next = c.publishFrames("", QUEUE, ("cut-" + publisher + "-" + "x".repeat(200)).getBytes(UTF_8));
      c.write(Arrays.copyOf(next, 1 + cut % (next.length - 1)));
      c.drop();
    }
    return null;
  }

  /** Takes a full prefetch, acks the first {@code ackCount}, then drops the socket holding the rest. */
  private static Void consumeAckThenDrop(WireBroker b, int consumer, int ackCount, Set<String> ackedIds)
      throws Exception {
    AtomicReference<Socket> socket = new AtomicReference<>();
    ConnectionFactory f = b.factory();
    f.setSocketConfigurator(s -> socket.set(s));
    f.setExceptionHandler(QUIET_ABOUT_OWN_DROPS);
    Connection c = f.newConnection("consumer-" + consumer);
    try {
      Channel ch = c.createChannel();
      ch.basicQos(PREFETCH);
      BlockingQueue<long[]> tags = new LinkedBlockingQueue<>();
      List<String> bodies = new ArrayList<>();
      ch.basicConsume(QUEUE, false, (tag, d) -> {
        synchronized (bodies) {
          bodies.add(new String(d.getBody(), UTF_8));
        }
        tags.add(new long[] {d.getEnvelope().getDeliveryTag()});
      }, tag -> { });
      for (int i = 0; i < PREFETCH; i++) {
        long[] tag = tags.poll(30, TimeUnit.SECONDS);
        assertTrue(tag != null, "consumer " + consumer + " got only " + i + " deliveries");
        if (i < ackCount) {
          ch.basicAck(tag[0], false);
          synchronized (bodies) {
            ackedIds.add(bodies.get(i));
          }
        }
      }
      // Drop without a close: end the stream after the acks, so the server reads them, then its end; it
      // cuts the connection and closes the socket. Closing ours at once instead would send a reset
      // (deliveries lie unread in our buffer), and a reset makes the kernel discard what the server has
      // not read yet: acks lost in transit, as with any broker.
      CompletableFuture<Void> cut = new CompletableFuture<>();
      c.addShutdownListener(e -> cut.complete(null));
      socket.get().shutdownOutput();
      cut.get(30, TimeUnit.SECONDS);
      socket.get().close();
    } finally {
      c.abort(1_000);
    }
    return null;
  }

  private static String id(int publisher, int message) {
    return "p" + publisher + "-m" + message;
  }

  private static void awaitDepth(Channel probe, int expected, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long depth = -1;
    while (System.nanoTime() < deadline) {
      depth = probe.queueDeclarePassive(QUEUE).getMessageCount();
      if (depth == expected) {
        return;
      }
      assertTrue(depth <= expected, "queue depth " + depth + " above " + expected + ": " + what);
      Thread.sleep(20);
    }
    assertEquals(expected, depth, what);
  }
}
