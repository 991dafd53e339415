package io.ferrum.conductor;

/**
 * The device a machine boots from next, as Ironic shows it. Immutable.
 *
 * @param bootDevice {@code pxe}, {@code disk} or {@code cdrom}
 * @param persistent whether it stays for every boot; {@code null} when the hardware does not say
 */
public record BootDeviceState(String bootDevice, Boolean persistent) {}
