package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.runtime.Entropy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every fault file in examples/faults and docs/faults.md loads; the two the issue names do what they say. */
class FaultExamplesTest {

  /** The repository's examples/faults, found by walking up from the working directory. */
  static Path examples() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("examples").resolve("faults");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("no examples/faults above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> exampleFiles() throws IOException {
    try (Stream<Path> s = Files.list(examples())) {
      return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
  }

  @Test
  void load_everyExample_parses() throws IOException {
    List<Path> files = exampleFiles();

    assertTrue(files.size() >= 5, "examples: " + files);
    for (Path f : files) {
      FaultPlan plan = FaultFile.load(f);
      assertFalse(plan.isEmpty(), f + " has no rules");
    }
  }

  @Test
  void load_everyExample_teachesHowToRunIt() throws IOException {
    for (Path f : exampleFiles()) {
      String text = Files.readString(f);
      String name = "examples/faults/" + f.getFileName();
      assertTrue(text.contains("brokersim serve --faults " + name), f + " does not say how to serve with it");
      assertTrue(text.contains("--faults " + name), f + " does not say how to run a scenario with it");
    }
  }

  @Test
  void load_deadReplyChannel_closesRequestersChannelAfterRouting() {
    FaultRule r = FaultFile.load(examples().resolve("dead-reply-channel.conf")).rules().get(0);
    FaultEvent request = new FaultEvent(Boundary.ROUTED, "msg-1", "", "rpc_queue", null, null, "conn-1", "client-1",
        "conn-1/ch-1", BasicProperties.builder().replyTo("amq.gen-abc").correlationId("c1").build(), 0);
    FaultEvent reply = new FaultEvent(Boundary.ROUTED, "msg-2", "", "amq.gen-abc", null, null, "conn-2", "server-1",
        "conn-2/ch-1", BasicProperties.builder().correlationId("c1").build(), 0);

    assertEquals(Boundary.ROUTED, r.at());
    assertEquals(Boolean.TRUE, r.match().hasReplyTo());
    assertEquals("dead-reply-channel", r.action().name());
    FaultInjector injector = new FaultInjector(List.of(r), new Entropy(1));
    List<FaultInjector.Fired> fired = injector.decide(request);
    assertEquals(1, fired.size());
    assertTrue(fired.get(0).effects().get(0) instanceof Effect.CloseChannel, fired.toString());
    assertTrue(injector.decide(reply).isEmpty());
  }

  @Test
  void load_dropConsumer_crashesFirstRpcQueueConsumerOnce() {
    FaultRule r = FaultFile.load(examples().resolve("drop-consumer.conf")).rules().get(0);

    assertEquals(Boundary.DELIVERED, r.at());
    assertEquals("rpc_queue", r.match().queue());
    assertEquals("crash-consumer", r.action().name());
    assertEquals(Trigger.oneShot(), r.when());
  }

  @Test
  void docs_everyFaultFileSnippet_parses() throws IOException {
    Path doc = examples().getParent().getParent().resolve("docs").resolve("faults.md");
    List<String> snippets = new ArrayList<>();
    Matcher m = Pattern.compile("```hocon\n(faults \\{.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
    while (m.find()) {
      snippets.add(m.group(1));
    }

    assertTrue(snippets.size() >= 2, "fault files in " + doc + ": " + snippets.size());
    for (String s : snippets) {
      FaultFile.parse(s, doc.toString());
    }
  }
}
