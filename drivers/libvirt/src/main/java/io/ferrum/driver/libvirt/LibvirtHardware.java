package io.ferrum.driver.libvirt;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.ImageSourcePolicy;
import io.ferrum.driver.InspectInterface;
import io.ferrum.driver.Inspection;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RescueInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * The {@code libvirt} hardware type: a node is a libvirt domain.
 *
 * <p>{@code driver_info}: {@code libvirt_uri} (e.g. {@code qemu:///system}, {@code
 * qemu+ssh://host/system}, {@code test:///default}), {@code libvirt_domain} (name or UUID), and
 * optionally {@code libvirt_sasl_username} with {@code libvirt_sasl_password}. {@code
 * instance_info.image_source} is the disk image a deploy attaches: an absolute path on the libvirt
 * host, or a libvirt volume as {@code POOL/VOLUME}.
 *
 * <p>Both come from API users, so both pass the operator's allowlists before use ({@link
 * #checkInput}): the URI {@link LibvirtUriPolicy}'s ({@code libvirt-allowed-uris}, {@code
 * libvirt-allowed-uri-params}), the image {@link ImageSourcePolicy}'s ({@code image-allowed-dirs},
 * {@code image-allowed-pools}; URLs are refused: this driver attaches files and volumes only).
 * Errors name libvirt's error code but never repeat libvirt's own message, which can quote the
 * files libvirt read; that message stays in the exception's cause, for the conductor's log.
 *
 * <ul>
 *   <li>power: domain state; on = start, off = destroy (hard) or shutdown (soft, waiting up to the
 *       timeout), reboot = destroy and start (hard) or the guest's reboot (soft);
 *   <li>management: the boot device in {@code <os><boot dev=...>}, edited as XML;
 *   <li>deploy: attach the image as a virtio disk, boot from disk, power on; tear down powers off,
 *       detaches it and boots from the network again;
 *   <li>inspect: vCPUs, memory, architecture, disks and NIC MACs from the domain XML;
 *   <li>verify ({@code manage}): the domain must exist and answer.
 * </ul>
 *
 * <p>Thread-safe: connections are shared per URI; each call looks its domain up afresh; the
 * allowlists are replaced whole by {@link #configure}.
 */
public final class LibvirtHardware
    implements HardwareType,
        PowerInterface,
        ManagementInterface,
        DeployInterface,
        BootInterface,
        InspectInterface,
        CleanInterface,
        RescueInterface {

  /** This hardware type's name. */
  public static final String NAME = "libvirt";

  private final LibvirtConnections connections = new LibvirtConnections();
  private volatile LibvirtUriPolicy uris = LibvirtUriPolicy.defaults();
  private volatile ImageSourcePolicy images = ImageSourcePolicy.defaults();

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

  @Override
  public java.util.Map<String, String> driverProperties() {
    java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put(
        "libvirt_uri",
        "libvirt connection URI, e.g. qemu:///system; must be allowed by libvirt-allowed-uris."
            + " Required.");
    keys.put("libvirt_domain", "The domain's name or UUID. Required.");
    keys.put(
        "libvirt_sasl_username", "SASL user name, together with libvirt_sasl_password. Optional.");
    keys.put(
        "libvirt_sasl_password", "SASL password, together with libvirt_sasl_username. Optional.");
    return java.util.Collections.unmodifiableMap(keys);
  }

  @Override
  public void configure(DriverSettings settings) {
    LibvirtUriPolicy newUris = LibvirtUriPolicy.from(settings);
    ImageSourcePolicy newImages = ImageSourcePolicy.from(settings);
    uris = newUris;
    images = newImages;
  }

  @Override
  public void checkInput(DriverNode node) {
    Object uri = node.driverInfo().get("libvirt_uri");
    if (uri != null) {
      uris.check("driver_info.libvirt_uri", uri);
    }
    if (node.instanceInfo().get("image_source") != null) {
      imageSource(node);
    }
  }

  @Override
  public void validate(DriverNode node) {
    node.requireInfo("libvirt_uri");
    node.requireInfo("libvirt_domain");
    boolean user = node.info("libvirt_sasl_username") != null;
    boolean password = node.info("libvirt_sasl_password") != null;
    if (user != password) {
      throw new InvalidDriverInfoException(
          "driver_info needs both libvirt_sasl_username and libvirt_sasl_password, or neither");
    }
    checkInput(node);
  }

  // ---- power ----

  @Override
  public DriverPowerState getPowerState(DriverNode node) {
    return call(node, "reading the power state", domain -> powerOf(domain.getInfo().state));
  }

  @Override
  public void setPowerState(
      DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
    call(
        node,
        "power " + (target == DriverPowerState.POWER_ON ? "on" : soft ? "soft off" : "off"),
        domain -> {
          boolean active = domain.isActive() == 1;
          if (target == DriverPowerState.POWER_ON) {
            if (!active) {
              domain.create();
            }
          } else if (active) {
            if (soft) {
              domain.shutdown();
              awaitOff(domain, node, timeout);
            } else {
              domain.destroy();
            }
          }
          return null;
        });
  }

  @Override
  public void reboot(DriverNode node, boolean soft, Duration timeout) {
    call(
        node,
        soft ? "soft reboot" : "reboot",
        domain -> {
          boolean active = domain.isActive() == 1;
          if (soft) {
            if (!active) {
              throw new DriverException(
                  "soft reboot needs a running guest; domain " + domainName(node) + " is off");
            }
            domain.reboot(0);
          } else {
            if (active) {
              domain.destroy();
            }
            domain.create();
          }
          return null;
        });
  }

  // ---- management ----

  /**
   * The device of the next boot: read from the persistent definition, which {@link #setBootDevice}
   * changes, not from the running domain's, which keeps its boot order until it restarts.
   */
  @Override
  public BootDevice getBootDevice(DriverNode node) {
    return call(
        node,
        "reading the boot device",
        domain -> DomainXml.bootDevice(domain.getXMLDesc(Domain.XMLFlags.INACTIVE)));
  }

  @Override
  public void setBootDevice(DriverNode node, BootDevice device, boolean persistent) {
    // libvirt has no one-time boot device for a defined domain; both kinds persist.
    redefine(node, "setting the boot device", xml -> DomainXml.withBootDevice(xml, device));
  }

  // ---- deploy and boot ----

  @Override
  public void prepareInstance(DriverNode node) {
    String image = imagePath(node);
    redefine(node, "attaching the image", xml -> DomainXml.withDisk(xml, image));
  }

  @Override
  public void cleanUpInstance(DriverNode node) {
    if (node.instanceInfo().get("image_source") != null) {
      String image = imagePath(node);
      redefine(node, "detaching the image", xml -> DomainXml.withoutDisk(xml, image));
    }
  }

  /** The file behind {@code image_source}: the path itself, or a volume's path in its pool. */
  private String imagePath(DriverNode node) {
    ImageSourcePolicy.Source image = imageSource(node);
    if (image.kind() == ImageSourcePolicy.Kind.PATH) {
      return image.value();
    }
    String pool = image.pool();
    String volume = image.volume();
    return call(
        node,
        "finding volume \"" + volume + "\" in pool \"" + pool + "\"",
        domain ->
            domain
                .getConnect()
                .storagePoolLookupByName(pool)
                .storageVolLookupByName(volume)
                .getPath());
  }

  @Override
  public StepOutcome deploy(DriverNode node) {
    imageSource(node);
    setPowerState(node, DriverPowerState.POWER_OFF, false, Duration.ZERO);
    setBootDevice(node, BootDevice.DISK, true);
    setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);
    return StepOutcome.DONE;
  }

  @Override
  public void tearDown(DriverNode node) {
    setPowerState(node, DriverPowerState.POWER_OFF, false, Duration.ZERO);
    setBootDevice(node, BootDevice.PXE, true);
  }

  @Override
  public void takeOver(DriverNode node) {
    getPowerState(node); // the domain must exist and answer
  }

  // ---- inspect, clean, rescue ----

  @Override
  public Inspection inspect(DriverNode node) {
    return new Inspection(
        StepOutcome.DONE,
        call(node, "inspecting", domain -> DomainXml.inspect(domain.getXMLDesc(0))));
  }

  @Override
  public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
    // A virtual machine has nothing to wipe between tenants beyond its detached image; manual
    // steps are not supported.
    if (!steps.isEmpty()) {
      throw new UnsupportedDriverOperationException(
          "the libvirt driver has no clean steps; requested " + steps);
    }
    setPowerState(node, DriverPowerState.POWER_OFF, false, Duration.ZERO);
    return StepOutcome.DONE;
  }

  @Override
  public StepOutcome rescue(DriverNode node) {
    throw new UnsupportedDriverOperationException("the libvirt driver does not support rescue");
  }

  @Override
  public void unrescue(DriverNode node) {
    throw new UnsupportedDriverOperationException("the libvirt driver does not support rescue");
  }

  // ---- plumbing ----

  @FunctionalInterface
  private interface DomainCall<T> {
    T apply(Domain domain) throws LibvirtException;
  }

  @FunctionalInterface
  private interface XmlEdit {
    String apply(String xml);
  }

  private void redefine(DriverNode node, String what, XmlEdit edit) {
    call(
        node,
        what,
        domain -> {
          // The persistent definition: the running domain's may hold live-only changes.
          String xml = edit.apply(domain.getXMLDesc(Domain.XMLFlags.INACTIVE));
          domain.getConnect().domainDefineXML(xml);
          return null;
        });
  }

  /** Runs {@code call} on the node's domain; a broken connection is reopened once. */
  private <T> T call(DriverNode node, String what, DomainCall<T> call) {
    validate(node);
    String uri = node.info("libvirt_uri");
    String user = node.info("libvirt_sasl_username");
    String name = domainName(node);
    for (int attempt = 1; ; attempt++) {
      try {
        Connect connection = connections.get(uri, user, node.info("libvirt_sasl_password"));
        Domain domain =
            looksLikeUuid(name)
                ? connection.domainLookupByUUIDString(name)
                : connection.domainLookupByName(name);
        return call.apply(domain);
      } catch (LibvirtException e) {
        if (attempt == 1 && LibvirtErrors.isConnectionError(e)) {
          connections.drop(uri, user);
          continue;
        }
        throw LibvirtErrors.translate(e, what, name, uri);
      }
    }
  }

  private static void awaitOff(Domain domain, DriverNode node, Duration timeout)
      throws LibvirtException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (domain.isActive() == 1) {
      if (System.nanoTime() > deadline) {
        throw new DriverTimeoutException(
            "domain "
                + domainName(node)
                + " did not shut down within "
                + timeout.toSeconds()
                + " s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DriverTimeoutException("interrupted while waiting for a shutdown", e);
      }
    }
  }

  private static DriverPowerState powerOf(DomainInfo.DomainState state) {
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PMSUSPENDED ->
          DriverPowerState.POWER_ON;
      case VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_CRASHED ->
          DriverPowerState.POWER_OFF;
      default -> DriverPowerState.ERROR;
    };
  }

  /** {@code image_source}, checked against the operator's allowlist. */
  private ImageSourcePolicy.Source imageSource(DriverNode node) {
    Object image = node.instanceInfo().get("image_source");
    if (image == null || image.toString().isBlank()) {
      throw new InvalidDriverInfoException(
          "instance_info.image_source is missing: the libvirt driver attaches that disk image");
    }
    ImageSourcePolicy.Source source = images.check("instance_info.image_source", image);
    if (source.kind() == ImageSourcePolicy.Kind.URL) {
      throw new InvalidDriverInfoException(
          "instance_info.image_source must be the absolute path of a disk image on the libvirt"
              + " host, or a libvirt volume as POOL/VOLUME: the libvirt driver fetches no URLs");
    }
    return source;
  }

  private static String domainName(DriverNode node) {
    return node.info("libvirt_domain");
  }

  private static boolean looksLikeUuid(String value) {
    try {
      return value.length() == 36 && UUID.fromString(value) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
