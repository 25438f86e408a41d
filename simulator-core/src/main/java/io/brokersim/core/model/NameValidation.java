package io.brokersim.core.model;

import java.nio.charset.StandardCharsets;

/**
 * Rules for queue and exchange names as the brokers apply them on declare, bind and delete. Pure functions: a bad
 * name gives a result, never an exception; the caller chooses the reply code.
 *
 * <ul>
 *   <li>Length: a name travels as a short string, at most 255 bytes of UTF-8 (both brokers).
 *   <li>RabbitMQ removes every CR and LF from the name before using it ({@code rabbit_channel:strip_cr_lf/1};
 *       Java client test {@code QueueLifecycle.*LineFeed*}).
 *   <li>LavinMQ accepts only printable ASCII, {@code /\A[ -~]*\z/} ({@code NameValidator.valid_entity_name?}), and
 *       answers 406 otherwise.
 * </ul>
 */
public final class NameValidation {
  /** The most bytes a short string, and so a name, can hold. */
  public static final int MAX_NAME_BYTES = 255;

  private NameValidation() {}

  /** The length of a name in UTF-8 bytes. */
  public static int utf8Length(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length;
  }

  /** True when the name fits a short string (at most {@value #MAX_NAME_BYTES} UTF-8 bytes). */
  public static boolean fitsShortString(String name) {
    // Every char encodes to at least one byte, so long strings fail without encoding.
    return name.length() <= MAX_NAME_BYTES && utf8Length(name) <= MAX_NAME_BYTES;
  }

  /** The name without any CR or LF, as RabbitMQ uses it. */
  public static String stripCrLf(String name) {
    if (name.indexOf('\r') < 0 && name.indexOf('\n') < 0) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c != '\r' && c != '\n') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** True when every character is printable ASCII (space to tilde), LavinMQ's rule; the empty name passes. */
  public static boolean isPrintableAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }
}
