package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.brokersim.core.fault.FaultFile.FaultFileException;
import io.brokersim.core.fault.FaultFile.FaultFileException.Problem;
import io.brokersim.core.runtime.Entropy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FaultFileTest {

  /** Wraps rule settings into a one-rule file; the body's first line is line 4 of the file. */
  private static String oneRule(String body) {
    return "faults {\n  rules = [\n    {\n" + body.indent(6) + "    }\n  ]\n}\n";
  }

  private static FaultFileException reject(String hocon) {
    return assertThrows(FaultFileException.class, () -> FaultFile.parse(hocon, "test.conf"));
  }

  private static FaultRule onlyRule(String hocon) {
    FaultPlan plan = FaultFile.parse(hocon, "test.conf");
    assertEquals(1, plan.rules().size());
    return plan.rules().get(0);
  }

  private static FaultEvent event(Boundary at) {
    return new FaultEvent(at, "msg-1", "", "rpc_queue", "rpc_queue", "amq.ctag-1", "conn-1", "client", "conn-1/ch-1",
        null, 0);
  }

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        // rule keys
        Arguments.of("unknown boundary", "name = \"r\"\nat = routd\naction { type = drop }",
            "faults.rules[0].at", 5, "unknown boundary 'routd' at line 5 of test.conf; expected one of publish-received, "
                + "routed, enqueued, delivered, ack-received, reply-resolved, frame-read, frame-written; did you mean "
                + "'routed'?"),
        Arguments.of("wire action at a core boundary", "name = \"r\"\nat = delivered\naction { type = truncate }",
            "faults.rules[0].action.type", 6, "truncate has no effect at boundary 'delivered' at line 6 of test.conf; "
                + "use it at frame-read, frame-written"),
        Arguments.of("stop-heartbeats at a core boundary",
            "name = \"r\"\nat = delivered\naction { type = stop-heartbeats }", "faults.rules[0].action.type", 6,
            "stop-heartbeats has no effect at boundary 'delivered' at line 6 of test.conf; use it at frame-read, "
                + "frame-written"),
        Arguments.of("channel close at a wire boundary", "name = \"r\"\nat = frame-written\naction { type = close-channel }",
            "faults.rules[0].action.type", 6, "close-channel has no effect at boundary 'frame-written'"),
        Arguments.of("queue on a frame", "name = \"r\"\nat = frame-read\nmatch { queue = q }\naction { type = drop }",
            "faults.rules[0].match.queue", 6, "frame-read events have no queue, so the rule could never fire"),
        Arguments.of("frame type at a core boundary",
            "name = \"r\"\nat = delivered\nmatch { frame-type = body }\naction { type = drop }",
            "faults.rules[0].match.frame-type", 6, "delivered events have no frame-type"),
        Arguments.of("unknown frame type",
            "name = \"r\"\nat = frame-written\nmatch { frame-type = bdy }\naction { type = drop }",
            "faults.rules[0].match.frame-type", 6, "unknown frame type 'bdy' at line 6 of test.conf; expected one of "
                + "method, header, body, heartbeat; did you mean 'body'?"),
        Arguments.of("not a method name",
            "name = \"r\"\nat = frame-written\nmatch { method = deliver }\naction { type = drop }",
            "faults.rules[0].match.method", 6, "is not an AMQP method name: 'deliver'"),
        Arguments.of("bad direction",
            "name = \"r\"\nat = frame-read\naction { type = half-open, direction = sideways }",
            "faults.rules[0].action.direction", 6, "must be to-client, from-client or both, was \"sideways\""),
        Arguments.of("throttle without a rate", "name = \"r\"\nat = frame-read\naction { type = throttle }",
            "faults.rules[0].action.bytes-per-second", 6, "missing"),
        Arguments.of("reorder by zero frames", "name = \"r\"\nat = frame-read\naction { type = reorder, frames = 0 }",
            "faults.rules[0].action.frames", 6, "must be a whole number from 1 to 10000, was 0"),
        Arguments.of("boundary not text", "name = \"r\"\nat = [routed]\naction { type = drop }",
            "faults.rules[0].at", 5, "must be a boundary name, was a list"),
        Arguments.of("missing at", "name = \"r\"\naction { type = drop }", "faults.rules[0].at", 3, "missing"),
        Arguments.of("missing name", "at = routed\naction { type = drop }", "faults.rules[0].name", 3, "missing"),
        Arguments.of("blank name", "name = \" \"\nat = routed\naction { type = drop }", "faults.rules[0].name", 4,
            "must not be blank"),
        Arguments.of("name not a string", "name = 42\nat = routed\naction { type = drop }", "faults.rules[0].name", 4,
            "must be a string, was the number 42"),
        Arguments.of("missing action", "name = \"r\"\nat = routed", "faults.rules[0].action", 3, "missing"),
        Arguments.of("unknown rule key", "name = \"r\"\nat = routed\naction { type = drop }\nactoin { type = drop }",
            "faults.rules[0].actoin", 7, "unknown key 'actoin' at line 7 of test.conf; expected one of name, at, match, "
                + "action, when; did you mean 'action'?"),
        // action
        Arguments.of("unknown action type", "name = \"r\"\nat = routed\naction { type = explode }",
            "faults.rules[0].action.type", 6, "unknown action type 'explode' at line 6 of test.conf; expected one of "
                + "drop, delay, duplicate, close-channel, close-connection, cut-connection, cancel-consumer, "
                + "crash-consumer, dead-reply-channel, pause-queue, resume-queue, broker-restart, stop-heartbeats, "
                + "truncate, corrupt, reorder, reset-connection, half-open, throttle"),
        Arguments.of("action without type", "name = \"r\"\nat = routed\naction { delay = 1s }",
            "faults.rules[0].action.type", 6, "missing"),
        Arguments.of("action not an object", "name = \"r\"\nat = routed\naction = drop", "faults.rules[0].action", 6,
            "must be an object { ... }, was the string \"drop\""),
        Arguments.of("setting of another action", "name = \"r\"\nat = routed\naction { type = drop, copies = 2 }",
            "faults.rules[0].action.copies", 6, "unknown key 'copies' at line 6 of test.conf; drop takes no settings"),
        Arguments.of("delay missing", "name = \"r\"\nat = routed\naction { type = delay }",
            "faults.rules[0].action.delay", 6, "missing"),
        Arguments.of("delay negative", "name = \"r\"\nat = routed\naction { type = delay, delay = -1s }",
            "faults.rules[0].action.delay", 6, "must not be negative"),
        Arguments.of("delay without unit", "name = \"r\"\nat = routed\naction {\n  type = delay\n  delay = 250\n}",
            "faults.rules[0].action.delay", 8, "must be a duration with a unit, e.g. 250ms or 2s, was the number 250"),
        Arguments.of("delay not a duration", "name = \"r\"\nat = routed\naction { type = delay, delay = soon }",
            "faults.rules[0].action.delay", 6, "is not a duration: 'soon'"),
        Arguments.of("copies zero", "name = \"r\"\nat = routed\naction { type = duplicate, copies = 0 }",
            "faults.rules[0].action.copies", 6, "must be from 1 to 1000, was 0"),
        Arguments.of("copies fraction", "name = \"r\"\nat = routed\naction { type = duplicate, copies = 1.5 }",
            "faults.rules[0].action.copies", 6, "must be a whole number from 1 to 1000"),
        Arguments.of("scope unknown", "name = \"r\"\nat = routed\naction { type = dead-reply-channel, scope = queue }",
            "faults.rules[0].action.scope", 6, "must be channel or connection, was \"queue\""),
        Arguments.of("code not a reply code", "name = \"r\"\nat = routed\naction { type = close-channel, code = 999 }",
            "faults.rules[0].action.code", 6, "must be an AMQP reply code, was 999"),
        Arguments.of("text too long", "name = \"r\"\nat = routed\naction { type = close-channel, text = \""
            + "x".repeat(256) + "\" }", "faults.rules[0].action.text", 6, "is longer than 255 bytes"),
        Arguments.of("crash-consumer where there is no consumer",
            "name = \"r\"\nat = routed\naction { type = crash-consumer }", "faults.rules[0].action.type", 6,
            "crash-consumer has no effect at boundary 'routed' at line 6 of test.conf; use it at delivered, "
                + "ack-received"),
        Arguments.of("cancel-consumer at ack-received",
            "name = \"r\"\nat = ack-received\naction { type = cancel-consumer }", "faults.rules[0].action.type", 6,
            "cancel-consumer has no effect at boundary 'ack-received'"),
        Arguments.of("duplicate a delivery", "name = \"r\"\nat = delivered\naction { type = duplicate }",
            "faults.rules[0].action.type", 6, "duplicate has no effect at boundary 'delivered'"),
        Arguments.of("close a channel inside a queue", "name = \"r\"\nat = enqueued\naction { type = close-channel }",
            "faults.rules[0].action.type", 6, "close-channel has no effect at boundary 'enqueued'"),
        Arguments.of("pause a queue at ack-received",
            "name = \"r\"\nat = ack-received\naction { type = pause-queue, queue = q }", "faults.rules[0].action.type", 6,
            "pause-queue has no effect at boundary 'ack-received'"),
        Arguments.of("dead-reply-channel away from routed",
            "name = \"r\"\nat = delivered\naction { type = dead-reply-channel }", "faults.rules[0].action.type", 6,
            "use it at routed"),
        Arguments.of("pause-queue without a queue where events have none",
            "name = \"r\"\nat = publish-received\naction { type = pause-queue }", "faults.rules[0].action.queue", 6,
            "missing"),
        // match
        Arguments.of("unknown match key", "name = \"r\"\nat = routed\nmatch { routing_key = \"a\" }\naction { type = drop }",
            "faults.rules[0].match.routing_key", 6, "did you mean 'routing-key'?"),
        Arguments.of("unknown property", "name = \"r\"\nat = routed\nmatch {\n  property { delivery_mode = 2 }\n}\n"
            + "action { type = drop }", "faults.rules[0].match.property.delivery_mode", 7,
            "unknown property 'delivery_mode' at line 7 of test.conf; expected one of content-type"),
        Arguments.of("has-reply-to not a boolean",
            "name = \"r\"\nat = routed\nmatch { has-reply-to = yes }\naction { type = drop }",
            "faults.rules[0].match.has-reply-to", 6, "must be true or false, was the string \"yes\""),
        Arguments.of("dotted header name", "name = \"r\"\nat = routed\nmatch { header { x.tenant = acme } }\n"
            + "action { type = drop }", "faults.rules[0].match.header.x", 6, "quote names that contain dots"),
        Arguments.of("queue before routing",
            "name = \"r\"\nat = publish-received\nmatch { queue = rpc_queue }\naction { type = drop }",
            "faults.rules[0].match.queue", 6, "publish-received events have no queue, so the rule could never fire"),
        Arguments.of("consumer before delivery",
            "name = \"r\"\nat = routed\nmatch { consumer-tag = \"amq.ctag-*\" }\naction { type = drop }",
            "faults.rules[0].match.consumer-tag", 6, "routed events have no consumer-tag"),
        Arguments.of("channel inside a queue",
            "name = \"r\"\nat = enqueued\nmatch { channel = \"conn-1/ch-1\" }\naction { type = drop }",
            "faults.rules[0].match.channel", 6, "enqueued events have no channel"),
        Arguments.of("match text is a list", "name = \"r\"\nat = routed\nmatch { queue = [a, b] }\naction { type = drop }",
            "faults.rules[0].match.queue", 6, "must be text to match, was a list"),
        Arguments.of("match not an object", "name = \"r\"\nat = routed\nmatch = rpc_queue\naction { type = drop }",
            "faults.rules[0].match", 6, "must be an object"),
        // when
        Arguments.of("probability above 1", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { probability = 1.5 }",
            "faults.rules[0].when.probability", 7, "must be between 0 and 1, was 1.5"),
        Arguments.of("probability negative",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { probability = -0.1 }",
            "faults.rules[0].when.probability", 7, "must be between 0 and 1"),
        Arguments.of("probability as text",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { probability = \"0.5\" }",
            "faults.rules[0].when.probability", 7, "must be a number between 0 and 1, was the string \"0.5\""),
        Arguments.of("nth negative", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { nth = -1 }",
            "faults.rules[0].when.nth", 7, "must be at least 1, was -1"),
        Arguments.of("nth zero", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { nth = 0 }",
            "faults.rules[0].when.nth", 7, "must be at least 1, was 0"),
        Arguments.of("every negative", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { every = -2 }",
            "faults.rules[0].when.every", 7, "must be at least 1"),
        Arguments.of("nth fraction", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { nth = 2.5 }",
            "faults.rules[0].when.nth", 7, "must be a whole number"),
        Arguments.of("once with nth", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { once = true, nth = 3 }",
            "faults.rules[0].when.once", 7, "cannot be combined with nth"),
        Arguments.of("nth with every", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { nth = 3, every = 2 }",
            "faults.rules[0].when.every", 7, "cannot be combined with nth"),
        Arguments.of("once not a boolean", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { once = 1 }",
            "faults.rules[0].when.once", 7, "must be true or false, was the number 1"),
        Arguments.of("window ends before it starts",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen {\n  from = 2s\n  until = 1s\n}",
            "faults.rules[0].when.until", 9, "the window must end after it starts"),
        Arguments.of("empty window", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { from = 2s, until = 2s }",
            "faults.rules[0].when.until", 7, "the window must end after it starts"),
        Arguments.of("window until zero", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { until = 0s }",
            "faults.rules[0].when.until", 7, "the window must end after it starts"),
        Arguments.of("window from negative", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { from = -1s }",
            "faults.rules[0].when.from", 7, "must not be negative"),
        Arguments.of("unknown when key", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { onse = true }",
            "faults.rules[0].when.onse", 7, "did you mean 'once'?"),
        Arguments.of("at-matches not a list", "name = \"r\"\nat = routed\naction { type = drop }\nwhen { at-matches = 3 }",
            "faults.rules[0].when.at-matches", 7, "must be a list of match numbers, e.g. [3, 7], was the number 3"),
        Arguments.of("at-matches zero",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen {\n  at-matches = [\n    0\n  ]\n}",
            "faults.rules[0].when.at-matches[0]", 9, "must be at least 1, was 0"),
        Arguments.of("at-matches not a whole number",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { at-matches = [1, \"2\"] }",
            "faults.rules[0].when.at-matches[1]", 7, "must be a whole number of at least 1, was the string \"2\""),
        Arguments.of("at-matches descending",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { at-matches = [3, 2] }",
            "faults.rules[0].when.at-matches[1]", 7, "2 comes after 3"),
        Arguments.of("at-matches repeated",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { at-matches = [3, 3] }",
            "faults.rules[0].when.at-matches[1]", 7, "repeats 3"),
        Arguments.of("at-matches with probability",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen {\n  at-matches = [3]\n  probability = 0.5\n}",
            "faults.rules[0].when.probability", 9, "cannot be combined with at-matches"),
        Arguments.of("at-matches with once",
            "name = \"r\"\nat = routed\naction { type = drop }\nwhen { once = true, at-matches = [3] }",
            "faults.rules[0].when.once", 7, "cannot be combined with at-matches"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRules")
  void parse_invalidRule_namesFieldAndLine(String problem, String body, String field, int line, String message) {
    FaultFileException e = reject(oneRule(body));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void parse_noFaultsKey_reportsMissingFaults() {
    FaultFileException e = reject("# nothing here\n");

    assertEquals("faults", e.field());
    assertTrue(e.getMessage().contains("faults: missing"), e.getMessage());
  }

  @Test
  void parse_misspelledRootKey_reportsUnknownKeyAndMissingFaults() {
    FaultFileException e = reject("\nfault { rules = [] }\n");

    assertEquals(List.of("faults", "fault"), e.problems().stream().map(Problem::field).toList());
    assertEquals(List.of(1, 2), e.problems().stream().map(Problem::line).toList());
    assertTrue(e.getMessage().contains("did you mean 'faults'?"), e.getMessage());
  }

  @Test
  void parse_faultsWithoutRules_reportsMissingRules() {
    FaultFileException e = reject("faults {\n}\n");

    assertEquals("faults.rules", e.field());
    assertEquals(1, e.line());
  }

  @Test
  void parse_unknownKeyInFaults_isRejected() {
    FaultFileException e = reject("faults {\n  rules = []\n  seed = 42\n}\n");

    assertEquals("faults.seed", e.field());
    assertEquals(3, e.line());
  }

  @Test
  void parse_rulesNotAList_isRejected() {
    FaultFileException e = reject("faults {\n  rules { name = x }\n}\n");

    assertEquals("faults.rules", e.field());
    assertTrue(e.getMessage().contains("must be a list of rules, was an object"), e.getMessage());
  }

  @Test
  void parse_ruleNotAnObject_isRejected() {
    FaultFileException e = reject("faults {\n  rules = [\n    drop\n  ]\n}\n");

    assertEquals("faults.rules[0]", e.field());
    assertEquals(3, e.line());
  }

  @Test
  void parse_duplicateRuleNames_namesSecondAndFirstLine() {
    FaultFileException e = reject("""
        faults {
          rules = [
            { name = "twice", at = routed, action { type = drop } }
            { name = "other", at = routed, action { type = drop } }
            { name = "twice", at = delivered, action { type = drop } }
          ]
        }
        """);

    assertEquals("faults.rules[2].name", e.field());
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("duplicate rule name 'twice'"), e.getMessage());
    assertTrue(e.getMessage().contains("already used at line 3"), e.getMessage());
  }

  @Test
  void parse_emptyRules_givesEmptyPlan() {
    assertTrue(FaultFile.parse("faults { rules = [] }", "empty.conf").isEmpty());
  }

  @Test
  void parse_severalProblems_reportsAllInLineOrder() {
    FaultFileException e = reject("""
        faults {
          rules = [
            {
              name = "a"
              at = routd
              action { type = drop }
            }
            {
              name = "b"
              at = routed
              action { type = duplicate, copies = 0 }
              when { probability = 2 }
            }
          ]
        }
        """);

    assertEquals(List.of("faults.rules[0].at", "faults.rules[1].action.copies", "faults.rules[1].when.probability"),
        e.problems().stream().map(Problem::field).toList());
    assertEquals(List.of(5, 11, 12), e.problems().stream().map(Problem::line).toList());
    assertTrue(e.getMessage().startsWith("3 problems in the fault file:\n  faults.rules[0].at: "), e.getMessage());
  }

  @Test
  void parse_syntaxError_reportsTheLine() {
    FaultFileException e = reject("""
        faults {
          rules = [
            { name = "a", at = routed, action { type = drop } }
            { name = "b" at = routed }
          ]
        }
        """);

    assertNull(e.field());
    assertEquals(4, e.line());
    assertTrue(e.getMessage().startsWith("syntax error at line 4 of test.conf; "), e.getMessage());
  }

  @Test
  void parse_unclosedBrace_reportsSyntaxError() {
    FaultFileException e = reject("faults {\n  rules = [\n");

    assertNull(e.field());
    assertTrue(e.line() > 0, e.getMessage());
    assertTrue(e.getMessage().startsWith("syntax error at line "), e.getMessage());
  }

  @Test
  void parse_unresolvedSubstitution_reportsTheLine() {
    FaultFileException e = reject("faults {\n  rules = ${HOME}\n}\n");

    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("unresolved substitution at line 2 of test.conf"), e.getMessage());
  }

  @Test
  void parse_environmentSubstitution_isNotRead() {
    // With the environment, ${?HOME} would replace the empty list with a string and fail the load.
    FaultPlan plan = FaultFile.parse("faults { rules = [] }\nfaults.rules = ${?HOME}\n", "test.conf");

    assertTrue(plan.isEmpty());
  }

  @Test
  void load_missingFile_saysNoSuchFile(@TempDir Path dir) {
    Path file = dir.resolve("nope.conf");

    FaultFileException e = assertThrows(FaultFileException.class, () -> FaultFile.load(file));

    assertNull(e.field());
    assertTrue(e.getMessage().contains("cannot read the fault file in " + file + "; no such file"), e.getMessage());
  }

  @Test
  void load_badFile_namesTheFileAsGiven(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("dead-reply-channel.conf");
    Files.writeString(file, oneRule("name = \"dead-reply-channel\"\nat = routd\naction { type = drop }"));

    FaultFileException e = assertThrows(FaultFileException.class, () -> FaultFile.load(file));

    assertEquals(file.toString(), e.problems().get(0).origin());
    assertTrue(e.getMessage().startsWith("faults.rules[0].at: unknown boundary 'routd' at line 5 of " + file
        + "; expected one of publish-received, routed, "), e.getMessage());
  }

  @Test
  void load_goodFile_givesPlan(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("drop.conf");
    Files.writeString(file, oneRule("name = \"d\"\nat = routed\naction { type = drop }"));

    assertEquals("d", FaultFile.load(file).rules().get(0).name());
  }

  @Test
  void fromConfig_parsedElsewhere_givesSamePlanAndLines() {
    String text = oneRule("name = \"d\"\nat = routed\nmatch { queue = q }\naction { type = drop }");
    FaultRule viaConfig = FaultFile.fromConfig(ConfigFactory.parseString(text)).rules().get(0);
    FaultRule viaParse = onlyRule(text);
    assertEquals(viaParse.match(), viaConfig.match());
    assertEquals(viaParse.when(), viaConfig.when());

    FaultFileException e = assertThrows(FaultFileException.class,
        () -> FaultFile.fromConfig(ConfigFactory.parseString(oneRule("name = \"d\"\nat = routd\naction { type = drop }"))));
    assertEquals(5, e.line());
  }

  @Test
  void parse_everyKey_roundTripsIntoRule() {
    FaultRule r = onlyRule("""
        faults {
          rules = [
            {
              name = "everything"
              at = delivered
              match {
                exchange = "", routing-key = "rpc_*", queue = "rpc_queue", consumer-tag = "amq.ctag-*", client = "web-*",
                connection = "conn-2", channel = "conn-2/ch-1", correlation-id = "req-42", reply-to = "amq.gen-*",
                has-reply-to = true
                property { delivery-mode = 2, app-id = "billing", timestamp = 1700000000 }
                header { x-tenant = "acme", "x.retry" = 3, x-urgent = true }
              }
              action { type = delay, delay = 1500ms }
              when { once = true, every = 2, probability = 0.25, from = 2s, until = 30s }
            }
          ]
        }
        """);

    assertEquals("everything", r.name());
    assertEquals(Boundary.DELIVERED, r.at());
    assertEquals(Match.builder().exchange("").routingKey("rpc_*").queue("rpc_queue").consumerTag("amq.ctag-*")
        .client("web-*").connection("conn-2").channel("conn-2/ch-1").correlationId("req-42").replyTo("amq.gen-*")
        .hasReplyTo(true).property("delivery-mode", "2").property("app-id", "billing")
        .property("timestamp", "1700000000").header("x-tenant", "acme").header("x.retry", "3")
        .header("x-urgent", "true").build(), r.match());
    assertEquals(new Trigger(0, 2, true, 0.25, Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(30).toNanos()),
        r.when());
    assertEquals("delay", r.action().name());
    assertEquals(List.of(new Effect.Delay(Duration.ofMillis(1500))),
        r.action().apply(event(Boundary.DELIVERED), new Entropy(1)));
  }

  @Test
  void parse_nthAndDefaults_roundTrip() {
    FaultRule r = onlyRule(oneRule("name = \"n\"\nat = ack-received\naction { type = drop }\nwhen { nth = 3 }"));
    assertEquals(Match.ANY, r.match());
    assertEquals(Trigger.nth(3), r.when());

    FaultRule always = onlyRule(oneRule("name = \"a\"\nat = routed\naction { type = drop }\nwhen {}"));
    assertEquals(Trigger.ALWAYS, always.when());
  }

  @Test
  void parse_atMatchesWithWindow_isASchedule() {
    FaultRule r = onlyRule(oneRule("name = \"s\"\nat = routed\naction { type = drop }\n"
        + "when { at-matches = [3, 7], from = 1s }"));
    assertEquals(new Trigger(0, 0, false, 1.0, 1_000_000_000L, Long.MAX_VALUE, List.of(3L, 7L)), r.when());

    FaultRule never = onlyRule(oneRule("name = \"n\"\nat = routed\naction { type = drop }\nwhen { at-matches = [] }"));
    assertEquals(Trigger.atMatches(List.of()), never.when());
  }

  @Test
  void parse_windowWithOnlyFrom_staysOpen() {
    FaultRule r = onlyRule(oneRule("name = \"w\"\nat = routed\naction { type = drop }\nwhen { from = 1500ms }"));
    assertEquals(new Trigger(0, 0, false, 1.0, 1_500_000_000L, Long.MAX_VALUE), r.when());
  }

  static Stream<Arguments> actions() {
    return Stream.of(
        Arguments.of("routed", "{ type = drop }", "drop", new Effect.Drop()),
        Arguments.of("delivered", "{ type = delay, delay = 250ms }", "delay", new Effect.Delay(Duration.ofMillis(250))),
        Arguments.of("delivered", "{ type = delay, delay = 0s }", "delay", new Effect.Delay(Duration.ZERO)),
        Arguments.of("routed", "{ type = duplicate }", "duplicate", new Effect.Duplicate(1)),
        Arguments.of("routed", "{ type = duplicate, copies = 3 }", "duplicate", new Effect.Duplicate(3)),
        Arguments.of("delivered", "{ type = close-channel }", "close-channel", new Effect.CloseChannel(406, null)),
        Arguments.of("delivered", "{ type = close-channel, code = 406, text = \"PRECONDITION_FAILED - fault\" }",
            "close-channel", new Effect.CloseChannel(406, "PRECONDITION_FAILED - fault")),
        Arguments.of("publish-received", "{ type = close-connection, code = 541, text = \"bye\" }", "close-connection",
            new Effect.CloseConnection(541, "bye")),
        Arguments.of("delivered", "{ type = cut-connection }", "cut-connection", new Effect.CutConnection()),
        Arguments.of("delivered", "{ type = cancel-consumer }", "cancel-consumer", new Effect.CancelConsumer()),
        Arguments.of("delivered", "{ type = crash-consumer }", "crash-consumer", new Effect.CrashConsumer()),
        Arguments.of("ack-received", "{ type = crash-consumer }", "crash-consumer", new Effect.CrashConsumer()),
        Arguments.of("routed", "{ type = dead-reply-channel }", "dead-reply-channel",
            new Effect.CloseChannel(406, null)),
        Arguments.of("routed", "{ type = dead-reply-channel, scope = channel, code = 320, text = \"requester died\" }",
            "dead-reply-channel", new Effect.CloseChannel(320, "requester died")),
        Arguments.of("routed", "{ type = dead-reply-channel, scope = connection }", "dead-reply-channel",
            new Effect.CloseConnection(320, null)),
        Arguments.of("routed", "{ type = pause-queue, queue = rpc_queue }", "pause-queue",
            new Effect.PauseQueue("rpc_queue", true)),
        Arguments.of("delivered", "{ type = pause-queue }", "pause-queue", new Effect.PauseQueue(null, true)),
        Arguments.of("publish-received", "{ type = resume-queue, queue = rpc_queue }", "resume-queue",
            new Effect.PauseQueue("rpc_queue", false)),
        Arguments.of("publish-received", "{ type = broker-restart }", "broker-restart", new Effect.RestartBroker()),
        Arguments.of("frame-written", "{ type = stop-heartbeats }", "stop-heartbeats",
            new Effect.StopHeartbeats(Effect.Direction.TO_CLIENT)),
        Arguments.of("frame-read", "{ type = stop-heartbeats, direction = both }", "stop-heartbeats",
            new Effect.StopHeartbeats(Effect.Direction.BOTH)),
        Arguments.of("frame-written", "{ type = truncate }", "truncate", new Effect.Truncate()),
        Arguments.of("frame-read", "{ type = corrupt }", "corrupt", new Effect.Corrupt()),
        Arguments.of("frame-written", "{ type = reorder, frames = 2, max-hold = 50ms }", "reorder",
            new Effect.Reorder(2, Duration.ofMillis(50))),
        Arguments.of("frame-written", "{ type = reorder }", "reorder", new Effect.Reorder(1, Duration.ofSeconds(1))),
        Arguments.of("frame-written", "{ type = reset-connection }", "reset-connection", new Effect.ResetConnection()),
        Arguments.of("frame-read", "{ type = half-open }", "half-open", new Effect.HalfOpen(Effect.Direction.FROM_CLIENT)),
        Arguments.of("frame-read", "{ type = throttle, bytes-per-second = 1k }", "throttle",
            new Effect.Throttle(Effect.Direction.BOTH, 1024)),
        Arguments.of("frame-written", "{ type = drop }", "drop", new Effect.Drop()),
        Arguments.of("frame-written", "{ type = cut-connection }", "cut-connection", new Effect.CutConnection()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("actions")
  void parse_builtInAction_appliesItsEffect(String at, String action, String name, Effect effect) {
    FaultRule r = onlyRule(oneRule("name = \"r\"\nat = " + at + "\naction " + action));

    assertEquals(name, r.action().name());
    assertEquals(List.of(effect), r.action().apply(event(r.at()), new Entropy(7)));
  }

  /** Every built-in action at every boundary: the loader accepts exactly the pairs the table applies. */
  @Test
  void parse_everyActionAtEveryBoundary_acceptedExactlyWhereApplied() {
    for (String type : FaultFile.BUILT_IN_SETTINGS.keySet()) {
      String settings = switch (type) {
        case "delay" -> ", delay = 1s";
        case "throttle" -> ", bytes-per-second = 1000";
        case "pause-queue", "resume-queue" -> ", queue = q";
        default -> "";
      };
      for (Boundary b : Boundary.values()) {
        String hocon = oneRule("name = \"r\"\nat = " + b.configName() + "\naction { type = " + type + settings + " }");
        if (FaultActions.where(type).contains(b)) {
          assertEquals(type, onlyRule(hocon).action().name(), type + " at " + b);
        } else {
          FaultFileException e = reject(hocon);
          assertEquals("faults.rules[0].action.type", e.field(), type + " at " + b + ": " + e.getMessage());
          assertEquals(6, e.line(), e.getMessage());
        }
      }
    }
  }

  @Test
  void loadForSimulation_wireRule_rejectedWithFieldAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("wire.conf");
    Files.writeString(file, oneRule("name = \"r\"\nat = frame-written\naction { type = drop }"));

    FaultFileException e = assertThrows(FaultFileException.class, () -> FaultFile.loadForSimulation(file));
    assertEquals("faults.rules[0].at", e.field());
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("boundary 'frame-written' has no events in a simulation"), e.getMessage());
    assertEquals(1, FaultFile.load(file).rules().size(), "a live broker takes it");
  }

  @Test
  void parse_wireMatch_keepsFrameTypeAndMethod() {
    FaultRule r = onlyRule(oneRule("name = \"r\"\nat = frame-written\nmatch { frame-type = method, method = \"basic.*\","
        + " correlation-id = c7 }\naction { type = drop }"));
    Match m = r.match();
    assertEquals("method", m.frameType());
    assertEquals("basic.*", m.method());
    assertTrue(m.test(new FaultEvent(Boundary.FRAME_WRITTEN, null, "", "q", null, null, "conn-1", "c", "conn-1/ch-1",
        io.brokersim.core.model.BasicProperties.builder().correlationId("c7").build(), 0, "method", "basic.deliver")));
    assertEquals(false, m.test(new FaultEvent(Boundary.FRAME_WRITTEN, null, "", "q", null, null, "conn-1", "c",
        "conn-1/ch-1", io.brokersim.core.model.BasicProperties.builder().correlationId("c7").build(), 0, "header",
        "basic.deliver")));
  }

  @Test
  void builtInSettings_coverFaultActionsBuiltIns_inOrder() {
    List<String> builtIns = List.copyOf(FaultFile.BUILT_IN_SETTINGS.keySet());

    // FaultActions lists its built-ins first; a new built-in needs its settings in FaultFile too.
    assertEquals(builtIns, FaultActions.types().subList(0, builtIns.size()));
  }
}
