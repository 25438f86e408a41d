package io.brokersim.core.actor;

/**
 * Who a connection is, as its channels need to know: the broker's id for it ({@code conn-N}), the name the
 * client gave, the authenticated user, and whether the client takes server-initiated {@code basic.cancel}.
 */
record ConnectionInfo(String id, String clientName, String user, boolean cancelNotify) {}
