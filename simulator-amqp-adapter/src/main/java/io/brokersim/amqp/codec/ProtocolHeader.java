package io.brokersim.amqp.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The 8-octet protocol header a client sends before any frame (spec 4.2.2).
 *
 * <pre>
 *  +-----+-----+-----+-----+-----+-------+-------+----------+
 *  | 'A' | 'M' | 'Q' | 'P' |  0  | major | minor | revision |
 *  +-----+-----+-----+-----+-----+-------+-------+----------+
 *    AMQP 0 0 9 1 is 0-9-1; AMQP 1 1 0 9 (the 0-9 header) is accepted as 0-9-1, as RabbitMQ and
 *    LavinMQ do.
 * </pre>
 */
public final class ProtocolHeader {

  /** Length of the protocol header in octets. */
  public static final int SIZE = 8;

  private static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  private static final byte[] AMQP_0_9 = {'A', 'M', 'Q', 'P', 1, 1, 0, 9};

  /** What a parse found. */
  public enum Verdict {
    /** Fewer than 8 octets so far; nothing was consumed. */
    INCOMPLETE,
    /** A header this server speaks as 0-9-1; 8 octets were consumed. */
    ACCEPTED,
    /** Any other 8 octets, consumed; the server answers with a header it supports and closes. */
    UNSUPPORTED
  }

  private ProtocolHeader() {}

  /** The 0-9-1 header, as a client sends it and as a server replies to an unsupported one. */
  public static byte[] amqp091() {
    return AMQP_0_9_1.clone();
  }

  /** Checks the next 8 octets of {@code in}, consuming them unless fewer have arrived. */
  public static Verdict parse(ByteBuffer in) {
    if (in.remaining() < SIZE) {
      return Verdict.INCOMPLETE;
    }
    byte[] header = new byte[SIZE];
    in.get(header);
    boolean accepted = Arrays.equals(header, AMQP_0_9_1) || Arrays.equals(header, AMQP_0_9);
    return accepted ? Verdict.ACCEPTED : Verdict.UNSUPPORTED;
  }
}
