package io.ferrum.driver;

/** Boots a deployed machine into a rescue environment and back. */
public interface RescueInterface extends HardwareInterface {

  /** Boots the rescue ramdisk; {@link StepOutcome#WAIT} waits for it to call back. */
  StepOutcome rescue(DriverNode node);

  /** Boots the instance again. */
  void unrescue(DriverNode node);
}
