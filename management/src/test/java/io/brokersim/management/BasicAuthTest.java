package io.brokersim.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.brokersim.amqp.server.ServerSettings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  private final BasicAuth auth = new BasicAuth(List.of(new ServerSettings.User("guest", "guest", true),
      new ServerSettings.User("ops", "s3cret", false)));

  private static Optional<String> basic(String user, String password) {
    return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void check_rightPasswordFromLoopback_loggedIn() throws Exception {
    assertEquals(new BasicAuth.LoggedIn("guest"), auth.check(basic("guest", "guest"), InetAddress.getLoopbackAddress()));
  }

  @Test
  void check_loopbackOnlyUserFromElsewhere_refusedAsRabbitMqDoes() throws Exception {
    BasicAuth.Result r = auth.check(basic("guest", "guest"), InetAddress.getByName("192.0.2.7"));
    assertEquals(401, assertInstanceOf(BasicAuth.Refused.class, r).response().status().intValue());
    assertEquals(new BasicAuth.LoggedIn("ops"), auth.check(basic("ops", "s3cret"), InetAddress.getByName("192.0.2.7")));
  }

  @Test
  void check_noHeader_refusedWithTheRealm() {
    BasicAuth.Refused r = assertInstanceOf(BasicAuth.Refused.class, auth.check(Optional.empty(), null));
    assertEquals(BasicAuth.REALM, r.response().getHeader("WWW-Authenticate").orElseThrow().value());
  }

  @Test
  void check_wrongPasswordOrGarbage_refused() throws Exception {
    assertInstanceOf(BasicAuth.Refused.class, auth.check(basic("ops", "nope"), InetAddress.getLoopbackAddress()));
    assertInstanceOf(BasicAuth.Refused.class, auth.check(Optional.of("Basic !!!"), InetAddress.getLoopbackAddress()));
  }
}
