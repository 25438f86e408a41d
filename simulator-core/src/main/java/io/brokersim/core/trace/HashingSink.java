package io.brokersim.core.trace;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical trace hash: SHA-256 over the canonical binary form of every record ({@link TraceBinary}), which
 * holds exactly what the records' JSON lines hold, so {@link JsonLinesHash} recomputes it from a JSON Lines file.
 * Two runs with the same seed must give the same {@link #hex()}. No JSON is written to compute it.
 */
public final class HashingSink extends GuardedSink implements EventSink {

  /** Records are encoded into a buffer and digested when it holds this much. */
  private static final int DIGEST_CHUNK_BYTES = 16 * 1024;

  private final MessageDigest digest = sha256();
  private final TraceBinary binary = new TraceBinary(DIGEST_CHUNK_BYTES + 1024);
  private long records;

  @Override
  public void accept(long seq, long virtualNanos, TraceEvent event) {
    binary.record(seq, virtualNanos, event);
    records++;
    if (binary.size() >= DIGEST_CHUNK_BYTES) {
      digestPending();
    }
  }

  /** The lowercase hex SHA-256 of everything accepted so far; the sink keeps hashing afterwards. */
  public String hex() {
    synchronized (lock()) {
      digestPending();
      try {
        MessageDigest snapshot = (MessageDigest) digest.clone();
        return HexFormat.of().formatHex(snapshot.digest());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
      }
    }
  }

  /** Number of records hashed so far. */
  public long records() {
    synchronized (lock()) {
      return records;
    }
  }

  private void digestPending() {
    if (binary.size() > 0) {
      digest.update(binary.array(), 0, binary.size());
      binary.reset();
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
