package io.brokersim.core.fault;

import com.typesafe.config.Config;

/**
 * Makes {@link JitterFault} available to fault files as {@code type = jitter} through
 * {@code META-INF/services/io.brokersim.core.fault.FaultActionProvider} (test resources).
 */
public final class JitterFaultProvider implements FaultActionProvider {

  @Override
  public String type() {
    return "jitter";
  }

  @Override
  public FaultAction create(Config action) {
    return JitterFault.fromConfig(action);
  }
}
