package io.ferrum.testkit;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import io.ferrum.testkit.internal.TimedCalls;
import io.ferrum.testkit.internal.TimedCalls.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One behavioural suite for any {@link HardwareType}: what the conductor relies on a driver to do,
 * checked against a node that the hardware type can reach. The checks, in order:
 *
 * <ol>
 *   <li><b>{@value #DECLARATIONS}</b>: {@code name()} is not blank, {@code supportedInterfaces()}
 *       names at least one implementation for each of {@link HardwareInterfaces#NAMES}, and {@code
 *       driverProperties()} describes each key;
 *   <li><b>{@value #SETUP}</b>: {@code configure}, {@code checkInput} and the power interface's
 *       {@code validate} accept the node;
 *   <li><b>{@value #POWER_ON}</b> and <b>{@value #POWER_OFF}</b>: after {@code setPowerState}
 *       returns, {@code getPowerState} reports the state asked for;
 *   <li><b>{@value #IDEMPOTENT}</b>: asking for the state the machine is already in (on, on; off,
 *       off) succeeds and changes nothing;
 *   <li><b>{@value #REBOOT}</b>: a reboot, from off and from on, ends powered on;
 *   <li><b>{@value #BOOT_DEVICE}</b>: each device {@code supportedBootDevices} lists, once set, is
 *       the one {@code getBootDevice} reports (skipped without a management interface);
 *   <li><b>{@value #DEPLOY}</b>: {@code deploy} (and {@code continueDeploy} after a {@code WAIT})
 *       ends with the machine on; {@code tearDown} ends with it off (skipped without a deploy
 *       interface);
 *   <li><b>{@value #MISSING_INFO}</b>: without a required {@code driver_info} key (those whose
 *       {@link HardwareType#driverProperties() description} ends with "Required."), {@code
 *       validate} throws an {@link InvalidDriverInfoException} whose message names the key, and
 *       {@code getPowerState} fails with a {@link DriverException};
 *   <li><b>{@value #MALFORMED_INFO}</b>: a blank required key, and each {@link #malformed} value,
 *       is refused by {@code checkInput} or {@code validate} with a message naming the key;
 *   <li><b>{@value #ERRORS}</b>: every failure seen during the suite is a {@link DriverException}
 *       (or subclass) with a message of at least {@value #MIN_MESSAGE} characters; with {@link
 *       #unreachable} driver_info, every power, management and deploy call must fail that way;
 *   <li><b>{@value #DEADLINE}</b>: every call returns or fails within the {@link #callTimeout call
 *       timeout}. Each call runs on a thread of its own; one past its deadline is interrupted and
 *       abandoned, and the suite goes on.
 * </ol>
 *
 * <pre>{@code
 * DriverConformance.of(new MyHardware())
 *     .driverInfo(Map.of("address", "10.0.0.5"))
 *     .unreachable(Map.of("address", "192.0.2.1"))
 *     .run()
 *     .assertPassed();
 * }</pre>
 *
 * <p>The suite changes the power state and boot device of the machine behind the node, and deploys
 * to it: point it at a machine that may be used so. Not thread-safe while it is being configured;
 * each {@link #run()} uses a fresh node UUID.
 */
public final class DriverConformance {

  /** The name of the check that the node is accepted. */
  public static final String SETUP = "the node is accepted";

  /** The name of the check of what the hardware type declares. */
  public static final String DECLARATIONS = "interfaces and properties are declared";

  /** The name of the power-on check. */
  public static final String POWER_ON = "power on sticks";

  /** The name of the power-off check. */
  public static final String POWER_OFF = "power off sticks";

  /** The name of the idempotence check. */
  public static final String IDEMPOTENT = "power requests are idempotent";

  /** The name of the reboot check. */
  public static final String REBOOT = "reboot ends powered on";

  /** The name of the boot device check. */
  public static final String BOOT_DEVICE = "boot device round trip";

  /** The name of the deploy check. */
  public static final String DEPLOY = "deploy and tear down";

  /** The name of the check of missing driver_info. */
  public static final String MISSING_INFO = "missing driver_info is refused by name";

  /** The name of the check of malformed driver_info. */
  public static final String MALFORMED_INFO = "malformed driver_info is refused by name";

  /** The name of the error-mapping check. */
  public static final String ERRORS = "failures are DriverExceptions with a message";

  /** The name of the deadline check. */
  public static final String DEADLINE = "no call blocks past its deadline";

  /** The shortest message a failure may carry to count as saying what went wrong. */
  public static final int MIN_MESSAGE = 10;

  /** The default {@link #callTimeout}. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  private final HardwareType hardware;
  private Map<String, Object> driverInfo = Map.of();
  private Map<String, Object> instanceInfo = Map.of();
  private Map<String, Object> unreachable;
  private final Map<String, Object> malformed = new LinkedHashMap<>();
  private DriverSettings settings = DriverSettings.none();
  private Duration callTimeout = DEFAULT_CALL_TIMEOUT;

  private DriverConformance(HardwareType hardware) {
    this.hardware = Objects.requireNonNull(hardware, "hardware");
  }

  /** A suite for {@code hardware}, against a node with no driver_info until one is given. */
  public static DriverConformance of(HardwareType hardware) {
    return new DriverConformance(hardware);
  }

  /** Runs the suite against a node with {@code driverInfo} and nothing else configured. */
  public static Report run(HardwareType hardware, Map<String, ?> driverInfo) {
    return of(hardware).driverInfo(driverInfo).run();
  }

  /** The driver_info of a node whose machine the suite may power, boot and deploy. */
  public DriverConformance driverInfo(Map<String, ?> driverInfo) {
    this.driverInfo = Map.copyOf(driverInfo);
    return this;
  }

  /** The node's instance_info, for deploy (an image the hardware type can use). */
  public DriverConformance instanceInfo(Map<String, ?> instanceInfo) {
    this.instanceInfo = Map.copyOf(instanceInfo);
    return this;
  }

  /** The operator's settings, given to {@link HardwareType#configure} before anything else. */
  public DriverConformance settings(DriverSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Keys that, laid over the node's driver_info, make it well-formed but unreachable (an address
   * where nothing answers, a machine that does not exist): every call must then fail with a {@link
   * DriverException} that says why.
   */
  public DriverConformance unreachable(Map<String, ?> overrides) {
    this.unreachable = Map.copyOf(overrides);
    return this;
  }

  /** A value of {@code key} the hardware type must refuse, with a message naming {@code key}. */
  public DriverConformance malformed(String key, Object value) {
    malformed.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** How long each call may take before it counts as blocked. Default: 10 seconds. */
  public DriverConformance callTimeout(Duration callTimeout) {
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, not " + callTimeout);
    }
    this.callTimeout = callTimeout;
    return this;
  }

  /** Runs every check and reports each; the machine behind the node ends powered off. */
  public Report run() {
    String uuid = UUID.randomUUID().toString();
    DriverNode node = node(uuid, driverInfo);
    List<CheckResult> checks = new ArrayList<>();
    try (TimedCalls calls = new TimedCalls(callTimeout)) {
      List<String> setup = new ArrayList<>();
      expectReturn(
          calls.run(
              "configure",
              () -> {
                hardware.configure(settings);
                return null;
              }),
          setup);
      expectReturn(
          calls.run(
              "checkInput",
              () -> {
                hardware.checkInput(node);
                return null;
              }),
          setup);
      expectReturn(calls.run("power.validate", () -> validate(node, "power")), setup);
      checks.add(declarations(calls));
      checks.add(result(SETUP, setup, "configure, checkInput and power.validate accept it"));
      if (setup.isEmpty()) {
        checks.add(powerSticks(calls, node, DriverPowerState.POWER_ON, POWER_ON));
        checks.add(powerSticks(calls, node, DriverPowerState.POWER_OFF, POWER_OFF));
        checks.add(idempotence(calls, node));
        checks.add(reboot(calls, node));
        checks.add(bootDevice(calls, node));
        checks.add(deploy(calls, node));
        checks.add(missingInfo(calls, uuid));
        checks.add(malformedInfo(calls, uuid));
        checks.add(errors(calls, uuid));
        setPower(calls, node, DriverPowerState.POWER_OFF);
      } else {
        for (String name :
            List.of(
                POWER_ON,
                POWER_OFF,
                IDEMPOTENT,
                REBOOT,
                BOOT_DEVICE,
                DEPLOY,
                MISSING_INFO,
                MALFORMED_INFO)) {
          checks.add(CheckResult.skipped(name, "the node was not accepted (see above)"));
        }
        checks.add(errors(calls, null));
      }
      checks.add(deadline(calls));
    }
    return new Report("hardware type \"" + hardware.name() + "\"", checks, List.of(), null);
  }

  private CheckResult declarations(TimedCalls calls) {
    List<String> problems = new ArrayList<>();
    Outcome name = calls.run("name", hardware::name);
    if (expectReturn(name, problems)
        && (name.value() == null || name.value().toString().isBlank())) {
      problems.add("name() is blank");
    }
    Outcome interfaces = calls.run("supportedInterfaces", hardware::supportedInterfaces);
    if (expectReturn(interfaces, problems)) {
      Map<?, ?> offered = interfaces.value() == null ? Map.of() : (Map<?, ?>) interfaces.value();
      for (String wanted : HardwareInterfaces.NAMES) {
        Object names = offered.get(wanted);
        if (!(names instanceof List<?> list) || list.isEmpty()) {
          problems.add("supportedInterfaces() names no implementation of \"" + wanted + "\"");
        }
      }
    }
    Outcome properties = calls.run("driverProperties", hardware::driverProperties);
    if (expectReturn(properties, problems) && properties.value() != null) {
      ((Map<?, ?>) properties.value())
          .forEach(
              (key, description) -> {
                if (description == null || description.toString().isBlank()) {
                  problems.add("driverProperties() has no description of \"" + key + "\"");
                }
              });
    } else if (properties.returned()) {
      problems.add("driverProperties() returned null");
    }
    return result(DECLARATIONS, problems, "name, supportedInterfaces and driverProperties");
  }

  private CheckResult powerSticks(
      TimedCalls calls, DriverNode node, DriverPowerState target, String name) {
    List<String> problems = new ArrayList<>();
    DriverPowerState opposite =
        target == DriverPowerState.POWER_ON
            ? DriverPowerState.POWER_OFF
            : DriverPowerState.POWER_ON;
    if (setPower(calls, node, opposite).returned()
        && expectReturn(setPower(calls, node, target), problems)) {
      expectPower(calls, node, target, "after power.set(" + target + ") returned", problems);
    }
    return result(name, problems, "from " + opposite + ", power.set then power.get");
  }

  private CheckResult idempotence(TimedCalls calls, DriverNode node) {
    List<String> problems = new ArrayList<>();
    for (DriverPowerState target : List.of(DriverPowerState.POWER_ON, DriverPowerState.POWER_OFF)) {
      if (expectReturn(setPower(calls, node, target), problems)
          && expectReturn(setPower(calls, node, target), problems)) {
        expectPower(
            calls, node, target, "after power.set(" + target + ") twice in a row", problems);
      }
    }
    return result(IDEMPOTENT, problems, "on, on, then off, off");
  }

  private CheckResult reboot(TimedCalls calls, DriverNode node) {
    List<String> problems = new ArrayList<>();
    for (DriverPowerState from : List.of(DriverPowerState.POWER_OFF, DriverPowerState.POWER_ON)) {
      if (expectReturn(setPower(calls, node, from), problems)
          && expectReturn(
              calls.run(
                  "power.reboot",
                  () -> {
                    hardware.power().reboot(node, false, callTimeout);
                    return null;
                  }),
              problems)) {
        expectPower(
            calls, node, DriverPowerState.POWER_ON, "after a reboot from " + from, problems);
      }
    }
    return result(REBOOT, problems, "from off and from on");
  }

  private CheckResult bootDevice(TimedCalls calls, DriverNode node) {
    Outcome validated = calls.run("management.validate", () -> validate(node, "management"));
    if (validated.thrown() instanceof UnsupportedDriverOperationException) {
      return CheckResult.skipped(
          BOOT_DEVICE, "no management interface: " + validated.thrown().getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (!expectReturn(validated, problems)) {
      return result(BOOT_DEVICE, problems, "");
    }
    Outcome supported =
        calls.run(
            "management.supported_boot_devices",
            () -> hardware.management().supportedBootDevices(node));
    if (!expectReturn(supported, problems)) {
      return result(BOOT_DEVICE, problems, "");
    }
    List<BootDevice> devices = new ArrayList<>();
    for (BootDevice device : BootDevice.values()) {
      if (((Set<?>) supported.value()).contains(device)) {
        devices.add(device);
      }
    }
    for (BootDevice device : devices) {
      Outcome set =
          calls.run(
              "management.set_boot_device(" + device.value() + ")",
              () -> {
                hardware.management().setBootDevice(node, device, true);
                return null;
              });
      if (!expectReturn(set, problems)) {
        continue;
      }
      Outcome got =
          calls.run("management.get_boot_device", () -> hardware.management().getBootDevice(node));
      if (expectReturn(got, problems) && got.value() != device) {
        problems.add(
            "after management.set_boot_device("
                + device.value()
                + ") returned, management.get_boot_device returned "
                + got.value());
      }
    }
    return result(BOOT_DEVICE, problems, "devices " + devices);
  }

  private CheckResult deploy(TimedCalls calls, DriverNode node) {
    Outcome validated = calls.run("deploy.validate", () -> validate(node, "deploy"));
    if (validated.thrown() instanceof UnsupportedDriverOperationException) {
      return CheckResult.skipped(DEPLOY, "no deploy interface: " + validated.thrown().getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (!expectReturn(validated, problems)) {
      return result(DEPLOY, problems, "");
    }
    Outcome deployed = calls.run("deploy.deploy", () -> hardware.deploy().deploy(node));
    if (!expectReturn(deployed, problems)) {
      return result(DEPLOY, problems, "");
    }
    if (deployed.value() == StepOutcome.WAIT) {
      Outcome continued =
          calls.run("deploy.continue", () -> hardware.deploy().continueDeploy(node));
      if (!expectReturn(continued, problems)) {
        return result(DEPLOY, problems, "");
      }
      if (continued.value() != StepOutcome.DONE) {
        problems.add("deploy.continue returned " + continued.value() + ", not DONE");
      }
    } else if (deployed.value() != StepOutcome.DONE) {
      problems.add("deploy.deploy returned " + deployed.value() + ", not DONE or WAIT");
    }
    expectPower(calls, node, DriverPowerState.POWER_ON, "after a deploy", problems);
    Outcome tornDown =
        calls.run(
            "deploy.tear_down",
            () -> {
              hardware.deploy().tearDown(node);
              return null;
            });
    if (expectReturn(tornDown, problems)) {
      expectPower(calls, node, DriverPowerState.POWER_OFF, "after deploy.tear_down", problems);
    }
    return result(DEPLOY, problems, "deploy, then tear down");
  }

  private CheckResult missingInfo(TimedCalls calls, String uuid) {
    List<String> required = requiredKeys();
    if (required.isEmpty()) {
      return CheckResult.skipped(
          MISSING_INFO, "the hardware type declares no required key (driverProperties)");
    }
    List<String> problems = new ArrayList<>();
    for (String key : required) {
      Map<String, Object> info = new LinkedHashMap<>(driverInfo);
      info.remove(key);
      DriverNode node = node(uuid, info);
      Outcome validated = calls.run("power.validate without " + key, () -> validate(node, "power"));
      expectRefusalNaming(validated, key, "without driver_info." + key, problems);
      Outcome read =
          calls.run("power.get without " + key, () -> hardware.power().getPowerState(node));
      if (read.returned()) {
        problems.add(
            "power.get without driver_info."
                + key
                + " returned "
                + read.value()
                + "; expected a DriverException");
      }
    }
    return result(MISSING_INFO, problems, "keys " + required);
  }

  private CheckResult malformedInfo(TimedCalls calls, String uuid) {
    Map<String, Object> cases = new LinkedHashMap<>();
    for (String key : requiredKeys()) {
      cases.put(key, "");
    }
    cases.putAll(malformed);
    if (cases.isEmpty()) {
      return CheckResult.skipped(
          MALFORMED_INFO, "no required key and no malformed value given (malformed(key, value))");
    }
    List<String> problems = new ArrayList<>();
    cases.forEach(
        (key, value) -> {
          Map<String, Object> info = new LinkedHashMap<>(driverInfo);
          info.put(key, value);
          DriverNode node = node(uuid, info);
          String what = "with driver_info." + key + " = \"" + value + "\"";
          Outcome checked =
              calls.run(
                  "checkInput " + what,
                  () -> {
                    hardware.checkInput(node);
                    return null;
                  });
          if (checked.returned()) {
            checked = calls.run("power.validate " + what, () -> validate(node, "power"));
          }
          expectRefusalNaming(checked, key, what, problems);
        });
    return result(MALFORMED_INFO, problems, "keys " + cases.keySet());
  }

  private CheckResult errors(TimedCalls calls, String uuid) {
    List<String> problems = new ArrayList<>();
    String covered = "every failure seen";
    if (uuid != null && unreachable != null) {
      Map<String, Object> info = new LinkedHashMap<>(driverInfo);
      info.putAll(unreachable);
      DriverNode node = node(uuid, info);
      List<Outcome> outcomes = new ArrayList<>();
      outcomes.add(
          calls.run("power.get (unreachable)", () -> hardware.power().getPowerState(node)));
      for (DriverPowerState target :
          List.of(DriverPowerState.POWER_ON, DriverPowerState.POWER_OFF)) {
        outcomes.add(
            calls.run(
                "power.set(" + target + ") (unreachable)",
                () -> {
                  hardware.power().setPowerState(node, target, false, callTimeout);
                  return null;
                }));
      }
      outcomes.add(
          calls.run(
              "power.reboot (unreachable)",
              () -> {
                hardware.power().reboot(node, false, callTimeout);
                return null;
              }));
      outcomes.add(
          calls.run(
              "management.get_boot_device (unreachable)",
              () -> hardware.management().getBootDevice(node)));
      outcomes.add(
          calls.run(
              "management.set_boot_device (unreachable)",
              () -> {
                hardware.management().setBootDevice(node, BootDevice.PXE, true);
                return null;
              }));
      outcomes.add(calls.run("deploy.deploy (unreachable)", () -> hardware.deploy().deploy(node)));
      for (Outcome outcome : outcomes) {
        if (outcome.returned()) {
          problems.add(
              outcome.call()
                  + " returned "
                  + outcome.value()
                  + " although the hardware cannot be reached; expected a DriverException");
        }
      }
      covered += ", including " + outcomes.size() + " calls to unreachable hardware";
    } else if (uuid != null) {
      covered += " (give unreachable(...) driver_info to check every call fails cleanly)";
    }
    int failures = 0;
    for (Outcome outcome : calls.outcomes()) {
      Throwable thrown = outcome.thrown();
      if (thrown == null || outcome.call().equals("configure")) {
        continue;
      }
      failures++;
      if (!(thrown instanceof DriverException)) {
        problems.add(
            outcome.call()
                + " threw "
                + thrown.getClass().getName()
                + ", not a DriverException: "
                + thrown.getMessage());
      } else if (!actionable(thrown)) {
        problems.add(
            outcome.call()
                + " threw "
                + thrown.getClass().getName()
                + " with "
                + (thrown.getMessage() == null
                    ? "no message"
                    : "message \"" + thrown.getMessage() + "\"")
                + "; it must say what failed");
      }
    }
    return result(ERRORS, problems, covered + " (" + failures + " failures)");
  }

  private static CheckResult deadline(TimedCalls calls) {
    List<String> problems = new ArrayList<>();
    for (Outcome outcome : calls.outcomes()) {
      if (outcome.timedOut()) {
        problems.add(
            outcome.call() + " did not return within " + calls.deadline().toMillis() + " ms");
      }
    }
    return result(
        DEADLINE,
        problems,
        calls.outcomes().size() + " calls, each within " + calls.deadline().toMillis() + " ms");
  }

  // ---- plumbing ----

  private Outcome setPower(TimedCalls calls, DriverNode node, DriverPowerState target) {
    return calls.run(
        "power.set(" + target + ")",
        () -> {
          hardware.power().setPowerState(node, target, false, callTimeout);
          return null;
        });
  }

  private void expectPower(
      TimedCalls calls,
      DriverNode node,
      DriverPowerState expected,
      String when,
      List<String> problems) {
    Outcome read = calls.run("power.get", () -> hardware.power().getPowerState(node));
    if (expectReturn(read, problems) && read.value() != expected) {
      problems.add(when + ", power.get returned " + read.value() + ", not " + expected);
    }
  }

  private Object validate(DriverNode node, String which) {
    switch (which) {
      case "power" -> hardware.power().validate(node);
      case "management" -> hardware.management().validate(node);
      case "deploy" -> hardware.deploy().validate(node);
      default -> throw new IllegalArgumentException(which);
    }
    return null;
  }

  private static void expectRefusalNaming(
      Outcome outcome, String key, String what, List<String> problems) {
    if (outcome.timedOut()) {
      problems.add(outcome.call() + " did not return in time");
    } else if (outcome.returned()) {
      problems.add("checkInput and power.validate accepted a node " + what);
    } else if (!(outcome.thrown() instanceof InvalidDriverInfoException)) {
      problems.add(
          outcome.call()
              + " threw "
              + outcome.thrown().getClass().getName()
              + ", not an InvalidDriverInfoException: "
              + outcome.thrown().getMessage());
    } else if (outcome.thrown().getMessage() == null
        || !outcome.thrown().getMessage().contains(key)) {
      problems.add(
          outcome.call()
              + " refused it with a message that does not name "
              + key
              + ": \""
              + outcome.thrown().getMessage()
              + "\"");
    }
  }

  /** Adds a problem unless {@code outcome} returned normally; returns whether it did. */
  private static boolean expectReturn(Outcome outcome, List<String> problems) {
    if (outcome.timedOut()) {
      problems.add(outcome.call() + " did not return in time");
    } else if (outcome.thrown() != null) {
      problems.add(
          outcome.call()
              + " failed: "
              + outcome.thrown().getClass().getName()
              + ": "
              + outcome.thrown().getMessage());
    }
    return outcome.returned();
  }

  private List<String> requiredKeys() {
    return hardware.driverProperties().entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue().strip().endsWith("Required."))
        .map(Map.Entry::getKey)
        .toList();
  }

  private DriverNode node(String uuid, Map<String, Object> info) {
    return new DriverNode(
        uuid, "conformance-" + uuid.substring(0, 8), hardware.name(), info, instanceInfo, Map.of());
  }

  private static boolean actionable(Throwable thrown) {
    String message = thrown.getMessage();
    return message != null && message.strip().length() >= MIN_MESSAGE;
  }

  private static CheckResult result(String name, List<String> problems, String covered) {
    return problems.isEmpty()
        ? CheckResult.passed(name, covered)
        : CheckResult.failed(name, String.join("; ", problems));
  }
}
