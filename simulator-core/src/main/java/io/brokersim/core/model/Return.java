package io.brokersim.core.model;

/** Why a delivered message went back to its queue: what decides whether it counts as a failed delivery. */
public enum Return {
  /** {@code basic.nack(requeue=true)}. */
  NACK,
  /** {@code basic.reject(requeue=true)}. */
  REJECT,
  /** {@code basic.recover(requeue=true)}. */
  RECOVER,
  /** The consumer's channel or connection closed with the message unacknowledged. */
  CHANNEL_GONE,
  /** The consumer held it past its consumer timeout (the queue returned it). */
  TIMEOUT
}
