package io.ferrum.fsm;

import java.util.Optional;

/**
 * The events of Ironic's provision machine. The first thirteen are requested through the API; the
 * last five are fired by the conductor as work progresses ({@code clean} is also fired internally,
 * from {@code deleting}).
 */
public enum ProvisionEvent {
  /** Deploy an instance (API verbs {@code active} and {@code deploy}). */
  DEPLOY("deploy"),
  /** Deploy again over an existing or failed deployment. */
  REBUILD("rebuild"),
  /** Tear down the instance (API verbs {@code deleted} and {@code undeploy}). */
  DELETE("delete"),
  /** Verify the driver, or go back to {@code manageable}. */
  MANAGE("manage"),
  /** Clean and make available. */
  PROVIDE("provide"),
  /** Inspect the hardware. */
  INSPECT("inspect"),
  /** Run manual clean steps (and, internally, start cleaning after a tear-down). */
  CLEAN("clean"),
  /** Adopt a node that already runs an instance. */
  ADOPT("adopt"),
  /** Boot the rescue ramdisk. */
  RESCUE("rescue"),
  /** Leave rescue. */
  UNRESCUE("unrescue"),
  /** Stop what is waiting or held, moving to the failure state. */
  ABORT("abort"),
  /** Let a held deploy, clean or service continue. */
  UNHOLD("unhold"),
  /** Run service steps on a deployed node. */
  SERVICE("service"),
  /** The work of the current transient state finished. */
  DONE("done"),
  /** The work of the current transient state failed. */
  FAIL("fail"),
  /** The work now waits for a callback. */
  WAIT("wait"),
  /** A callback arrived; the work goes on. */
  RESUME("resume"),
  /** A step asked to pause. */
  HOLD("hold");

  private final String value;

  ProvisionEvent(String value) {
    this.value = value;
  }

  /** Ironic's string for this event. */
  public String value() {
    return value;
  }

  /** The event whose Ironic string is {@code value}, if any. */
  public static Optional<ProvisionEvent> fromValue(String value) {
    for (ProvisionEvent event : values()) {
      if (event.value.equals(value)) {
        return Optional.of(event);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
