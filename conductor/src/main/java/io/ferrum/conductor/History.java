package io.ferrum.conductor;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds one {@link HistoryEvent} row: {@code History.of("provisioning").event("deploy").states(
 * "available", "deploying", "active").since(then).by(ctx)}. Not thread-safe; used once.
 */
final class History {

  private final String type;
  private String event;
  private String from;
  private String to;
  private String target;
  private String severity = "INFO";
  private String message;
  private Throwable failure;
  private Instant since;

  private History(String type) {
    this.type = type;
  }

  /** A row of kind {@code type}: {@code provisioning}, {@code power}, {@code fault}, ... */
  static History of(String type) {
    return new History(type);
  }

  History event(String value) {
    this.event = value;
    return this;
  }

  /** The state before, the state after, and the target after (each may be {@code null}). */
  History states(String fromState, String toState, String targetState) {
    this.from = fromState;
    this.to = toState;
    this.target = targetState;
    return this;
  }

  /** An informational message. */
  History info(String value) {
    this.message = value;
    return this;
  }

  /** Marks the row as an error, with its reason and the exception behind it (may be null). */
  History error(String reason, Throwable cause) {
    this.severity = "ERROR";
    this.message = reason;
    this.failure = cause;
    return this;
  }

  /** When the node entered the state it leaves now; the row records how long it stayed. */
  History since(Instant value) {
    this.since = value;
    return this;
  }

  /** The row, written by {@code ctx}'s conductor now. */
  HistoryEvent by(ConductorContext ctx) {
    Instant now = ctx.now();
    return new HistoryEvent(
        UUID.randomUUID().toString(),
        ctx.name,
        type,
        event,
        from,
        to,
        target,
        severity,
        message,
        failure == null ? null : failure.getClass().getName(),
        since == null ? null : Duration.between(since, now).toMillis(),
        now);
  }
}
