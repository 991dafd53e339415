package io.ferrum.driver.agent;

import io.ferrum.driver.BootInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Ironic's {@code ipxe} boot interface: the machine network-boots iPXE, which the operator's DHCP
 * service points at {@code boot.ipxe} in the {@value AgentSettings#HTTPBOOT_DIR} directory (served
 * over HTTP by the operator). That script chains {@code pxelinux.cfg/<MAC with hyphens>}, which
 * loads the deploy ramdisk of the node owning the MAC.
 *
 * <p>{@link #prepareRamdisk} writes, for a node, {@code <dir>/<node uuid>/config} (the deploy
 * script), a copy of it as {@code <dir>/pxelinux.cfg/<mac>} for each of the node's MACs, and {@code
 * <dir>/boot.ipxe}; every file is written to a temporary file and renamed into place, readable by
 * everyone (the HTTP server serving them runs as another user). File names come only from the
 * node's UUID and MACs, each checked against its form; {@link #cleanUpRamdisk} removes them again.
 * The deployed instance boots from disk, so {@link #prepareInstance} and {@link #cleanUpInstance}
 * do nothing.
 *
 * <p>{@link #validate} needs {@code driver_info.deploy_kernel} and {@code deploy_ramdisk} (URLs the
 * image allowlist accepts that are also safe in an iPXE script, {@link IpxeScript#checkUrl}), both
 * settings, and at least one port. Thread-safe; immutable.
 */
public final class IpxeBoot implements BootInterface {

  /** Ironic's name of this implementation. */
  public static final String NAME = "ipxe";

  /** The {@code driver_info} key of the deploy kernel's URL. */
  public static final String DEPLOY_KERNEL = "deploy_kernel";

  /** The {@code driver_info} key of the deploy ramdisk's URL. */
  public static final String DEPLOY_RAMDISK = "deploy_ramdisk";

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> READABLE =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

  private final AgentSettings settings;

  public IpxeBoot(AgentSettings settings) {
    this.settings = settings;
  }

  @Override
  public void validate(DriverNode node) {
    directory();
    apiUrl();
    kernel(node);
    ramdisk(node);
    uuid(node);
    macs(node);
  }

  /** Nothing: the deploy sets the boot device to the disk. */
  @Override
  public void prepareInstance(DriverNode node) {}

  /** Nothing: {@link #prepareInstance} prepared nothing. */
  @Override
  public void cleanUpInstance(DriverNode node) {}

  /**
   * Writes the node's deploy script, its copies named after the node's MACs and {@code boot.ipxe}
   * (see the class documentation).
   *
   * @throws InvalidDriverInfoException if {@link #validate} would fail
   * @throws DriverException naming the file that could not be written
   */
  public void prepareRamdisk(DriverNode node) {
    String script = IpxeScript.deploy(kernel(node), ramdisk(node), apiUrl());
    Path dir = directory();
    String uuid = uuid(node);
    List<String> macs = macs(node);
    Path nodeDir = dir.resolve(uuid);
    Path pxelinux = dir.resolve("pxelinux.cfg");
    directoryIn(nodeDir, node);
    directoryIn(pxelinux, node);
    write(nodeDir.resolve("config"), script, node);
    for (String mac : macs) {
      write(pxelinux.resolve(hexhyp(mac)), script, node);
    }
    write(dir.resolve("boot.ipxe"), IpxeScript.bootEntry(), node);
  }

  /**
   * Removes what {@link #prepareRamdisk} wrote for the node (not {@code boot.ipxe}, which every
   * node shares). Files already gone are fine.
   *
   * @throws DriverException naming the file that could not be removed
   */
  public void cleanUpRamdisk(DriverNode node) {
    Path dir = directory();
    String uuid = uuid(node);
    for (String mac : macs(node)) {
      delete(dir.resolve("pxelinux.cfg").resolve(hexhyp(mac)), node);
    }
    Path nodeDir = dir.resolve(uuid);
    delete(nodeDir.resolve("config"), node);
    delete(nodeDir, node);
  }

  /** {@code 52:54:00:12:34:56} as iPXE's {@code hexhyp}: {@code 52-54-00-12-34-56}. */
  static String hexhyp(String mac) {
    return mac.replace(':', '-');
  }

  private String kernel(DriverNode node) {
    return url(node, DEPLOY_KERNEL);
  }

  private String ramdisk(DriverNode node) {
    return url(node, DEPLOY_RAMDISK);
  }

  private String url(DriverNode node, String key) {
    String field = "driver_info." + key;
    Object value = node.driverInfo().get(key);
    if (value == null || value.toString().isBlank()) {
      throw new InvalidDriverInfoException(
          "driver_info is missing \""
              + key
              + "\", the URL of the deploy ramdisk's "
              + (key.equals(DEPLOY_KERNEL) ? "kernel" : "initramfs")
              + ", which the ipxe boot interface needs");
    }
    String url = IpxeScript.checkUrl(field, value);
    settings.images().check(field, url);
    return url;
  }

  private Path directory() {
    if (settings.httpbootDir() == null) {
      throw new InvalidDriverInfoException(
          "the ipxe boot interface needs the "
              + AgentSettings.HTTPBOOT_DIR
              + " setting (ferrum serve --"
              + AgentSettings.HTTPBOOT_DIR
              + "), the directory the operator's HTTP server serves to machines");
    }
    return settings.httpbootDir();
  }

  private String apiUrl() {
    if (settings.apiUrl() == null) {
      throw new InvalidDriverInfoException(
          "the ipxe boot interface needs the "
              + AgentSettings.API_URL
              + " setting (ferrum serve --"
              + AgentSettings.API_URL
              + "), the URL at which the deploy ramdisk reaches Ferrum's API");
    }
    return settings.apiUrl();
  }

  private static String uuid(DriverNode node) {
    String uuid = node.uuid().toLowerCase(Locale.ROOT);
    if (!UUID.matcher(uuid).matches()) {
      throw new InvalidDriverInfoException(
          "node "
              + printable(node.uuid())
              + ": the ipxe boot interface names files after the node's UUID, which is not one");
    }
    return uuid;
  }

  private static List<String> macs(DriverNode node) {
    if (node.macs().isEmpty()) {
      throw new InvalidDriverInfoException(
          "node "
              + node.label()
              + " has no port: the ipxe boot interface needs the MAC address the machine"
              + " network-boots from (create a port)");
    }
    List<String> macs = new ArrayList<>();
    for (String mac : node.macs()) {
      if (!MAC.matcher(mac).matches()) {
        throw new InvalidDriverInfoException(
            "node "
                + node.label()
                + ": port address \""
                + printable(mac)
                + "\" is not a MAC address like 52:54:00:12:34:56");
      }
      macs.add(mac);
    }
    return macs;
  }

  /** Creates {@code dir} if needed; refuses one that is a symbolic link or not a directory. */
  private static void directoryIn(Path dir, DriverNode node) {
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir);
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new DriverException(
            "node " + node.label() + ": " + dir + " is not a directory (or is a symbolic link)");
      }
    } catch (IOException e) {
      throw new DriverException(
          "node " + node.label() + ": could not create " + dir + ": " + describe(e), e);
    }
  }

  /** Writes {@code text} to a temporary file next to {@code file} and renames it into place. */
  private static void write(Path file, String text, DriverNode node) {
    Path temp = null;
    try {
      temp = Files.createTempFile(file.getParent(), ".tmp-", "");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // A temporary file is private; the operator's HTTP server must be able to read this one.
        Files.setPosixFilePermissions(temp, READABLE);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new DriverException(
          "node " + node.label() + ": could not write " + file + ": " + describe(e), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The temporary file stays; it is never served under a MAC's name.
        }
      }
    }
  }

  private static void delete(Path file, DriverNode node) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new DriverException(
          "node " + node.label() + ": could not remove " + file + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + printable(e.getMessage()));
  }

  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value
        .codePoints()
        .limit(200)
        .forEach(
            c ->
                out.append(
                    c < 0x20 || (c >= 0x7f && c < 0xa0) ? "?" : new String(Character.toChars(c))));
    return value.codePointCount(0, value.length()) > 200 ? out + "..." : out.toString();
  }
}
