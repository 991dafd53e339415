package io.ferrum.conductor;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.Inspection;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.ProvisionState;
import java.util.List;
import java.util.Map;

/**
 * The work behind each provision action, written once for every driver: each flow calls the node's
 * hardware interfaces and fires the follow-up event ({@code done}, {@code wait}, {@code clean},
 * {@code manage}). Flows run in a worker, under the node's reservation, after the event that
 * started them was committed; any exception they throw is handled by the task's job.
 *
 * <p>Stateless and thread-safe.
 */
final class ProvisionFlows {

  private ProvisionFlows() {}

  /**
   * The work for {@code request} ({@code null}: a callback, which brings no steps): chosen, once
   * the event is applied, by the action it carries.
   */
  static Task.Work work(ProvisionRequest request) {
    return (task, applied) -> {
      if (applied.action() == null) {
        // abort, unhold, manage from a failed state...: the event was the whole change, but an
        // aborted deploy or cleaning leaves behind what it set up.
        if ("abort".equals(applied.event())) {
          RamdiskCleanup.after(task, applied.from());
        }
        return;
      }
      switch (applied.action().id()) {
        case "verify" -> verify(task);
        case "deploy" -> undoingOnFailure(task, () -> deploy(task, applied, request));
        case "tear_down" -> tearDown(task);
        case "clean" ->
            undoingOnFailure(
                task,
                () -> clean(task, applied, request == null ? List.of() : request.cleanSteps()));
        case "inspect" -> inspect(task);
        case "adopt" -> adopt(task);
        case "rescue" -> rescue(task);
        case "unrescue" -> unrescue(task);
        case "service" -> service(task, request == null ? List.of() : request.serviceSteps());
        default -> throw new IllegalStateException("No flow for action " + applied.action().id());
      }
    };
  }

  /**
   * Runs a deploy or cleaning flow; if it fails, the driver undoes what it set up ({@link
   * RamdiskCleanup}) before the failure goes on to the job, which records it. Not when the node's
   * reservation was lost: the node is no longer this task's to touch.
   */
  private static void undoingOnFailure(Task task, Runnable flow) {
    String from = task.node().provisionState();
    try {
      flow.run();
    } catch (LockLostException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      if (!(e instanceof VirtualMachineError)) {
        RamdiskCleanup.after(task, from);
      }
      throw e;
    }
  }

  /** enroll --manage--> verifying: the driver can reach the hardware. */
  private static void verify(Task task) {
    HardwareType driver = task.driver();
    DriverNode node = task.driverNode();
    driver.power().validate(node);
    try {
      driver.management().validate(node);
    } catch (io.ferrum.driver.UnsupportedDriverOperationException e) {
      // A hardware type without boot device management can still be verified: power is enough.
    }
    task.processEvent("done", driver.power().getPowerState(node));
  }

  /**
   * deploy / rebuild, or resume after the deploy ramdisk called back. As in Ironic, the request's
   * config drive and deploy steps are stored first, before any driver call.
   */
  private static void deploy(Task task, FiredTransition applied, ProvisionRequest request) {
    if (!"resume".equals(applied.event()) && request != null && request.hasDeployInput()) {
      storeDeployInput(task, request);
    }
    HardwareType driver = task.driver();
    DriverNode node = task.driverNode();
    StepOutcome outcome;
    if ("resume".equals(applied.event())) {
      outcome = driver.deploy().continueDeploy(node);
    } else {
      driver.deploy().validate(node);
      driver.boot().validate(node);
      driver.boot().prepareInstance(node);
      outcome = driver.deploy().deploy(node);
    }
    if (outcome == StepOutcome.WAIT) {
      waitForCallback(task, driver, node);
      return;
    }
    task.processEvent("done", driver.power().getPowerState(node));
  }

  /**
   * Writes {@code instance_info.configdrive} and {@code driver_internal_info.user_deploy_steps}
   * from {@code request}, in one write under the node's reservation.
   */
  private static void storeDeployInput(Task task, ProvisionRequest request) {
    Map<String, Object> columns = new java.util.HashMap<>();
    if (request.configDrive() != null) {
      Map<String, Object> info = new java.util.LinkedHashMap<>(task.node().instanceInfo());
      info.put("configdrive", request.configDrive());
      columns.put("instance_info", info);
    }
    if (!request.deploySteps().isEmpty()) {
      Map<String, Object> internal =
          new java.util.LinkedHashMap<>(task.node().driverInternalInfo());
      internal.put(USER_DEPLOY_STEPS, request.deploySteps());
      columns.put("driver_internal_info", internal);
    }
    task.write("update", columns, null, false);
  }

  /** Where a manual cleaning's steps are recorded in {@code driver_internal_info}, as in Ironic. */
  static final String CLEAN_STEPS = "clean_steps";

  private static Map<String, Object> stepRecord(Step step) {
    Map<String, Object> record = new java.util.LinkedHashMap<>();
    record.put("interface", step.interfaceName());
    record.put("step", step.name());
    record.put("args", step.args());
    return record;
  }

  /** Where a deploy's user steps are recorded in {@code driver_internal_info}, as in Ironic. */
  static final String USER_DEPLOY_STEPS = "user_deploy_steps";

  /** active (and friends) --delete--> deleting, then automated cleaning. */
  private static void tearDown(Task task) {
    HardwareType driver = task.driver();
    DriverNode node = task.driverNode();
    driver.deploy().tearDown(node);
    driver.boot().cleanUpInstance(node);
    // As Ironic does: the instance is gone, so is what described it (and the steps it asked for).
    Map<String, Object> internal = new java.util.LinkedHashMap<>(task.node().driverInternalInfo());
    Map<String, Object> gone = new java.util.HashMap<>();
    gone.put("instance_info", Map.of());
    if (internal.remove(USER_DEPLOY_STEPS) != null) {
      gone.put("driver_internal_info", internal);
    }
    String allocation = task.node().allocationUuid();
    if (allocation != null || task.node().instanceUuid() != null) {
      // So is its allocation: the node is no longer associated with it.
      gone.put("instance_uuid", null);
      gone.put("allocation_uuid", null);
    }
    FiredTransition cleaning = task.processEvent("clean", driver.power().getPowerState(node), gone);
    if (allocation != null) {
      Allocations.forget(task.ctx, allocation);
    }
    clean(task, cleaning, List.of());
  }

  /** Automated cleaning (aiming at available) or manual cleaning (aiming back at manageable). */
  private static void clean(Task task, FiredTransition applied, List<Step> steps) {
    HardwareType driver = task.driver();
    DriverNode node = task.driverNode();
    boolean manual = ProvisionState.MANAGEABLE.value().equals(task.node().targetProvisionState());
    boolean resume = "resume".equals(applied.event());
    if (!resume && manual && !steps.isEmpty()) {
      // Recorded first, as Ironic does, so that whoever continues the cleaning (after a callback,
      // a restart or a takeover) knows its steps; removed when the node leaves cleaning.
      Map<String, Object> internal =
          new java.util.LinkedHashMap<>(task.node().driverInternalInfo());
      internal.put(CLEAN_STEPS, steps.stream().map(ProvisionFlows::stepRecord).toList());
      task.write("update", Map.of("driver_internal_info", internal), null, false);
      node = task.driverNode();
    }
    StepOutcome outcome =
        resume ? driver.clean().continueClean(node) : driver.clean().clean(node, steps, !manual);
    if (outcome == StepOutcome.WAIT) {
      waitForCallback(task, driver, node);
      return;
    }
    task.processEvent(manual ? "manage" : "done");
  }

  /**
   * Moves the node to its wait state, with the power state the hardware reports now when it can be
   * read: a driver that waits for a ramdisk has usually just powered the machine on, and power sync
   * leaves wait states alone. An unreadable power state is no reason to fail the work.
   */
  private static void waitForCallback(Task task, HardwareType driver, DriverNode node) {
    io.ferrum.driver.DriverPowerState power;
    try {
      power = driver.power().getPowerState(node);
    } catch (LockLostException e) {
      throw e;
    } catch (RuntimeException e) {
      task.processEvent("wait");
      return;
    }
    task.processEvent("wait", power);
  }

  private static void inspect(Task task) {
    Inspection inspection = task.driver().inspect().inspect(task.driverNode());
    if (inspection.outcome() == StepOutcome.WAIT) {
      task.processEvent("wait");
      return;
    }
    task.mergeProperties(inspection.properties());
    task.processEvent("done");
  }

  private static void adopt(Task task) {
    HardwareType driver = task.driver();
    DriverNode node = task.driverNode();
    driver.deploy().validate(node);
    driver.deploy().takeOver(node);
    task.processEvent("done", driver.power().getPowerState(node));
  }

  private static void rescue(Task task) {
    StepOutcome outcome = task.driver().rescue().rescue(task.driverNode());
    task.processEvent(outcome == StepOutcome.WAIT ? "wait" : "done");
  }

  private static void unrescue(Task task) {
    task.driver().rescue().unrescue(task.driverNode());
    task.processEvent("done");
  }

  private static void service(Task task, List<Step> steps) {
    StepOutcome outcome = task.driver().deploy().service(task.driverNode(), steps);
    task.processEvent(outcome == StepOutcome.WAIT ? "wait" : "done");
  }
}
