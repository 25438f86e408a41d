package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.amqp.codec.LongString;
import io.brokersim.amqp.codec.WireWriter;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SaslLoginTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final SaslLogin LOGIN = new SaslLogin(List.of(
      new ServerSettings.User("guest", "guest", true),
      new ServerSettings.User("alice", "päss", false)));

  @Test
  void plain_withAndWithoutAuthzid() {
    assertEquals(Optional.of("guest"), LOGIN.authenticate("PLAIN", LongString.of("\0guest\0guest"), LOOPBACK));
    assertEquals(Optional.of("guest"), LOGIN.authenticate("PLAIN", LongString.of("admin\0guest\0guest"), LOOPBACK));
    assertEquals(Optional.empty(), LOGIN.authenticate("PLAIN", LongString.of("\0guest\0wrong"), LOOPBACK));
    assertEquals(Optional.empty(), LOGIN.authenticate("PLAIN", LongString.of("guest"), LOOPBACK));
    assertEquals(Optional.empty(), LOGIN.authenticate("PLAIN", LongString.of("\0nobody\0guest"), LOOPBACK));
  }

  @Test
  void amqplain_tableEntriesWithoutLengthPrefix() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("LOGIN", "guest");
    t.put("PASSWORD", "guest");
    WireWriter w = new WireWriter().tableEntries(t);
    assertEquals(Optional.of("guest"), LOGIN.authenticate("AMQPLAIN", LongString.of(w.toByteArray()), LOOPBACK));
    assertEquals(Optional.empty(), LOGIN.authenticate("AMQPLAIN", LongString.of(new byte[] {5, 'L'}), LOOPBACK));
  }

  @Test
  void loopbackOnlyUser_refusedFromElsewhere() throws Exception {
    InetAddress remote = InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
    assertEquals(Optional.empty(), LOGIN.authenticate("PLAIN", LongString.of("\0guest\0guest"), remote));
    assertEquals(Optional.of("alice"), LOGIN.authenticate("PLAIN",
        LongString.of("\0alice\0päss".getBytes(java.nio.charset.StandardCharsets.UTF_8)), remote));
  }

  @Test
  void anonymous_logsInAsGuest_unknownMechanismRefused() {
    assertEquals(Optional.of("guest"), LOGIN.authenticate("ANONYMOUS", LongString.EMPTY, LOOPBACK));
    assertEquals(Optional.empty(), LOGIN.authenticate("EXTERNAL", LongString.EMPTY, LOOPBACK));
  }
}
