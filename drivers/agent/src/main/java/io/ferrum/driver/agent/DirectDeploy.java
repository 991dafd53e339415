package io.ferrum.driver.agent;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.ImageSourcePolicy;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.StepOutcome;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ironic's {@code direct} deploy interface: the deploy ramdisk's agent downloads the image itself
 * and writes it to the disk. Whole-disk images only.
 *
 * <ol>
 *   <li>{@link #deploy}: writes the ramdisk's iPXE scripts ({@link IpxeBoot#prepareRamdisk}), sets
 *       the next boot to the network ({@code pxe}, this boot only), powers the machine off and on,
 *       and waits for the agent;
 *   <li>{@link #continueDeploy}, on each heartbeat of the agent: reads the agent's command list. No
 *       {@code prepare_image} yet: sends {@code standby.prepare_image} with Ironic's {@code
 *       image_info} and waits (an agent busy with another command, HTTP 409, is asked again at the
 *       next heartbeat). Running: waits. Failed: fails with the agent's error. Succeeded: removes
 *       the ramdisk's scripts, sets the boot device to the disk (persistent), powers the machine
 *       off and on, done.
 *   <li>{@link #tearDown}: powers off and removes the ramdisk's scripts.
 *   <li>{@link #cleanUp}, after a deploy failed, timed out or was aborted, and {@link
 *       #continueDeploy} itself when it fails: removes the ramdisk's scripts, so the machine does
 *       not boot the ramdisk again; the power stays as it is.
 * </ol>
 *
 * <p>{@link #validate} refuses a node whose boot interface is not {@value IpxeBoot#NAME}, and
 * checks the boot interface's inputs and {@code instance_info}: {@code image_source}, an {@code
 * http} or {@code https} URL the image allowlist accepts (the agent downloads it); {@code
 * image_checksum} (hex of an MD5, SHA-256 or SHA-512 digest) or both {@code image_os_hash_algo}
 * ({@code md5}, {@code sha1}, {@code sha224}, {@code sha256}, {@code sha384}, {@code sha512}) and
 * {@code image_os_hash_value} (hex of that digest's length); optionally {@code image_disk_format}
 * (a short lower-case word such as {@code raw} or {@code qcow2}) and a {@code configdrive} string.
 *
 * <p>Thread-safe; immutable.
 */
public final class DirectDeploy implements DeployInterface {

  /** Ironic's name of this implementation. */
  public static final String NAME = "direct";

  /** The agent command that writes the image. */
  static final String PREPARE_IMAGE = "standby.prepare_image";

  private static final Map<String, Integer> HASH_LENGTHS =
      Map.of("md5", 32, "sha1", 40, "sha224", 56, "sha256", 64, "sha384", 96, "sha512", 128);
  private static final List<Integer> CHECKSUM_LENGTHS = List.of(32, 64, 128);
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
  private static final Pattern DISK_FORMAT = Pattern.compile("[a-z0-9]{1,16}");
  private static final Duration SOFT_TIMEOUT = Duration.ZERO;

  private final PowerInterface power;
  private final ManagementInterface management;
  private final IpxeBoot boot;
  private final AgentClient agent;
  private final ImageSourcePolicy images;

  public DirectDeploy(
      PowerInterface power,
      ManagementInterface management,
      IpxeBoot boot,
      AgentClient agent,
      ImageSourcePolicy images) {
    this.power = power;
    this.management = management;
    this.boot = boot;
    this.agent = agent;
    this.images = images;
  }

  @Override
  public void validate(DriverNode node) {
    requireIpxe(node);
    boot.validate(node);
    imageInfo(node);
  }

  /**
   * Refuses a node whose boot interface is not {@value IpxeBoot#NAME}: this deploy (and cleaning
   * through the agent) boots the ramdisk with iPXE files, which another boot interface would not
   * expect.
   *
   * @throws InvalidDriverInfoException if the node chose another boot interface, or none
   */
  static void requireIpxe(DriverNode node) {
    if (!IpxeBoot.NAME.equals(node.chosen("boot"))) {
      throw new InvalidDriverInfoException(
          "deploy_interface direct needs boot_interface ipxe (node "
              + node.label()
              + " has "
              + (node.chosen("boot") == null ? "none" : IpxeBoot.printable(node.chosen("boot")))
              + ")");
    }
  }

  @Override
  public StepOutcome deploy(DriverNode node) {
    validate(node);
    boot.prepareRamdisk(node);
    management.setBootDevice(node, BootDevice.PXE, false);
    powerOffOn(node);
    return StepOutcome.WAIT;
  }

  /**
   * Goes on with the deploy at the agent's heartbeat. When it fails (the agent reports the command
   * failed, cannot be reached or answers nonsense), the ramdisk's iPXE files are removed first, as
   * {@link #cleanUp} does, so the machine does not boot the ramdisk again; a failure to remove them
   * is added to the original error as suppressed.
   */
  @Override
  public StepOutcome continueDeploy(DriverNode node) {
    try {
      return proceed(node);
    } catch (RuntimeException e) {
      try {
        cleanUp(node);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private StepOutcome proceed(DriverNode node) {
    List<AgentClient.Command> commands = agent.commands(node, PREPARE_IMAGE);
    AgentClient.Command last = null;
    for (AgentClient.Command command : commands) {
      if (command.is(PREPARE_IMAGE)) {
        last = command;
      }
    }
    if (last == null) {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("image_info", imageInfo(node));
      Object configDrive = node.instanceInfo().get("configdrive");
      if (configDrive instanceof String text && !text.isEmpty()) {
        params.put("configdrive", text);
      }
      AgentClient.Command started;
      try {
        started = agent.execute(node, PREPARE_IMAGE, params);
      } catch (AgentClient.Busy e) {
        return StepOutcome.WAIT; // the agent still runs a command of its own; next heartbeat
      }
      if (!started.running() && !started.succeeded()) {
        throw failed(node, started);
      }
      return StepOutcome.WAIT;
    }
    if (last.running()) {
      return StepOutcome.WAIT;
    }
    if (!last.succeeded()) {
      throw failed(node, last);
    }
    boot.cleanUpRamdisk(node);
    management.setBootDevice(node, BootDevice.DISK, true);
    powerOffOn(node);
    return StepOutcome.DONE;
  }

  /**
   * Removes the ramdisk's iPXE files a failed, timed-out or aborted deploy left (including copies
   * for ports deleted since), leaving the power as it is. Nothing to remove is fine.
   *
   * @throws DriverException naming a file that could not be removed
   */
  @Override
  public void cleanUp(DriverNode node) {
    boot.cleanUpRamdisk(node);
  }

  @Override
  public void tearDown(DriverNode node) {
    powerOff(power, node);
    boot.cleanUpRamdisk(node);
  }

  private void powerOffOn(DriverNode node) {
    powerOff(power, node);
    power.setPowerState(node, DriverPowerState.POWER_ON, false, SOFT_TIMEOUT);
  }

  /** Hard power off, unless the machine already is off (some BMCs refuse to power off twice). */
  static void powerOff(PowerInterface power, DriverNode node) {
    if (power.getPowerState(node) != DriverPowerState.POWER_OFF) {
      power.setPowerState(node, DriverPowerState.POWER_OFF, false, SOFT_TIMEOUT);
    }
  }

  private static DriverException failed(DriverNode node, AgentClient.Command command) {
    return new DriverException(
        "node "
            + node.label()
            + ": the agent's "
            + PREPARE_IMAGE
            + " ended "
            + command.status()
            + ": "
            + (command.error() == null ? "no error given" : command.error()));
  }

  /**
   * Ironic's {@code image_info} for {@code standby.prepare_image}, from the checked {@code
   * instance_info}.
   */
  Map<String, Object> imageInfo(DriverNode node) {
    Map<String, Object> info = node.instanceInfo();
    Object source = info.get("image_source");
    if (source == null) {
      throw new InvalidDriverInfoException(
          "instance_info is missing \"image_source\", the http or https URL of the whole-disk image"
              + " the agent writes, which the direct deploy interface needs");
    }
    String url = imageSource(source);
    Map<String, Object> image = new LinkedHashMap<>();
    String path = url.replaceFirst("[?#].*$", "");
    image.put("id", path.substring(path.lastIndexOf('/') + 1));
    image.put("urls", List.of(url));
    String checksum = optionalString(info, "image_checksum");
    String algo = optionalString(info, "image_os_hash_algo");
    String value = optionalString(info, "image_os_hash_value");
    if (checksum != null) {
      if (!HEX.matcher(checksum).matches() || !CHECKSUM_LENGTHS.contains(checksum.length())) {
        throw InvalidDriverInfoException.notAllowed(
            "instance_info.image_checksum",
            checksum,
            "it must be the hex digest of an MD5, SHA-256 or SHA-512 (32, 64 or 128 hex digits)");
      }
      image.put("checksum", checksum.toLowerCase(Locale.ROOT));
    }
    if (algo != null || value != null) {
      if (algo == null || value == null) {
        throw new InvalidDriverInfoException(
            "instance_info needs both \"image_os_hash_algo\" and \"image_os_hash_value\", or"
                + " neither");
      }
      Integer length = HASH_LENGTHS.get(algo);
      if (length == null) {
        throw InvalidDriverInfoException.notAllowed(
            "instance_info.image_os_hash_algo",
            algo,
            "it must be one of md5, sha1, sha224, sha256, sha384, sha512");
      }
      if (!HEX.matcher(value).matches() || value.length() != length) {
        throw InvalidDriverInfoException.notAllowed(
            "instance_info.image_os_hash_value",
            value,
            "it must be the " + length + "-digit hex digest " + algo + " gives");
      }
      image.put("os_hash_algo", algo);
      image.put("os_hash_value", value.toLowerCase(Locale.ROOT));
    }
    if (checksum == null && algo == null) {
      throw new InvalidDriverInfoException(
          "instance_info needs \"image_checksum\", or \"image_os_hash_algo\" and"
              + " \"image_os_hash_value\", so the agent can verify the image it downloads");
    }
    String format = optionalString(info, "image_disk_format");
    if (format != null && !DISK_FORMAT.matcher(format).matches()) {
      throw InvalidDriverInfoException.notAllowed(
          "instance_info.image_disk_format",
          format,
          "it must be a disk format name such as raw or qcow2");
    }
    image.put("disk_format", format);
    image.put("container_format", optionalString(info, "image_container_format", "bare"));
    image.put("stream_raw_images", true);
    image.put("node_uuid", node.uuid());
    image.put("image_type", "whole-disk");
    Object configDrive = info.get("configdrive");
    if (configDrive != null && !(configDrive instanceof String)) {
      throw new InvalidDriverInfoException(
          "instance_info.configdrive must be a string (a URL or a gzipped, base64-encoded ISO"
              + " image); the direct deploy interface cannot build one from a JSON object");
    }
    return image;
  }

  /** An http or https URL with a host that the image allowlist accepts. */
  String imageSource(Object source) {
    String field = "instance_info.image_source";
    images.check(field, source);
    String url = (String) source;
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      throw InvalidDriverInfoException.notAllowed(field, url, "it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw InvalidDriverInfoException.notAllowed(
          field,
          url,
          "the direct deploy interface needs an http or https URL with a host (the agent"
              + " downloads the image)");
    }
    return url;
  }

  private static String optionalString(Map<String, Object> info, String key) {
    Object value = info.get(key);
    if (value == null || (value instanceof String text && text.isEmpty())) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new InvalidDriverInfoException("instance_info." + key + " must be a string");
    }
    return text;
  }

  private static String optionalString(Map<String, Object> info, String key, String fallback) {
    String value = optionalString(info, key);
    if (value == null) {
      return fallback;
    }
    if (!DISK_FORMAT.matcher(value).matches()) {
      throw InvalidDriverInfoException.notAllowed(
          "instance_info." + key, value, "it must be a container format name such as bare");
    }
    return value;
  }
}
