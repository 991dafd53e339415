package io.ferrum.driver;

import java.util.List;

/** Cleans a machine between tenants (automated) or on request (manual, with steps). */
public interface CleanInterface extends HardwareInterface {

  /**
   * Runs clean steps.
   *
   * @param steps the steps a manual clean asked for; empty for automated cleaning, where the driver
   *     runs its own default steps
   * @param automated whether this is automated cleaning (after provide or a tear-down)
   */
  StepOutcome clean(DriverNode node, List<Step> steps, boolean automated);

  /** Continues cleaning after its callback arrived. */
  default StepOutcome continueClean(DriverNode node) {
    return StepOutcome.DONE;
  }

  /**
   * Ends a cleaning that failed, timed out waiting for its callback or was aborted: powers the
   * machine off and removes what cleaning set up (for example the files that boot a deploy
   * ramdisk). It must not fail when there is nothing to undo. A failure is logged and ignored. The
   * default does nothing.
   */
  default void tearDownCleaning(DriverNode node) {}
}
