package io.ferrum.examples.customdriver;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A hardware type of its own: small boards powered over Ethernet, each on a port of a PoE switch,
 * that boot either from their own disk or from the network, where their port serves the image
 * deployed to them. The switch is simulated in memory, so the example runs anywhere; a real one
 * would send the same requests to the switch's management API.
 *
 * <p>{@code driver_info.poe_port} names the port, from 1 to the operator setting {@value
 * #PORTS_SETTING} (default 8): a request reaches only ports the operator wired. {@code
 * instance_info.image_source} names the image to deploy.
 *
 * <p>The power, management and boot interfaces are this class; deploy and clean are small classes
 * of their own, as their {@code validate} asks for more than a port. Registered through {@code
 * META-INF/services/io.ferrum.driver.HardwareType}, so a conductor finds it with {@link
 * java.util.ServiceLoader}; it has the public no-argument constructor that needs.
 */
public final class PoeSwitchHardware
    implements HardwareType, PowerInterface, ManagementInterface, BootInterface {

  /** The hardware type's name, as nodes name it in {@code driver}. */
  public static final String NAME = "poe-switch";

  /** The operator setting: how many ports the switch has. */
  public static final String PORTS_SETTING = "poe-switch-ports";

  /** What the switch knows of one port: power, the board's boot device, the image it serves. */
  private record Port(boolean powered, BootDevice bootDevice, String image) {
    static final Port OFF = new Port(false, BootDevice.DISK, null);
  }

  private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,3}");

  private final Map<Integer, Port> ports = new ConcurrentHashMap<>();
  private volatile int portCount = 8;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> driverProperties() {
    return Map.of("poe_port", "The switch port the board is on, from 1. Required.");
  }

  @Override
  public void configure(DriverSettings settings) {
    String value = settings.get(PORTS_SETTING, "8");
    if (!NUMBER.matcher(value).matches()) {
      throw new IllegalArgumentException(
          PORTS_SETTING + " must be a number of ports from 1 to 9999, not \"" + value + "\"");
    }
    portCount = Integer.parseInt(value);
  }

  @Override
  public void checkInput(DriverNode node) {
    if (node.info("poe_port") != null) {
      port(node);
    }
  }

  /** The port {@code node} names, checked against the switch's ports. */
  private int port(DriverNode node) {
    String value = node.requireInfo("poe_port");
    if (!NUMBER.matcher(value).matches() || Integer.parseInt(value) > portCount) {
      throw new InvalidDriverInfoException(
          "driver_info.poe_port must be a port from 1 to "
              + portCount
              + " (the "
              + PORTS_SETTING
              + " setting), not \""
              + value
              + "\"");
    }
    return Integer.parseInt(value);
  }

  private Port state(DriverNode node) {
    return ports.getOrDefault(port(node), Port.OFF);
  }

  private void update(DriverNode node, UnaryOperator<Port> change) {
    ports.compute(port(node), (port, old) -> change.apply(old == null ? Port.OFF : old));
  }

  // The interfaces this class is.

  @Override
  public PowerInterface power() {
    return this;
  }

  @Override
  public ManagementInterface management() {
    return this;
  }

  @Override
  public BootInterface boot() {
    return this;
  }

  /** Every interface this class is accepts a node whose port is wired. */
  @Override
  public void validate(DriverNode node) {
    port(node);
  }

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    return state(node).powered() ? DriverPowerState.POWER_ON : DriverPowerState.POWER_OFF;
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    boolean on = target == DriverPowerState.POWER_ON;
    update(node, p -> new Port(on, p.bootDevice(), p.image()));
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    // Cutting PoE power and restoring it is the only reboot a board has.
    update(node, p -> new Port(true, p.bootDevice(), p.image()));
  }

  @Override
  public Set<BootDevice> supportedBootDevices(DriverNode node) {
    return EnumSet.of(BootDevice.DISK, BootDevice.PXE);
  }

  @Override
  public BootDevice getBootDevice(DriverNode node) {
    return state(node).bootDevice();
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    if (!supportedBootDevices(node).contains(device)) {
      throw new InvalidDriverInfoException(
          "a " + NAME + " board boots from disk or pxe, not " + device.value());
    }
    update(node, p -> new Port(p.powered(), device, p.image()));
  }

  @Override
  public void prepareInstance(DriverNode node) {
    setBootDevice(node, BootDevice.PXE, true);
  }

  @Override
  public void cleanUpInstance(DriverNode node) {
    setBootDevice(node, BootDevice.DISK, true);
  }

  @Override
  public DeployInterface deploy() {
    return new Deploy();
  }

  @Override
  public CleanInterface clean() {
    return new Clean();
  }

  /** Deploying serves the image on the board's port and boots the board from the network. */
  private final class Deploy implements DeployInterface {
    @Override
    public void validate(DriverNode node) {
      port(node);
      Object image = node.instanceInfo().get("image_source");
      if (image == null || image.toString().isBlank()) {
        throw new InvalidDriverInfoException(
            "instance_info is missing \"image_source\", the image the board boots");
      }
    }

    @Override
    public StepOutcome deploy(DriverNode node) {
      String image = node.instanceInfo().get("image_source").toString();
      update(node, p -> new Port(true, BootDevice.PXE, image));
      return StepOutcome.DONE;
    }

    @Override
    public void tearDown(DriverNode node) {
      update(node, p -> new Port(false, p.bootDevice(), p.image()));
    }
  }

  /** Cleaning stops serving the image and sends the board back to its disk. */
  private final class Clean implements CleanInterface {
    @Override
    public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
      update(node, p -> new Port(p.powered(), BootDevice.DISK, null));
      return StepOutcome.DONE;
    }
  }
}
