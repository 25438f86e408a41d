package io.brokersim.core.fault;

import com.typesafe.config.Config;

/**
 * Makes a custom {@link FaultAction} available to fault files under {@link #type()}; found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.brokersim.core.fault.FaultActionProvider}).
 */
public interface FaultActionProvider {

  /** The {@code action.type} value that selects this action. */
  String type();

  /** Builds the action from its {@code action { … }} block; throw IllegalArgumentException for bad settings. */
  FaultAction create(Config action);
}
