package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Permissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which permission each method needs, in which order, and the 403 each profile answers. */
class AccessRulesTest {

  /** Alice may configure and read {@code app.*}, write to {@code app.*} and the default exchange only. */
  private static final Permissions ALICE = Permissions.of("alice", "^app\\.", "^(app\\..*|amq\\.default)$", "^app\\.");

  private static final AccessRules.Entities VHOST = new AccessRules.Entities() {
    private final Set<String> queues = Set.of("app.q", "other.q");
    private final Set<String> exchanges = Set.of("", "app.x", "other.x", "amq.direct");

    @Override
    public boolean queueExists(String name) {
      return queues.contains(name);
    }

    @Override
    public boolean exchangeExists(String name) {
      return exchanges.contains(name);
    }
  };

  private static String text(AmqpError e) {
    return e == null ? "ok" : e.replyCode() + " " + e.text() + " (" + e.classId() + "," + e.methodId() + ")";
  }

  private static BrokerProfile profile(String name) {
    return BrokerProfile.byName(name).orElseThrow();
  }

  @ParameterizedTest(name = "{0}: publish to ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | app.x   | ok",
      "rabbitmq-3 | ''      | ok",
      "rabbitmq-3 | other.x | 403 ACCESS_REFUSED - write access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (60,40)",
      // refused before the exchange is looked up: no 404 for a missing one
      "rabbitmq-4 | nope    | 403 ACCESS_REFUSED - write access to exchange 'nope' in vhost 'v1' refused for user 'alice' (60,40)",
      "lavinmq    | app.x   | ok",
      // LavinMQ checks the default exchange by its empty name, which ^(app\..*|amq\.default)$ does not match
      "lavinmq    | ''      | 403 ACCESS_REFUSED - User 'alice' not allowed to publish to exchange '' (60,40)",
      "lavinmq    | other.x | 403 ACCESS_REFUSED - User 'alice' not allowed to publish to exchange 'other.x' (60,40)",
  })
  void publish_needsWriteOnExchange(String profile, String exchange, String expected) {
    assertEquals(expected, text(AccessRules.publish(profile(profile), ALICE, "v1", exchange)));
  }

  @ParameterizedTest(name = "{0}: declare ''{1}'' passive={2} dlx={3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | app.new   | false | ''      | ok",
      "rabbitmq-3 | other.new | false | ''      | 403 ACCESS_REFUSED - configure access to queue 'other.new' in vhost 'v1' refused for user 'alice' (50,10)",
      // RabbitMQ checks configure before it looks the queue up: redeclaring an existing queue is refused too
      "rabbitmq-3 | other.q   | false | ''      | 403 ACCESS_REFUSED - configure access to queue 'other.q' in vhost 'v1' refused for user 'alice' (50,10)",
      "rabbitmq-3 | other.q   | true  | ''      | ok",
      "rabbitmq-4 | app.new   | false | other.x | 403 ACCESS_REFUSED - write access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (50,10)",
      "rabbitmq-4 | app.new   | false | app.dlx | ok",
      // the dead-letter exchange counts only when the queue is new
      "rabbitmq-4 | app.q     | false | other.x | ok",
      // a reserved name is refused as reserved, before any permission
      "rabbitmq-4 | amq.q     | false | ''      | ok",
      "lavinmq    | other.new | false | ''      | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'other.new' (50,10)",
      // LavinMQ checks only queues it creates
      "lavinmq    | other.q   | false | ''      | ok",
      "lavinmq    | app.new   | false | other.x | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'app.new' (50,10)",
  })
  void queueDeclare_needsConfigure(String profile, String queue, boolean passive, String dlx, String expected) {
    assertEquals(expected, text(AccessRules.queueDeclare(profile(profile), ALICE, "v1", queue, false, passive,
        dlx.isEmpty() ? null : dlx, VHOST)));
  }

  @ParameterizedTest(name = "{0}: server-named queue -> {1}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | 403 ACCESS_REFUSED - configure access to queue 'amq.gen-abc' in vhost 'v1' refused for user 'alice' (50,10)",
      "lavinmq    | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'amq.gen-abc' (50,10)",
  })
  void queueDeclare_serverNamedWithoutConfigureOnAmqGen_refused(String profile, String expected) {
    assertEquals(expected, text(AccessRules.queueDeclare(profile(profile), ALICE, "v1", "amq.gen-abc", true, false,
        null, VHOST)));
    Permissions anyName = Permissions.of("bob", ".*", "", "");
    assertEquals("ok", text(AccessRules.queueDeclare(profile(profile), anyName, "v1", "amq.gen-abc", true, false,
        null, VHOST)));
  }

  @ParameterizedTest(name = "{0}: bind ''{1}'' to ''{2}'' unbind={3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | app.q   | app.x   | false | ok",
      // write on the queue is checked first, then read on the exchange
      "rabbitmq-3 | other.q | other.x | false | 403 ACCESS_REFUSED - write access to queue 'other.q' in vhost 'v1' refused for user 'alice' (50,20)",
      "rabbitmq-3 | app.q   | other.x | false | 403 ACCESS_REFUSED - read access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (50,20)",
      // before existence: a missing queue is 403, not 404
      "rabbitmq-4 | nope    | app.x   | false | 403 ACCESS_REFUSED - write access to queue 'nope' in vhost 'v1' refused for user 'alice' (50,20)",
      // the default exchange is refused by its own rule after the queue's check
      "rabbitmq-4 | app.q   | ''      | false | ok",
      "rabbitmq-4 | app.q   | other.x | true  | 403 ACCESS_REFUSED - read access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (50,50)",
      // LavinMQ: read on the exchange first, then write on the queue
      "lavinmq    | other.q | other.x | false | 403 ACCESS_REFUSED - User 'alice' doesn't have read permissions to exchange 'other.x' (50,20)",
      "lavinmq    | other.q | app.x   | false | 403 ACCESS_REFUSED - User 'alice' doesn't have write permissions to queue 'other.q' (50,20)",
      // after existence: the missing queue is answered 404 by the topology rules
      "lavinmq    | nope    | other.x | false | ok",
      "lavinmq    | other.q | app.x   | true  | 403 ACCESS_REFUSED - User doesn't have write permissions to queue 'other.q' (50,50)",
  })
  void queueBind_needsWriteOnQueueAndReadOnExchange(String profile, String queue, String exchange, boolean unbind,
      String expected) {
    assertEquals(expected, text(AccessRules.queueBind(profile(profile), ALICE, "v1", queue, exchange, unbind, VHOST)));
  }

  @ParameterizedTest(name = "{0}: exchange.bind {1} <- {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | app.x   | other.x | 403 ACCESS_REFUSED - read access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (40,30)",
      "rabbitmq-3 | other.x | app.x   | 403 ACCESS_REFUSED - write access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (40,30)",
      "lavinmq    | other.x | other.x | 403 ACCESS_REFUSED - User 'alice' doesn't have read permissions to exchange 'other.x' (40,30)",
      "lavinmq    | other.x | app.x   | 403 ACCESS_REFUSED - User 'alice' doesn't have write permissions to exchange 'other.x' (40,30)",
      "lavinmq    | app.x   | app.x   | ok",
  })
  void exchangeBind_needsWriteOnDestinationAndReadOnSource(String profile, String destination, String source,
      String expected) {
    assertEquals(expected, text(AccessRules.exchangeBind(profile(profile), ALICE, "v1", destination, source, false,
        VHOST)));
  }

  @ParameterizedTest(name = "{0}: consume ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | app.q                  | ok",
      "rabbitmq-3 | other.q                | 403 ACCESS_REFUSED - read access to queue 'other.q' in vhost 'v1' refused for user 'alice' (60,20)",
      // RabbitMQ's reply-to pseudo-queue needs no permission
      "rabbitmq-4 | amq.rabbitmq.reply-to  | ok",
      // LavinMQ checks read on the pseudo-queue's name like any other
      "lavinmq    | amq.rabbitmq.reply-to  | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'amq.rabbitmq.reply-to' (60,20)",
      "lavinmq    | other.q                | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'other.q' (60,20)",
  })
  void consume_needsReadOnQueue(String profile, String queue, String expected) {
    assertEquals(expected, text(AccessRules.consumeOrGet(profile(profile), ALICE, "v1", queue, MethodRef.BASIC_CONSUME)));
  }

  @ParameterizedTest(name = "{0}: get/purge/delete ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | other.q | 403 ACCESS_REFUSED - read access to queue 'other.q' in vhost 'v1' refused for user 'alice' (60,70) | 403 ACCESS_REFUSED - read access to queue 'other.q' in vhost 'v1' refused for user 'alice' (50,30) | 403 ACCESS_REFUSED - configure access to queue 'other.q' in vhost 'v1' refused for user 'alice' (50,40)",
      // RabbitMQ refuses deleting a queue it does not have; LavinMQ answers delete-ok first
      "rabbitmq-4 | gone.q  | 403 ACCESS_REFUSED - read access to queue 'gone.q' in vhost 'v1' refused for user 'alice' (60,70) | 403 ACCESS_REFUSED - read access to queue 'gone.q' in vhost 'v1' refused for user 'alice' (50,30) | 403 ACCESS_REFUSED - configure access to queue 'gone.q' in vhost 'v1' refused for user 'alice' (50,40)",
      "lavinmq    | other.q | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'other.q' (60,70) | 403 ACCESS_REFUSED - User 'alice' doesn't have write permissions to queue 'other.q' (50,30) | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to delete queue 'other.q' (50,40)",
      "lavinmq    | gone.q  | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to queue 'gone.q' (60,70) | 403 ACCESS_REFUSED - User 'alice' doesn't have write permissions to queue 'gone.q' (50,30) | ok",
  })
  void getPurgeDelete_needReadReadConfigure(String profile, String queue, String get, String purge, String delete) {
    BrokerProfile p = profile(profile);
    assertEquals(get, text(AccessRules.consumeOrGet(p, ALICE, "v1", queue, MethodRef.BASIC_GET)));
    assertEquals(purge, text(AccessRules.queuePurge(p, ALICE, "v1", queue)));
    assertEquals(delete, text(AccessRules.queueDelete(p, ALICE, "v1", queue, VHOST)));
  }

  @ParameterizedTest(name = "{0}: exchange.declare ''{1}'' ae={2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | other.x   | ''          | 403 ACCESS_REFUSED - configure access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (40,10)",
      // RabbitMQ: configure comes before the reserved-name check, and applies to amq.* redeclares
      "rabbitmq-3 | amq.direct| ''          | 403 ACCESS_REFUSED - configure access to exchange 'amq.direct' in vhost 'v1' refused for user 'alice' (40,10)",
      "rabbitmq-3 | app.new   | other.ae    | 403 ACCESS_REFUSED - write access to exchange 'other.ae' in vhost 'v1' refused for user 'alice' (40,10)",
      "rabbitmq-3 | app.new   | app.ae      | ok",
      // the default exchange has its own refusal
      "rabbitmq-4 | ''        | ''          | ok",
      "lavinmq    | other.x   | ''          | ok",
      "lavinmq    | other.new | ''          | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to declare exchange 'other.new' (40,10)",
      // LavinMQ refuses a reserved prefix before any permission
      "lavinmq    | amq.new   | ''          | ok",
  })
  void exchangeDeclare_needsConfigure(String profile, String exchange, String ae, String expected) {
    Map<String, Object> args = ae.isEmpty() ? Map.of() : Map.of("alternate-exchange", ae);
    assertEquals(expected, text(AccessRules.exchangeDeclare(profile(profile), ALICE, "v1", exchange, false, args,
        VHOST)));
  }

  @Test
  void exchangeDeclare_lavinmqAlternateExchange_readFromXAlternateExchangeOnly() {
    BrokerProfile p = BrokerProfile.LAVINMQ;
    assertEquals("ok", text(AccessRules.exchangeDeclare(p, ALICE, "v1", "app.new", false,
        Map.of("alternate-exchange", "other.ae"), VHOST)));
    assertEquals("403 ACCESS_REFUSED - User 'alice' doesn't have permissions to declare exchange 'app.new' (40,10)",
        text(AccessRules.exchangeDeclare(p, ALICE, "v1", "app.new", false, Map.of("x-alternate-exchange", "other.ae"),
            VHOST)));
  }

  @ParameterizedTest(name = "{0}: exchange.delete ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | other.x | 403 ACCESS_REFUSED - configure access to exchange 'other.x' in vhost 'v1' refused for user 'alice' (40,20)",
      "rabbitmq-3 | gone.x  | 403 ACCESS_REFUSED - configure access to exchange 'gone.x' in vhost 'v1' refused for user 'alice' (40,20)",
      "rabbitmq-3 | amq.direct | ok",
      "lavinmq    | other.x | 403 ACCESS_REFUSED - User 'alice' doesn't have permissions to delete exchange 'other.x' (40,20)",
      "lavinmq    | gone.x  | ok",
  })
  void exchangeDelete_needsConfigure(String profile, String exchange, String expected) {
    assertEquals(expected, text(AccessRules.exchangeDelete(profile(profile), ALICE, "v1", exchange, VHOST)));
  }

  @Test
  void permissions_emptyAndCaretDollar_permitNothing() {
    Permissions none = Permissions.of("bob", "", "^$", "");
    assertFalse(none.mayConfigure("q"));
    assertFalse(none.mayWrite(""));
    assertFalse(none.mayRead("amq.default"));
    assertTrue(Permissions.ALL.unrestricted());
    assertEquals("ok", text(AccessRules.publish(BrokerProfile.RABBITMQ_3, Permissions.ALL, "/", "anything")));
  }

  @Test
  void permissions_unanchoredRegex_matchesAnywhereInTheName() {
    Permissions p = Permissions.of("bob", "app", "app", "app");
    assertTrue(p.mayConfigure("my-app-queue"));
    assertFalse(p.mayConfigure("other"));
  }

  @Test
  void permissions_badRegex_refusedNamingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> Permissions.of("bob", "(", ".*", ".*"));
    assertTrue(e.getMessage().startsWith("configure permission '(' is not a regular expression"), e.getMessage());
  }
}
