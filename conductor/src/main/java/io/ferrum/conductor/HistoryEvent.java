package io.ferrum.conductor;

import java.time.Instant;

/**
 * One row of a node's history: a transition, a power change, or a fault record.
 *
 * @param uuid the row's UUID
 * @param conductor the conductor that wrote it
 * @param eventType {@code provisioning}, {@code power}, {@code fault}, ...
 * @param event the machine event, or {@code null}
 * @param fromState the state before, or {@code null}
 * @param toState the state after, or {@code null}
 * @param targetState the target after, or {@code null}
 * @param severity {@code INFO} or {@code ERROR}
 * @param message a human-readable message, or {@code null}; masked with {@link Secrets#maskText}
 *     when the row is made, so a row never holds a secret whoever builds it
 * @param exceptionClass for a fault, the exception's class, or {@code null}
 * @param durationMillis time spent in the previous state, or {@code null}
 * @param createdAt when it happened
 */
public record HistoryEvent(
    String uuid,
    String conductor,
    String eventType,
    String event,
    String fromState,
    String toState,
    String targetState,
    String severity,
    String message,
    String exceptionClass,
    Long durationMillis,
    Instant createdAt) {

  public HistoryEvent {
    message = Secrets.maskText(message);
  }
}
