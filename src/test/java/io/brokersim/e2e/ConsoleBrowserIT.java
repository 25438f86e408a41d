package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Issue 15's console in headless Chromium: {@code brokersim serve --http-port} in a child process, an RPC through
 * it with the RabbitMQ Java client; the page shows the queue and the answered call; a fault armed from the page
 * drops the next call's reply, which the page marks lost and explains on a click; the page kills a connection.
 */
@Timeout(180)
class ConsoleBrowserIT {

  private static final Pattern AMQP_LINE =
      Pattern.compile("^brokersim listening on amqp://127\\.0\\.0\\.1:(\\d+) \\(profile (\\S+)\\)$");
  private static final Pattern HTTP_LINE =
      Pattern.compile("^brokersim management on (http://127\\.0\\.0\\.1:\\d+/) \\(console and HTTP API\\)$");
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A requester on a callback queue: each call publishes a request and waits a little for its reply. */
  private static final class Requester {
    final Channel channel;
    final String replyQueue;
    final BlockingQueue<String> replies = new ArrayBlockingQueue<>(16);

    Requester(Connection c) throws Exception {
      channel = c.createChannel();
      replyQueue = channel.queueDeclare().getQueue();
      channel.basicConsume(replyQueue, true, (tag, d) -> replies.add(d.getProperties().getCorrelationId()),
          tag -> { });
    }

    /** The reply's correlation_id, or null if none came within {@code wait}. */
    String call(String correlationId, Duration wait) throws Exception {
      channel.basicPublish("", "rpc_queue", new AMQP.BasicProperties.Builder().replyTo(replyQueue)
          .correlationId(correlationId).build(), ("ping " + correlationId).getBytes(StandardCharsets.UTF_8));
      return replies.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void console_showsQueueAndCall_armsAFaultFromThePage_andExplainsTheLostReply() throws Exception {
    Chromium.require();
    Process serve = CliProcess.command("serve", "--port", "0", "--http-port", "0", "--profile", "rabbitmq-3")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (Chromium browser = Chromium.start(1400, 1000)) {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      Matcher amqp = AMQP_LINE.matcher(String.valueOf(out.readLine()));
      assertTrue(amqp.matches(), amqp.toString());
      Matcher http = HTTP_LINE.matcher(String.valueOf(out.readLine()));
      assertTrue(http.matches(), http.toString());
      ConnectionFactory f = new ConnectionFactory();
      f.setPort(Integer.parseInt(amqp.group(1)));
      f.setAutomaticRecoveryEnabled(false);

      Connection server = f.newConnection("rpc-server");
      Channel sch = server.createChannel();
      sch.queueDeclare("rpc_queue", false, false, false, null);
      sch.basicConsume("rpc_queue", true, (tag, d) -> sch.basicPublish("", d.getProperties().getReplyTo(),
          new AMQP.BasicProperties.Builder().correlationId(d.getProperties().getCorrelationId()).build(),
          ("pong " + d.getProperties().getCorrelationId()).getBytes(StandardCharsets.UTF_8)), tag -> { });
      Connection client = f.newConnection("rpc-client");
      Requester requester = new Requester(client);
      assertEquals("call-1", requester.call("call-1", WAIT));

      WebDriver page = browser.driver();
      page.get(http.group(1));
      page.findElement(By.id("user")).sendKeys("guest");
      page.findElement(By.id("password")).sendKeys("guest");
      page.findElement(By.id("login-button")).click();
      try {
        // The topology: the RPC queue with its one consumer, and both clients. The page redraws itself every
        // second, so each check reads what it needs in one step.
        String queueRow = await("the rpc_queue row", () -> text(page, "#queues tr[data-queue='rpc_queue']"));
        assertTrue(queueRow.startsWith("rpc_queue 0 0 1"), "ready, unacked, consumers: " + queueRow);
        await("both connections listed", () -> {
          String connections = text(page, "#connections");
          return connections != null && connections.contains("rpc-client") && connections.contains("rpc-server")
              ? connections : null;
        });

        // The answered call in the sequence diagram.
        String answered = await("the answered call", () -> text(page,
            "svg#calls g.call[data-correlation-id='call-1'][data-status='answered']"));
        assertTrue(answered.contains("request call-1"), answered);

        // Arm "drop the reply to call-2" from the page; the next call loses its reply.
        page.findElement(By.id("drop-reply-cid")).sendKeys("call-2");
        page.findElement(By.id("arm-drop-reply")).click();
        await("the armed rule listed", () -> text(page, "#faults li[data-rule='drop-reply-call-2']"));
        assertNull(requester.call("call-2", Duration.ofSeconds(2)), "the reply to call-2 was dropped");

        String lost = await("the lost call", () -> text(page, "svg#calls g.call.lost[data-correlation-id='call-2']"));
        assertTrue(lost.contains("reply lost: dropped_by_fault"), lost);
        await("the lost reply crossed out", () -> text(page,
            "svg#calls g.call.lost[data-correlation-id='call-2'] path.cross"));
        await("the rule counted its firing", () -> {
          String rule = text(page, "#faults li[data-rule='drop-reply-call-2']");
          return rule != null && rule.contains("fired 1 time") ? rule : null;
        });

        // Its fate, one click away.
        ((JavascriptExecutor) page).executeScript("document.querySelector(\"svg#calls g.call[data-correlation-id="
            + "'call-2']\").dispatchEvent(new MouseEvent('click', {bubbles: true}));");
        String fate = await("the explanation", () -> {
          String details = text(page, "#fate-details");
          return details != null && details.contains("fault rule") ? details : null;
        });
        assertTrue(fate.contains("was dropped") && fate.contains("by fault rule 'drop-reply-call-2'"), fate);
        assertEquals("call call-2", text(page, "#fate-call"));
        await("the selected call highlighted", () -> text(page, "svg#calls g.call.selected[data-correlation-id="
            + "'call-2']"));
        browser.screenshot(Path.of("target", "browser", "console.png"));

        // Kill the requester's connection from the page: 320, as RabbitMQ's management UI does it.
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        client.addShutdownListener(closed::complete);
        String name = await("the kill-connection choice", () -> {
          List<WebElement> options = page.findElements(By.cssSelector("#kill-connection option"));
          return options.stream().filter(o -> o.getText().startsWith("rpc-client ")).map(o -> o.getAttribute("value"))
              .findFirst().orElse(null);
        });
        ((JavascriptExecutor) page).executeScript("document.getElementById('kill-connection').value = arguments[0];",
            name);
        page.findElement(By.id("kill-connection-button")).click();
        AMQP.Connection.Close close = (AMQP.Connection.Close) closed.get(20, TimeUnit.SECONDS).getReason();
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - Closed via management plugin", close.getReplyText());
        await("the killed connection gone from the page", () -> {
          String connections = text(page, "#connections");
          return connections != null && !connections.contains("rpc-client") ? connections : null;
        });
      } finally {
        browser.screenshot(Path.of("target", "browser", "console-last.png"));
      }
      server.close();
    } finally {
      serve.toHandle().destroy();
      if (!serve.waitFor(30, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
    }
  }

  /** The text of the first element {@code css} selects, read in one step; null if there is none. */
  private static String text(WebDriver page, String css) {
    Object t = ((JavascriptExecutor) page).executeScript(
        "const e = document.querySelector(arguments[0]); if (!e) return null; const t = e instanceof HTMLElement ? e.innerText : e.textContent;"
            + " return t.replace(/\\s+/g, ' ').trim();",
        css);
    return t == null ? null : t.toString();
  }

  /** Polls until {@code find} gives a non-null value (the page refreshes every second and on trace events). */
  private static <T> T await(String what, Supplier<T> find) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      T found;
      try {
        found = find.get();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        found = null; // the page re-rendered between finding an element and reading it: look again
      }
      if (found != null) {
        return found;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the console never showed " + what);
  }
}
