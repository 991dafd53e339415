package io.ferrum.driver;

import java.util.EnumSet;
import java.util.Set;

/**
 * Out-of-band management: the boot device, and a non-maskable interrupt where the hardware has one.
 */
public interface ManagementInterface extends HardwareInterface {

  /** The device the machine boots from next. */
  BootDevice getBootDevice(DriverNode node);

  /** Sets the boot device, for every boot ({@code persistent}) or the next one only. */
  void setBootDevice(DriverNode node, BootDevice device, boolean persistent);

  /**
   * The devices {@link #setBootDevice} accepts for this node. The default: {@link BootDevice#PXE},
   * {@link BootDevice#DISK} and {@link BootDevice#CDROM}, the ones every hardware type can name.
   */
  default Set<BootDevice> supportedBootDevices(DriverNode node) {
    return EnumSet.of(BootDevice.PXE, BootDevice.DISK, BootDevice.CDROM);
  }

  /**
   * Sends the machine a non-maskable interrupt (to make its operating system dump a crashed
   * kernel). The default: not supported.
   *
   * @throws UnsupportedDriverOperationException if this hardware type cannot
   */
  default void injectNmi(DriverNode node) {
    throw new UnsupportedDriverOperationException(
        "Hardware type " + node.driver() + " can not inject a non-maskable interrupt");
  }
}
