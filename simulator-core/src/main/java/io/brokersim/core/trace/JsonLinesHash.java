package io.brokersim.core.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Recomputes the trace hash ({@link HashingSink#hex()}, {@code trace-sha256} of {@code brokersim run}) from a
 * JSON Lines trace file ({@link JsonLinesSink}, {@code --trace FILE}): each line is parsed and re-encoded in the
 * canonical binary form ({@link TraceBinary}), and SHA-256 runs over those bytes. The hash is not the SHA-256 of
 * the file's bytes: that would cost a JSON encoding per event even when no file is written.
 *
 * <p>Each line must be one JSON object whose first three fields are {@code seq} and {@code t} (integers) and
 * {@code kind} (a string), followed by the event's fields, each null, a boolean, an integer, a string or an
 * array of strings. Anything else fails with the line number.
 */
public final class JsonLinesHash {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonLinesHash() {}

  /** The lowercase hex trace hash of a JSON Lines trace file. */
  public static String of(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return of(reader);
    }
  }

  /** The lowercase hex trace hash of JSON Lines text in UTF-8. */
  public static String of(InputStream in) throws IOException {
    return of(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /**
   * The lowercase hex trace hash of JSON Lines text.
   *
   * @throws MalformedTraceException naming the line, if a line is not a trace record
   */
  public static String of(Reader text) throws IOException {
    BufferedReader lines = text instanceof BufferedReader b ? b : new BufferedReader(text);
    MessageDigest digest = HashingSink.sha256();
    TraceBinary binary = new TraceBinary(1024);
    List<Object> values = new ArrayList<>();
    long number = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      number++;
      binary.reset();
      encode(line, number, binary, values);
      digest.update(binary.array(), 0, binary.size());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Prints the trace hash of each file named, one {@code <hex>  <file>} line per file. */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: java -cp brokersim.jar " + JsonLinesHash.class.getName() + " TRACE.jsonl...");
      System.exit(2);
    }
    for (String file : args) {
      System.out.println(of(Path.of(file)) + "  " + file);
    }
  }

  private static void encode(String line, long number, TraceBinary out, List<Object> values) throws IOException {
    try (JsonParser p = FACTORY.createParser(line)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, number, "not a JSON object");
      long seq = integerField(p, "seq", number);
      long t = integerField(p, "t", number);
      expect(p.nextToken() == JsonToken.FIELD_NAME && "kind".equals(p.currentName()), number,
          "the third field is not \"kind\"");
      expect(p.nextToken() == JsonToken.VALUE_STRING, number, "\"kind\" is not a string");
      String kind = p.getText();
      values.clear();
      for (JsonToken token = p.nextToken(); token != JsonToken.END_OBJECT; token = p.nextToken()) {
        expect(token == JsonToken.FIELD_NAME, number, "expected a field name");
        values.add(value(p, number));
      }
      expect(p.nextToken() == null, number, "text after the object");
      out.recordStart(seq, t, kind, values.size());
      for (Object v : values) {
        if (v == null) {
          out.nullValue();
        } else if (v instanceof Boolean b) {
          out.bool(b);
        } else if (v instanceof Long n) {
          out.integer(n);
        } else if (v instanceof String s) {
          out.string(s);
        } else {
          out.strings((List<?>) v);
        }
      }
    } catch (JsonProcessingException e) {
      throw new MalformedTraceException(number, e.getOriginalMessage());
    }
  }

  private static long integerField(JsonParser p, String name, long number) throws IOException {
    expect(p.nextToken() == JsonToken.FIELD_NAME && name.equals(p.currentName()), number,
        "expected field \"" + name + "\"");
    expect(p.nextToken() == JsonToken.VALUE_NUMBER_INT, number, "\"" + name + "\" is not an integer");
    return p.getLongValue();
  }

  private static Object value(JsonParser p, long number) throws IOException {
    String name = p.currentName();
    JsonToken token = p.nextToken();
    if (token == null) {
      throw new MalformedTraceException(number, "the line ends inside field \"" + name + "\"");
    }
    switch (token) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_STRING:
        return p.getText();
      case START_ARRAY:
        List<String> items = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
          expect(item == JsonToken.VALUE_STRING, number, "field \"" + name + "\" holds a non-string in its array");
          items.add(p.getText());
        }
        return items;
      default:
        throw new MalformedTraceException(number, "field \"" + name + "\" is not null, a boolean, an integer, "
            + "a string or an array of strings");
    }
  }

  private static void expect(boolean condition, long number, String problem) {
    if (!condition) {
      throw new MalformedTraceException(number, problem);
    }
  }

  /** A line of a JSON Lines trace that is not a trace record. */
  public static final class MalformedTraceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long line;

    MalformedTraceException(long line, String problem) {
      super("line " + line + ": " + problem);
      this.line = line;
    }

    /** The 1-based number of the bad line. */
    public long line() {
      return line;
    }
  }
}
