package io.ferrum.driver.fake;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InspectInterface;
import io.ferrum.driver.Inspection;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RaidInterface;
import io.ferrum.driver.RescueInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The {@code fake-hardware} type: a complete driver that touches no hardware, for tests and demos.
 *
 * <p>Each node's machine (power state, boot device) lives in memory, shared by every instance of
 * this class in the JVM, as real hardware would be shared by several conductors of that JVM.
 * Conductors in different processes (several {@code ferrum serve} on one database) each have
 * machines of their own: a power change made through one is not what another reads, so a peer's
 * power sync corrects it back to its own machine's state. For a drill with several processes, use a
 * driver whose hardware they share. Behaviour is set per node through {@code driver_info}:
 *
 * <table>
 *   <caption>driver_info keys</caption>
 *   <tr><th>key</th><th>meaning</th></tr>
 *   <tr><td>{@code fake_delay_ms}</td><td>sleep this long in every call (a BMC's latency); at
 *       most {@value #MAX_DELAY_MS} unless fault injection is allowed</td></tr>
 *   <tr><td>{@code fake_fail}</td><td>comma-separated calls that fail (names below)</td></tr>
 *   <tr><td>{@code fake_fail_times}</td><td>fail those calls this many times, then succeed
 *       (default: always)</td></tr>
 *   <tr><td>{@code fake_fail_with}</td><td>{@code driver} (a {@link DriverException}, default),
 *       {@code runtime} (an {@link IllegalStateException}) or {@code error} (an {@link
 *       AssertionError}), to exercise every kind of failure</td></tr>
 *   <tr><td>{@code fake_hang}</td><td>comma-separated calls that block until interrupted or
 *       {@code fake_hang_ms} (default one hour) pass, then fail with a timeout</td></tr>
 *   <tr><td>{@code fake_hang_ignores_interrupt}</td><td>{@code true}: a hanging call ignores
 *       interrupts and blocks for the whole {@code fake_hang_ms}, as a driver stuck in native code
 *       would</td></tr>
 *   <tr><td>{@code fake_wait}</td><td>comma-separated calls that return {@link StepOutcome#WAIT}
 *       ({@code deploy.deploy}, {@code clean.clean}, {@code inspect.inspect},
 *       {@code rescue.rescue}, {@code deploy.service})</td></tr>
 *   <tr><td>{@code fake_power_state}</td><td>the power state a node starts with: {@code power on}
 *       or {@code power off} (default)</td></tr>
 * </table>
 *
 * <p>The keys that make calls fail or hang ({@code fake_fail}, {@code fake_fail_times}, {@code
 * fake_fail_with}, {@code fake_hang}, {@code fake_hang_ms}, {@code fake_hang_ignores_interrupt})
 * are for tests: an API user who may set them can make a conductor's driver threads hang. They are
 * allowed unless the operator's setting {@value #FAULT_INJECTION} is {@code false}, which {@code
 * ferrum serve} makes its default; a node carrying one is then refused ({@link #checkInput}).
 * {@code fake_delay_ms} simulates a BMC's latency, which benchmarks and tests of a served conductor
 * use without fault injection, so it stays allowed then, but only up to {@value #MAX_DELAY_MS} ms:
 * every call then ends well within the shortest default deadline (ten seconds, for validate). A
 * longer delay holds driver threads like a hang, so it is a fault-injection value.
 *
 * <p>Calls: {@value #CALLS}.
 *
 * <p>Thread-safe.
 */
public final class FakeHardware
    implements HardwareType,
        PowerInterface,
        ManagementInterface,
        DeployInterface,
        BootInterface,
        InspectInterface,
        CleanInterface,
        RescueInterface,
        RaidInterface {

  /** This hardware type's name. */
  public static final String NAME = "fake-hardware";

  /** The operator's setting that allows (default) or refuses the fault-injection keys. */
  public static final String FAULT_INJECTION = "fake-fault-injection";

  private static final List<String> FAULT_KEYS =
      List.of(
          "fake_fail",
          "fake_fail_times",
          "fake_fail_with",
          "fake_hang",
          "fake_hang_ms",
          "fake_hang_ignores_interrupt");

  /** The longest {@code fake_delay_ms} allowed when fault injection is not. */
  public static final long MAX_DELAY_MS = 5_000;

  private static final List<String> NUMBER_KEYS =
      List.of("fake_delay_ms", "fake_fail_times", "fake_hang_ms");

  private volatile boolean faultInjection = true;

  /** Every call name fault injection understands. */
  public static final String CALLS =
      "validate, power.get, power.set, power.reboot, management.get_boot_device,"
          + " management.set_boot_device, management.inject_nmi, deploy.deploy, deploy.continue, deploy.tear_down,"
          + " deploy.take_over, deploy.service, boot.prepare, boot.clean_up, inspect.inspect,"
          + " clean.clean, clean.continue, rescue.rescue, rescue.unrescue, raid.validate";

  private static final Set<String> CALL_NAMES =
      Arrays.stream(CALLS.split(",")).map(String::trim).collect(Collectors.toUnmodifiableSet());

  private static final Map<String, Machine> MACHINES = new ConcurrentHashMap<>();

  /** One fake machine: what real hardware would remember. */
  private static final class Machine {
    volatile DriverPowerState power;
    volatile BootDevice bootDevice = BootDevice.PXE;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    Machine(DriverPowerState power) {
      this.power = power;
    }
  }

  @Override
  public String name() {
    return NAME;
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
  public DeployInterface deploy() {
    return this;
  }

  @Override
  public BootInterface boot() {
    return this;
  }

  @Override
  public InspectInterface inspect() {
    return this;
  }

  @Override
  public CleanInterface clean() {
    return this;
  }

  @Override
  public RescueInterface rescue() {
    return this;
  }

  /**
   * RAID as Ironic's fake RAID interface has it: a target configuration is checked against Ironic's
   * RAID schema ({@link #validateRaidConfig}) and nothing more.
   */
  @Override
  public RaidInterface raid() {
    return this;
  }

  /** Counts the call as {@code raid.validate} (delay, hang, failure apply), then the schema. */
  @Override
  public void validateRaidConfig(DriverNode node, Map<String, Object> config) {
    call(node, "raid.validate");
    RaidInterface.super.validateRaidConfig(node, config);
  }

  /**
   * Every interface is Ironic's {@code fake} where Ferrum drives it, else the no-op one; for {@code
   * raid} a node may also choose {@code fake} (the default stays {@code no-raid}, as in an Ironic
   * that does not enable the fake RAID interface).
   */
  @Override
  public Map<String, List<String>> supportedInterfaces() {
    Map<String, List<String>> interfaces =
        new java.util.LinkedHashMap<>(HardwareInterfaces.single("fake"));
    interfaces.put("raid", List.of(HardwareInterfaces.NO_OP.get("raid"), "fake"));
    return java.util.Collections.unmodifiableMap(interfaces);
  }

  /** The {@code driver_info} keys of the table above; none is required. */
  @Override
  public Map<String, String> driverProperties() {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put(
        "fake_delay_ms",
        "Sleep this many milliseconds in every call; at most "
            + MAX_DELAY_MS
            + " unless fault injection is allowed. Optional.");
    keys.put("fake_fail", "Comma-separated calls that fail (" + CALLS + "). Optional.");
    keys.put("fake_fail_times", "Fail those calls this many times, then succeed. Optional.");
    keys.put("fake_fail_with", "How calls fail: driver (default), runtime or error. Optional.");
    keys.put("fake_hang", "Comma-separated calls that block until interrupted. Optional.");
    keys.put("fake_hang_ms", "How long a hanging call blocks (default one hour). Optional.");
    keys.put("fake_hang_ignores_interrupt", "true: a hanging call ignores interrupts. Optional.");
    keys.put("fake_wait", "Comma-separated calls that wait for a callback. Optional.");
    keys.put(
        "fake_power_state", "The power state a node starts with: power on or power off. Optional.");
    return java.util.Collections.unmodifiableMap(keys);
  }

  /** How many times {@code call} ran (or was attempted) for the node with {@code uuid}. */
  public static int callCount(String uuid, String call) {
    Machine machine = MACHINES.get(uuid);
    AtomicInteger count = machine == null ? null : machine.calls.get(call);
    return count == null ? 0 : count.get();
  }

  /** The fake machine's current power state, as the hardware would report it. */
  public static DriverPowerState hardwarePowerState(String uuid) {
    Machine machine = MACHINES.get(uuid);
    return machine == null ? null : machine.power;
  }

  /** Changes the fake machine's power behind the conductor's back (to test power sync). */
  public static void setHardwarePowerState(String uuid, DriverPowerState state) {
    MACHINES.computeIfAbsent(uuid, k -> new Machine(state)).power = state;
  }

  @Override
  public void configure(io.ferrum.driver.DriverSettings settings) {
    String value = settings.get(FAULT_INJECTION, "true");
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          FAULT_INJECTION + " must be true or false, not \"" + value + "\"");
    }
    faultInjection = value.equals("true");
  }

  /**
   * Refuses a number key that is not a whole number of zero or more, and, when the operator turned
   * fault injection off, the fault-injection keys and a {@code fake_delay_ms} over {@value
   * #MAX_DELAY_MS}.
   */
  @Override
  public void checkInput(DriverNode node) {
    for (String key : NUMBER_KEYS) {
      number(node, key);
    }
    if (faultInjection) {
      return;
    }
    for (String key : FAULT_KEYS) {
      if (node.info(key) != null) {
        throw new InvalidDriverInfoException(
            "driver_info."
                + key
                + " makes driver calls fail or hang, which this conductor does not allow: "
                + io.ferrum.driver.DriverSettings.howToAllow(
                    FAULT_INJECTION, "fault injection (true)"));
      }
    }
    long delay = number(node, "fake_delay_ms");
    if (delay > MAX_DELAY_MS) {
      throw new InvalidDriverInfoException(
          "driver_info.fake_delay_ms may be at most "
              + MAX_DELAY_MS
              + " (ms) on this conductor, not "
              + delay
              + ": a longer delay holds driver threads like a hang; "
              + io.ferrum.driver.DriverSettings.howToAllow(
                  FAULT_INJECTION, "fault injection (true)"));
    }
  }

  @Override
  public void validate(DriverNode node) {
    // A node stored before the operator turned fault injection off is refused here, before any
    // delay or hang of its own.
    checkInput(node);
    call(node, "validate");
    for (String key : List.of("fake_fail", "fake_hang", "fake_wait")) {
      for (String name : list(node, key)) {
        if (!CALL_NAMES.contains(name)) {
          throw new InvalidDriverInfoException(
              "driver_info." + key + " names unknown call \"" + name + "\"; calls: " + CALLS);
        }
      }
    }
    number(node, "fake_delay_ms");
    number(node, "fake_fail_times");
    number(node, "fake_hang_ms");
    String ignores = node.info("fake_hang_ignores_interrupt");
    if (ignores != null && !List.of("true", "false").contains(ignores)) {
      throw new InvalidDriverInfoException(
          "driver_info.fake_hang_ignores_interrupt must be true or false, not \"" + ignores + "\"");
    }
    String with = node.info("fake_fail_with");
    if (with != null && !List.of("driver", "runtime", "error").contains(with)) {
      throw new InvalidDriverInfoException(
          "driver_info.fake_fail_with must be driver, runtime or error, not \"" + with + "\"");
    }
    String power = node.info("fake_power_state");
    if (power != null && !List.of("power on", "power off").contains(power)) {
      throw new InvalidDriverInfoException(
          "driver_info.fake_power_state must be \"power on\" or \"power off\", not \""
              + power
              + "\"");
    }
  }

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    return call(node, "power.get").power;
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    call(node, "power.set").power = target;
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    call(node, "power.reboot").power = DriverPowerState.POWER_ON;
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    return call(node, "management.get_boot_device").bootDevice;
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    call(node, "management.set_boot_device").bootDevice = device;
  }

  /** Counts the call; the fake machine has no kernel to interrupt. */
  @Override
  public void injectNmi(DriverNode node) {
    call(node, "management.inject_nmi");
  }

  @Override
  public StepOutcome deploy(DriverNode node) {
    Machine machine = call(node, "deploy.deploy");
    if (waits(node, "deploy.deploy")) {
      return StepOutcome.WAIT;
    }
    machine.bootDevice = BootDevice.DISK;
    machine.power = DriverPowerState.POWER_ON;
    return StepOutcome.DONE;
  }

  @Override
  public StepOutcome continueDeploy(DriverNode node) {
    Machine machine = call(node, "deploy.continue");
    machine.bootDevice = BootDevice.DISK;
    machine.power = DriverPowerState.POWER_ON;
    return StepOutcome.DONE;
  }

  @Override
  public void tearDown(DriverNode node) {
    Machine machine = call(node, "deploy.tear_down");
    machine.power = DriverPowerState.POWER_OFF;
    machine.bootDevice = BootDevice.PXE;
  }

  @Override
  public void takeOver(DriverNode node) {
    call(node, "deploy.take_over");
  }

  @Override
  public StepOutcome service(DriverNode node, List<Step> steps) {
    call(node, "deploy.service");
    return waits(node, "deploy.service") ? StepOutcome.WAIT : StepOutcome.DONE;
  }

  @Override
  public void prepareInstance(DriverNode node) {
    call(node, "boot.prepare");
  }

  @Override
  public void cleanUpInstance(DriverNode node) {
    call(node, "boot.clean_up");
  }

  @Override
  public Inspection inspect(DriverNode node) {
    call(node, "inspect.inspect");
    if (waits(node, "inspect.inspect")) {
      return new Inspection(StepOutcome.WAIT, Map.of());
    }
    return new Inspection(
        StepOutcome.DONE,
        Map.of("cpus", 2, "memory_mb", 4096, "local_gb", 20, "cpu_arch", "x86_64"));
  }

  @Override
  public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
    call(node, "clean.clean");
    return waits(node, "clean.clean") ? StepOutcome.WAIT : StepOutcome.DONE;
  }

  @Override
  public StepOutcome continueClean(DriverNode node) {
    call(node, "clean.continue");
    return StepOutcome.DONE;
  }

  @Override
  public StepOutcome rescue(DriverNode node) {
    call(node, "rescue.rescue");
    return waits(node, "rescue.rescue") ? StepOutcome.WAIT : StepOutcome.DONE;
  }

  @Override
  public void unrescue(DriverNode node) {
    call(node, "rescue.unrescue");
  }

  /** Counts the call, then applies the node's delay, hang and failure settings to it. */
  private static Machine call(DriverNode node, String call) {
    Machine machine =
        MACHINES.computeIfAbsent(
            node.uuid(),
            k ->
                new Machine(
                    "power on".equals(node.info("fake_power_state"))
                        ? DriverPowerState.POWER_ON
                        : DriverPowerState.POWER_OFF));
    int attempt = machine.calls.computeIfAbsent(call, k -> new AtomicInteger()).incrementAndGet();
    long delay = number(node, "fake_delay_ms");
    if (delay > 0) {
      sleep(delay, node, call);
    }
    if (list(node, "fake_hang").contains(call)) {
      long hang = node.info("fake_hang_ms") == null ? 3_600_000 : number(node, "fake_hang_ms");
      if ("true".equals(node.info("fake_hang_ignores_interrupt"))) {
        sleepThroughInterrupts(hang);
      } else {
        sleep(hang, node, call);
      }
      throw new DriverTimeoutException(
          "fake " + call + " on node " + node.label() + " hung for " + hang + " ms (fake_hang)");
    }
    if (list(node, "fake_fail").contains(call)) {
      String times = node.info("fake_fail_times");
      if (times == null || attempt <= number(node, "fake_fail_times")) {
        String message =
            "fake "
                + call
                + " failed on node "
                + node.label()
                + " (attempt "
                + attempt
                + ", fake_fail)";
        switch (node.info("fake_fail_with") == null ? "driver" : node.info("fake_fail_with")) {
          case "runtime" -> throw new IllegalStateException(message);
          case "error" -> throw new AssertionError(message);
          default -> throw new DriverException(message);
        }
      }
    }
    return machine;
  }

  private static boolean waits(DriverNode node, String call) {
    return list(node, "fake_wait").contains(call);
  }

  private static List<String> list(DriverNode node, String key) {
    String value = node.info(key);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static long number(DriverNode node, String key) {
    String value = node.info(key);
    if (value == null) {
      return 0;
    }
    try {
      long number = Long.parseLong(value.trim());
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new InvalidDriverInfoException(
          "driver_info." + key + " must be a whole number of zero or more, not \"" + value + "\"");
    }
  }

  private static void sleep(long millis, DriverNode node, String call) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverTimeoutException(
          "fake " + call + " on node " + node.label() + " was interrupted", e);
    }
  }

  private static void sleepThroughInterrupts(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    boolean interrupted = false;
    for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
      try {
        Thread.sleep(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
