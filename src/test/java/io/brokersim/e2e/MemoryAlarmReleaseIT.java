package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory alarm on a real heap: {@code brokersim serve} in a child JVM with {@code -Xmx128m}, a
 * publisher that publishes as fast as it can and a slow consumer. The queue grows until live data passes
 * the watermark and the publisher is blocked; then the consumer drains the queue and the publisher must
 * be released within seconds, although it allocates nothing while blocked (the alarm forces a collection
 * to see the freed memory). Every message published is consumed exactly once.
 */
@Timeout(180)
class MemoryAlarmReleaseIT {

  private static final Pattern LISTENING = Pattern.compile("^brokersim listening on amqp://127\\.0\\.0\\.1:(\\d+) .*");
  private static final byte[] BODY = new byte[8 * 1024];
  private static final long RELEASE_BOUND_MILLIS = 20_000;

  @Test
  void slowConsumer_blocksPublisher_drainReleasesItWithinSeconds(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("server.conf");
    Files.writeString(config, """
        brokersim.server {
          memory-high-watermark = 0.4
          memory-check-interval = 200ms
          memory-gc-interval = 500ms
        }
        """);
    Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), "io.brokersim.scenarios.cli.Brokersim", "serve",
        "--port", "0", "--profile", "rabbitmq-3", "--config", config.toString()))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    AtomicBoolean publishing = new AtomicBoolean(true);
    Connection publisherConnection = null;
    Connection consumerConnection = null;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = LISTENING.matcher(String.valueOf(out.readLine()));
      assertTrue(m.matches());
      ConnectionFactory f = new ConnectionFactory();
      f.setPort(Integer.parseInt(m.group(1)));
      f.setAutomaticRecoveryEnabled(false);
      f.setRequestedHeartbeat(0);
      publisherConnection = f.newConnection("publisher");
      consumerConnection = f.newConnection("consumer");
      CompletableFuture<Long> blocked = new CompletableFuture<>();
      CompletableFuture<Long> unblocked = new CompletableFuture<>();
      publisherConnection.addBlockedListener(new BlockedListener() {
        @Override
        public void handleBlocked(String reason) {
          blocked.complete(System.nanoTime());
        }

        @Override
        public void handleUnblocked() {
          unblocked.complete(System.nanoTime());
        }
      });
      Channel consumer = consumerConnection.createChannel();
      consumer.queueDeclare("heap", true, false, false, null);
      AtomicLong consumed = new AtomicLong();
      consumer.basicQos(1);
      String slow = consumer.basicConsume("heap", false, (tag, d) -> {
        sleep(100);
        consumed.incrementAndGet();
        consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
      }, tag -> { });

      AtomicLong published = new AtomicLong();
      Channel publisher = publisherConnection.createChannel();
      Thread publisherThread = new Thread(() -> {
        try {
          while (publishing.get()) {
            publisher.basicPublish("", "heap", null, BODY);
            published.incrementAndGet();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "publisher");
      publisherThread.start();

      long blockedAt = blocked.get(90, TimeUnit.SECONDS);
      long atBlock = published.get();
      System.out.printf("blocked after %d messages of %d KiB%n", atBlock, BODY.length / 1024);

      long drainFrom = System.nanoTime();
      consumer.basicCancel(slow);
      consumer.basicConsume("heap", true, (tag, d) -> consumed.incrementAndGet(), tag -> { });
      long releasedAt = unblocked.get(RELEASE_BOUND_MILLIS + 30_000, TimeUnit.MILLISECONDS);
      long releaseMillis = (releasedAt - drainFrom) / 1_000_000;
      System.out.printf("blocked for %d ms; released %d ms after the drain began%n",
          (releasedAt - blockedAt) / 1_000_000, releaseMillis);
      assertTrue(releaseMillis < RELEASE_BOUND_MILLIS, "released " + releaseMillis + " ms after the drain began");

      long atRelease = published.get();
      JavaClientIT.awaitTrue(() -> published.get() > atRelease + 1_000);
      publishing.set(false);
      publisherThread.join(30_000);
      JavaClientIT.awaitTrue(() -> consumed.get() == published.get());
      assertEquals(published.get(), consumed.get(), "every message consumed exactly once");
    } finally {
      // A publisher still blocked cannot close cleanly: stop the server first, then drop the clients.
      publishing.set(false);
      server.toHandle().destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
      for (Connection c : new Connection[] {publisherConnection, consumerConnection}) {
        if (c != null) {
          c.abort(2_000);
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
