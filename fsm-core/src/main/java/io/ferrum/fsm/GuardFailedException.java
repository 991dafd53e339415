package io.ferrum.fsm;

/**
 * A {@link Guard guard} threw while an instance chose a transition. The instance is left exactly as
 * it was; the guard's exception is the cause.
 */
public final class GuardFailedException extends FsmException {
  private static final long serialVersionUID = 1L;

  private final String machine;
  private final String state;
  private final String event;
  private final String guard;

  /** Creates the exception for the guard called {@code guard} of {@code state --event-->}. */
  public GuardFailedException(
      String machine, String state, String event, String guard, Throwable cause) {
    super(
        "Guard \""
            + guard
            + "\" failed on event \""
            + event
            + "\" in state \""
            + state
            + "\" of machine \""
            + machine
            + "\": "
            + cause,
        cause);
    this.machine = machine;
    this.state = state;
    this.event = event;
    this.guard = guard;
  }

  /** The name of the machine. */
  public String machine() {
    return machine;
  }

  /** The state the instance was (and still is) in. */
  public String state() {
    return state;
  }

  /** The event being fired. */
  public String event() {
    return event;
  }

  /** The name of the guard that threw. */
  public String guard() {
    return guard;
  }
}
