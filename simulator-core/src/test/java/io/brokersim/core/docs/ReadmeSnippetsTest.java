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
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets come from compiled tests: each one follows a link to its source file, and every
 * paragraph of the snippet (lines between blank lines) stands in that file as consecutive lines, indentation
 * aside. A snippet edited in the README alone, or a test changed without its snippet, fails here.
 */
class ReadmeSnippetsTest {

  private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");

  @Test
  void readme_everyJavaSnippet_standsInTheTestItLinksTo() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> readme = Files.readAllLines(root.resolve("README.md"));
    int checked = 0;
    String source = null;
    for (int i = 0; i < readme.size(); i++) {
      Matcher link = JAVA_LINK.matcher(readme.get(i));
      while (link.find()) {
        source = link.group(1);
      }
      if (!readme.get(i).equals("```java")) {
        continue;
      }
      List<String> snippet = new ArrayList<>();
      for (i++; !readme.get(i).equals("```"); i++) {
        snippet.add(readme.get(i));
      }
      assertTrue(source != null, "a java snippet at README.md line " + i + " follows no link to its source");
      Path file = root.resolve(source);
      assertTrue(Files.isRegularFile(file), "README.md links to " + source + ", which does not exist");
      List<String> code = trimmed(Files.readAllLines(file));
      for (List<String> paragraph : paragraphs(snippet)) {
        assertTrue(Collections.indexOfSubList(code, paragraph) >= 0,
            "README.md line " + i + ": these lines are not in " + source + ":\n" + String.join("\n", paragraph));
      }
      checked++;
      source = null;
    }
    assertTrue(checked >= 2, "java snippets checked in README.md: " + checked);
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
