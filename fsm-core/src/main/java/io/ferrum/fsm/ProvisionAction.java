package io.ferrum.fsm;

/**
 * The work behind the transitions of the {@link ProvisionMachine provision machine}: each one
 * labels the transitions that lead into a transient state where a conductor must do something. The
 * conductor maps each to its own flow; fsm-core never runs them.
 */
public enum ProvisionAction implements TransitionAction {
  /** Check the driver's credentials and reachability ({@code manage} from {@code enroll}). */
  VERIFY("verify"),
  /** Deploy (or redeploy) the instance, or continue a deploy after a callback. */
  DEPLOY("deploy"),
  /** Tear the instance down before cleaning. */
  TEAR_DOWN("tear_down"),
  /**
   * Run clean steps: automated after {@code provide} or a tear-down, manual after {@code clean}.
   */
  CLEAN("clean"),
  /** Inspect the hardware. */
  INSPECT("inspect"),
  /** Take over an instance that already runs. */
  ADOPT("adopt"),
  /** Boot the rescue ramdisk. */
  RESCUE("rescue"),
  /** Boot the instance again after rescue. */
  UNRESCUE("unrescue"),
  /** Run service steps. */
  SERVICE("service");

  private final String id;

  ProvisionAction(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }
}
