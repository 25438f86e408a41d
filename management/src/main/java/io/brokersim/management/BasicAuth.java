package io.brokersim.management;

import io.brokersim.amqp.server.ServerSettings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * HTTP basic authentication against the AMQP server's users (brokersim.server.users), answered as RabbitMQ's
 * management plugin answers (rabbit_web_dispatch_access_control): no credentials, 401 with
 * {@code WWW-Authenticate: Basic realm="RabbitMQ Management"}; wrong ones, 401
 * {@code {"error":"not_authorized","reason":"Not_Authorized"}}; a loopback-only user from elsewhere, 401
 * {@code {"error":"not_authorised","reason":"User can only log in via localhost"}}.
 */
final class BasicAuth {

  static final String REALM = "Basic realm=\"RabbitMQ Management\"";

  private final List<ServerSettings.User> users;

  BasicAuth(List<ServerSettings.User> users) {
    this.users = List.copyOf(users);
  }

  /** The user an {@code Authorization} header logs in, or the response refusing it. */
  sealed interface Result {}

  record LoggedIn(String user) implements Result {}

  record Refused(HttpResponse response) implements Result {}

  Result check(Optional<String> authorization, InetAddress client) {
    if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
      return new Refused(HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED)
          .addHeader(RawHeader.create("WWW-Authenticate", REALM)));
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.get().substring(6).strip()),
          StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Refused(Api.error(401, "not_authorised", "invalid basic authentication header"));
    }
    int colon = decoded.indexOf(':');
    String name = colon < 0 ? decoded : decoded.substring(0, colon);
    String password = colon < 0 ? "" : decoded.substring(colon + 1);
    for (ServerSettings.User u : users) {
      if (u.name().equals(name) && MessageDigest.isEqual(u.password().getBytes(StandardCharsets.UTF_8),
          password.getBytes(StandardCharsets.UTF_8))) {
        if (u.loopbackOnly() && (client == null || !client.isLoopbackAddress())) {
          return new Refused(Api.error(401, "not_authorised", "User can only log in via localhost"));
        }
        return new LoggedIn(name);
      }
    }
    return new Refused(Api.error(401, "not_authorized", "Not_Authorized"));
  }
}
