package io.ferrum.conductor;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.util.List;
import java.util.function.Function;

/**
 * A node's out-of-band management through its hardware type's management interface: the boot device
 * (read, set, which are supported) and the non-maskable interrupt. Each call is a synchronous
 * conductor operation: it takes the node's exclusive lock (hardware interfaces are only ever called
 * under it), checks the node's configuration ({@code validate}), makes one hardware call within the
 * management interface's deadline, and releases the lock, whatever happens. Nothing is written to
 * the node. Thread-safe.
 *
 * <p>Errors: a node whose {@code driver_info} the interface refuses, an unsupported device or an
 * operation the hardware type lacks is an {@link InvalidParameterException}; a hardware call that
 * fails or passes its deadline is a {@link DriverFailedException} with the driver's reason.
 */
public final class NodeManagement {

  private final TaskManager tasks;

  NodeManagement(TaskManager tasks) {
    this.tasks = tasks;
  }

  /**
   * The device the node boots from next.
   *
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public BootDeviceState bootDevice(String ident) {
    BootDevice device =
        call(ident, "get boot device", (task) -> task.management.getBootDevice(task.node));
    return new BootDeviceState(device.value(), null);
  }

  /**
   * Sets the device the node boots from: for every boot ({@code persistent}) or the next one.
   *
   * @param device {@code pxe}, {@code disk} or {@code cdrom}, as the hardware type supports
   * @throws InvalidParameterException for a device the node's hardware type does not support
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public void setBootDevice(String ident, String device, boolean persistent) {
    call(
        ident,
        "set boot device",
        task -> {
          BootDevice chosen =
              BootDevice.fromValue(device)
                  .filter(d -> task.management.supportedBootDevices(task.node).contains(d))
                  .orElseThrow(
                      () ->
                          new InvalidParameterException(
                              "Invalid boot device "
                                  + device
                                  + " for node "
                                  + task.node.label()
                                  + "; supported: "
                                  + String.join(", ", names(task))));
          task.management.setBootDevice(task.node, chosen, persistent);
          return null;
        });
  }

  /**
   * The devices the node can boot from, by Ironic's names.
   *
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public List<String> supportedBootDevices(String ident) {
    return call(ident, "get supported boot devices", NodeManagement::names);
  }

  /**
   * Sends the node a non-maskable interrupt.
   *
   * @throws InvalidParameterException if its hardware type can not
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public void injectNmi(String ident) {
    call(
        ident,
        "inject nmi",
        task -> {
          task.management.injectNmi(task.node);
          return null;
        });
  }

  private static List<String> names(Call call) {
    return call.management.supportedBootDevices(call.node).stream()
        .sorted()
        .map(BootDevice::value)
        .toList();
  }

  /** What a management call works with: the interface (with its deadline) and the node. */
  private record Call(ManagementInterface management, io.ferrum.driver.DriverNode node) {}

  private <T> T call(String ident, String purpose, Function<Call, T> work) {
    try (Task task = tasks.acquire(ident, purpose, LockMode.EXCLUSIVE)) {
      ManagementInterface management = task.driver().management();
      Call call = new Call(management, task.driverNode());
      try {
        management.validate(call.node());
        return work.apply(call);
      } catch (InvalidDriverInfoException | UnsupportedDriverOperationException e) {
        throw new InvalidParameterException(e.getMessage(), e);
      } catch (DriverException e) {
        throw new DriverFailedException(
            "Could not " + purpose + " of node " + task.node().label() + ": " + e.getMessage(), e);
      }
    }
  }
}
