package io.brokersim.management;

import com.rabbitmq.client.ConnectionFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.profile.BrokerProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A live broker with its AMQP server and management server on free loopback ports, for the tests of this module. */
final class LiveManagement implements AutoCloseable {

  static final String GUEST = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));

  final LiveBroker broker;
  final AmqpServer amqp;
  final ManagementServer http;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private LiveManagement(LiveBroker broker, AmqpServer amqp, ManagementServer http) {
    this.broker = broker;
    this.amqp = amqp;
    this.http = http;
  }

  static LiveManagement start(BrokerProfile profile) {
    Config config = ConfigFactory.parseString("brokersim.server.port = 0");
    LiveBroker broker = LiveBroker.builder().profile(profile).seed(1).settledMessagesKept(1000).vhosts("staging")
        .build();
    AmqpServer amqp = AmqpServer.start(broker, config);
    ManagementServer http = ManagementServer.builder(broker).amqp(amqp).config(config).port(0).start();
    return new LiveManagement(broker, amqp, http);
  }

  ConnectionFactory amqpFactory() {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(amqp.address().getPort());
    f.setAutomaticRecoveryEnabled(false);
    return f;
  }

  String base() {
    return "http://127.0.0.1:" + http.address().getPort();
  }

  /** A request to {@code path} (already encoded) as guest. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", GUEST);
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET());
  }

  @Override
  public void close() {
    http.close();
    amqp.close();
    broker.close();
  }
}
