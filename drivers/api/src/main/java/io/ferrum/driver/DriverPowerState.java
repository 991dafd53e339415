package io.ferrum.driver;

/** The power state a driver reads from hardware. */
public enum DriverPowerState {
  /** The machine is on. */
  POWER_ON,
  /** The machine is off. */
  POWER_OFF,
  /** The hardware answered, but its state is an error or cannot be interpreted. */
  ERROR
}
