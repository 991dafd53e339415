package io.ferrum.driver;

/** Out-of-band management: the boot device. */
public interface ManagementInterface extends HardwareInterface {

  /** The device the machine boots from next. */
  BootDevice getBootDevice(DriverNode node);

  /** Sets the boot device, for every boot ({@code persistent}) or the next one only. */
  void setBootDevice(DriverNode node, BootDevice device, boolean persistent);
}
