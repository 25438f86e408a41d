package io.brokersim.scenarios.cli;

import static io.brokersim.scenarios.cli.BrokersimCliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.scenarios.cli.BrokersimCliTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceHashCommandTest {

  @Test
  void traceHash_ofRunTraceFile_printsTheRunsHash_andExpectMatches(@TempDir Path dir) {
    Path trace = dir.resolve("run.jsonl");
    Outcome run = cli("run", "rpc-callback-queue", "--seed", "3", "--trace", trace.toString());
    assertEquals(0, run.exit(), run.out() + run.err());
    Outcome hash = cli("trace-hash", trace.toString());
    assertEquals(0, hash.exit(), hash.err());
    assertEquals(run.hash() + "  " + trace + System.lineSeparator(), hash.out());
    Outcome expected = cli("trace-hash", "--expect", run.hash().toUpperCase(), trace.toString());
    assertEquals(0, expected.exit(), expected.err());
  }

  @Test
  void traceHash_editedFile_exits1NamingBothHashes(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("run.jsonl");
    Outcome run = cli("run", "rpc-callback-queue", "--seed", "3", "--trace", trace.toString());
    Files.writeString(trace, Files.readString(trace).replaceFirst("\"t\":0,", "\"t\":1,"));
    Outcome hash = cli("trace-hash", "--expect", run.hash(), trace.toString());
    assertEquals(1, hash.exit(), hash.out() + hash.err());
    assertTrue(hash.err().contains(trace + " has trace hash ") && hash.err().contains(", not " + run.hash()),
        hash.err());
  }

  @Test
  void traceHash_malformedLine_exits2NamingFileAndLine(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("bad.jsonl");
    Files.writeString(trace, "{\"seq\":1,\"t\":0,\"kind\":\"channel_opened\",\"channel\":\"c\"}\nnot json\n");
    Outcome hash = cli("trace-hash", trace.toString());
    assertEquals(2, hash.exit(), hash.out() + hash.err());
    assertTrue(hash.err().startsWith("brokersim: cannot hash " + trace + ": line 2: "), hash.err());
  }

  @Test
  void traceHash_missingFile_exits2() {
    Outcome hash = cli("trace-hash", "/nonexistent/trace.jsonl");
    assertEquals(2, hash.exit(), hash.out() + hash.err());
    assertTrue(hash.err().contains("cannot hash /nonexistent/trace.jsonl"), hash.err());
  }
}
