package io.brokersim.amqp.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable {@code longstr} method argument: octets, not text. SASL responses (PLAIN's
 * {@code \0user\0pass}, AMQPLAIN's length-prefixed table) and secrets are binary, so decoding them as
 * UTF-8 would lose information; text-valued ones such as {@code mechanisms} read naturally through
 * {@link #toString()}. Equality compares the octets.
 */
public final class LongString {

  /** The empty long string. */
  public static final LongString EMPTY = new LongString(new byte[0]);

  private final byte[] bytes;

  private LongString(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A long string holding a copy of these octets. */
  public static LongString of(byte[] bytes) {
    return new LongString(bytes.clone());
  }

  /** A long string holding the UTF-8 encoding of this text. */
  public static LongString of(String text) {
    return new LongString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of an array the caller will not touch again. */
  static LongString wrap(byte[] bytes) {
    return new LongString(bytes);
  }

  /** Length in octets. */
  public int length() {
    return bytes.length;
  }

  /** A copy of the octets. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** A read-only view of the octets, without copying. */
  public ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** The octets decoded as UTF-8, malformed sequences replaced by U+FFFD. */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LongString other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
