package io.brokersim.scenarios.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a {@link Diagram} as inline SVG for the HTML report: a lifeline per participant, one row per arrow or note,
 * each step a group that carries its message and call ({@code data-msg}, {@code data-call}) so the page can open
 * their fate on a click. Plain SVG and no script: it renders the same in every browser, offline.
 */
final class SvgDiagram {

  private static final int MARGIN = 20;
  private static final int HEAD_HEIGHT = 34;
  private static final int ROW_HEIGHT = 30;
  private static final int MIN_COLUMN = 150;
  private static final int MAX_COLUMN = 320;
  /** Average width of a character of the 12 px sans-serif text, generously. */
  private static final double CHAR_WIDTH = 6.6;

  private SvgDiagram() {}

  static String of(Diagram d) {
    List<Diagram.Participant> ps = d.participants();
    Map<String, Integer> column = new HashMap<>();
    for (int i = 0; i < ps.size(); i++) {
      column.put(ps.get(i).id(), i);
    }
    int width = columnWidth(d, column);
    int rows = d.steps().size();
    int noteOverhang = noteOverhang(d, width);
    int left = MARGIN + Math.max(width / 2, noteOverhang);
    int totalWidth = left * 2 + Math.max(0, ps.size() - 1) * width;
    int height = HEAD_HEIGHT + 16 + rows * ROW_HEIGHT + MARGIN;
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" width=\"").append(totalWidth)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(totalWidth).append(' ')
        .append(height).append("\" role=\"img\" aria-label=\"sequence diagram\">\n");
    // Arrowheads in user units: a highlighted (thicker) line keeps the same head.
    b.append("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
        + "markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\"/>"
        + "</marker></defs>\n");
    for (int i = 0; i < ps.size(); i++) {
      int x = left + i * width;
      b.append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"").append(HEAD_HEIGHT).append("\" x2=\"")
          .append(x).append("\" y2=\"").append(height - MARGIN / 2).append("\"/>\n");
      int boxWidth = Math.min(width - 10, textWidth(ps.get(i).label()) + 16);
      b.append("<g class=\"participant\"><rect x=\"").append(x - boxWidth / 2).append("\" y=\"4\" width=\"")
          .append(boxWidth).append("\" height=\"").append(HEAD_HEIGHT - 8).append("\" rx=\"4\"/><text x=\"")
          .append(x).append("\" y=\"").append(HEAD_HEIGHT / 2 + 4).append("\" text-anchor=\"middle\">")
          .append(Html.escape(ps.get(i).label())).append("</text></g>\n");
    }
    int y = HEAD_HEIGHT + 16;
    int index = 0;
    for (Diagram.Step s : d.steps()) {
      y += ROW_HEIGHT;
      b.append("<g class=\"step").append(s.isNote() ? " note" : " arrow").append("\" id=\"step-").append(index++)
          .append('"');
      if (s.msgId() != null) {
        b.append(" data-msg=\"").append(Html.escape(s.msgId())).append('"');
      }
      if (s.correlationId() != null) {
        b.append(" data-call=\"").append(Html.escape(s.correlationId())).append('"');
      }
      if (s.msgId() != null || s.correlationId() != null) {
        b.append(" tabindex=\"0\"");
      }
      b.append('>');
      Integer from = column.get(s.from());
      if (from == null) {
        from = 0;
      }
      if (s.isNote()) {
        Integer to = s.to() == null ? from : column.getOrDefault(s.to(), from);
        int x1 = left + Math.min(from, to) * width;
        int x2 = left + Math.max(from, to) * width;
        int w = Math.max(x2 - x1 + 40, textWidth(s.text()) + 16);
        int cx = (x1 + x2) / 2;
        b.append("<rect x=\"").append(cx - w / 2).append("\" y=\"").append(y - 19).append("\" width=\"").append(w)
            .append("\" height=\"22\" rx=\"3\"/><text x=\"").append(cx).append("\" y=\"").append(y - 4)
            .append("\" text-anchor=\"middle\">").append(Html.escape(s.text())).append("</text>");
      } else {
        int to = column.getOrDefault(s.to(), from);
        int x1 = left + from * width;
        int x2 = left + to * width;
        String kind = s.arrow().equals("-->>") ? "answer" : s.arrow().equals("-x") ? "lost" : "message";
        if (x1 == x2) {
          b.append("<path class=\"").append(kind).append("\" d=\"M").append(x1).append(',').append(y - 10)
              .append(" h30 v12 h-30\" fill=\"none\" marker-end=\"url(#head)\"/>");
          b.append("<text x=\"").append(x1 + 36).append("\" y=\"").append(y - 2).append("\">")
              .append(Html.escape(s.text())).append("</text>");
        } else {
          b.append("<line class=\"").append(kind).append("\" x1=\"").append(x1).append("\" y1=\"").append(y)
              .append("\" x2=\"").append(x2).append("\" y2=\"").append(y).append('"');
          if (!kind.equals("lost")) {
            b.append(" marker-end=\"url(#head)\"");
          }
          b.append("/>");
          if (kind.equals("lost")) {
            int dir = x2 > x1 ? -1 : 1;
            b.append("<path class=\"lost-mark\" d=\"M").append(x2 + dir * 2 - 5).append(',').append(y - 5)
                .append(" l10,10 M").append(x2 + dir * 2 - 5).append(',').append(y + 5).append(" l10,-10\"/>");
          }
          b.append("<text x=\"").append((x1 + x2) / 2).append("\" y=\"").append(y - 5)
              .append("\" text-anchor=\"middle\">").append(Html.escape(s.text())).append("</text>");
        }
      }
      b.append("</g>\n");
    }
    b.append("</svg>");
    return b.toString();
  }

  /** Wide enough for the longest arrow text over the columns it spans, within bounds. */
  private static int columnWidth(Diagram d, Map<String, Integer> column) {
    double needed = MIN_COLUMN;
    for (Diagram.Step s : d.steps()) {
      if (s.isNote()) {
        continue;
      }
      int span = Math.abs(column.getOrDefault(s.to(), 0) - column.getOrDefault(s.from(), 0));
      if (span > 0) {
        needed = Math.max(needed, (textWidth(s.text()) + 24.0) / span);
      }
    }
    return (int) Math.min(MAX_COLUMN, Math.ceil(needed));
  }

  /** How far a note over the first or last lifeline reaches past it, so the page keeps it in view. */
  private static int noteOverhang(Diagram d, int width) {
    int out = 0;
    for (Diagram.Step s : d.steps()) {
      if (s.isNote() && s.to() == null) {
        out = Math.max(out, textWidth(s.text()) / 2 + 10);
      }
    }
    return Math.min(out, 2 * width);
  }

  private static int textWidth(String text) {
    return (int) Math.ceil(text.length() * CHAR_WIDTH);
  }
}
