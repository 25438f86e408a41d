package io.brokersim.amqp.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text fields (short strings, {@code S} table values) as Java strings that keep every octet.
 *
 * <p>The brokers treat names as octets: RabbitMQ checks UTF-8 only in some fields, LavinMQ never, and both
 * route and compare by octets. Decoding with replacement characters would merge {@code q\xfe} and
 * {@code q\xff} into one name and could make a 255-octet name re-encode longer than a short string holds.
 * So an octet that is not part of a well-formed UTF-8 sequence decodes to a lone low surrogate
 * U+DC80..U+DCFF carrying it (the "surrogate escape" of Python's PEP 383), and {@link #encode} writes it
 * back as that octet:
 *
 * <pre>
 *   octets  71 ff        -> "q\uDCFF"   -> octets 71 ff     (never "q\uFFFD", never 3 octets)
 *   octets  71 c3 a9     -> "qé"        -> octets 71 c3 a9
 * </pre>
 *
 * Well-formed input never decodes to a lone surrogate, so the mapping is one to one: two strings are
 * equal exactly when their octets are, and a string keeps its octet length (a lone surrogate also counts
 * one octet in {@code String.getBytes(UTF_8)}, where it becomes {@code ?}).
 */
public final class WireText {

  private static final int ESCAPE_BASE = 0xDC00;

  private WireText() {}

  /** The text of {@code length} octets at {@code offset}; malformed octets are escaped, never replaced. */
  public static String decode(byte[] octets, int offset, int length) {
    boolean ascii = true;
    for (int i = offset; i < offset + length && ascii; i++) {
      ascii = octets[i] >= 0;
    }
    if (ascii) {
      return new String(octets, offset, length, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return strict.decode(ByteBuffer.wrap(octets, offset, length)).toString();
    } catch (CharacterCodingException e) {
      return decodeEscaping(octets, offset, length);
    }
  }

  /** The text of all of {@code octets}. */
  public static String decode(byte[] octets) {
    return decode(octets, 0, octets.length);
  }

  /** The octets of {@code text}: UTF-8, with escaped octets restored. */
  public static byte[] encode(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        return encodeEscaped(text);
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * True if the octets are UTF-8 as RabbitMQ checks short strings ({@code rabbit_binary_parser:assert_utf8},
   * which calls {@code xmerl_ucs:from_utf8}): sequences of 1 to 4 octets in their shortest form. Unlike a
   * strict decoder it accepts encoded surrogates (ED A0 80) and code points above U+10FFFF up to
   * U+1FFFFF (F4 90 80 80, F7 BF BF BF), as measured on RabbitMQ 3.10.8.
   */
  public static boolean isRabbitMqUtf8(byte[] octets) {
    int i = 0;
    while (i < octets.length) {
      int b = octets[i] & 0xFF;
      int length;
      int min;
      int value;
      if (b < 0x80) {
        i++;
        continue;
      } else if ((b & 0xE0) == 0xC0) {
        length = 2;
        min = 0x80;
        value = b & 0x1F;
      } else if ((b & 0xF0) == 0xE0) {
        length = 3;
        min = 0x800;
        value = b & 0x0F;
      } else if ((b & 0xF8) == 0xF0) {
        length = 4;
        min = 0x10000;
        value = b & 0x07;
      } else {
        return false;
      }
      if (i + length > octets.length) {
        return false;
      }
      for (int k = 1; k < length; k++) {
        int c = octets[i + k] & 0xFF;
        if ((c & 0xC0) != 0x80) {
          return false;
        }
        value = (value << 6) | (c & 0x3F);
      }
      if (value < min) {
        return false;
      }
      i += length;
    }
    return true;
  }

  private static boolean isEscape(char c) {
    return c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xFF;
  }

  /** Decodes sequence by sequence; each octet of a sequence the strict decoder refuses becomes an escape. */
  private static String decodeEscaping(byte[] octets, int offset, int length) {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    StringBuilder out = new StringBuilder(length);
    int end = offset + length;
    int i = offset;
    while (i < end) {
      int b = octets[i] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        i++;
        continue;
      }
      int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      String one = n > 1 && i + n <= end ? strictOrNull(strict, octets, i, n) : null;
      if (one != null) {
        out.append(one);
        i += n;
      } else {
        out.append((char) (ESCAPE_BASE + b));
        i++;
      }
    }
    return out.toString();
  }

  private static String strictOrNull(CharsetDecoder strict, byte[] octets, int offset, int length) {
    try {
      CharBuffer chars = strict.reset().decode(ByteBuffer.wrap(octets, offset, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static byte[] encodeEscaped(String text) {
    WireWriter out = new WireWriter(text.length() * 3);
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (isEscape(c)) {
        out.bytes(text.substring(run, i).getBytes(StandardCharsets.UTF_8));
        out.octet(c - ESCAPE_BASE);
        run = i + 1;
      }
    }
    out.bytes(text.substring(run).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
