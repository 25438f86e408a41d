package io.brokersim.management;

import io.brokersim.core.actor.BrokerView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The broker's view for RabbitMQ's API: one {@link RabbitJson} per virtual host, the default first. A resource
 * without a vhost in its path lists every vhost's entities (each names its vhost); one with a vhost, that vhost's
 * only, and 404 for a vhost the broker does not have.
 */
record RabbitViews(List<RabbitJson> all) {

  RabbitViews {
    all = List.copyOf(all);
  }

  static RabbitViews of(List<BrokerView> views, String node) {
    return new RabbitViews(views.stream().map(v -> new RabbitJson(v, node)).toList());
  }

  /** The view of vhost {@code name}, if the broker has it. */
  Optional<RabbitJson> in(String name) {
    return all.stream().filter(v -> v.view().vhost().equals(name)).findFirst();
  }

  List<Map<String, Object>> vhosts() {
    return all.stream().map(RabbitJson::vhost).toList();
  }

  List<Map<String, Object>> queues() {
    return concat(RabbitJson::queues);
  }

  List<Map<String, Object>> exchanges() {
    return concat(RabbitJson::exchanges);
  }

  List<Map<String, Object>> bindings(Predicate<BrokerView.Binding> which) {
    return concat(v -> v.bindings(which));
  }

  List<Map<String, Object>> connections() {
    return concat(RabbitJson::connections);
  }

  List<Map<String, Object>> channels(Predicate<BrokerView.Channel> which) {
    return concat(v -> v.channels(which));
  }

  List<Map<String, Object>> consumers() {
    return concat(RabbitJson::consumers);
  }

  /** The vhost view that holds connection {@code name} (connection names are unique broker-wide). */
  Optional<RabbitJson> withConnection(String name) {
    return all.stream().filter(v -> v.connectionNamed(name).isPresent()).findFirst();
  }

  /** The vhost view that holds channel {@code name}. */
  Optional<RabbitJson> withChannel(String name) {
    return all.stream().filter(v -> v.channelNamed(name).isPresent()).findFirst();
  }

  /** RabbitMQ's {@code queue_totals}, summed over every vhost. */
  Map<String, Object> queueTotals() {
    return sum(RabbitJson::queueTotals);
  }

  /** RabbitMQ's {@code object_totals}, summed over every vhost. */
  Map<String, Object> objectTotals() {
    return sum(RabbitJson::objectTotals);
  }

  private List<Map<String, Object>> concat(Function<RabbitJson, List<Map<String, Object>>> part) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RabbitJson v : all) {
      out.addAll(part.apply(v));
    }
    return out;
  }

  private Map<String, Object> sum(Function<RabbitJson, Map<String, Object>> part) {
    Map<String, Object> out = Json.object();
    for (RabbitJson v : all) {
      part.apply(v).forEach((k, n) -> out.merge(k, n, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue()));
    }
    return out;
  }
}
