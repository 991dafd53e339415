package io.ferrum.driver;

import java.util.Locale;
import java.util.Optional;

/**
 * Devices a machine can boot from, with Ironic's names. A hardware type lists the ones it offers in
 * {@link ManagementInterface#supportedBootDevices}; {@link #BIOS} and {@link #SAFE} are offered
 * only by hardware types that say so.
 */
public enum BootDevice {
  /** Network boot. */
  PXE,
  /** The local disk. */
  DISK,
  /** A CD/DVD drive or virtual media. */
  CDROM,
  /** The firmware's setup screen. */
  BIOS,
  /** The local disk in the firmware's safe mode (IPMI's "safe"). */
  SAFE;

  /** Ironic's name: {@code pxe}, {@code disk}, {@code cdrom}, {@code bios} or {@code safe}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The device with Ironic name {@code value}, if any. */
  public static Optional<BootDevice> fromValue(String value) {
    for (BootDevice device : values()) {
      if (device.value().equals(value)) {
        return Optional.of(device);
      }
    }
    return Optional.empty();
  }
}
