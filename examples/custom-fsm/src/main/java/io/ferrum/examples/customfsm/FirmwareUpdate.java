package io.ferrum.examples.customfsm;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.export.MermaidExport;
import java.util.List;

/**
 * A device's firmware update as a state machine of its own, built with fsm-core's public API.
 *
 * <p>A device runs its firmware ({@code running}). An update is downloaded ({@code downloading}, a
 * transient state heading for {@code staged}), then installed: {@code flashing}, and {@code reboot
 * wait} until the device comes back with the new firmware. Downloading and waiting for the reboot
 * are wait states: a timeout leaves them along {@code fail} and a user along {@code abort}. A
 * failed update can be retried, or the device retired, which is where its life ends.
 */
public final class FirmwareUpdate {

  /** The states in which the device waits on something outside it. */
  public static final List<String> WAIT_STATES = List.of("downloading", "reboot wait");

  /** The event a timeout fires in a wait state. */
  public static final String FAIL = "fail";

  /** The event a user fires to leave a wait state. */
  public static final String ABORT = "abort";

  /** Where a device's life ends: nothing leaves it. */
  public static final String RETIRED = "retired";

  /** The machine. */
  public static final MachineDefinition DEFINITION =
      MachineDefinition.builder("firmware update")
          .stableState("running")
          .transientState("downloading", "staged")
          .stableState("staged")
          .transientState("flashing", "running")
          .transientState("reboot wait", "running")
          .transientState("rolling back", "running")
          .stableState("update failed")
          .stableState(RETIRED)
          .initialState("running")
          .transition("running", "download", "downloading")
          .transition("running", "retire", RETIRED)
          .transition("downloading", "done", "staged")
          .transition("downloading", FAIL, "update failed")
          .transition("downloading", ABORT, "running")
          .transition("staged", "install", "flashing")
          .transition("staged", "discard", "running")
          .transition("flashing", "done", "reboot wait")
          .transition("flashing", FAIL, "update failed")
          .transition("reboot wait", "booted", "running")
          .transition("reboot wait", FAIL, "update failed")
          .transition("reboot wait", ABORT, "rolling back")
          .transition("rolling back", "done", "running")
          .transition("rolling back", FAIL, "update failed")
          .transition("update failed", "retry", "downloading")
          .transition("update failed", "retire", RETIRED)
          .build();

  private FirmwareUpdate() {}

  /** Prints the machine as a Mermaid state diagram (the one in this example's README). */
  public static void main(String[] args) {
    System.out.print(MermaidExport.write(DEFINITION));
  }
}
