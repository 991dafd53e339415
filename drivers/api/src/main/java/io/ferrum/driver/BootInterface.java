package io.ferrum.driver;

/** Prepares what a machine boots: the deployed instance or a ramdisk. */
public interface BootInterface extends HardwareInterface {

  /** Makes the deployed instance the thing the machine boots. */
  void prepareInstance(DriverNode node);

  /** Undoes {@link #prepareInstance}. */
  void cleanUpInstance(DriverNode node);
}
