package io.brokersim.scenarios.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Sweep;

/** {@code brokersim sweep --json}: the summary and every failure, grouped as the text output groups them. */
final class SweepJson {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SweepJson() {}

  static String of(String name, String seeds, String shard, Sweep.Summary s, RunOptions options) {
    ObjectNode root = JSON.createObjectNode();
    root.put("sweep", name);
    root.put("seeds", seeds);
    root.put("shard", shard);
    if (options.faultsSource() != null) {
      root.put("faults", options.faultsSource());
    }
    root.put("runs", s.runs());
    root.put("passed", s.passed());
    root.put("failed", s.failures().size());
    root.put("distinctTraces", s.distinctTraces());
    root.put("wallMillis", s.wallTime().toMillis());
    ArrayNode groups = root.putArray("groups");
    for (Sweep.FailureGroup g : s.groups()) {
      ObjectNode group = groups.addObject();
      group.put("scenario", g.scenario());
      group.put("expectation", g.signature().expectation());
      group.put("chain", g.signature().chain());
      group.put("count", g.count());
      Sweep.Run first = g.first().run();
      ObjectNode smallest = group.putObject("smallestSeed");
      smallest.put("profile", first.profile().name());
      smallest.put("seed", first.seed());
      smallest.put("problem", g.first().problem());
      smallest.put("replay", first.replay(options).command());
      smallest.put("shrink", ShrinkCommand.command(first.replay(options)));
      ArrayNode runs = group.putArray("runs");
      for (Sweep.Failure f : g.failures()) {
        ObjectNode run = runs.addObject();
        run.put("profile", f.run().profile().name());
        run.put("seed", f.run().seed());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the sweep as JSON", e);
    }
  }
}
