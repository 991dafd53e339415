package io.ferrum.conductor;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.InvalidRaidConfigException;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.util.Map;

/**
 * A node's RAID configuration (Ironic's {@code PUT /v1/nodes/{node}/states/raid}): the target
 * configuration its RAID interface is asked to build. Setting it takes the node's exclusive lock,
 * has the node's RAID interface check it ({@link
 * io.ferrum.driver.RaidInterface#validateRaidConfig}, within the validate deadline), writes it and
 * releases the lock in one transaction, then emits {@code baremetal.node.update.end}; when the call
 * returns, the change is committed. As in Ironic, the provision state does not matter, and the
 * current configuration ({@link Node#raidConfig()}) is left to the RAID interface. Thread-safe.
 */
public final class NodeRaid {

  private final TaskManager tasks;

  NodeRaid(TaskManager tasks) {
    this.tasks = tasks;
  }

  /**
   * Sets the node's target RAID configuration; an empty one clears it, on any node, without a check
   * (as in Ironic).
   *
   * @return the node as stored afterwards
   * @throws UnsupportedInterfaceException if {@code config} is not empty and the node's RAID
   *     interface is {@code no-raid}
   * @throws InvalidParameterException naming the field of {@code config} that breaks a rule of
   *     Ironic's RAID schema or of the RAID interface
   * @throws DriverFailedException if the RAID interface failed to answer (or within its deadline)
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public Node setTargetConfig(String ident, Map<String, Object> config) {
    Map<String, Object> target = config == null ? Map.of() : config;
    try (Task task = tasks.acquire(ident, "set target RAID config", LockMode.EXCLUSIVE)) {
      Node node = task.node();
      if (!target.isEmpty()) {
        String chosen = NodeInterfaces.of(task.driver(), node.attributes(), "raid");
        if (chosen == null || HardwareInterfaces.unsupported(chosen)) {
          throw new UnsupportedInterfaceException(
              "Driver " + node.driver() + " does not support raid (disabled or not implemented).");
        }
        try {
          task.driver().raid().validateRaidConfig(task.driverNode(), target);
        } catch (InvalidRaidConfigException
            | InvalidDriverInfoException
            | UnsupportedDriverOperationException e) {
          throw new InvalidParameterException(e.getMessage(), e);
        } catch (DriverException e) {
          throw new DriverFailedException(
              "Could not check the target RAID configuration of node "
                  + node.label()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
      task.writeThenNotify(
          "set target RAID config of",
          Map.of("target_raid_config", target),
          null,
          true,
          "update",
          "end",
          Map.of());
      return task.node();
    }
  }
}
