package io.brokersim.management;

import io.brokersim.core.trace.TraceJson;
import io.brokersim.core.trace.TraceRecord;
import io.brokersim.core.trace.TraceSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The broker's trace as server-sent events, for any number of readers: a {@link TraceSink} that writes each event
 * (its canonical JSON line) to every open stream as {@code id: <seq>} and {@code data: <json>}. The trace calls it
 * under its lock on the broker's threads, so it never blocks: each stream has a bounded buffer and a slow reader
 * loses its oldest events (and is told how many, in a comment line) instead of holding the broker back. With no
 * reader it only remembers the last few events, which a new stream replays first. JSON is encoded only while
 * somebody reads.
 */
final class EventStream implements TraceSink {

  private final int buffer;
  private final int replayed;
  private final ArrayDeque<TraceRecord> recent;
  private final List<Reader> readers = new CopyOnWriteArrayList<>();

  /** One open stream: its queue, and the events it lost to a full buffer since it was last told. */
  private record Reader(BoundedSourceQueue<ByteString> queue, AtomicLong dropped) {}

  EventStream(int bufferPerReader, int replayed) {
    this.buffer = bufferPerReader;
    this.replayed = replayed;
    this.recent = new ArrayDeque<>(Math.max(1, replayed));
  }

  @Override
  public void accept(TraceRecord record) {
    // One lock with open(): a stream opening now sees this event either in its replay or live, never both.
    synchronized (recent) {
      if (replayed > 0) {
        if (recent.size() == replayed) {
          recent.pollFirst();
        }
        recent.addLast(record);
      }
      if (readers.isEmpty()) {
        return;
      }
      ByteString event = event(record);
      for (Reader r : readers) {
        offer(r, event);
      }
    }
  }

  private void offer(Reader r, ByteString event) {
    QueueOfferResult result = r.queue().offer(event);
    if (result.isEnqueued()) {
      long lost = r.dropped().getAndSet(0);
      if (lost > 0) {
        r.queue().offer(ByteString.fromString(": " + lost + " events dropped (the reader was too slow)\n\n"));
      }
    } else if (result == QueueOfferResult.dropped()) {
      r.dropped().incrementAndGet();
    } else {
      readers.remove(r); // closed or failed: the reader has gone
    }
  }

  /** A new stream: the remembered events first, then every event as it is recorded, until the reader goes. */
  Source<ByteString, NotUsed> open(Materializer materializer) {
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> pair =
        Source.<ByteString>queue(buffer).preMaterialize(materializer);
    Reader reader = new Reader(pair.first(), new AtomicLong());
    synchronized (recent) {
      for (TraceRecord r : recent) {
        offer(reader, event(r));
      }
      readers.add(reader);
    }
    return pair.second().watchTermination((mat, done) -> {
      done.whenComplete((d, e) -> readers.remove(reader));
      return mat;
    });
  }

  /** Closes every open stream (the server is stopping). */
  void close() {
    for (Reader r : readers) {
      r.queue().complete();
    }
    readers.clear();
  }

  int readers() {
    return readers.size();
  }

  private static ByteString event(TraceRecord record) {
    String json = TraceJson.lineString(record).strip();
    return ByteString.fromString("id: " + record.seq() + "\ndata: " + json + "\n\n", StandardCharsets.UTF_8);
  }
}
