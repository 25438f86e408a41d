package io.brokersim.management;

import io.brokersim.core.profile.BrokerProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The subset of RabbitMQ's management HTTP API that scripts and tools use to look at a broker and to act on it
 * (paths, JSON field names, status codes and error bodies as rabbit_mgmt_dispatcher and its resources give
 * them). Every other resource of RabbitMQ's API answers 501 with the reason; a path RabbitMQ does not have, 404.
 * The README's "Management API" table lists both.
 */
final class RabbitApi {

  /** The resources of RabbitMQ's API (the first path segment after {@code /api}), rabbit_mgmt_dispatcher. */
  static final Set<String> RABBITMQ_RESOURCES = Set.of("overview", "cluster-name", "nodes", "extensions",
      "all-configuration", "definitions", "parameters", "global-parameters", "policies", "operator-policies",
      "vhost-limits", "connections", "channels", "consumers", "exchanges", "queues", "bindings", "vhosts", "users",
      "user-limits", "feature-flags", "deprecated-features", "whoami", "permissions", "topic-permissions",
      "aliveness-test", "healthchecks", "health", "reset", "rebalance", "auth", "login", "config", "version");

  /** Query parameters that change what RabbitMQ returns in ways brokersim does not reproduce. */
  private static final List<String> UNSUPPORTED_QUERY = List.of("page", "page_size", "name", "use_regex",
      "pagination");

  private final Operator operator;
  private final String node;
  private final Overview overview;

  /** What {@code GET /api/overview} needs besides the broker's view: versions and listeners. */
  interface Overview {
    Map<String, Object> document(RabbitViews views);
  }

  RabbitApi(Operator operator, BrokerProfile profile, Overview overview) {
    this.operator = operator;
    this.node = "brokersim@" + profile.name();
    this.overview = overview;
  }

  /** Handles {@code /api/<path>} for logged-in {@code user}. */
  CompletionStage<HttpResponse> handle(Api.Call call, String user) {
    List<String> p = call.path().subList(1, call.size());
    if (p.isEmpty() || !RABBITMQ_RESOURCES.contains(p.get(0))) {
      return Api.done(Api.notFound());
    }
    for (String q : UNSUPPORTED_QUERY) {
      if (call.query(q).isPresent()) {
        return Api.done(Api.notImplemented("brokersim does not implement the query parameter '" + q
            + "' (pagination and filtering); it returns whole lists"));
      }
    }
    String resource = p.get(0);
    return switch (resource) {
      case "overview" -> p.size() == 1 ? get(call, v -> Api.ok(overview.document(v))) : notFound();
      case "whoami" -> p.size() == 1 ? whoami(call, user) : notFound();
      case "vhosts" -> vhosts(call, p);
      case "queues" -> queues(call, p);
      case "exchanges" -> exchanges(call, p);
      case "bindings" -> bindings(call, p);
      case "connections" -> connections(call, p);
      case "channels" -> channels(call, p);
      case "consumers" -> consumers(call, p);
      default -> notImplemented(call);
    };
  }

  // ---------------------------------------------------------------------------------------- helpers

  /** A read: the broker's view, then {@code answer}; other methods 405 (RabbitMQ has no other for these). */
  private CompletionStage<HttpResponse> get(Api.Call call, Function<RabbitViews, HttpResponse> answer) {
    if (!call.isGet()) {
      return Api.done(Api.methodNotAllowed("GET", "HEAD", "OPTIONS"));
    }
    return view(answer);
  }

  private CompletionStage<HttpResponse> view(Function<RabbitViews, HttpResponse> answer) {
    return rabbitView().thenApply(answer);
  }

  private CompletionStage<RabbitViews> rabbitView() {
    return operator.inspect().thenApply(v -> RabbitViews.of(v, node));
  }

  /** {@code answer} for the view of vhost {@code vhost} (from a path); 404 for a vhost the broker does not have. */
  private static HttpResponse in(RabbitViews v, String vhost, Function<RabbitJson, HttpResponse> answer) {
    return v.in(vhost).map(answer).orElseGet(Api::notFound);
  }

  private static CompletionStage<HttpResponse> notFound() {
    return Api.done(Api.notFound());
  }

  private static CompletionStage<HttpResponse> notImplemented(Api.Call call) {
    return Api.done(Api.notImplemented("brokersim does not implement " + call.describe()
        + " of RabbitMQ's management API; see the README's table of what it does"));
  }

  private static CompletionStage<HttpResponse> notImplemented(Api.Call call, String what) {
    return Api.done(Api.notImplemented("brokersim does not implement " + call.describe() + " (" + what
        + "); see the README's table of what it does"));
  }

  // -------------------------------------------------------------------------------------- resources

  private CompletionStage<HttpResponse> whoami(Api.Call call, String user) {
    if (!call.isGet()) {
      return Api.done(Api.methodNotAllowed("GET", "HEAD", "OPTIONS"));
    }
    Map<String, Object> o = Json.object();
    o.put("name", user);
    o.put("tags", List.of("administrator"));
    return Api.done(Api.ok(o));
  }

  private CompletionStage<HttpResponse> vhosts(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      return get(call, v -> Api.ok(v.vhosts()));
    }
    if (p.size() == 2) {
      if (!call.isGet()) {
        return notImplemented(call, "creating and deleting virtual hosts; configure them with brokersim.vhosts or"
            + " serve --vhost");
      }
      return view(v -> in(v, p.get(1), j -> Api.ok(j.vhost())));
    }
    return notImplemented(call);
  }

  private CompletionStage<HttpResponse> queues(Api.Call call, List<String> p) {
    switch (p.size()) {
      case 1:
        return get(call, v -> Api.ok(v.queues()));
      case 2:
        if (p.get(1).equals("detailed")) {
          return notImplemented(call, "detailed queue statistics");
        }
        return get(call, v -> in(v, p.get(1), j -> Api.ok(j.queues())));
      case 3:
        if (!call.isGet()) {
          return notImplemented(call, "declaring and deleting queues over HTTP; use AMQP");
        }
        return view(v -> in(v, p.get(1),
            j -> j.queueNamed(p.get(2)).map(q -> Api.ok(j.queue(q, true))).orElseGet(Api::notFound)));
      case 4:
        if (p.get(3).equals("contents")) {
          return purge(call, p.get(1), p.get(2));
        }
        if (p.get(3).equals("bindings")) {
          return get(call, v -> in(v, p.get(1), j -> j.queueNamed(p.get(2)).isEmpty() ? Api.notFound()
              : Api.ok(j.bindings(b -> b.toQueue() && b.destination().equals(p.get(2))))));
        }
        return notImplemented(call);
      default:
        return notImplemented(call);
    }
  }

  /** {@code DELETE /api/queues/vhost/name/contents}: 204, or 404 for a queue or vhost that does not exist. */
  private CompletionStage<HttpResponse> purge(Api.Call call, String vhost, String queue) {
    if (!call.method().equals("DELETE")) {
      return Api.done(Api.methodNotAllowed("DELETE", "OPTIONS"));
    }
    return rabbitView().thenCompose(v -> {
      if (v.in(vhost).isEmpty()) {
        return notFound();
      }
      return operator.purge(vhost, queue, "purged through the management API")
          .thenApply(purged -> purged.found() ? Api.noContent() : Api.notFound());
    });
  }

  private CompletionStage<HttpResponse> exchanges(Api.Call call, List<String> p) {
    switch (p.size()) {
      case 1:
        return get(call, v -> Api.ok(v.exchanges()));
      case 2:
        return get(call, v -> in(v, p.get(1), j -> Api.ok(j.exchanges())));
      case 3:
        if (!call.isGet()) {
          return notImplemented(call, "declaring and deleting exchanges over HTTP; use AMQP");
        }
        return view(v -> in(v, p.get(1),
            j -> j.exchangeNamed(p.get(2)).map(x -> Api.ok(j.exchange(x))).orElseGet(Api::notFound)));
      case 5:
        if (p.get(3).equals("bindings") && (p.get(4).equals("source") || p.get(4).equals("destination"))) {
          boolean source = p.get(4).equals("source");
          return get(call, v -> in(v, p.get(1), j -> j.exchangeNamed(p.get(2)).isEmpty() ? Api.notFound()
              : Api.ok(j.bindings(b -> source ? b.source().equals(p.get(2))
                  : !b.toQueue() && b.destination().equals(p.get(2))))));
        }
        return notImplemented(call);
      default:
        return notImplemented(call, p.size() == 4 && p.get(3).equals("publish")
            ? "publishing over HTTP; use AMQP" : "this resource");
    }
  }

  private CompletionStage<HttpResponse> bindings(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      return get(call, v -> Api.ok(v.bindings(b -> true)));
    }
    if (p.size() == 2) {
      return get(call, v -> in(v, p.get(1), j -> Api.ok(j.bindings(b -> true))));
    }
    return notImplemented(call, "creating, reading and deleting single bindings over HTTP; use AMQP");
  }

  private CompletionStage<HttpResponse> connections(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      return get(call, v -> Api.ok(v.connections()));
    }
    if (p.size() == 2) {
      String name = p.get(1);
      if (call.method().equals("DELETE")) {
        String reason = call.header("X-Reason").orElse("Closed via management plugin");
        return rabbitView().thenCompose(v -> v.withConnection(name)
            .map(j -> operator.close(j.view().vhost(), j.connectionNamed(name).orElseThrow().id(), reason)
                .thenApply(found -> found ? Api.noContent() : Api.notFound()))
            .orElseGet(RabbitApi::notFound));
      }
      return get(call, v -> v.withConnection(name).map(j -> Api.ok(j.connection(j.connectionNamed(name).orElseThrow())))
          .orElseGet(Api::notFound));
    }
    if (p.size() == 3 && p.get(2).equals("channels")) {
      String name = p.get(1);
      return get(call, v -> v.withConnection(name).map(j -> {
        String id = j.connectionNamed(name).orElseThrow().id();
        return Api.ok(j.channels(ch -> ch.connection().equals(id)));
      }).orElseGet(Api::notFound));
    }
    return notImplemented(call);
  }

  private CompletionStage<HttpResponse> channels(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      return get(call, v -> Api.ok(v.channels(ch -> true)));
    }
    if (p.size() == 2) {
      String name = p.get(1);
      return get(call, v -> v.withChannel(name).map(j -> Api.ok(j.channel(j.channelNamed(name).orElseThrow())))
          .orElseGet(Api::notFound));
    }
    return notImplemented(call);
  }

  private CompletionStage<HttpResponse> consumers(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      return get(call, v -> Api.ok(v.consumers()));
    }
    if (p.size() == 2) {
      return get(call, v -> in(v, p.get(1), j -> Api.ok(j.consumers())));
    }
    return notImplemented(call);
  }
}
