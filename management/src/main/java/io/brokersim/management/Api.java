package io.brokersim.management;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * One request as the handlers see it (method, decoded path segments without {@code /api}, query), and the
 * responses they give, with the status codes and error bodies of RabbitMQ's management plugin
 * (rabbit_mgmt_util, rabbit_web_dispatch): {@code {"error": ..., "reason": ...}}.
 */
final class Api {

  private Api() {}

  /** A request: its method name, its path segments (decoded; an empty trailing one dropped) and the request. */
  record Call(String method, List<String> path, HttpRequest request) {

    static Call of(HttpRequest request) {
      List<String> segments = new ArrayList<>();
      for (String s : request.getUri().pathSegments()) {
        segments.add(s);
      }
      while (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
        segments.remove(segments.size() - 1);
      }
      return new Call(request.method().name(), List.copyOf(segments), request);
    }

    int size() {
      return path.size();
    }

    String at(int i) {
      return path.get(i);
    }

    boolean is(String... segments) {
      return path.equals(List.of(segments));
    }

    Optional<String> query(String name) {
      return request.getUri().query().get(name);
    }

    Optional<String> header(String name) {
      return request.getHeader(name).map(h -> h.value());
    }

    /** {@code METHOD /path}, for error reasons. */
    String describe() {
      return method + " " + request.getUri().path();
    }

    boolean isGet() {
      return method.equals("GET") || method.equals("HEAD");
    }
  }

  static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  static HttpResponse json(int status, Object document) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, Json.bytes(document));
  }

  static HttpResponse ok(Object document) {
    return json(200, document);
  }

  static HttpResponse error(int status, String error, String reason) {
    Map<String, Object> body = Json.object();
    body.put("error", error);
    body.put("reason", reason);
    return json(status, body);
  }

  /** RabbitMQ's body for every 404: {@code {"error":"Object Not Found","reason":"Not Found"}}. */
  static HttpResponse notFound() {
    return error(404, "Object Not Found", "Not Found");
  }

  static HttpResponse badRequest(String reason) {
    return error(400, "bad_request", reason);
  }

  /** A part of the API brokersim does not implement: 501 and why, never a silent 404. */
  static HttpResponse notImplemented(String reason) {
    return error(501, "not_implemented", reason);
  }

  /** 405 with the methods the resource allows (cowboy answers so, with an empty body). */
  static HttpResponse methodNotAllowed(String... allowed) {
    return HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED)
        .addHeader(RawHeader.create("Allow", String.join(", ", allowed)));
  }

  static HttpResponse noContent() {
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
  }

  static boolean isMethod(HttpMethod m, String name) {
    return m.name().equals(name);
  }
}
