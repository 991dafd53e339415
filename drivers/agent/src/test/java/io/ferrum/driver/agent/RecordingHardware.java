package io.ferrum.driver.agent;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Power and management that record each call as a word ("power off", "boot pxe once"). */
final class RecordingHardware implements PowerInterface, ManagementInterface {

  final List<String> calls = new CopyOnWriteArrayList<>();
  volatile DriverPowerState power = DriverPowerState.POWER_ON;

  /** When set, every power change fails with this message. */
  volatile String powerFailure;

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    return power;
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    if (powerFailure != null) {
      throw new io.ferrum.driver.DriverException(powerFailure);
    }
    calls.add(target == DriverPowerState.POWER_ON ? "power on" : "power off");
    power = target;
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    calls.add("reboot");
    power = DriverPowerState.POWER_ON;
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    return BootDevice.DISK;
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    calls.add("boot " + device.value() + (persistent ? " persistent" : " once"));
  }
}
