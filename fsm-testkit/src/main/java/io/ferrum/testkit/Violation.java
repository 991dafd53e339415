package io.ferrum.testkit;

import java.util.List;
import java.util.Objects;

/**
 * One broken rule: which check found it, in which state, why, and the shortest event sequence from
 * the initial state that shows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param check the name of the check that found it, as in {@link CheckResult#name()}
 * @param state the state the rule is broken in, or {@code null} when no single state is to blame
 * @param message what is wrong, in words
 * @param events the events that lead from the initial state to the violation, shortest found first
 *     to last; empty when the initial state itself shows it or no sequence applies
 */
public record Violation(String check, String state, String message, List<String> events) {

  /** Copies {@code events}. */
  public Violation {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(message, "message");
    events = List.copyOf(events);
  }

  /** The message, then the sequence that shows it, e.g. {@code ...; sequence: manage, provide}. */
  @Override
  public String toString() {
    return message
        + "; sequence from the initial state: "
        + (events.isEmpty() ? "(none)" : String.join(", ", events));
  }
}
