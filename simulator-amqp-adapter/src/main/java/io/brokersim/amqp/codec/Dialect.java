package io.brokersim.amqp.codec;

/**
 * Which broker's rules the decoder applies to input it cannot take as it is: the codes and texts of the
 * {@code connection.close} that follows, and whether short strings must be UTF-8. The server picks the
 * dialect from the broker profile; {@link #SPEC} is the protocol's own reading, for clients and tools.
 *
 * <table>
 *   <caption>What each dialect answers</caption>
 *   <tr><th>input</th><th>SPEC</th><th>RABBITMQ (measured on 3.10.8; same source in 4.x)</th><th>LAVINMQ (source)</th></tr>
 *   <tr><td>malformed or overlong method arguments</td><td>502 SYNTAX_ERROR, the method's ids</td>
 *       <td>501 {@code FRAME_ERROR - cannot decode <<o1,o2,...>>} (the argument octets), the method's ids</td>
 *       <td>501 FRAME_ERROR with the explanation, ids 0/0</td></tr>
 *   <tr><td>malformed content header properties</td><td>502 SYNTAX_ERROR, 0/0</td>
 *       <td>541 {@code INTERNAL_ERROR}, 0/0</td><td>501 FRAME_ERROR, 0/0</td></tr>
 *   <tr><td>a short string argument that is not UTF-8, in a method without content</td><td>accepted</td>
 *       <td>501 {@code FRAME_ERROR - Malformed UTF-8 in shortstr}, 0/0</td><td>accepted</td></tr>
 * </table>
 *
 * Every accepted text keeps its octets (see {@link WireText}): RabbitMQ does not check {@code basic.publish}
 * (it skips content-bearing methods), properties or tables, and LavinMQ checks nothing; both compare names
 * by octets.
 */
public enum Dialect {
  /** The protocol specification's codes. */
  SPEC,
  /** RabbitMQ 3.x and 4.x ({@code rabbit_framing_amqp_0_9_1}, {@code rabbit_binary_parser}). */
  RABBITMQ,
  /** LavinMQ ({@code amq-protocol.cr}, {@code Client#read_loop}). */
  LAVINMQ
}
