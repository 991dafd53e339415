package io.ferrum.driver;

import java.util.Locale;
import java.util.Optional;

/** Devices a machine can boot from, with Ironic's names. */
public enum BootDevice {
  /** Network boot. */
  PXE,
  /** The local disk. */
  DISK,
  /** A CD/DVD drive or virtual media. */
  CDROM;

  /** Ironic's name: {@code pxe}, {@code disk} or {@code cdrom}. */
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
