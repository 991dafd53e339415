package io.ferrum.driver.agent;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cleaning through the deploy ramdisk's agent, for nodes whose deploy interface is {@value
 * DirectDeploy#NAME}: Ironic's in-band clean steps.
 *
 * <ol>
 *   <li>{@link #clean}: checks the steps, writes the ramdisk's iPXE scripts, sets the next boot to
 *       the network, powers the machine off and on, and waits for the agent. Automated cleaning
 *       runs Ironic's default in-band step, {@code deploy.erase_devices_metadata}; manual cleaning
 *       runs the requested steps in order.
 *   <li>{@link #continueClean}, on each heartbeat: reads the agent's command list. The {@code
 *       clean.execute_clean_step} commands in it are the steps sent so far, in order: the last one
 *       running means wait; failed means cleaning fails with the agent's error; otherwise the next
 *       step is sent, or, when every step succeeded, the ramdisk's scripts are removed, the machine
 *       is powered off, and cleaning is done.
 *   <li>{@link #tearDownCleaning}, after a cleaning failed, timed out or was aborted, and {@link
 *       #continueClean} itself when it fails: powers the machine off and removes the ramdisk's
 *       scripts, so a half-cleaned machine neither stays in the ramdisk nor boots it again.
 * </ol>
 *
 * <p>A node whose boot interface is not {@value IpxeBoot#NAME} is refused before anything is
 * touched: these steps boot the ramdisk with iPXE files.
 *
 * <p>The steps of a manual cleaning are read on each call from the node's {@code
 * driver_internal_info.clean_steps}, where the conductor records them when cleaning starts (as
 * Ironic does), so cleaning goes on across a conductor restart or a takeover; without that record
 * the cleaning is automated. The agent is given the node's UUID, properties and MACs, never its
 * {@code driver_info}. The conductor does not give drivers a node's target RAID configuration, so
 * {@code raid.create_configuration} is refused rather than run without one; {@code
 * raid.delete_configuration} runs.
 *
 * <p>Thread-safe.
 */
public final class AgentClean implements CleanInterface {

  /** The agent command that runs one clean step. */
  static final String EXECUTE = "clean.execute_clean_step";

  /** Ironic's default in-band step for automated cleaning. */
  static final Step AUTOMATED = new Step("deploy", "erase_devices_metadata", Map.of());

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final List<String> INTERFACES = List.of("deploy", "raid", "management", "bios");

  private final PowerInterface power;
  private final ManagementInterface management;
  private final IpxeBoot boot;
  private final AgentClient agent;

  /** Where the conductor records the steps of a manual cleaning, as Ironic does. */
  public static final String CLEAN_STEPS = "clean_steps";

  public AgentClean(
      PowerInterface power, ManagementInterface management, IpxeBoot boot, AgentClient agent) {
    this.power = power;
    this.management = management;
    this.boot = boot;
    this.agent = agent;
  }

  @Override
  public void validate(DriverNode node) {
    DirectDeploy.requireIpxe(node);
    boot.validate(node);
  }

  @Override
  public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
    DirectDeploy.requireIpxe(node);
    List<Step> plan = automated ? List.of(AUTOMATED) : List.copyOf(steps);
    if (plan.isEmpty()) {
      throw new InvalidDriverInfoException("manual cleaning needs at least one clean step");
    }
    for (Step step : plan) {
      check(step);
    }
    boot.validate(node);
    boot.prepareRamdisk(node);
    management.setBootDevice(node, BootDevice.PXE, false);
    DirectDeploy.powerOff(power, node);
    power.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
    return StepOutcome.WAIT;
  }

  /**
   * Goes on with the cleaning at the agent's heartbeat. When it fails (a step failed in the agent,
   * the agent cannot be reached or answers nonsense), the cleaning is torn down first ({@link
   * #tearDownCleaning}); a failure of that is added to the original error as suppressed.
   */
  @Override
  public StepOutcome continueClean(DriverNode node) {
    try {
      return proceed(node);
    } catch (RuntimeException e) {
      try {
        tearDownCleaning(node);
      } catch (RuntimeException teardown) {
        e.addSuppressed(teardown);
      }
      throw e;
    }
  }

  /**
   * Ends a failed, timed-out or aborted cleaning: powers the machine off (unless it already is) so
   * the ramdisk stops, and removes the ramdisk's iPXE files (including copies for ports deleted
   * since). Both are tried; the first failure is thrown with the other as suppressed. Nothing to
   * undo is fine.
   */
  @Override
  public void tearDownCleaning(DriverNode node) {
    RuntimeException failure = null;
    try {
      DirectDeploy.powerOff(power, node);
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      boot.cleanUpRamdisk(node);
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private StepOutcome proceed(DriverNode node) {
    List<Step> plan = recorded(node);
    List<AgentClient.Command> sent = new ArrayList<>();
    for (AgentClient.Command command : agent.commands(node, EXECUTE)) {
      if (command.is(EXECUTE)) {
        sent.add(command);
      }
    }
    if (!sent.isEmpty()) {
      AgentClient.Command last = sent.get(sent.size() - 1);
      if (last.running()) {
        return StepOutcome.WAIT;
      }
      if (!last.succeeded()) {
        throw failed(node, plan.get(Math.min(sent.size(), plan.size()) - 1), last);
      }
    }
    if (sent.size() < plan.size()) {
      Step next = plan.get(sent.size());
      AgentClient.Command started;
      try {
        started = agent.execute(node, EXECUTE, params(node, next, plan));
      } catch (AgentClient.Busy e) {
        return StepOutcome.WAIT; // the agent still runs a command of its own; next heartbeat
      }
      if (!started.running() && !started.succeeded()) {
        throw failed(node, next, started);
      }
      return StepOutcome.WAIT;
    }
    boot.cleanUpRamdisk(node);
    DirectDeploy.powerOff(power, node);
    return StepOutcome.DONE;
  }

  /**
   * The steps of the node's cleaning: those recorded in {@code driver_internal_info.clean_steps} (a
   * manual cleaning), else Ironic's automated step.
   *
   * @throws DriverException if the record is not a list of steps the agent may run
   */
  static List<Step> recorded(DriverNode node) {
    Object value = node.driverInternalInfo().get(CLEAN_STEPS);
    if (value == null) {
      return List.of(AUTOMATED);
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new DriverException(
          "node " + node.label() + ": driver_internal_info.clean_steps is not a list of steps");
    }
    List<Step> plan = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> map)
          || !(map.get("interface") instanceof String iface)
          || !(map.get("step") instanceof String name)) {
        throw new DriverException(
            "node "
                + node.label()
                + ": driver_internal_info.clean_steps holds an entry that is not a step");
      }
      Map<String, Object> args = new LinkedHashMap<>();
      if (map.get("args") instanceof Map<?, ?> given) {
        given.forEach((k, v) -> args.put(String.valueOf(k), v));
      }
      Step step = new Step(iface, name, args);
      check(step);
      plan.add(step);
    }
    return plan;
  }

  private static void check(Step step) {
    if (!INTERFACES.contains(step.interfaceName()) || !NAME.matcher(step.name()).matches()) {
      throw new InvalidDriverInfoException(
          "clean step "
              + IpxeBoot.printable(step.interfaceName() + "." + step.name())
              + " cannot run through the agent: the interface must be one of "
              + String.join(", ", INTERFACES)
              + " and the step a lower-case name");
    }
    if (step.interfaceName().equals("raid") && step.name().equals("create_configuration")) {
      throw new UnsupportedDriverOperationException(
          "clean step raid.create_configuration is not supported yet: the agent builds the"
              + " node's target RAID configuration, which Ferrum does not pass to drivers");
    }
  }

  /** Ironic's parameters of {@code clean.execute_clean_step}, without the node's secrets. */
  private static Map<String, Object> params(DriverNode node, Step step, List<Step> plan) {
    Map<String, Object> command = new LinkedHashMap<>();
    command.put("interface", step.interfaceName());
    command.put("step", step.name());
    command.put("args", step.args());
    command.put("priority", plan.size() == 1 && step.equals(AUTOMATED) ? 99 : 0);
    command.put("reboot_requested", false);
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("uuid", node.uuid());
    about.put("name", node.name());
    about.put("driver", node.driver());
    about.put("properties", node.properties());
    about.put("instance_info", Map.of());
    about.put("driver_internal_info", Map.of());
    about.put("target_raid_config", Map.of());
    List<Map<String, Object>> ports = new ArrayList<>();
    for (String mac : node.macs()) {
      ports.add(Map.of("address", mac));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("step", command);
    params.put("node", about);
    params.put("ports", ports);
    params.put("clean_version", null);
    return params;
  }

  private static DriverException failed(DriverNode node, Step step, AgentClient.Command command) {
    return new DriverException(
        "node "
            + node.label()
            + ": clean step "
            + step.interfaceName()
            + "."
            + step.name()
            + " ended "
            + command.status()
            + " in the agent: "
            + (command.error() == null ? "no error given" : command.error()));
  }
}
