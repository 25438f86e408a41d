package io.brokersim.scenarios.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checker for the subset of Mermaid {@code sequenceDiagram} syntax the reports emit: participant
 * declarations, solid/dotted arrows with or without a cross or open end, notes over one or two participants,
 * and {@code alt/else/opt/loop/rect ... end} blocks. Every line must parse, every participant must be declared
 * before it is used, and text must avoid what Mermaid rejects or misreads.
 */
final class MermaidSequenceSyntax {

  private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Pattern PARTICIPANT = Pattern.compile("(participant|actor) (" + ID + ")( as (.+))?");
  /** Longest arrows first, so that {@code -->>} is not read as {@code -->} followed by {@code >}. */
  private static final Pattern MESSAGE = Pattern.compile(
      "(" + ID + ")(-->>|->>|--x|-x|--\\)|-\\)|-->|->)([+-]?)(" + ID + "): (.+)");
  private static final Pattern NOTE = Pattern.compile(
      "Note (over|left of|right of) (" + ID + ")(,(" + ID + "))?: (.+)");
  private static final Pattern BLOCK_START = Pattern.compile("(alt|opt|loop|rect|par|critical|break)( .*)?");
  private static final Pattern BLOCK_MIDDLE = Pattern.compile("(else|and|option)( .*)?");

  private MermaidSequenceSyntax() {}

  /** The problems found, one per offending line; empty for a valid diagram. */
  static List<String> problems(List<String> lines) {
    List<String> out = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    int depth = 0;
    boolean header = false;
    boolean messagesStarted = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      String where = "line " + (i + 1) + " '" + lines.get(i) + "': ";
      if (line.isEmpty() || line.startsWith("%%")) {
        continue;
      }
      if (!header) {
        if (!line.equals("sequenceDiagram")) {
          out.add(where + "the first line must be 'sequenceDiagram'");
        }
        header = true;
        continue;
      }
      Matcher m;
      if ((m = PARTICIPANT.matcher(line)).matches()) {
        if (!declared.add(m.group(2))) {
          out.add(where + "participant " + m.group(2) + " declared twice");
        }
        if (messagesStarted) {
          out.add(where + "participants must be declared before the first message");
        }
        if (m.group(4) != null) {
          text(m.group(4), where, out);
        }
      } else if ((m = MESSAGE.matcher(line)).matches()) {
        messagesStarted = true;
        used(m.group(1), declared, where, out);
        used(m.group(4), declared, where, out);
        text(m.group(5), where, out);
      } else if ((m = NOTE.matcher(line)).matches()) {
        messagesStarted = true;
        used(m.group(2), declared, where, out);
        if (m.group(4) != null) {
          used(m.group(4), declared, where, out);
        }
        text(m.group(5), where, out);
      } else if (BLOCK_START.matcher(line).matches()) {
        depth++;
      } else if (BLOCK_MIDDLE.matcher(line).matches()) {
        if (depth == 0) {
          out.add(where + "'" + line + "' outside a block");
        }
      } else if (line.equals("end")) {
        if (depth-- == 0) {
          out.add(where + "'end' without a block");
        }
      } else if (!line.equals("autonumber")) {
        out.add(where + "not a sequenceDiagram statement");
      }
    }
    if (!header) {
      out.add("empty diagram");
    }
    if (depth > 0) {
      out.add(depth + " block(s) not closed with 'end'");
    }
    return out;
  }

  private static void used(String id, Set<String> declared, String where, List<String> out) {
    if (!declared.contains(id)) {
      out.add(where + "participant " + id + " used before it is declared");
    }
  }

  /** Mermaid reads ';' as a statement end, '#' as an entity code, '%%' as a comment, '<'/'>' as HTML. */
  private static void text(String text, String where, List<String> out) {
    if (text.isBlank()) {
      out.add(where + "empty text");
    }
    if (text.indexOf(';') >= 0) {
      out.add(where + "';' ends a Mermaid statement");
    }
    if (text.indexOf('#') >= 0) {
      out.add(where + "'#' starts a Mermaid entity code");
    }
    if (text.contains("%%")) {
      out.add(where + "'%%' starts a Mermaid comment");
    }
    if (text.replaceAll("(?i)<br\\s*/?>", "").matches(".*[<>].*")) {
      out.add(where + "'<' or '>' would be read as HTML");
    }
    if (count(text, '"') % 2 != 0) {
      out.add(where + "unbalanced double quotes");
    }
    if (count(text, '\'') % 2 != 0) {
      out.add(where + "unbalanced single quotes");
    }
    if (count(text, '`') % 2 != 0) {
      out.add(where + "unbalanced backticks");
    }
    if (text.contains("\n") || text.contains("\r")) {
      out.add(where + "line break inside text");
    }
  }

  private static int count(String s, char c) {
    return (int) s.chars().filter(x -> x == c).count();
  }
}
