package io.ferrum.testkit;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small, correct hardware type with power and management, into which one bug can be planted, to
 * show that the conformance suite finds it. Its one required key, {@code address}, names the
 * machine; address {@value #UNREACHABLE} answers nothing. Thread-safe.
 */
final class PlantedBugHardware implements HardwareType, PowerInterface, ManagementInterface {

  /** The bugs that can be planted. */
  enum Bug {
    NONE,
    /** Power on returns but leaves the machine off. */
    POWER_ON_DOES_NOT_STICK,
    /** Reading the boot device never returns (until interrupted). */
    BOOT_DEVICE_HANGS,
    /** An unreachable machine fails with a bare RuntimeException. */
    BARE_RUNTIME_EXCEPTION
  }

  static final String UNREACHABLE = "192.0.2.1";

  private final Bug bug;
  private final Map<String, DriverPowerState> power = new ConcurrentHashMap<>();
  private final Map<String, BootDevice> boot = new ConcurrentHashMap<>();

  PlantedBugHardware(Bug bug) {
    this.bug = bug;
  }

  @Override
  public String name() {
    return "planted-" + bug.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public PowerInterface power() {
    return this;
  }

  @Override
  public ManagementInterface management() {
    return this;
  }

  @Override
  public Map<String, String> driverProperties() {
    return Map.of("address", "The machine's address. Required.");
  }

  @Override
  public void validate(DriverNode node) {
    node.requireInfo("address");
  }

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    return power.getOrDefault(reach(node), DriverPowerState.POWER_OFF);
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    String address = reach(node);
    if (!(bug == Bug.POWER_ON_DOES_NOT_STICK && target == DriverPowerState.POWER_ON)) {
      power.put(address, target);
    }
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    power.put(reach(node), DriverPowerState.POWER_ON);
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    String address = reach(node);
    if (bug == Bug.BOOT_DEVICE_HANGS) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DriverException("interrupted while reading the boot device", e);
      }
    }
    return boot.getOrDefault(address, BootDevice.PXE);
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    boot.put(reach(node), device);
  }

  private String reach(DriverNode node) {
    String address = node.requireInfo("address");
    if (address.equals(UNREACHABLE)) {
      String message = "no answer from " + address + " for node " + node.label();
      throw bug == Bug.BARE_RUNTIME_EXCEPTION
          ? new RuntimeException(message)
          : new DriverException(message);
    }
    return address;
  }
}
