package io.brokersim.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.brokersim.core.profile.BrokerProfile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The management API over HTTP, raw: RabbitMQ's status codes, error bodies and JSON field names, and brokersim's
 * own endpoints, against a live broker driven by the RabbitMQ Java client. One server for the class; each test
 * uses its own names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ManagementApiIT {

  private LiveManagement m;
  private Connection client;

  @BeforeAll
  void start() throws Exception {
    m = LiveManagement.start(BrokerProfile.RABBITMQ_3);
    client = m.amqpFactory().newConnection("api-it");
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    m.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** GETs {@code path} until {@code ok} holds for the JSON (the broker works on its own threads), then returns it. */
  private JsonNode eventually(String path, Predicate<JsonNode> ok) throws Exception {
    JsonNode last = null;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> r = m.get(path);
      if (r.statusCode() == 200) {
        last = json(r);
        if (ok.test(last)) {
          return last;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " never became as expected; last: " + last);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ------------------------------------------------------------------------------------------ auth

  @Test
  void request_withoutCredentials_401WithRabbitMqRealm() throws Exception {
    HttpResponse<String> r = m.client.send(HttpRequest.newBuilder(java.net.URI.create(m.base() + "/api/overview"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, r.statusCode());
    assertEquals("Basic realm=\"RabbitMQ Management\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
  }

  @Test
  void request_wrongPassword_401NotAuthorizedBody() throws Exception {
    HttpResponse<String> r = m.send(m.request("/api/queues").setHeader("Authorization", "Basic "
        + java.util.Base64.getEncoder().encodeToString("guest:nope".getBytes(StandardCharsets.UTF_8))));
    assertEquals(401, r.statusCode());
    assertEquals("{\"error\":\"not_authorized\",\"reason\":\"Not_Authorized\"}", r.body());
  }

  // ---------------------------------------------------------------------------------- rabbitmq api

  @Test
  void queue_withMessagesAndAConsumer_rabbitMqFieldsAndCounts() throws Exception {
    Channel ch = client.createChannel();
    ch.queueDeclare("api-q", true, false, false, null);
    for (int i = 0; i < 3; i++) {
      ch.basicPublish("", "api-q", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    Channel consumer = client.createChannel();
    consumer.basicQos(1);
    consumer.basicConsume("api-q", false, "api-q-consumer", (tag, d) -> { }, tag -> { });

    JsonNode q = eventually("/api/queues/%2F/api-q", n -> n.get("messages_unacknowledged").asInt() == 1);
    assertEquals("api-q", q.get("name").asText());
    assertEquals("/", q.get("vhost").asText());
    assertTrue(q.get("durable").asBoolean());
    assertFalse(q.get("auto_delete").asBoolean());
    assertFalse(q.get("exclusive").asBoolean());
    assertEquals(3, q.get("messages").asInt());
    assertEquals(2, q.get("messages_ready").asInt());
    assertEquals(1, q.get("consumers").asInt());
    assertEquals("running", q.get("state").asText());
    JsonNode c = q.get("consumer_details").get(0);
    assertEquals("api-q-consumer", c.get("consumer_tag").asText());
    assertTrue(c.get("ack_required").asBoolean());
    assertEquals(1, c.get("prefetch_count").asInt());
    assertTrue(c.get("channel_details").get("connection_name").asText().contains(" -> 127.0.0.1:"),
        c.toString());

    assertTrue(m.broker.inspect().queues().stream().anyMatch(x -> x.name().equals("api-q") && x.messages() == 3),
        "the same view from Java");
    JsonNode list = json(m.get("/api/queues/%2F"));
    assertTrue(list.isArray());
    JsonNode consumers = json(m.get("/api/consumers"));
    assertTrue(consumers.toString().contains("\"consumer_tag\":\"api-q-consumer\""), consumers.toString());
    JsonNode bindings = json(m.get("/api/queues/%2F/api-q/bindings"));
    assertEquals("", bindings.get(0).get("source").asText());
    assertEquals("api-q", bindings.get(0).get("routing_key").asText());
    assertEquals("api-q", bindings.get(0).get("properties_key").asText());
    consumer.close();
    ch.close();
  }

  @Test
  void missingObjects_404WithRabbitMqBody() throws Exception {
    for (String path : List.of("/api/queues/%2F/no-such-queue", "/api/queues/other-vhost", "/api/exchanges/%2F/nope",
        "/api/connections/nope", "/api/nope", "/elsewhere")) {
      HttpResponse<String> r = m.get(path);
      assertEquals(404, r.statusCode(), path);
      assertEquals("{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}", r.body(), path);
    }
  }

  @Test
  void notImplementedParts_501WithAReason_neverASilent404() throws Exception {
    HttpResponse<String> nodes = m.get("/api/nodes");
    assertEquals(501, nodes.statusCode());
    JsonNode body = json(nodes);
    assertEquals("not_implemented", body.get("error").asText());
    assertTrue(body.get("reason").asText().contains("GET /api/nodes"), body.toString());

    HttpResponse<String> declare = m.send(m.request("/api/queues/%2F/made-over-http")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"durable\":true}")));
    assertEquals(501, declare.statusCode());
    assertTrue(json(declare).get("reason").asText().contains("declaring and deleting queues"), declare.body());

    assertEquals(501, m.get("/api/queues?page=1").statusCode());
    assertEquals(501, m.get("/api/definitions").statusCode());

    HttpResponse<String> post = m.send(m.request("/api/overview").POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, post.statusCode());
  }

  @Test
  void overview_totalsAndTheAmqpListener() throws Exception {
    JsonNode o = json(m.get("/api/overview"));
    assertEquals("RabbitMQ", o.get("product_name").asText(), "the modelled broker, as connection.start says");
    assertEquals("3.13.7", o.get("rabbitmq_version").asText());
    assertTrue(o.get("object_totals").get("exchanges").asInt() >= 6, o.toString());
    assertEquals(String.valueOf(m.http.address().getPort()), o.get("contexts").get(0).get("port").asText());
    assertTrue(o.get("queue_totals").has("messages_ready"));
    assertEquals(m.amqp.address().getPort(), o.get("listeners").get(0).get("port").asInt());
    assertEquals("amqp", o.get("listeners").get(0).get("protocol").asText());
    assertEquals("rabbitmq-3", o.get("brokersim").get("profile").asText());
    assertFalse(o.get("brokersim").get("version").asText().isEmpty());
    JsonNode vhosts = json(m.get("/api/vhosts"));
    assertEquals("/", vhosts.get(0).get("name").asText());
    JsonNode exchanges = json(m.get("/api/exchanges/%2F/amq.topic"));
    assertEquals("topic", exchanges.get("type").asText());
  }

  @Test
  void vhosts_listsEveryVhost_andEntitiesNameTheirOwn() throws Exception {
    var f = m.amqpFactory();
    f.setVirtualHost("staging");
    try (Connection staging = f.newConnection("staging-app")) {
      staging.createChannel().queueDeclare("staging-only", true, false, false, null);
      JsonNode vhosts = json(m.get("/api/vhosts"));
      assertEquals(List.of("/", "staging"), List.of(vhosts.get(0).get("name").asText(), vhosts.get(1).get("name").asText()));
      assertEquals("staging", json(m.get("/api/vhosts/staging")).get("name").asText());
      assertEquals(404, m.get("/api/vhosts/nope").statusCode());
      JsonNode queues = json(m.get("/api/queues/staging"));
      assertEquals(1, queues.size(), queues.toString());
      assertEquals("staging", queues.get(0).get("vhost").asText());
      assertFalse(m.get("/api/queues/%2F").body().contains("staging-only"));
      assertTrue(m.get("/api/queues").body().contains("staging-only"), "the list of all queues has every vhost's");
      JsonNode exchanges = json(m.get("/api/exchanges/staging/amq.topic"));
      assertEquals("staging", exchanges.get("vhost").asText());
      JsonNode connection = eventually("/api/connections", n -> n.toString().contains("staging-app"));
      assertTrue(connection.toString().contains("\"vhost\":\"staging\""), connection.toString());
    }
  }

  @Test
  void deleteConnection_closesItWith320AsTheManagementUiDoes() throws Exception {
    assertClosedThroughApi("doomed-1", null, "CONNECTION_FORCED - Closed via management plugin");
    assertClosedThroughApi("doomed-2", "maintenance window", "CONNECTION_FORCED - maintenance window");
  }

  private void assertClosedThroughApi(String clientName, String reason, String expectedText) throws Exception {
    Connection doomed = m.amqpFactory().newConnection(clientName);
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    doomed.addShutdownListener(closed::complete);
    JsonNode connections = eventually("/api/connections", n -> n.toString().contains(clientName));
    String name = null;
    for (JsonNode c : connections) {
      if (c.get("user_provided_name").asText().equals(clientName)) {
        name = c.get("name").asText();
        assertEquals("network", c.get("type").asText());
        assertEquals("guest", c.get("user").asText());
        assertEquals("127.0.0.1", c.get("peer_host").asText());
        assertEquals(clientName, c.get("client_properties").get("connection_name").asText());
      }
    }
    HttpRequest.Builder delete = m.request("/api/connections/" + enc(name)).DELETE();
    if (reason != null) {
      delete.header("X-Reason", reason);
    }
    assertEquals(204, m.send(delete).statusCode());
    ShutdownSignalException s = closed.get(10, TimeUnit.SECONDS);
    AMQP.Connection.Close close = (AMQP.Connection.Close) s.getReason();
    assertEquals(320, close.getReplyCode());
    assertEquals(expectedText, close.getReplyText());
    assertEquals(404, m.send(m.request("/api/connections/" + enc(name)).DELETE()).statusCode());
  }

  @Test
  void purge_204_readyMessagesGo_andTheLedgerSaysWhy() throws Exception {
    Channel ch = client.createChannel();
    ch.queueDeclare("api-purge", false, false, false, null);
    ch.basicPublish("", "api-purge", new AMQP.BasicProperties.Builder().correlationId("purged-1").build(),
        new byte[] {1});
    eventually("/api/queues/%2F/api-purge", n -> n.get("messages_ready").asInt() == 1);
    assertEquals(204, m.send(m.request("/api/queues/%2F/api-purge/contents/").DELETE()).statusCode());
    assertEquals(0, json(m.get("/api/queues/%2F/api-purge")).get("messages").asInt());
    JsonNode fate = json(m.get("/api/brokersim/messages?correlation_id=purged-1"));
    assertTrue(fate.get("explanation").asText().contains("purged"), fate.toString());
    assertEquals(404, m.send(m.request("/api/queues/%2F/no-queue/contents").DELETE()).statusCode());
    ch.close();
  }

  // ------------------------------------------------------------------------------------ brokersim api

  @Test
  void faults_badFile_400NamingFieldAndLine_goodFileArmedListedFiredAndRemoved() throws Exception {
    HttpResponse<String> bad = m.send(m.request("/api/brokersim/faults").POST(HttpRequest.BodyPublishers.ofString(
        "faults {\n  rules = [\n    { name = x, at = routd, action { type = drop } }\n  ]\n}\n")));
    assertEquals(400, bad.statusCode());
    JsonNode problem = json(bad).get("problems").get(0);
    assertEquals("faults.rules[0].at", problem.get("field").asText());
    assertEquals(3, problem.get("line").asInt());
    assertTrue(problem.get("hint").asText().contains("routed"), problem.toString());

    String rule = "{\"faults\": {\"rules\": [{\"name\": \"api-drop\", \"at\": \"publish-received\","
        + " \"match\": {\"routing-key\": \"api-dropped\"}, \"action\": {\"type\": \"drop\"}}]}}";
    HttpResponse<String> armed = m.send(m.request("/api/brokersim/faults").POST(HttpRequest.BodyPublishers
        .ofString(rule)));
    assertEquals(201, armed.statusCode(), armed.body());
    assertEquals(409, m.send(m.request("/api/brokersim/faults").POST(HttpRequest.BodyPublishers.ofString(rule)))
        .statusCode());

    Channel ch = client.createChannel();
    ch.queueDeclare("api-dropped", false, false, false, null);
    ch.basicPublish("", "api-dropped", new AMQP.BasicProperties.Builder().correlationId("dropped-1").build(),
        new byte[] {1});
    JsonNode listed = eventually("/api/brokersim/faults/api-drop", n -> n.get("fired").asInt() == 1);
    assertEquals("publish-received", listed.get("at").asText());
    assertTrue(listed.get("definition").asText().contains("name = \"api-drop\""), listed.toString());
    JsonNode fate = eventually("/api/brokersim/messages?correlation_id=dropped-1", n -> true);
    assertTrue(fate.get("explanation").asText().contains("by fault rule 'api-drop'"), fate.toString());
    assertEquals("dropped_by_fault", fate.get("messages").get(0).get("copies").get(0).get("fate").get("kind")
        .asText());

    assertEquals(204, m.send(m.request("/api/brokersim/faults/api-drop").DELETE()).statusCode());
    assertEquals(404, m.send(m.request("/api/brokersim/faults/api-drop").DELETE()).statusCode());
    assertFalse(json(m.get("/api/brokersim/faults")).toString().contains("api-drop"));
    JsonNode fates = json(m.get("/api/brokersim/fates"));
    assertEquals(1, fates.get("dropped_by_rule").get("api-drop").asInt(), fates.toString());
    ch.close();
  }

  @Test
  void calls_anAnsweredCallThenOneWhoseReplyIsDropped_theLostOneIsMarkedAndExplained() throws Exception {
    Channel server = client.createChannel();
    server.queueDeclare("api-rpc", false, false, true, null);
    server.basicConsume("api-rpc", true, (tag, d) -> server.basicPublish("", d.getProperties().getReplyTo(),
        new AMQP.BasicProperties.Builder().correlationId(d.getProperties().getCorrelationId()).build(),
        d.getBody()), tag -> { });
    Channel requester = client.createChannel();
    String replyQueue = requester.queueDeclare().getQueue();
    BlockingQueue<String> replies = new ArrayBlockingQueue<>(10);
    requester.basicConsume(replyQueue, true, (tag, d) -> replies.add(d.getProperties().getCorrelationId()),
        tag -> { });
    requester.basicPublish("", "api-rpc", new AMQP.BasicProperties.Builder().replyTo(replyQueue)
        .correlationId("call-ok").build(), new byte[] {1});
    assertEquals("call-ok", replies.poll(10, TimeUnit.SECONDS));

    String drop = "faults { rules = [ { name = \"drop-reply-call-lost\", at = publish-received,"
        + " match { correlation-id = \"call-lost\", has-reply-to = false }, action { type = drop },"
        + " when { once = true } } ] }";
    assertEquals(201, m.send(m.request("/api/brokersim/faults").POST(HttpRequest.BodyPublishers.ofString(drop)))
        .statusCode());
    requester.basicPublish("", "api-rpc", new AMQP.BasicProperties.Builder().replyTo(replyQueue)
        .correlationId("call-lost").build(), new byte[] {2});

    JsonNode calls = eventually("/api/brokersim/calls", n -> n.toString().contains("\"reply_lost\""));
    JsonNode ok = null;
    JsonNode lost = null;
    for (JsonNode c : calls) {
      if (c.get("correlation_id").asText().equals("call-ok")) {
        ok = c;
      } else if (c.get("correlation_id").asText().equals("call-lost")) {
        lost = c;
      }
    }
    assertEquals("answered", ok.get("status").asText(), calls.toString());
    assertEquals("api-rpc", ok.get("queue").asText());
    assertTrue(lost.get("lost").asBoolean(), lost.toString());
    assertEquals("dropped_by_fault", lost.get("reply_fate").asText());
    JsonNode explained = json(m.get("/api/brokersim/messages?correlation_id=call-lost"));
    assertTrue(explained.get("explanation").asText().contains("by fault rule 'drop-reply-call-lost'"),
        explained.toString());
    assertEquals(null, replies.poll(200, TimeUnit.MILLISECONDS), "the requester never got the dropped reply");
    server.close();
    requester.close();
  }

  @Test
  void events_aStreamOfTraceEventsAsServerSentEvents() throws Exception {
    HttpResponse<InputStream> stream = m.client.send(m.request("/api/brokersim/events").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(""));
    Channel ch = client.createChannel();
    ch.queueDeclare("api-events", false, false, true, null);
    ch.basicPublish("", "api-events", null, new byte[] {1});
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      boolean seen = false;
      String previous = "";
      for (String line = lines.readLine(); line != null && !seen; line = lines.readLine()) {
        if (line.startsWith("data: ") && line.contains("\"kind\":\"enqueued\"") && line.contains("api-events")) {
          assertTrue(previous.startsWith("id: "), previous);
          seen = true;
        }
        previous = line;
      }
      assertTrue(seen);
    }
    ch.close();
  }

  @Test
  void scenarios_listed_andRunWithASeed_sameSeedSameTraceHash() throws Exception {
    JsonNode list = json(m.get("/api/brokersim/scenarios"));
    assertEquals("rpc-callback-queue", list.get(0).get("name").asText());
    String path = "/api/brokersim/scenarios/lost-reply-requester-connection-dropped/run?seed=42";
    JsonNode first = json(m.send(m.request(path).POST(HttpRequest.BodyPublishers.noBody())));
    JsonNode second = json(m.send(m.request(path).POST(HttpRequest.BodyPublishers.noBody())));
    assertEquals("PASS", first.get("verdict").asText(), first.toString());
    assertEquals(64, first.get("trace_sha256").asText().length());
    assertEquals(first.get("trace_sha256"), second.get("trace_sha256"));
    assertTrue(first.get("report").asText().contains("sequenceDiagram"));
    HttpResponse<String> html = m.send(m.request(path + "&report=html").POST(HttpRequest.BodyPublishers.noBody()));
    assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertEquals(404, m.send(m.request("/api/brokersim/scenarios/nope/run").POST(HttpRequest.BodyPublishers
        .noBody())).statusCode());
    assertEquals(400, m.send(m.request(path + "&profile=activemq").POST(HttpRequest.BodyPublishers.noBody()))
        .statusCode());
  }

  @Test
  void console_servedFromTheJarWithoutLogin() throws Exception {
    HttpResponse<String> page = m.client.send(HttpRequest.newBuilder(java.net.URI.create(m.base() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<title>brokersim console</title>"));
    HttpResponse<String> script = m.client.send(HttpRequest.newBuilder(java.net.URI.create(m.base()
        + "/console.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, script.statusCode());
    assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("application/javascript"));
  }
}
