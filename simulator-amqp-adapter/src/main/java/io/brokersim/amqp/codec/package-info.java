/**
 * AMQP 0-9-1 wire codec: frames, one record per method of every class, content headers with the 14
 * {@code basic} properties, and field tables.
 *
 * <p>{@link io.brokersim.amqp.codec.MethodTable} is the protocol as data; {@link
 * io.brokersim.amqp.codec.MethodCodec} encodes and decodes method arguments from it, and
 * {@code MethodTableTest} and {@code JavaClientCodecTest} check both against the RabbitMQ Java client. {@link
 * io.brokersim.amqp.codec.FrameDecoder} turns arbitrary chunks of bytes into whole frames and reports
 * malformed input as a {@link io.brokersim.amqp.codec.CodecError} carrying the reply code for the
 * {@code connection.close}; {@link io.brokersim.amqp.codec.FrameEncoder} does the reverse, splitting
 * bodies at frame-max without copying them.
 */
package io.brokersim.amqp.codec;
