package io.ferrum.driver;

import java.time.Duration;

/** Reads and changes a machine's power. */
public interface PowerInterface extends HardwareInterface {

  /** The current power state, read from the hardware. */
  DriverPowerState getPowerState(DriverNode node);

  /**
   * Turns the machine on or off. Returns once the hardware reports {@code target}.
   *
   * @param target {@link DriverPowerState#POWER_ON} or {@link DriverPowerState#POWER_OFF}
   * @param soft for power off: shut down through the operating system instead of cutting power
   * @param timeout for a soft power off: how long to wait for the operating system
   */
  void setPowerState(DriverNode node, DriverPowerState target, boolean soft, Duration timeout);

  /** Reboots (hard, or soft through the operating system within {@code timeout}). */
  void reboot(DriverNode node, boolean soft, Duration timeout);
}
