package io.brokersim.core.trace;

/** One recorded event: its sequence number (from 1, gap-free per {@link Trace}) and virtual time. */
public record TraceRecord(long seq, long virtualNanos, TraceEvent event) {}
