package io.ferrum.fsm;

import java.util.Optional;

/**
 * Ironic's provision states, with Ironic's string values. Stable states are where a node rests;
 * each transient state aims at a stable one, which a node shows as its {@code
 * target_provision_state} while it is there.
 */
public enum ProvisionState {
  /** Stable. A node is created here (API 1.11 and later); its driver is not yet verified. */
  ENROLL("enroll", null),
  /** Stable. Verified and under the operator's control; inspection and adoption start here. */
  MANAGEABLE("manageable", null),
  /** Stable. Cleaned and ready to be deployed; nodes start here for API versions before 1.11. */
  AVAILABLE("available", null),
  /** Stable. Deployed: an instance runs on the node. */
  ACTIVE("active", null),
  /** Stable. Tearing down an instance failed; only rebuild or delete get out of it. */
  ERROR("error", null),
  /** Stable. Booted into the rescue ramdisk. */
  RESCUE("rescue", null),
  /** Transient, aims at {@code manageable}: the driver's credentials are being checked. */
  VERIFYING("verifying", "manageable"),
  /** Transient, aims at {@code active}: the instance is being deployed. */
  DEPLOYING("deploying", "active"),
  /** Transient, aims at {@code active}: waiting for the deploy ramdisk to call back. */
  WAIT_CALL_BACK("wait call-back", "active"),
  /** Transient, aims at {@code active}: deployment failed; rebuild, deploy again or delete. */
  DEPLOY_FAILED("deploy failed", "active"),
  /** Transient, aims at {@code active}: deployment paused by a deploy step until unheld. */
  DEPLOY_HOLD("deploy hold", "active"),
  /** Transient, aims at {@code available}: clean steps are running. */
  CLEANING("cleaning", "available"),
  /** Transient, aims at {@code available}: waiting for the cleaning ramdisk to call back. */
  CLEAN_WAIT("clean wait", "available"),
  /** Transient, aims at {@code available}: cleaning failed; manage it to try again. */
  CLEAN_FAILED("clean failed", "available"),
  /** Transient, aims at {@code available}: cleaning paused by a clean step until unheld. */
  CLEAN_HOLD("clean hold", "available"),
  /** Transient, aims at {@code available}: the instance is being torn down. */
  DELETING("deleting", "available"),
  /** Transient, aims at {@code manageable}: hardware is being inspected. */
  INSPECTING("inspecting", "manageable"),
  /** Transient, aims at {@code manageable}: inspection failed; inspect again or manage. */
  INSPECT_FAILED("inspect failed", "manageable"),
  /** Transient, aims at {@code manageable}: waiting for an out-of-band inspector's result. */
  INSPECT_WAIT("inspect wait", "manageable"),
  /** Transient, aims at {@code active}: an already running instance is being adopted. */
  ADOPTING("adopting", "active"),
  /** Transient, aims at {@code active}: adoption failed; adopt again or manage. */
  ADOPT_FAILED("adopt failed", "active"),
  /** Transient, aims at {@code rescue}: the rescue ramdisk is being booted. */
  RESCUING("rescuing", "rescue"),
  /** Transient, aims at {@code rescue}: waiting for the rescue ramdisk to call back. */
  RESCUE_WAIT("rescue wait", "rescue"),
  /** Transient, aims at {@code rescue}: rescue failed; rescue again, unrescue or delete. */
  RESCUE_FAILED("rescue failed", "rescue"),
  /** Transient, aims at {@code active}: leaving rescue, booting the instance again. */
  UNRESCUING("unrescuing", "active"),
  /** Transient, aims at {@code active}: unrescue failed; rescue, unrescue or delete. */
  UNRESCUE_FAILED("unrescue failed", "active"),
  /** Transient, aims at {@code active}: service steps run on a deployed node. */
  SERVICING("servicing", "active"),
  /** Transient, aims at {@code active}: waiting for the servicing ramdisk to call back. */
  SERVICE_WAIT("service wait", "active"),
  /** Transient, aims at {@code active}: servicing failed; service again, abort, rescue, delete. */
  SERVICE_FAILED("service failed", "active"),
  /** Transient, aims at {@code active}: servicing paused by a service step until unheld. */
  SERVICE_HOLD("service hold", "active");

  private final String value;
  private final String targetValue;

  ProvisionState(String value, String targetValue) {
    this.value = value;
    this.targetValue = targetValue;
  }

  /** Ironic's string for this state, as stored and shown by the API. */
  public String value() {
    return value;
  }

  /** Whether this is a stable state. */
  public boolean isStable() {
    return targetValue == null;
  }

  /** The stable state this transient state aims at; empty for a stable state. */
  public Optional<ProvisionState> target() {
    return targetValue == null ? Optional.empty() : fromValue(targetValue);
  }

  /** The state whose Ironic string is {@code value}, if any. */
  public static Optional<ProvisionState> fromValue(String value) {
    for (ProvisionState state : values()) {
      if (state.value.equals(value)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
