package io.ferrum.fsm;

/**
 * An {@link Action action} threw while an instance fired an event: an exit action of the state
 * left, an action of the transition, or an entry action of the state entered. The instance stays in
 * the state it was in, with the same target; the actions that ran before the failing one are not
 * undone. The action's exception is the cause.
 */
public final class ActionFailedException extends FsmException {
  private static final long serialVersionUID = 1L;

  private final String machine;
  private final transient FiredTransition transition;

  /**
   * Creates the exception.
   *
   * @param machine the machine's name
   * @param transition the transition that was being taken (and was not)
   * @param which which action failed, for the message (e.g. {@code "an exit action of \"a\""})
   * @param cause what the action threw
   */
  public ActionFailedException(
      String machine, FiredTransition transition, String which, Throwable cause) {
    super(
        "Machine \""
            + machine
            + "\": "
            + which
            + " failed on "
            + transition.from()
            + " --"
            + transition.event()
            + "--> "
            + transition.to()
            + "; the instance stays in \""
            + transition.from()
            + "\": "
            + cause,
        cause);
    this.machine = machine;
    this.transition = transition;
  }

  /** The name of the machine. */
  public String machine() {
    return machine;
  }

  /** The transition that was being taken; the instance is still in its {@code from} state. */
  public FiredTransition transition() {
    return transition;
  }
}
