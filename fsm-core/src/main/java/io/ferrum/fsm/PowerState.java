package io.ferrum.fsm;

import java.util.Optional;

/**
 * Ironic's power states. A node's stored {@code power_state} is only ever {@code power on}, {@code
 * power off}, {@code error} or none (unknown); the three others exist while a request runs and show
 * as its {@code target_power_state}.
 */
public enum PowerState {
  /** Stable. The machine is on. */
  POWER_ON("power on", "power on", null),
  /** Stable. The machine is off. */
  POWER_OFF("power off", "power off", null),
  /** Transient, aims at {@code power on}: a hard reboot is in progress. */
  REBOOTING("rebooting", "rebooting", "power on"),
  /** Transient, aims at {@code power on}: a graceful reboot is in progress. */
  SOFT_REBOOTING("soft rebooting", "soft rebooting", "power on"),
  /** Transient, aims at {@code power off}: a graceful shutdown is in progress. */
  SOFT_POWER_OFF("soft power off", "soft power off", "power off"),
  /** Stable. The driver could not tell or could not change the power state. */
  ERROR("error", "error", null),
  /** Stable. Unknown: never read yet. Shown as JSON {@code null} by the API. */
  NONE(null, "none", null);

  private final String value;
  private final String stateName;
  private final String targetName;

  PowerState(String value, String stateName, String targetName) {
    this.value = value;
    this.stateName = stateName;
    this.targetName = targetName;
  }

  /** Ironic's string for this state, or {@code null} for {@link #NONE}. */
  public String value() {
    return value;
  }

  /** The state's name in the {@link PowerMachine power machine} ({@code "none"} for NONE). */
  public String stateName() {
    return stateName;
  }

  /** Whether this is a stable state. */
  public boolean isStable() {
    return targetName == null;
  }

  /** The stable state this transient state aims at; empty for a stable state. */
  public Optional<PowerState> target() {
    return targetName == null ? Optional.empty() : fromStateName(targetName);
  }

  /** The state with Ironic string {@code value}; {@code null} gives {@link #NONE}. */
  public static Optional<PowerState> fromValue(String value) {
    if (value == null) {
      return Optional.of(NONE);
    }
    for (PowerState state : values()) {
      if (value.equals(state.value)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  /** The state called {@code name} in the power machine. */
  public static Optional<PowerState> fromStateName(String name) {
    for (PowerState state : values()) {
      if (state.stateName.equals(name)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return stateName;
  }
}
