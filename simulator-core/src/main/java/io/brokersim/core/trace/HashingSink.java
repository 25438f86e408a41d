package io.brokersim.core.trace;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical trace hash: SHA-256 over exactly the bytes {@link JsonLinesSink} writes (UTF-8 JSON lines,
 * each ending with {@code '\n'}). Two runs with the same seed must give the same {@link #hex()}.
 */
public final class HashingSink implements LineSink {

  private final MessageDigest digest = sha256();
  private long lines;

  @Override
  public synchronized void acceptLine(TraceRecord record, byte[] utf8, int length) {
    digest.update(utf8, 0, length);
    lines++;
  }

  /** The lowercase hex SHA-256 of everything accepted so far; the sink keeps hashing afterwards. */
  public synchronized String hex() {
    try {
      MessageDigest snapshot = (MessageDigest) digest.clone();
      return HexFormat.of().formatHex(snapshot.digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }

  /** Number of lines hashed so far. */
  public synchronized long lines() {
    return lines;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
