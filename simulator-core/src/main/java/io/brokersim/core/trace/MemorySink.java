package io.brokersim.core.trace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record in memory, for tests and reports; queries return copies in sequence order. */
public final class MemorySink extends GuardedSink implements TraceSink {

  private final List<TraceRecord> records = new ArrayList<>();

  @Override
  public void accept(TraceRecord record) {
    records.add(record);
  }

  /** All records so far. */
  public List<TraceRecord> records() {
    synchronized (lock()) {
      return List.copyOf(records);
    }
  }

  /** The events so far, without their stamps. */
  public List<TraceEvent> events() {
    synchronized (lock()) {
      List<TraceEvent> out = new ArrayList<>(records.size());
      for (TraceRecord r : records) {
        out.add(r.event());
      }
      return out;
    }
  }

  /** The events of one type, e.g. {@code events(TraceEvent.Delivered.class)}. */
  public <T extends TraceEvent> List<T> events(Class<T> type) {
    synchronized (lock()) {
      List<T> out = new ArrayList<>();
      for (TraceRecord r : records) {
        if (type.isInstance(r.event())) {
          out.add(type.cast(r.event()));
        }
      }
      return out;
    }
  }

  /**
   * The records about one message: its own events, the dead-lettering or fault that created it, and faults
   * that hit it.
   */
  public List<TraceRecord> about(String msgId) {
    synchronized (lock()) {
      List<TraceRecord> out = new ArrayList<>();
      for (TraceRecord r : records) {
        TraceEvent e = r.event();
        boolean match =
            (e instanceof TraceEvent.MessageEvent m && m.msgId().equals(msgId))
                || (e instanceof TraceEvent.DeadLettered d && msgId.equals(d.newMsgId()))
                || (e instanceof TraceEvent.FaultInjected f
                    && (msgId.equals(f.msgId()) || msgId.equals(f.newMsgId())));
        if (match) {
          out.add(r);
        }
      }
      return out;
    }
  }

  /** The JSON Lines text of everything recorded, exactly as {@link JsonLinesSink} would write it. */
  public String toJsonLines() {
    synchronized (lock()) {
      TraceJson json = new TraceJson();
      StringBuilder out = new StringBuilder();
      for (TraceRecord r : records) {
        int length = json.encode(r);
        out.append(new String(json.bytes(), 0, length, StandardCharsets.UTF_8));
      }
      return out.toString();
    }
  }

  /** Number of records so far. */
  public int size() {
    synchronized (lock()) {
      return records.size();
    }
  }

  /** Forgets everything recorded so far. */
  public void clear() {
    synchronized (lock()) {
      records.clear();
    }
  }

  @Override
  public String toString() {
    return "MemorySink[" + size() + " records]";
  }
}
