package io.brokersim.amqp.server;

/**
 * Where one connection is (see {@link ConnectionStage}): the opening handshake, waiting for the broker to
 * create the connection, open, a close from either side, and finishing (flush, then close the socket).
 */
enum ConnectionPhase { HANDSHAKE, CONNECTING, RUNNING, CLIENT_CLOSING, SERVER_CLOSING, FINISHING }
