package io.brokersim.management;

import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.ClientOrigin;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One {@link BrokerView} in the shapes of RabbitMQ's management API: the field names of {@code GET /api/queues},
 * {@code /api/exchanges}, {@code /api/bindings}, {@code /api/connections}, {@code /api/channels} and
 * {@code /api/consumers} (rabbit_mgmt_format), with the values brokersim has. Statistics RabbitMQ samples over
 * time (rates, {@code message_stats}, memory) are left out rather than made up.
 *
 * <p>Names: a network connection is named as RabbitMQ names it, {@code "peer:port -> host:port"}; an in-process
 * one {@code "conn-N (client name)"}. A channel is {@code "<connection name> (<number>)"}.
 */
final class RabbitJson {

  private final BrokerView view;
  private final String node;
  private final Map<String, BrokerView.Connection> connectionsById = new LinkedHashMap<>();

  RabbitJson(BrokerView view, String node) {
    this.view = view;
    this.node = node;
    for (BrokerView.Connection c : view.connections()) {
      connectionsById.put(c.id(), c);
    }
  }

  BrokerView view() {
    return view;
  }

  // ------------------------------------------------------------------------------------------- names

  static String connectionName(BrokerView.Connection c) {
    return c.origin() != null ? c.origin().rabbitName() : c.id() + " (" + c.clientName() + ")";
  }

  private String connectionName(String connectionId) {
    BrokerView.Connection c = connectionsById.get(connectionId);
    return c == null ? connectionId : connectionName(c);
  }

  String channelName(BrokerView.Channel ch) {
    return connectionName(ch.connection()) + " (" + ch.number() + ")";
  }

  Optional<BrokerView.Connection> connectionNamed(String name) {
    return view.connections().stream().filter(c -> connectionName(c).equals(name)).findFirst();
  }

  Optional<BrokerView.Channel> channelNamed(String name) {
    return view.channels().stream().filter(ch -> channelName(ch).equals(name)).findFirst();
  }

  // ------------------------------------------------------------------------------------------ queues

  List<Map<String, Object>> queues() {
    return view.queues().stream().map(q -> queue(q, false)).toList();
  }

  /** A queue; {@code details} adds {@code consumer_details}, as RabbitMQ does for {@code GET /api/queues/v/name}. */
  Map<String, Object> queue(BrokerView.Queue q, boolean details) {
    Map<String, Object> o = Json.object();
    o.put("name", q.name());
    o.put("vhost", view.vhost());
    o.put("type", "classic");
    o.put("durable", q.durable());
    o.put("auto_delete", q.autoDelete());
    o.put("exclusive", q.exclusive());
    o.put("arguments", Json.table(q.arguments()));
    o.put("node", node);
    o.put("state", "running");
    o.put("messages", q.messages());
    o.put("messages_ready", q.ready());
    o.put("messages_unacknowledged", q.unacked());
    o.put("message_bytes_ready", q.readyBytes());
    o.put("consumers", q.consumers().size());
    o.put("exclusive_consumer_tag", q.consumers().stream().filter(BrokerView.Consumer::exclusive)
        .map(BrokerView.Consumer::consumerTag).findFirst().orElse(null));
    o.put("policy", null);
    if (q.ownerConnection() != null) {
      o.put("owner_pid_details", connectionDetails(q.ownerConnection()));
    }
    o.put("brokersim_paused", q.paused());
    if (details) {
      List<Map<String, Object>> consumers = new ArrayList<>();
      for (BrokerView.Consumer c : q.consumers()) {
        consumers.add(consumer(c));
      }
      o.put("consumer_details", consumers);
    }
    return o;
  }

  Optional<BrokerView.Queue> queueNamed(String name) {
    return view.queues().stream().filter(q -> q.name().equals(name)).findFirst();
  }

  // --------------------------------------------------------------------------- exchanges, bindings

  List<Map<String, Object>> exchanges() {
    return view.exchanges().stream().map(this::exchange).toList();
  }

  Map<String, Object> exchange(BrokerView.Exchange x) {
    Map<String, Object> o = Json.object();
    o.put("name", x.name());
    o.put("vhost", view.vhost());
    o.put("type", x.type());
    o.put("durable", x.durable());
    o.put("auto_delete", x.autoDelete());
    o.put("internal", x.internal());
    o.put("arguments", Json.table(x.arguments()));
    o.put("user_who_performed_action", "rmq-internal");
    return o;
  }

  Optional<BrokerView.Exchange> exchangeNamed(String name) {
    return view.exchanges().stream().filter(x -> x.name().equals(name)).findFirst();
  }

  List<Map<String, Object>> bindings(Predicate<BrokerView.Binding> which) {
    return view.bindings().stream().filter(which).map(this::binding).toList();
  }

  Map<String, Object> binding(BrokerView.Binding b) {
    Map<String, Object> o = Json.object();
    o.put("source", b.source());
    o.put("vhost", view.vhost());
    o.put("destination", b.destination());
    o.put("destination_type", b.toQueue() ? "queue" : "exchange");
    o.put("routing_key", b.routingKey());
    o.put("arguments", Json.table(b.arguments()));
    o.put("properties_key", propertiesKey(b.routingKey(), b.arguments()));
    return o;
  }

  /**
   * RabbitMQ's {@code properties_key}: {@code "~"} for an empty key without arguments, else the key URL-encoded
   * (a {@code ~} as {@code %7E}), then for arguments {@code "~"} and a hash of them. RabbitMQ hashes arguments with
   * Erlang's {@code phash2}; brokersim uses its own stable hash there, so only argument-free keys are identical.
   */
  static String propertiesKey(String routingKey, Map<String, Object> arguments) {
    boolean noArgs = arguments == null || arguments.isEmpty();
    if (routingKey.isEmpty() && noArgs) {
      return "~";
    }
    String key = quote(routingKey);
    if (noArgs) {
      return key;
    }
    int hash = Json.table(arguments).toString().hashCode();
    byte[] four = {(byte) (hash >>> 24), (byte) (hash >>> 16), (byte) (hash >>> 8), (byte) hash};
    return key + "~" + quote(Base64.getUrlEncoder().withoutPadding().encodeToString(four));
  }

  private static String quote(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("~", "%7E");
  }

  // ---------------------------------------------------------------------- connections, channels

  List<Map<String, Object>> connections() {
    return view.connections().stream().map(this::connection).toList();
  }

  Map<String, Object> connection(BrokerView.Connection c) {
    ClientOrigin origin = c.origin();
    Map<String, Object> o = Json.object();
    o.put("name", connectionName(c));
    o.put("node", node);
    o.put("type", origin == null ? "direct" : "network");
    o.put("state", c.closing() ? "closing" : "running");
    o.put("user", c.user());
    o.put("vhost", view.vhost());
    o.put("channels", c.channels());
    o.put("connected_at", c.connectedAtMillis());
    o.put("user_provided_name", c.clientName());
    if (origin != null) {
      o.put("protocol", origin.protocol());
      o.put("host", origin.host());
      o.put("port", origin.port());
      o.put("peer_host", origin.peerHost());
      o.put("peer_port", origin.peerPort());
      o.put("auth_mechanism", origin.authMechanism());
      o.put("frame_max", origin.frameMax());
      o.put("channel_max", origin.channelMax());
      o.put("timeout", origin.heartbeatSeconds());
      o.put("ssl", false);
      o.put("client_properties", Json.table(origin.clientProperties()));
    } else {
      o.put("protocol", "Direct 0-9-1");
      o.put("client_properties", Map.of());
    }
    o.put("brokersim_id", c.id());
    return o;
  }

  /** RabbitMQ's {@code connection_details} / {@code owner_pid_details}: name, peer host and port. */
  private Map<String, Object> connectionDetails(String connectionId) {
    BrokerView.Connection c = connectionsById.get(connectionId);
    Map<String, Object> o = Json.object();
    o.put("name", connectionName(connectionId));
    if (c != null && c.origin() != null) {
      o.put("peer_host", c.origin().peerHost());
      o.put("peer_port", c.origin().peerPort());
    }
    return o;
  }

  List<Map<String, Object>> channels(Predicate<BrokerView.Channel> which) {
    return view.channels().stream().filter(which).map(this::channel).toList();
  }

  Map<String, Object> channel(BrokerView.Channel ch) {
    Map<String, Object> o = Json.object();
    o.put("name", channelName(ch));
    o.put("node", node);
    o.put("number", ch.number());
    o.put("user", ch.user());
    o.put("vhost", view.vhost());
    o.put("state", ch.closing() ? "closing" : "running");
    o.put("consumer_count", ch.consumers());
    o.put("messages_unacknowledged", ch.unacked());
    o.put("prefetch_count", ch.prefetch());
    o.put("confirm", ch.confirm());
    o.put("transactional", ch.transactional());
    o.put("connection_details", connectionDetails(ch.connection()));
    o.put("brokersim_id", ch.id());
    return o;
  }

  // ---------------------------------------------------------------------------------- consumers

  List<Map<String, Object>> consumers() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (BrokerView.Queue q : view.queues()) {
      for (BrokerView.Consumer c : q.consumers()) {
        out.add(consumer(c));
      }
    }
    return out;
  }

  private Map<String, Object> consumer(BrokerView.Consumer c) {
    Map<String, Object> o = Json.object();
    o.put("consumer_tag", c.consumerTag());
    Map<String, Object> queue = Json.object();
    queue.put("name", c.queue());
    queue.put("vhost", view.vhost());
    o.put("queue", queue);
    o.put("channel_details", channelDetails(c.channel()));
    o.put("ack_required", !c.noAck());
    o.put("exclusive", c.exclusive());
    o.put("prefetch_count", c.prefetch());
    o.put("arguments", c.priority() == 0 ? Map.of() : Map.of("x-priority", c.priority()));
    o.put("active", true);
    o.put("activity_status", "up");
    return o;
  }

  private Map<String, Object> channelDetails(String channelId) {
    Map<String, Object> o = Json.object();
    BrokerView.Channel ch = view.channels().stream().filter(x -> x.id().equals(channelId)).findFirst().orElse(null);
    String connectionId = ch != null ? ch.connection() : channelId.substring(0, Math.max(0, channelId.indexOf('/')));
    BrokerView.Connection c = connectionsById.get(connectionId);
    o.put("name", ch != null ? channelName(ch) : channelId);
    o.put("number", ch != null ? ch.number() : 0);
    o.put("connection_name", connectionName(connectionId));
    o.put("user", c != null ? c.user() : null);
    o.put("node", node);
    if (c != null && c.origin() != null) {
      o.put("peer_host", c.origin().peerHost());
      o.put("peer_port", c.origin().peerPort());
    }
    return o;
  }

  // -------------------------------------------------------------------------------- vhost totals

  Map<String, Object> vhost() {
    Map<String, Object> o = Json.object();
    o.put("name", view.vhost());
    o.put("description", "a brokersim virtual host");
    o.put("tags", List.of());
    o.put("default_queue_type", "classic");
    o.put("tracing", false);
    o.putAll(queueTotals());
    o.put("cluster_state", Map.of(node, "running"));
    return o;
  }

  Map<String, Object> queueTotals() {
    long ready = 0;
    long unacked = 0;
    for (BrokerView.Queue q : view.queues()) {
      ready += q.ready();
      unacked += q.unacked();
    }
    Map<String, Object> o = Json.object();
    o.put("messages", ready + unacked);
    o.put("messages_ready", ready);
    o.put("messages_unacknowledged", unacked);
    return o;
  }

  Map<String, Object> objectTotals() {
    Map<String, Object> o = Json.object();
    o.put("connections", view.connections().size());
    o.put("channels", view.channels().size());
    o.put("exchanges", view.exchanges().size());
    o.put("queues", view.queues().size());
    o.put("consumers", view.queues().stream().mapToInt(q -> q.consumers().size()).sum());
    return o;
  }
}
