package io.brokersim.core.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java snippets of the README and the testing guide come from compiled tests: each one follows a link to its
 * source file (relative to the Markdown file), and every paragraph of the snippet (lines between blank lines)
 * stands in that file as consecutive lines, indentation aside. A snippet edited in the docs alone, or a test
 * changed without its snippet, fails here.
 */
class DocsSnippetsTest {

  private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");

  @ParameterizedTest
  @CsvSource({"README.md, 2", "docs/testing.md, 6", "docs/management.md, 1"})
  void markdown_everyJavaSnippet_standsInTheTestItLinksTo(String markdown, int atLeast) throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path doc = root.resolve(markdown);
    List<String> lines = Files.readAllLines(doc);
    int checked = 0;
    String source = null;
    for (int i = 0; i < lines.size(); i++) {
      Matcher link = JAVA_LINK.matcher(lines.get(i));
      while (link.find()) {
        source = link.group(1);
      }
      if (!lines.get(i).equals("```java")) {
        continue;
      }
      List<String> snippet = new ArrayList<>();
      for (i++; !lines.get(i).equals("```"); i++) {
        snippet.add(lines.get(i));
      }
      assertTrue(source != null, "a java snippet at " + markdown + " line " + i + " follows no link to its source");
      Path file = doc.getParent().resolve(source).normalize();
      assertTrue(Files.isRegularFile(file), markdown + " links to " + source + ", which does not exist");
      List<String> code = trimmed(Files.readAllLines(file));
      for (List<String> paragraph : paragraphs(snippet)) {
        assertTrue(Collections.indexOfSubList(code, paragraph) >= 0,
            markdown + " line " + i + ": these lines are not in " + source + ":\n" + String.join("\n", paragraph));
      }
      checked++;
      source = null;
    }
    assertTrue(checked >= atLeast, "java snippets checked in " + markdown + ": " + checked);
  }

  private static List<List<String>> paragraphs(List<String> snippet) {
    List<List<String>> paragraphs = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : trimmed(snippet)) {
      if (line.isEmpty()) {
        if (!current.isEmpty()) {
          paragraphs.add(current);
        }
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    if (!current.isEmpty()) {
      paragraphs.add(current);
    }
    assertFalse(paragraphs.isEmpty(), "empty snippet");
    return paragraphs;
  }

  private static List<String> trimmed(List<String> lines) {
    return lines.stream().map(String::strip).toList();
  }
}
