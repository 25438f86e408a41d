package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.CodecException;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.amqp.codec.WireReader;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.Permissions;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a {@code connection.start-ok} SASL response against the configured users (§6.3).
 *
 * <pre>
 *   PLAIN      [authzid] NUL authcid NUL password            (RFC 4616)
 *   AMQPLAIN   field-table entries LOGIN and PASSWORD, without the table's length prefix
 *   ANONYMOUS  anything; logs in as "guest" (RabbitMQ 4's anonymous_login_user)
 * </pre>
 */
final class SaslLogin {

  /** The user ANONYMOUS logs in as, as RabbitMQ 4's default {@code anonymous_login_user}. */
  static final String ANONYMOUS_USER = "guest";

  private final List<ServerSettings.User> users;

  SaslLogin(List<ServerSettings.User> users) {
    this.users = List.copyOf(users);
  }

  /**
   * The user name if {@code response} holds valid credentials for {@code mechanism} and the user may log
   * in from {@code remote}; empty otherwise (unknown user, wrong password, malformed response, a
   * loopback-only user from elsewhere).
   */
  Optional<String> authenticate(String mechanism, LongString response, InetAddress remote) {
    String[] credentials = switch (mechanism) {
      case "PLAIN" -> plain(response.bytes());
      case "AMQPLAIN" -> amqplain(response.bytes());
      case "ANONYMOUS" -> anonymous();
      default -> null;
    };
    if (credentials == null) {
      return Optional.empty();
    }
    for (ServerSettings.User u : users) {
      if (u.name().equals(credentials[0]) && constantTimeEquals(u.password(), credentials[1])) {
        if (u.loopbackOnly() && (remote == null || !remote.isLoopbackAddress())) {
          return Optional.empty();
        }
        return Optional.of(u.name());
      }
    }
    return Optional.empty();
  }

  /** What {@code user} (as {@link #authenticate} returned it) may do in {@code vhost}; empty: no access. */
  Optional<Permissions> permissions(String user, String vhost) {
    for (ServerSettings.User u : users) {
      if (u.name().equals(user)) {
        return u.permissionsIn(vhost);
      }
    }
    return Optional.empty();
  }

  private String[] anonymous() {
    for (ServerSettings.User u : users) {
      if (u.name().equals(ANONYMOUS_USER)) {
        return new String[] {u.name(), u.password()};
      }
    }
    return null;
  }

  private static String[] plain(byte[] response) {
    int first = indexOf(response, 0);
    int second = first < 0 ? -1 : indexOf(response, first + 1);
    if (second < 0 || indexOf(response, second + 1) >= 0) {
      return null;
    }
    return new String[] {
      new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8),
      new String(response, second + 1, response.length - second - 1, StandardCharsets.UTF_8)};
  }

  private static String[] amqplain(byte[] response) {
    try {
      Map<String, Object> table = new WireReader(ByteBuffer.wrap(response)).tableEntries(response.length);
      String login = FieldTables.stringValue(table, "LOGIN");
      String password = FieldTables.stringValue(table, "PASSWORD");
      return login == null || password == null ? null : new String[] {login, password};
    } catch (CodecException | IllegalArgumentException e) {
      // A malformed response is a failed login, not a protocol error.
      return null;
    }
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
