package io.brokersim.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link MethodTable} against the RabbitMQ spec file, found by walking up from the working
 * directory to {@code shared/reference/amqp-rabbitmq-0.9.1.json} (in CI, {@code shared/} sits beside the
 * repository clone).
 */
class MethodTableTest {

  private static final String SPEC_PATH = "shared/reference/amqp-rabbitmq-0.9.1.json";

  private static JsonNode spec;
  private static Map<String, String> domains;

  @BeforeAll
  static void loadSpec() throws IOException {
    spec = new ObjectMapper().readTree(locateSpec().toFile());
    domains = new HashMap<>();
    for (JsonNode pair : spec.get("domains")) {
      domains.put(pair.get(0).asText(), pair.get(1).asText());
    }
  }

  @Test
  void classes_comparedWithSpec_sameIdsAndNames() {
    Map<Integer, String> expected = new TreeMap<>();
    for (JsonNode c : spec.get("classes")) {
      expected.put(c.get("id").asInt(), c.get("name").asText());
    }
    Map<Integer, String> actual = new TreeMap<>();
    for (MethodSpec m : MethodTable.methods()) {
      actual.put(m.classId(), m.className());
    }
    assertEquals(expected, actual);
  }

  @Test
  void methods_comparedWithSpec_sameIdsNamesAndContentFlagsAndNothingExtra() {
    List<String> expected = new ArrayList<>();
    for (JsonNode c : spec.get("classes")) {
      for (JsonNode m : c.get("methods")) {
        expected.add(row(c.get("id").asInt(), m.get("id").asInt(),
            c.get("name").asText() + "." + m.get("name").asText(), m.path("content").asBoolean(false)));
      }
    }
    List<String> actual = new ArrayList<>();
    for (MethodSpec m : MethodTable.methods()) {
      actual.add(row(m.classId(), m.methodId(), m.name(), m.hasContent()));
    }
    assertEquals(expected.size(), Set.copyOf(expected).size(), "duplicate spec rows");
    assertEquals(new TreeSet<>(expected), new TreeSet<>(actual));
    assertEquals(expected.size(), actual.size(), "duplicate table rows");
  }

  @Test
  void fields_comparedWithSpec_sameNamesAndResolvedTypesInOrder() {
    Map<String, List<String>> expected = new TreeMap<>();
    for (JsonNode c : spec.get("classes")) {
      for (JsonNode m : c.get("methods")) {
        List<String> fields = new ArrayList<>();
        for (JsonNode a : m.get("arguments")) {
          fields.add(normalise(a.get("name").asText()) + ":" + resolve(a));
        }
        expected.put(c.get("name").asText() + "." + m.get("name").asText(), fields);
      }
    }
    Map<String, List<String>> actual = new TreeMap<>();
    for (MethodSpec m : MethodTable.methods()) {
      actual.put(m.name(), fieldsOf(m.fields()));
    }
    assertEquals(expected.keySet(), actual.keySet());
    for (String method : expected.keySet()) {
      assertEquals(expected.get(method), actual.get(method), method);
    }
  }

  @Test
  void basicProperties_comparedWithSpec_sameNamesAndTypesInFlagOrder() {
    List<String> expected = new ArrayList<>();
    for (JsonNode c : spec.get("classes")) {
      if (c.get("id").asInt() == MethodTable.BASIC_CLASS_ID) {
        for (JsonNode p : c.get("properties")) {
          expected.add(normalise(p.get("name").asText()) + ":" + resolve(p));
        }
      } else {
        assertTrue(c.path("properties").isEmpty(), c.get("name") + " has properties the codec ignores");
      }
    }
    assertEquals(expected, fieldsOf(MethodTable.basicProperties()));
  }

  @Test
  void table_ordering_byClassIdThenMethodId() {
    List<MethodSpec> methods = MethodTable.methods();
    for (int i = 1; i < methods.size(); i++) {
      MethodSpec a = methods.get(i - 1);
      MethodSpec b = methods.get(i);
      assertTrue(a.classId() < b.classId() || a.classId() == b.classId() && a.methodId() < b.methodId(),
          a.name() + " before " + b.name());
    }
  }

  @Test
  void records_permittedSubclasses_exactlyTheTableRows() {
    Set<Class<?>> permitted = Set.of(AmqpMethod.class.getPermittedSubclasses());
    Set<Class<?>> rows = MethodTable.methods().stream().map(MethodSpec::javaType).collect(Collectors.toSet());
    assertEquals(permitted, rows);
  }

  @Test
  void records_components_matchTableFieldsByNameAndType() {
    for (MethodSpec m : MethodTable.methods()) {
      RecordComponent[] components = m.javaType().getRecordComponents();
      List<String> actual = Arrays.stream(components)
          .map(c -> c.getName() + ":" + c.getType().getSimpleName()).collect(Collectors.toList());
      List<String> expected = m.fields().stream()
          .map(f -> f.component() + ":" + f.type().javaType().getSimpleName()).collect(Collectors.toList());
      assertEquals(expected, actual, m.name());
      String simpleName = Arrays.stream(m.name().split("[.-]"))
          .map(s -> Character.toUpperCase(s.charAt(0)) + s.substring(1)).collect(Collectors.joining());
      assertEquals(simpleName, m.javaType().getSimpleName(), m.name());
    }
  }

  @Test
  void constants_comparedWithSpec_frameTypesEndOctetMinSizeAndReplyCodesMatch() {
    Map<String, Integer> constants = new HashMap<>();
    for (JsonNode c : spec.get("constants")) {
      constants.put(c.get("name").asText(), c.get("value").asInt());
    }
    assertEquals(constants.get("FRAME-METHOD"), Frame.TYPE_METHOD);
    assertEquals(constants.get("FRAME-HEADER"), Frame.TYPE_HEADER);
    assertEquals(constants.get("FRAME-BODY"), Frame.TYPE_BODY);
    assertEquals(constants.get("FRAME-HEARTBEAT"), Frame.TYPE_HEARTBEAT);
    assertEquals(constants.get("FRAME-END"), Frame.FRAME_END);
    assertEquals(constants.get("FRAME-MIN-SIZE"), Frame.FRAME_MIN_SIZE);
    assertEquals(constants.get("FRAME-ERROR"), CodecError.FRAME_ERROR);
    assertEquals(constants.get("SYNTAX-ERROR"), CodecError.SYNTAX_ERROR);
    assertEquals(constants.get("NOT-IMPLEMENTED"), CodecError.NOT_IMPLEMENTED);
  }

  private static Path locateSpec() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SPEC_PATH);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return fail("cannot find " + SPEC_PATH + " in " + start + " or any parent; check out the shared/ "
        + "directory beside the repository (../shared relative to the repo root)");
  }

  private static String row(int classId, int methodId, String name, boolean content) {
    return classId + "/" + methodId + " " + name + (content ? " content" : "");
  }

  private static List<String> fieldsOf(List<FieldSpec> fields) {
    return fields.stream().map(f -> normalise(f.name()) + ":" + f.type().specName())
        .collect(Collectors.toList());
  }

  /** The primitive type of an argument or property: its own type, or its domain's. */
  private static String resolve(JsonNode argument) {
    if (argument.has("type")) {
      return argument.get("type").asText();
    }
    String domain = argument.get("domain").asText();
    String type = domains.get(domain);
    assertTrue(type != null, "unknown domain " + domain);
    return type;
  }

  private static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
