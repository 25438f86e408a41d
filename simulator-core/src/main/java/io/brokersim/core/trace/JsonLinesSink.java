package io.brokersim.core.trace;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one canonical JSON object per line ({@link TraceJson}), so that the SHA-256 of the written bytes
 * equals {@link HashingSink#hex()} for the same records. Buffered: call {@link #flush()} or {@link #close()}.
 */
public final class JsonLinesSink extends GuardedSink implements LineSink, Flushable, Closeable {

  private final OutputStream out;
  private final Writer writer;

  private JsonLinesSink(OutputStream out, Writer writer) {
    this.out = out;
    this.writer = writer;
  }

  /** Writes UTF-8 bytes to {@code out}; closing the sink closes it. */
  public static JsonLinesSink to(OutputStream out) {
    return new JsonLinesSink(new BufferedOutputStream(out, 1 << 16), null);
  }

  /** Creates or truncates {@code file} and writes to it. */
  public static JsonLinesSink to(Path file) {
    try {
      return to(Files.newOutputStream(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes characters to {@code writer}; the hash matches the output only if the writer encodes UTF-8.
   * Closing the sink closes it.
   */
  public static JsonLinesSink to(Writer writer) {
    return new JsonLinesSink(null, writer);
  }

  @Override
  public void acceptLine(TraceRecord record, byte[] utf8, int length) {
    try {
      if (out != null) {
        out.write(utf8, 0, length);
      } else {
        writer.write(new String(utf8, 0, length, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock()) {
      if (out != null) {
        out.flush();
      } else {
        writer.flush();
      }
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock()) {
      if (out != null) {
        out.close();
      } else {
        writer.close();
      }
    }
  }
}
