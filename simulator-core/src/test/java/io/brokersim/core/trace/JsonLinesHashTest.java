package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonLinesHashTest {

  /** One instance of every event record, each component given a value that depends on {@code variant}. */
  static List<TraceEvent> everyEventType(int variant) throws ReflectiveOperationException {
    List<TraceEvent> events = new ArrayList<>();
    List<Class<?>> types = new ArrayList<>(List.of(TraceEvent.class.getPermittedSubclasses()));
    types.addAll(List.of(TraceEvent.MessageEvent.class.getPermittedSubclasses()));
    for (Class<?> type : types) {
      if (!type.isRecord()) {
        continue;
      }
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] parameterTypes = new Class<?>[components.length];
      Object[] args = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        Class<?> t = components[i].getType();
        parameterTypes[i] = t;
        int n = variant * 31 + i;
        args[i] = t == int.class ? n - 3 : t == long.class ? (long) n << 40 : t == boolean.class ? n % 2 == 0
            : t == List.class ? List.of("q-" + n, "\"é\"\n") : n % 5 == 0 ? null : "v-" + n + (n % 3 == 0 ? " ü€\t" : "");
      }
      events.add((TraceEvent) type.getDeclaredConstructor(parameterTypes).newInstance(args));
    }
    return events;
  }

  @Test
  void of_jsonLinesOfEveryEventType_equalsHashingSink() throws Exception {
    HashingSink hash = new HashingSink();
    MemorySink memory = new MemorySink();
    long[] clock = {0};
    Trace trace = Trace.create(() -> clock[0] += 1_000_003, hash, memory);
    for (int variant = 0; variant < 4; variant++) {
      for (TraceEvent e : everyEventType(variant)) {
        trace.record(e);
      }
    }
    assertEquals(4 * everyEventType(0).size(), hash.records(), "every record reached the hash");
    assertEquals(hash.hex(), JsonLinesHash.of(new StringReader(memory.toJsonLines())));
  }

  @Test
  void of_fileWrittenBySink_equalsHashOfTheRun(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.jsonl");
    HashingSink hash = new HashingSink();
    try (JsonLinesSink sink = JsonLinesSink.to(file)) {
      Trace trace = Trace.create(() -> 7, sink, hash);
      for (TraceEvent e : everyEventType(1)) {
        trace.record(e);
      }
    }
    assertEquals(hash.hex(), JsonLinesHash.of(file));
  }

  @Test
  void of_emptyText_isSha256OfNothing() throws Exception {
    assertEquals(new HashingSink().hex(), JsonLinesHash.of(new StringReader("")));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        JsonLinesHash.of(new StringReader("")));
  }

  @Test
  void of_editedLine_changesTheHash() throws Exception {
    String line = "{\"seq\":1,\"t\":0,\"kind\":\"enqueued\",\"msgId\":\"m\",\"queue\":\"q\",\"depth\":1}\n";
    String edited = line.replace("\"depth\":1", "\"depth\":2");
    assertNotEquals(JsonLinesHash.of(new StringReader(line)), JsonLinesHash.of(new StringReader(edited)));
  }

  @Test
  void of_spacingAndEscapes_doNotMatter_valuesDo() throws Exception {
    String canonical = "{\"seq\":1,\"t\":0,\"kind\":\"channel_opened\",\"channel\":\"é\"}\n";
    String spaced = "{ \"seq\": 1, \"t\": 0, \"kind\": \"channel_opened\", \"channel\": \"\\u00e9\" }\r\n";
    assertEquals(JsonLinesHash.of(new StringReader(canonical)), JsonLinesHash.of(new StringReader(spaced)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[1]                                                             | not a JSON object",
      "{\"t\":0,\"seq\":1,\"kind\":\"x\"}                                 | expected field \"seq\"",
      "{\"seq\":1.5,\"t\":0,\"kind\":\"x\"}                               | \"seq\" is not an integer",
      "{\"seq\":1,\"t\":0,\"queue\":\"q\"}                                | the third field is not \"kind\"",
      "{\"seq\":1,\"t\":0,\"kind\":7}                                     | \"kind\" is not a string",
      "{\"seq\":1,\"t\":0,\"kind\":\"x\",\"a\":{}}                        | field \"a\" is not null",
      "{\"seq\":1,\"t\":0,\"kind\":\"x\",\"a\":[1]}                       | field \"a\" holds a non-string",
      "{\"seq\":1,\"t\":0,\"kind\":\"x\"} {}                              | text after the object",
      "{\"seq\":1,\"t\":0,\"kind\":\"x\"                                  | line 2",
      "''                                                              | line 2",
  })
  void of_malformedSecondLine_failsNamingTheLine(String line, String expected) {
    String text = "{\"seq\":1,\"t\":0,\"kind\":\"channel_opened\",\"channel\":\"c\"}\n" + line + "\n";
    JsonLinesHash.MalformedTraceException e = assertThrows(JsonLinesHash.MalformedTraceException.class,
        () -> JsonLinesHash.of(new StringReader(text)));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().startsWith("line 2: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void main_printsHashAndFileName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.jsonl");
    Files.writeString(file, "{\"seq\":1,\"t\":0,\"kind\":\"channel_opened\",\"channel\":\"c\"}\n");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream previous = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      JsonLinesHash.main(new String[] {file.toString()});
    } finally {
      System.setOut(previous);
    }
    assertEquals(JsonLinesHash.of(file) + "  " + file + System.lineSeparator(),
        out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }
}
