package io.ferrum.conductor;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.PowerInterface;
import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.PowerRequest;
import io.ferrum.fsm.PowerState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Power requests as jobs: the start (the target is set), the work (the driver call, then a read
 * that checks the hardware got there), the end, and what a failure or recovery records. Every step
 * runs under the node's reservation, in the job's worker or in recovery.
 *
 * <p>Stateless and thread-safe.
 */
final class PowerFlows {

  private static final Logger LOG = LoggerFactory.getLogger(PowerFlows.class);

  private PowerFlows() {}

  /**
   * The work of {@code request}; {@code timeout} is what the operating system gets for a soft one.
   */
  static Task.Work work(PowerRequest request, Duration timeout) {
    return (task, applied) -> change(task, request, timeout);
  }

  /** For a soft request, the soft-action timeout or the default (10 minutes); else zero. */
  static Duration softTimeout(PowerRequest request, Duration timeout) {
    boolean soft = request == PowerRequest.SOFT_POWER_OFF || request == PowerRequest.SOFT_REBOOT;
    if (!soft) {
      return Duration.ZERO;
    }
    return timeout == null ? Duration.ofMinutes(10) : timeout;
  }

  private static void change(Task task, PowerRequest request, Duration timeout) {
    PowerInterface power = task.driver().power();
    var node = task.driverNode();
    switch (request) {
      case POWER_ON -> power.setPowerState(node, DriverPowerState.POWER_ON, false, timeout);
      case POWER_OFF -> power.setPowerState(node, DriverPowerState.POWER_OFF, false, timeout);
      case SOFT_POWER_OFF -> power.setPowerState(node, DriverPowerState.POWER_OFF, true, timeout);
      case REBOOT -> power.reboot(node, false, timeout);
      case SOFT_REBOOT -> power.reboot(node, true, timeout);
    }
    DriverPowerState observed = power.getPowerState(node);
    String expected = request.targetPowerState().value();
    if (!expected.equals(Task.powerValue(observed))) {
      throw new DriverException(
          "The hardware reports \""
              + Task.powerValue(observed)
              + "\" after \""
              + request.apiTarget()
              + "\"; expected \""
              + expected
              + "\"");
    }
    finish(task, request, observed);
  }

  /** A job's post-process-event for a power request: the target is set, the change starts. */
  static FiredTransition start(Task task, PowerRequest request) {
    MachineInstance power = PowerMachine.instance(task.currentPower());
    FiredTransition fired = power.fire(request.event());
    String target = request.targetPowerState().value();
    Map<String, Object> columns = new HashMap<>();
    columns.put("target_power_state", target);
    columns.put("last_error", null);
    columns.put("conductor_affinity", task.ctx.name);
    task.write(
        "start power change of",
        columns,
        History.of("power")
            .event(request.event())
            .states(task.node().powerState(), null, target)
            .info("Power change to \"" + request.apiTarget() + "\" started")
            .by(task.ctx),
        false);
    Map<String, Object> extra = new HashMap<>();
    extra.put("to_power", target);
    extra.put("previous_power_state", task.node().powerState());
    task.ctx.notify("power_set", "start", task.node(), extra);
    return fired;
  }

  /** Called by power work when the hardware reached the requested state. */
  static void finish(Task task, PowerRequest request, DriverPowerState observed) {
    String value = Task.powerValue(observed);
    String from = task.node().powerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", value);
    columns.put("target_power_state", null);
    task.writeThenNotify(
        "finish power change of",
        columns,
        History.of("power").event(request.event()).states(from, value, null).by(task.ctx),
        task.handedOff(),
        "power_set",
        "end",
        previous(request, from));
  }

  /**
   * Records a failed power change: {@code power_state} becomes what the hardware reports now (or
   * {@code error} when it cannot say, or when the failure was the hardware not answering), the
   * target is cleared.
   */
  static void fail(Task task, PowerRequest request, String reason, Throwable failure) {
    String observed = PowerState.ERROR.value();
    if (!(failure instanceof DriverTimeoutException)) {
      try {
        observed = Task.powerValue(task.driver().power().getPowerState(task.driverNode()));
      } catch (RuntimeException | Error e) { // NOPMD: a driver's Error leaves the state unknown
        // The driver's failure, whatever it is, only leaves the power state unknown; escaping,
        // it would stop the failure from being recorded and leave the node to recovery.
        LOG.debug("Node {}: power state unreadable after a failed change", task.node().label(), e);
      }
    }
    String from = task.node().powerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("power_state", observed);
    columns.put("target_power_state", null);
    columns.put("last_error", reason);
    task.writeThenNotify(
        "record power failure of",
        columns,
        History.of("power")
            .event(request.event())
            .states(from, observed, null)
            .error(reason, failure)
            .by(task.ctx),
        task.handedOff(),
        "power_set",
        "error",
        previous(request, from));
  }

  /** The extra payload of a power notification: the target and the power state before. */
  private static Map<String, Object> previous(PowerRequest request, String from) {
    Map<String, Object> extra = new HashMap<>();
    extra.put("to_power", request.targetPowerState().value());
    extra.put("previous_power_state", from);
    return extra;
  }

  /** Clears a power change no job is behind any more (recovery): target gone, reason recorded. */
  static void abort(Task task, String reason) {
    String target = task.node().targetPowerState();
    Map<String, Object> columns = new HashMap<>();
    columns.put("target_power_state", null);
    columns.put("last_error", reason);
    Map<String, Object> extra = new HashMap<>();
    extra.put("to_power", target);
    task.writeThenNotify(
        "abort power change of",
        columns,
        History.of("power")
            .event("abort")
            .states(task.node().powerState(), task.node().powerState(), null)
            .error(reason, null)
            .by(task.ctx),
        task.handedOff(),
        "power_set",
        "error",
        extra);
  }
}
