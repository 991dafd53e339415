package io.ferrum.driver;

/** How a long operation (deploy, clean, inspect, rescue, service) ended its call. */
public enum StepOutcome {
  /** Finished: the conductor moves the node on ({@code done}). */
  DONE,
  /**
   * Started, and waits for a callback (a ramdisk or an external inspector): the conductor moves the
   * node to the matching wait state and releases it; the callback continues the work.
   */
  WAIT
}
