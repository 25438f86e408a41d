package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.trace.EventSink;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.TraceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code brokersim serve}'s log of faults: one INFO line per fault that fires, naming the rule, its boundary, what
 * it did and to what, the message and its correlation_id, so a person watching a server sees each injected failure
 * as it happens.
 */
final class FaultLog implements EventSink {

  private static final Logger log = LoggerFactory.getLogger(FaultLog.class);

  private final FaultInjector faults;
  private final FateLedger ledger;

  /** {@code ledger} (may be null) supplies the correlation_id of the message a fault hit. */
  FaultLog(FaultInjector faults, FateLedger ledger) {
    this.faults = faults;
    this.ledger = ledger;
  }

  @Override
  public void accept(long seq, long virtualNanos, TraceEvent event) {
    if (event instanceof TraceEvent.FaultInjected f && log.isInfoEnabled()) {
      log.info(line(f));
    }
  }

  /** {@code fault rule 'r' fired at routed (drop) on exchange:x, message conn-1/ch-1#3, correlation_id 'c'}. */
  String line(TraceEvent.FaultInjected f) {
    String boundary = faults.armed(f.rule()).map(a -> a.rule()).map(FaultRule::at).map(b -> b.configName())
        .orElse("?");
    StringBuilder b = new StringBuilder("fault rule '").append(f.rule()).append("' fired at ").append(boundary)
        .append(" (").append(f.action()).append(')');
    if (f.target() != null) {
      b.append(" on ").append(f.target());
    }
    if (f.msgId() != null) {
      b.append(", message ").append(f.msgId());
      String correlationId = ledger == null ? null : ledger.correlationIdOf(f.msgId());
      b.append(correlationId == null ? ", no correlation_id" : ", correlation_id '" + correlationId + "'");
    }
    if (f.newMsgId() != null) {
      b.append(", new message ").append(f.newMsgId());
    }
    return b.toString();
  }
}
