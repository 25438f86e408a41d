package io.brokersim.scenarios.report;

import java.util.List;

/**
 * A sequence diagram as data: who takes part, and each arrow or note in order, with the message and call it is
 * about. {@link SequenceDiagram} builds it from a run; the Markdown report writes it as Mermaid, the HTML report
 * draws it as SVG whose arrows open the message's fate.
 *
 * @param participants the lifelines, left to right
 * @param steps the arrows and notes, top to bottom
 * @param footnotes what the diagram leaves out, one sentence each ("98 more calls not shown: ...")
 */
public record Diagram(List<Participant> participants, List<Step> steps, List<String> footnotes) {

  public Diagram {
    participants = List.copyOf(participants);
    steps = List.copyOf(steps);
    footnotes = List.copyOf(footnotes);
  }

  /** A lifeline: {@code id} as Mermaid names it ({@code P1}), {@code label} as it is shown. */
  public record Participant(String id, String label) {}

  /**
   * An arrow from {@code from} to {@code to}, or a note over {@code from} (to {@code to}, when it spans several
   * lifelines).
   *
   * @param from a participant id
   * @param arrow {@code ->>} (a message), {@code -->>} (an answer: ack, return) or {@code -x} (lost); null for a note
   * @param to a participant id; for a note the last lifeline it spans, or null for one
   * @param text what happened, in words Mermaid accepts (see {@code SequenceDiagram.clean})
   * @param msgId the message it is about, or null
   * @param correlationId the call it is about, or null
   */
  public record Step(String from, String arrow, String to, String text, String msgId, String correlationId) {

    public boolean isNote() {
      return arrow == null;
    }
  }

  /** The diagram as the lines of a Mermaid {@code sequenceDiagram} block (without the fences). */
  public List<String> mermaid() {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    out.add("sequenceDiagram");
    for (Participant p : participants) {
      out.add("  participant " + p.id() + " as " + p.label());
    }
    for (Step s : steps) {
      out.add(s.isNote() ? "  Note over " + s.from() + (s.to() == null ? "" : "," + s.to()) + ": " + s.text()
          : "  " + s.from() + s.arrow() + s.to() + ": " + s.text());
    }
    if (!participants.isEmpty()) {
      String span = participants.size() == 1 ? participants.get(0).id()
          : participants.get(0).id() + "," + participants.get(participants.size() - 1).id();
      for (String f : footnotes) {
        out.add("  Note over " + span + ": " + SequenceDiagram.clean(f));
      }
    }
    return out;
  }
}
