package io.ferrum.fsm;

import java.util.Set;

/**
 * An instance was asked to fire an event its current state does not allow, or to aim at a target
 * that is not a stable state. The instance is left exactly as it was.
 */
public final class InvalidTransitionException extends FsmException {
  private static final long serialVersionUID = 1L;

  private final String machine;
  private final String state;
  private final String event;

  public InvalidTransitionException(
      String machine, String state, String event, Set<String> allowedEvents) {
    super(
        "Event \""
            + event
            + "\" is not allowed in state \""
            + state
            + "\" of machine \""
            + machine
            + "\""
            + (allowedEvents.isEmpty()
                ? " (no event is allowed there)"
                : " (allowed: " + String.join(", ", allowedEvents) + ")"));
    this.machine = machine;
    this.state = state;
    this.event = event;
  }

  InvalidTransitionException(String machine, String state, String event, String message) {
    super(message);
    this.machine = machine;
    this.state = state;
    this.event = event;
  }

  /** The name of the machine whose instance refused the event. */
  public String machine() {
    return machine;
  }

  /** The state the instance was (and still is) in. */
  public String state() {
    return state;
  }

  /** The refused event. */
  public String event() {
    return event;
  }
}
