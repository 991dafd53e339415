package io.ferrum.driver.redfish;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.ferrum.driver.InspectInterface;
import io.ferrum.driver.Inspection;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RaidInterface;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import io.ferrum.driver.agent.AgentDispatch;
import io.ferrum.driver.agent.AgentInterfaces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code redfish} hardware type: a bare-metal machine driven through its BMC's Redfish service
 * (DMTF DSP0266), with Ironic's {@code driver_info} keys ({@link RedfishInfo}).
 *
 * <ul>
 *   <li>power: the {@code ComputerSystem}'s {@code PowerState}; changes through {@code
 *       Actions/#ComputerSystem.Reset} with the first reset type the system advertises ({@code
 *       ResetType@Redfish.AllowableValues}) among Ironic's choices: on = {@code On}; off = {@code
 *       ForceOff} (hard) or {@code GracefulShutdown} (soft); reboot = {@code ForceRestart} or
 *       {@code PowerCycle} (hard) or {@code GracefulRestart} (soft); then the state is read until
 *       it is the target;
 *   <li>management: {@code Boot.BootSourceOverrideTarget} ({@code Pxe}, {@code Hdd}, {@code Cd},
 *       {@code BiosSetup}) with {@code BootSourceOverrideEnabled} {@code Once} or {@code
 *       Continuous} (and {@code BootSourceOverrideMode} {@code UEFI} when the node's {@code
 *       properties.capabilities} say {@code boot_mode:uefi}), set by {@code PATCH} with {@code
 *       If-Match} on the system's ETag; a non-maskable interrupt is the reset type {@code Nmi};
 *   <li>inspect: {@code cpus}, {@code memory_mb}, {@code cpu_arch} and {@code local_gb} from the
 *       system, its processors and its storage ({@link #inspect}).
 * </ul>
 *
 * <p>Hostile input: the address must be {@code https} (or a scheme in {@value #ALLOWED_SCHEMES})
 * and its host must lie in {@value BmcNetworkPolicy#ALLOWED_NETWORKS}; the system id must be a
 * plain path below {@code /redfish/v1/Systems/}; redirects are never followed. TLS certificates are
 * verified unless the node says {@code redfish_verify_ca=false}.
 *
 * <p>Thread-safe: calls share two HTTP clients and no other state.
 */
public final class RedfishHardware
    implements HardwareType, PowerInterface, ManagementInterface, InspectInterface {

  /** This hardware type's name. */
  public static final String NAME = "redfish";

  /** Setting: URL schemes {@code redfish_address} may use (default {@code https}). */
  public static final String ALLOWED_SCHEMES = "redfish-allowed-schemes";

  /** How long a hard power change may take to show in the system's state. */
  static final int HARD_WAIT_SECONDS = 30;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String SYSTEMS = "/redfish/v1/Systems";

  private final RedfishClient client = new RedfishClient(Duration.ofSeconds(30));
  private volatile BmcNetworkPolicy networks = BmcNetworkPolicy.defaults();
  private volatile List<String> schemes = List.of("https");
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

  @Override
  public InspectInterface inspect() {
    return this;
  }

  /**
   * Ironic's names: {@code redfish} for power, management and inspect; no rescue. The defaults for
   * boot and deploy, named {@code redfish}, refuse every call; a node may choose Ironic's
   * agent-based {@code ipxe} boot, {@code direct} deploy and {@code agent} RAID instead ({@link
   * AgentDispatch}).
   */
  @Override
  public Map<String, List<String>> supportedInterfaces() {
    Map<String, List<String>> interfaces = new LinkedHashMap<>(HardwareInterfaces.single(NAME));
    interfaces.put("rescue", List.of("no-rescue"));
    return AgentDispatch.withAgent(interfaces);
  }

  @Override
  public Map<String, String> driverProperties() {
    Map<String, String> properties = new LinkedHashMap<>(RedfishInfo.PROPERTIES);
    properties.putAll(AgentInterfaces.PROPERTIES);
    return Collections.unmodifiableMap(properties);
  }

  @Override
  public void configure(DriverSettings settings) {
    BmcNetworkPolicy newNetworks = BmcNetworkPolicy.from(settings);
    List<String> newSchemes = settings.list(ALLOWED_SCHEMES, List.of("https"));
    for (String scheme : newSchemes) {
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException(
            ALLOWED_SCHEMES + ": \"" + scheme + "\" is not https or http");
      }
    }
    AgentInterfaces newAgent = new AgentInterfaces(this, this, settings);
    networks = newNetworks;
    agent = newAgent;
    schemes = List.copyOf(newSchemes);
  }

  @Override
  public void checkInput(DriverNode node) {
    agent.checkInput(node);
    if (node.info(RedfishInfo.ADDRESS) != null) {
      RedfishInfo info = RedfishInfo.of(node, schemes);
      networks.check("driver_info." + RedfishInfo.ADDRESS, info.host());
    }
  }

  @Override
  public void validate(DriverNode node) {
    RedfishInfo info = RedfishInfo.of(node, schemes);
    networks.check("driver_info." + RedfishInfo.ADDRESS, info.host());
  }

  // ---- power ----

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    Target target = target(node);
    JsonNode system = get(target, target.system, "reading the power state").body();
    return switch (system.path("PowerState").asText("")) {
      case "On", "PoweringOff" -> DriverPowerState.POWER_ON;
      case "Off", "PoweringOn" -> DriverPowerState.POWER_OFF;
      default -> DriverPowerState.ERROR;
    };
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    if (target == DriverPowerState.POWER_ON) {
      reset(node, "power on", List.of("On"));
      await(node, DriverPowerState.POWER_ON, Duration.ofSeconds(HARD_WAIT_SECONDS), "power on");
    } else if (target == DriverPowerState.POWER_OFF) {
      powerOff(node, soft, timeout);
    } else {
      throw new DriverException("cannot set power state " + target);
    }
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    if (getPowerState(node) == DriverPowerState.POWER_OFF) {
      reset(node, "power on", List.of("On"));
    } else if (soft) {
      reset(node, "soft reboot", List.of("GracefulRestart"));
    } else {
      reset(node, "reboot", List.of("ForceRestart", "PowerCycle"));
    }
    await(node, DriverPowerState.POWER_ON, Duration.ofSeconds(HARD_WAIT_SECONDS), "reboot");
  }

  private void powerOff(DriverNode node, boolean soft, Duration timeout) {
    if (!soft) {
      reset(node, "power off", List.of("ForceOff"));
      await(node, DriverPowerState.POWER_OFF, Duration.ofSeconds(HARD_WAIT_SECONDS), "power off");
      return;
    }
    if (getPowerState(node) == DriverPowerState.POWER_OFF) {
      return;
    }
    reset(node, "soft power off", List.of("GracefulShutdown"));
    Duration wait =
        timeout == null || timeout.isZero() || timeout.isNegative()
            ? Duration.ofSeconds(HARD_WAIT_SECONDS)
            : timeout;
    await(node, DriverPowerState.POWER_OFF, wait, "soft power off");
  }

  private void await(DriverNode node, DriverPowerState target, Duration wait, String what) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (getPowerState(node) != target) {
      if (System.nanoTime() - deadline >= 0) {
        throw new DriverTimeoutException(
            "node "
                + node.label()
                + ": the system did not reach "
                + (target == DriverPowerState.POWER_ON ? "power on" : "power off")
                + " within "
                + wait.toSeconds()
                + " s after "
                + what);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DriverException("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Posts ComputerSystem.Reset with the first of {@code choices} the system allows. */
  private void reset(DriverNode node, String what, List<String> choices) {
    Target target = target(node);
    JsonNode system = get(target, target.system, what).body();
    JsonNode action = system.path("Actions").path("#ComputerSystem.Reset");
    String path = action.path("target").asText(target.system + "/Actions/ComputerSystem.Reset");
    path = own(target, path, what);
    JsonNode allowed = action.path("ResetType@Redfish.AllowableValues");
    String chosen = null;
    if (allowed.isArray() && allowed.size() > 0) {
      List<String> offered = new ArrayList<>();
      allowed.forEach(value -> offered.add(value.asText()));
      for (String choice : choices) {
        if (offered.contains(choice)) {
          chosen = choice;
          break;
        }
      }
      if (chosen == null) {
        throw new UnsupportedDriverOperationException(
            "system "
                + target.system
                + " offers no reset type for "
                + what
                + " (wanted "
                + String.join(" or ", choices)
                + "; it offers "
                + String.join(", ", offered)
                + ")");
      }
    } else {
      chosen = choices.get(0);
    }
    client.send(target.info, "POST", path, Map.of("ResetType", chosen), null, what);
  }

  // ---- management ----

  @Override
  public Set<BootDevice> supportedBootDevices(DriverNode node) {
    return EnumSet.of(BootDevice.PXE, BootDevice.DISK, BootDevice.CDROM, BootDevice.BIOS);
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    String value =
        switch (device) {
          case PXE -> "Pxe";
          case DISK -> "Hdd";
          case CDROM -> "Cd";
          case BIOS -> "BiosSetup";
          case SAFE ->
              throw new UnsupportedDriverOperationException("Redfish has no boot device safe");
        };
    Target target = target(node);
    String what = "setting boot device " + device.value();
    RedfishClient.Answer system = get(target, target.system, what);
    Map<String, Object> boot = new LinkedHashMap<>();
    boot.put("BootSourceOverrideTarget", value);
    boot.put("BootSourceOverrideEnabled", persistent ? "Continuous" : "Once");
    if (uefi(node)) {
      boot.put("BootSourceOverrideMode", "UEFI");
    }
    client.send(target.info, "PATCH", target.system, Map.of("Boot", boot), system.etag(), what);
  }

  private static boolean uefi(DriverNode node) {
    Object capabilities = node.properties().get("capabilities");
    return capabilities != null
        && capabilities.toString().toLowerCase(java.util.Locale.ROOT).contains("boot_mode:uefi");
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    Target target = target(node);
    JsonNode boot = get(target, target.system, "reading the boot device").body().path("Boot");
    String enabled = boot.path("BootSourceOverrideEnabled").asText("Disabled");
    String value =
        enabled.equals("Disabled") ? "None" : boot.path("BootSourceOverrideTarget").asText("None");
    return switch (value) {
      case "Pxe" -> BootDevice.PXE;
      case "Cd" -> BootDevice.CDROM;
      case "BiosSetup" -> BootDevice.BIOS;
      case "Hdd", "None" -> BootDevice.DISK;
      default ->
          throw new DriverException(
              "the system reports boot device \"" + value + "\", which Ferrum does not know");
    };
  }

  @Override
  public void injectNmi(DriverNode node) {
    reset(node, "injecting a non-maskable interrupt", List.of("Nmi"));
  }

  // ---- inspect ----

  /**
   * Reads Ironic's properties from the system: {@code cpus} ({@code ProcessorSummary.Count}),
   * {@code memory_mb} ({@code MemorySummary.TotalSystemMemoryGiB}), {@code cpu_arch} (the first
   * processor's {@code ProcessorArchitecture} / {@code InstructionSet}) and {@code local_gb} (the
   * largest drive of the system's {@code Storage}, less 1 GiB for partitioning, as Ironic does). A
   * property the service does not report is left out.
   */
  @Override
  public Inspection inspect(DriverNode node) {
    Target target = target(node);
    String what = "inspection";
    JsonNode system = get(target, target.system, what).body();
    Map<String, Object> properties = new LinkedHashMap<>();
    JsonNode count = system.path("ProcessorSummary").path("Count");
    if (count.canConvertToInt() && count.asInt() > 0) {
      properties.put("cpus", count.asInt());
    }
    JsonNode memory = system.path("MemorySummary").path("TotalSystemMemoryGiB");
    if (memory.isNumber() && memory.asDouble() > 0) {
      properties.put("memory_mb", Math.round(memory.asDouble() * 1024));
    }
    String arch = architecture(target, system.path("Processors").path("@odata.id").asText(null));
    if (arch != null) {
      properties.put("cpu_arch", arch);
    }
    long largest = largestDrive(target, system.path("Storage").path("@odata.id").asText(null));
    if (largest > 0) {
      properties.put("local_gb", Math.max(0, largest / (1L << 30) - 1));
    }
    return new Inspection(StepOutcome.DONE, properties);
  }

  private String architecture(Target target, String processors) {
    if (processors == null) {
      return null;
    }
    for (String member : members(target, processors)) {
      JsonNode cpu = get(target, own(target, member, "inspection"), "inspection").body();
      String instructions = cpu.path("InstructionSet").asText("");
      String architecture = cpu.path("ProcessorArchitecture").asText("");
      switch (instructions.isEmpty() ? architecture : instructions) {
        case "x86-64":
          return "x86_64";
        case "x86":
          return "i686";
        case "ARM-A64":
          return "aarch64";
        case "PowerISA":
          return "ppc64le";
        default:
          if (architecture.equals("x86")) {
            return "x86_64";
          }
      }
    }
    return null;
  }

  private long largestDrive(Target target, String storage) {
    if (storage == null) {
      return 0;
    }
    long largest = 0;
    for (String member : members(target, storage)) {
      JsonNode controller = get(target, own(target, member, "inspection"), "inspection").body();
      for (JsonNode drive : controller.path("Drives")) {
        String path = own(target, drive.path("@odata.id").asText(""), "inspection");
        largest =
            Math.max(
                largest, get(target, path, "inspection").body().path("CapacityBytes").asLong(0));
      }
    }
    return largest;
  }

  /** The {@code @odata.id} of each member of the collection at {@code path}. */
  private List<String> members(Target target, String path) {
    List<String> ids = new ArrayList<>();
    JsonNode collection = get(target, own(target, path, "inspection"), "inspection").body();
    for (JsonNode member : collection.path("Members")) {
      ids.add(member.path("@odata.id").asText(""));
    }
    return ids;
  }

  // ---- plumbing ----

  /** The checked connection details and the system's path. */
  private record Target(RedfishInfo info, String system) {}

  private Target target(DriverNode node) {
    RedfishInfo info = RedfishInfo.of(node, schemes);
    networks.resolve("driver_info." + RedfishInfo.ADDRESS, info.host());
    if (info.systemId() != null) {
      return new Target(info, info.systemId());
    }
    JsonNode members =
        client.send(info, "GET", SYSTEMS, null, null, "listing the systems").body().path("Members");
    if (members.size() != 1) {
      throw new InvalidDriverInfoException(
          "driver_info."
              + RedfishInfo.SYSTEM_ID
              + " is needed: the Redfish service has "
              + members.size()
              + " systems");
    }
    Target probe = new Target(info, SYSTEMS);
    return new Target(
        info, own(probe, members.path(0).path("@odata.id").asText(""), "listing the systems"));
  }

  private RedfishClient.Answer get(Target target, String path, String what) {
    return client.send(target.info, "GET", path, null, null, what);
  }

  /** A path the service gave us, accepted only when it stays below {@code /redfish/v1/}. */
  private static String own(Target target, String path, String what) {
    if (!path.startsWith("/redfish/v1/")
        || path.contains("..")
        || path.contains("//")
        || !path.matches("[A-Za-z0-9_.:@+/-]+")) {
      throw new DriverException(
          "Redfish service " + target.info.base() + " gave an unusable path for " + what);
    }
    return path;
  }
}
