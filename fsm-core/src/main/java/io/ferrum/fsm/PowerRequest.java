package io.ferrum.fsm;

import java.util.Optional;

/**
 * A power change a client may request: the {@code target} of Ironic's {@code PUT
 * /v1/nodes/{id}/states/power}, the event it fires in the {@link PowerMachine power machine}, and
 * the {@code target_power_state} a node shows while it runs.
 */
public enum PowerRequest {
  /** Turn the machine on. */
  POWER_ON("power on", "power on", PowerState.POWER_ON, false),
  /** Turn the machine off, hard. */
  POWER_OFF("power off", "power off", PowerState.POWER_OFF, false),
  /** Hard reboot; turns an off machine on. */
  REBOOT("rebooting", "reboot", PowerState.POWER_ON, false),
  /** Graceful reboot through the operating system (API 1.27 and later). */
  SOFT_REBOOT("soft rebooting", "soft reboot", PowerState.POWER_ON, true),
  /** Graceful shutdown through the operating system (API 1.27 and later). */
  SOFT_POWER_OFF("soft power off", "soft power off", PowerState.POWER_OFF, true);

  private final String apiTarget;
  private final String event;
  private final PowerState targetPowerState;
  private final boolean soft;

  PowerRequest(String apiTarget, String event, PowerState targetPowerState, boolean soft) {
    this.apiTarget = apiTarget;
    this.event = event;
    this.targetPowerState = targetPowerState;
    this.soft = soft;
  }

  /** The string a client sends as {@code target}. */
  public String apiTarget() {
    return apiTarget;
  }

  /** The event this request fires in the power machine. */
  public String event() {
    return event;
  }

  /** The {@code target_power_state} while the request runs, and the power state it ends in. */
  public PowerState targetPowerState() {
    return targetPowerState;
  }

  /** Whether this is a graceful request that takes a timeout. */
  public boolean isSoft() {
    return soft;
  }

  /** The request whose API target is {@code apiTarget}, if any. */
  public static Optional<PowerRequest> fromApiTarget(String apiTarget) {
    for (PowerRequest request : values()) {
      if (request.apiTarget.equals(apiTarget)) {
        return Optional.of(request);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return apiTarget;
  }
}
