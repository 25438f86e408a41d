package io.brokersim.core.actor;

import io.brokersim.core.model.Permissions;

/**
 * Who a connection is, as its channels need to know: the broker's id for it ({@code conn-N}), the name the
 * client gave, the authenticated user, whether the client takes server-initiated {@code basic.cancel}, and what
 * the user may do in this vhost.
 */
record ConnectionInfo(String id, String clientName, String user, boolean cancelNotify, Permissions permissions) {}
