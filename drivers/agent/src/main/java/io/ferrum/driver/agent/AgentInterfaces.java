package io.ferrum.driver.agent;

import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import java.util.Map;

/**
 * The agent-based interfaces of one hardware type, built over its power and management interfaces
 * from the operator's settings ({@link AgentSettings}): boot {@value IpxeBoot#NAME}, deploy {@value
 * DirectDeploy#NAME} and RAID {@value AgentRaid#NAME}. Immutable; a hardware type builds a new one
 * when it is configured.
 */
public final class AgentInterfaces {

  /** The {@code driver_info} keys these interfaces read, with Ironic's descriptions. */
  public static final Map<String, String> PROPERTIES =
      Map.of(
          IpxeBoot.DEPLOY_KERNEL,
          "http or https URL of the deploy ramdisk's kernel (boot interface ipxe). Required for"
              + " the ipxe boot interface.",
          IpxeBoot.DEPLOY_RAMDISK,
          "http or https URL of the deploy ramdisk's initramfs with the agent (boot interface"
              + " ipxe). Required for the ipxe boot interface.");

  private final AgentSettings settings;
  private final IpxeBoot boot;
  private final DirectDeploy deploy;
  private final AgentRaid raid = new AgentRaid();
  private final AgentClean clean;

  /**
   * The interfaces for a hardware type with {@code power} and {@code management}.
   *
   * @throws IllegalArgumentException naming a setting whose value cannot be used
   */
  public AgentInterfaces(
      PowerInterface power, ManagementInterface management, DriverSettings settings) {
    this(power, management, AgentSettings.from(settings));
  }

  private AgentInterfaces(
      PowerInterface power, ManagementInterface management, AgentSettings settings) {
    this(power, management, settings, new AgentClient(settings.callbacks()));
  }

  /** The interfaces with {@code client} as the agent's client (tests use short limits). */
  public AgentInterfaces(
      PowerInterface power,
      ManagementInterface management,
      AgentSettings settings,
      AgentClient client) {
    this.settings = settings;
    this.boot = new IpxeBoot(settings);
    this.deploy = new DirectDeploy(power, management, boot, client, settings.images());
    this.clean = new AgentClean(power, management, boot, client);
  }

  /**
   * The hardware type's {@link io.ferrum.driver.HardwareType#checkInput} part for these interfaces,
   * for a node that chose them: {@code driver_info.deploy_kernel} and {@code deploy_ramdisk} when
   * present on a node whose boot interface is {@value IpxeBoot#NAME}, and {@code
   * instance_info.image_source} when present on a node whose deploy interface is {@value
   * DirectDeploy#NAME}, each against the rules {@code validate} applies to it. Nodes that chose
   * other interfaces (or whose choice the caller does not say) keep what they had: their values are
   * checked by {@code validate} before any use.
   *
   * @throws io.ferrum.driver.InvalidDriverInfoException naming the value and the rule
   */
  public void checkInput(io.ferrum.driver.DriverNode node) {
    if (IpxeBoot.NAME.equals(node.chosen("boot"))) {
      for (String key : java.util.List.of(IpxeBoot.DEPLOY_KERNEL, IpxeBoot.DEPLOY_RAMDISK)) {
        Object value = node.driverInfo().get(key);
        if (value != null) {
          String url = IpxeScript.checkUrl("driver_info." + key, value);
          settings.images().check("driver_info." + key, url);
        }
      }
    }
    if (DirectDeploy.NAME.equals(node.chosen("deploy"))
        && node.instanceInfo().get("image_source") != null) {
      deploy.imageSource(node.instanceInfo().get("image_source"));
    }
  }

  /** The settings these interfaces were built from. */
  public AgentSettings settings() {
    return settings;
  }

  /** Boot {@value IpxeBoot#NAME}. */
  public IpxeBoot boot() {
    return boot;
  }

  /** Deploy {@value DirectDeploy#NAME}. */
  public DirectDeploy deploy() {
    return deploy;
  }

  /** Cleaning through the agent, for nodes that deploy {@value DirectDeploy#NAME}. */
  public AgentClean clean() {
    return clean;
  }

  /** RAID {@value AgentRaid#NAME}. */
  public AgentRaid raid() {
    return raid;
  }
}
