package io.ferrum.fsm;

/**
 * A {@link TransitionListener listener} threw after an instance took a transition. The transition
 * stands: the instance has moved, and every other listener was told. The first listener's exception
 * is the cause; any further ones are {@linkplain Throwable#getSuppressed() suppressed} on it.
 */
public final class ListenerFailedException extends FsmException {
  private static final long serialVersionUID = 1L;

  private final String machine;
  private final transient FiredTransition transition;

  /** Creates the exception for {@code transition}, taken by an instance of {@code machine}. */
  public ListenerFailedException(String machine, FiredTransition transition, Throwable cause) {
    super(
        "Machine \""
            + machine
            + "\": a listener failed after "
            + transition.from()
            + " --"
            + transition.event()
            + "--> "
            + transition.to()
            + " (the transition stands): "
            + cause,
        cause);
    this.machine = machine;
    this.transition = transition;
  }

  /** The name of the machine. */
  public String machine() {
    return machine;
  }

  /** The transition that was taken. */
  public FiredTransition transition() {
    return transition;
  }
}
