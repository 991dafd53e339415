package io.ferrum.driver;

import java.util.List;

/** Puts an instance on a machine and takes it off again. */
public interface DeployInterface extends HardwareInterface {

  /** Deploys {@code instance_info}; {@link StepOutcome#WAIT} waits for a callback. */
  StepOutcome deploy(DriverNode node);

  /** Continues a deploy after its callback arrived. */
  default StepOutcome continueDeploy(DriverNode node) {
    return StepOutcome.DONE;
  }

  /** Removes the instance (powers off, detaches what deploy attached). */
  void tearDown(DriverNode node);

  /**
   * Removes what a deploy that ended in failure set up for itself (for example the files that boot
   * a deploy ramdisk), leaving the machine's power as it is. The conductor calls it once the deploy
   * failed, timed out waiting for its callback or was aborted; it must not fail when there is
   * nothing to remove. A failure is logged and ignored. The default does nothing.
   */
  default void cleanUp(DriverNode node) {}

  /** Takes over an instance that already runs, without touching it (adoption). */
  default void takeOver(DriverNode node) {}

  /** Runs service steps on a deployed machine; {@link StepOutcome#WAIT} waits for a callback. */
  default StepOutcome service(DriverNode node, List<Step> steps) {
    return StepOutcome.DONE;
  }
}
