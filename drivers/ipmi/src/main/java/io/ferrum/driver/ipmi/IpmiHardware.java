package io.ferrum.driver.ipmi;

import io.ferrum.driver.BmcNetworkPolicy;
import io.ferrum.driver.BootDevice;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RaidInterface;
import io.ferrum.driver.agent.AgentDispatch;
import io.ferrum.driver.agent.AgentInterfaces;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ipmi} hardware type: a bare-metal machine driven through its BMC with {@code ipmitool}
 * (Debian {@code ipmitool}), as Ironic's {@code ipmi} hardware type does, with Ironic's {@code
 * driver_info} keys ({@link IpmiInfo}).
 *
 * <ul>
 *   <li>power: {@code chassis power status|on|off|soft|cycle}; every change is followed by status
 *       reads until the BMC reports the target ({@value #HARD_WAIT_SECONDS} s for a hard change,
 *       the request's timeout for a soft one). A hard reboot of a machine that is off powers it on;
 *       a soft reboot is a soft power off followed by power on;
 *   <li>management: {@code chassis bootdev pxe|disk|cdrom|bios|safe}, with {@code
 *       options=persistent} for a persistent device and {@code efiboot} when the node's {@code
 *       properties.capabilities} say {@code boot_mode:uefi}; the device is read back from boot
 *       parameter 5 ("No override" reads as disk); a non-maskable interrupt is {@code chassis power
 *       diag}.
 * </ul>
 *
 * <p>Hostile input: every {@code driver_info} value is checked before it becomes an argument
 * ({@link IpmiInfo}), and the BMC's address must lie in a network of the operator's {@value
 * BmcNetworkPolicy#ALLOWED_NETWORKS} ({@link BmcNetworkPolicy}; default: none). ipmitool runs
 * without a shell and gets the password through a private file ({@link Ipmitool}).
 *
 * <p>Operator settings: {@value BmcNetworkPolicy#ALLOWED_NETWORKS}; {@value #MIN_INTERVAL} (seconds
 * between two commands to one BMC, default {@value #DEFAULT_MIN_INTERVAL}, as Ironic's {@code
 * [ipmi]min_command_interval}); {@value #PROGRAM} (the ipmitool program, default {@code ipmitool}
 * on the conductor's {@code PATH}).
 *
 * <p>Thread-safe: commands to one BMC are serialised and spaced ({@link BmcGate}), commands to
 * different BMCs run in parallel; the settings are replaced whole by {@link #configure}.
 */
public final class IpmiHardware implements HardwareType, PowerInterface, ManagementInterface {

  /** This hardware type's name. */
  public static final String NAME = "ipmi";

  /** Setting: seconds (a decimal number, 0-60) between two commands to one BMC. */
  public static final String MIN_INTERVAL = "ipmi-min-command-interval";

  /** Setting: the ipmitool program, a name on {@code PATH} or an absolute path. */
  public static final String PROGRAM = "ipmitool-path";

  static final String DEFAULT_MIN_INTERVAL = "5";

  /** How long a hard power change may take to show in the BMC's status. */
  static final int HARD_WAIT_SECONDS = 30;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String ADDRESS_FIELD = "driver_info." + IpmiInfo.ADDRESS;

  private final BmcGate gate =
      new BmcGate(Duration.ofSeconds(Long.parseLong(DEFAULT_MIN_INTERVAL)));
  private volatile BmcNetworkPolicy networks = BmcNetworkPolicy.defaults();
  private volatile Ipmitool ipmitool = new Ipmitool("ipmitool");
  private volatile AgentInterfaces agent = new AgentInterfaces(this, this, DriverSettings.none());
  private final BootInterface boot = AgentDispatch.boot(() -> agent, HardwareType.super.boot());
  private final DeployInterface deploy =
      AgentDispatch.deploy(() -> agent, HardwareType.super.deploy());
  private final RaidInterface raid = AgentDispatch.raid(() -> agent, HardwareType.super.raid());
  private final CleanInterface clean = AgentDispatch.clean(() -> agent, HardwareType.super.clean());

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

  /** Boot: {@code ipxe} for nodes that chose it; otherwise none (every call is refused). */
  @Override
  public BootInterface boot() {
    return boot;
  }

  /** Deploy: {@code direct} for nodes that chose it; otherwise none (every call is refused). */
  @Override
  public DeployInterface deploy() {
    return deploy;
  }

  /**
   * Cleaning: through the deploy ramdisk's agent for nodes that deploy {@code direct}; otherwise
   * none (every call is refused).
   */
  @Override
  public CleanInterface clean() {
    return clean;
  }

  /** RAID: {@code agent} for nodes that chose it; otherwise none (every call is refused). */
  @Override
  public RaidInterface raid() {
    return raid;
  }

  /**
   * Ironic's names where they mean the same: {@code ipmitool} for power and management, {@code
   * no-inspect} and {@code no-rescue}. The defaults for boot and deploy are named {@code ipmi} and
   * refuse every call (only power and the boot device); a node may choose Ironic's agent-based
   * {@code ipxe} boot, {@code direct} deploy and {@code agent} RAID instead ({@link
   * AgentDispatch}).
   */
  @Override
  public Map<String, List<String>> supportedInterfaces() {
    Map<String, List<String>> interfaces = new LinkedHashMap<>(HardwareInterfaces.single(NAME));
    interfaces.put("power", List.of("ipmitool"));
    interfaces.put("management", List.of("ipmitool"));
    interfaces.put("inspect", List.of("no-inspect"));
    interfaces.put("rescue", List.of("no-rescue"));
    return AgentDispatch.withAgent(interfaces);
  }

  @Override
  public Map<String, String> driverProperties() {
    Map<String, String> properties = new LinkedHashMap<>(IpmiInfo.PROPERTIES);
    properties.putAll(AgentInterfaces.PROPERTIES);
    return Collections.unmodifiableMap(properties);
  }

  @Override
  public void configure(DriverSettings settings) {
    BmcNetworkPolicy newNetworks = BmcNetworkPolicy.from(settings);
    String interval = settings.get(MIN_INTERVAL, DEFAULT_MIN_INTERVAL).trim();
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(interval);
    } catch (NumberFormatException e) {
      seconds = BigDecimal.valueOf(-1);
    }
    if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(60)) > 0) {
      throw new IllegalArgumentException(
          MIN_INTERVAL + ": \"" + interval + "\" is not a number of seconds from 0 to 60");
    }
    String program = settings.get(PROGRAM, "ipmitool").trim();
    if (program.isEmpty()
        || program.startsWith("-")
        || (program.contains("/") && !program.startsWith("/"))) {
      throw new IllegalArgumentException(
          PROGRAM + ": \"" + program + "\" is neither a program name nor an absolute path");
    }
    AgentInterfaces newAgent = new AgentInterfaces(this, this, settings);
    networks = newNetworks;
    agent = newAgent;
    gate.interval(Duration.ofNanos(seconds.movePointRight(9).longValue()));
    ipmitool = new Ipmitool(program);
  }

  @Override
  public void checkInput(DriverNode node) {
    agent.checkInput(node);
    if (node.info(IpmiInfo.ADDRESS) != null) {
      IpmiInfo info = IpmiInfo.of(node);
      networks.check(ADDRESS_FIELD, info.address());
    }
  }

  @Override
  public void validate(DriverNode node) {
    IpmiInfo info = IpmiInfo.of(node);
    networks.check(ADDRESS_FIELD, info.address());
  }

  // ---- power ----

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    String out = command(node, "reading the power state", "chassis", "power", "status");
    String lower = out.toLowerCase(Locale.ROOT);
    if (lower.contains("chassis power is on")) {
      return DriverPowerState.POWER_ON;
    }
    if (lower.contains("chassis power is off")) {
      return DriverPowerState.POWER_OFF;
    }
    return DriverPowerState.ERROR;
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    if (target == DriverPowerState.POWER_ON) {
      command(node, "power on", "chassis", "power", "on");
      await(node, DriverPowerState.POWER_ON, Duration.ofSeconds(HARD_WAIT_SECONDS), "power on");
    } else if (target == DriverPowerState.POWER_OFF) {
      powerOff(node, soft, timeout);
    } else {
      throw new DriverException("cannot set power state " + target);
    }
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    if (soft) {
      powerOff(node, true, timeout);
      command(node, "power on", "chassis", "power", "on");
    } else if (getPowerState(node) == DriverPowerState.POWER_OFF) {
      command(node, "power on", "chassis", "power", "on");
    } else {
      command(node, "power cycle", "chassis", "power", "cycle");
    }
    await(node, DriverPowerState.POWER_ON, Duration.ofSeconds(HARD_WAIT_SECONDS), "reboot");
  }

  private void powerOff(DriverNode node, boolean soft, Duration timeout) {
    if (!soft) {
      command(node, "power off", "chassis", "power", "off");
      await(node, DriverPowerState.POWER_OFF, Duration.ofSeconds(HARD_WAIT_SECONDS), "power off");
      return;
    }
    if (getPowerState(node) == DriverPowerState.POWER_OFF) {
      return;
    }
    command(node, "soft power off", "chassis", "power", "soft");
    Duration wait =
        timeout == null || timeout.isZero() || timeout.isNegative()
            ? Duration.ofSeconds(HARD_WAIT_SECONDS)
            : timeout;
    await(node, DriverPowerState.POWER_OFF, wait, "soft power off");
  }

  /** Reads the power state until it is {@code target}, for at most {@code wait}. */
  private void await(DriverNode node, DriverPowerState target, Duration wait, String what) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      if (getPowerState(node) == target) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new DriverTimeoutException(
            "node "
                + node.label()
                + ": the BMC did not report "
                + (target == DriverPowerState.POWER_ON ? "power on" : "power off")
                + " within "
                + wait.toSeconds()
                + " s after "
                + what
                + (what.startsWith("soft")
                    ? " (does the operating system act on ACPI power button events?)"
                    : ""));
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DriverException("interrupted while waiting for " + what, e);
      }
    }
  }

  // ---- management ----

  @Override
  public Set<BootDevice> supportedBootDevices(DriverNode node) {
    return EnumSet.allOf(BootDevice.class);
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    List<String> options = new ArrayList<>();
    if (persistent) {
      options.add("persistent");
    }
    if (uefi(node)) {
      options.add("efiboot");
    }
    List<String> args = new ArrayList<>(List.of("chassis", "bootdev", device.value()));
    if (!options.isEmpty()) {
      args.add("options=" + String.join(",", options));
    }
    command(node, "setting boot device " + device.value(), args.toArray(String[]::new));
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    String out = command(node, "reading the boot device", "chassis", "bootparam", "get", "5");
    for (String line : out.split("\\R")) {
      int at = line.indexOf("Boot Device Selector :");
      if (at >= 0) {
        return bootDevice(line.substring(at + "Boot Device Selector :".length()).strip());
      }
    }
    throw new DriverException(
        "BMC of node " + node.label() + " did not report a boot device selector");
  }

  /** The device a boot device selector of ipmitool's names. */
  static BootDevice bootDevice(String selector) {
    String lower = selector.toLowerCase(Locale.ROOT);
    if (lower.contains("pxe")) {
      return BootDevice.PXE;
    }
    if (lower.contains("safe mode")) {
      return BootDevice.SAFE;
    }
    if (lower.contains("hard-drive") || lower.contains("no override")) {
      return BootDevice.DISK;
    }
    if (lower.contains("cd/dvd")) {
      return BootDevice.CDROM;
    }
    if (lower.contains("bios setup")) {
      return BootDevice.BIOS;
    }
    throw new DriverException(
        "the BMC reports boot device \"" + selector + "\", which Ferrum does not know");
  }

  @Override
  public void injectNmi(DriverNode node) {
    command(node, "injecting a non-maskable interrupt", "chassis", "power", "diag");
  }

  private static boolean uefi(DriverNode node) {
    Object capabilities = node.properties().get("capabilities");
    return capabilities != null
        && capabilities.toString().toLowerCase(Locale.ROOT).contains("boot_mode:uefi");
  }

  /**
   * Runs one ipmitool command for {@code node}: checks its {@code driver_info} and the BMC's
   * address again, then waits for the BMC's turn.
   */
  private String command(DriverNode node, String what, String... command) {
    IpmiInfo info = IpmiInfo.of(node);
    InetAddress address = networks.resolve(ADDRESS_FIELD, info.address());
    Ipmitool tool = ipmitool;
    return gate.run(
        address.getHostAddress() + ":" + info.port(),
        () -> tool.run(info, address, what, List.of(command)));
  }
}
