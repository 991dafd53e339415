package io.ferrum.driver.agent;

import io.ferrum.driver.AgentCallbackPolicy;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 * Each {@code pxelinux.cfg} copy carries a marker line, {@code # ferrum node <uuid>}, after {@code
 * #!ipxe}, so cleanup also finds copies for MACs the node no longer has (a port deleted while the
 * ramdisk was prepared): a copy left behind would boot the ramdisk for whatever machine gets the
 * MAC next. The deployed instance boots from disk, so {@link #prepareInstance} and {@link
 * #cleanUpInstance} do nothing.
 *
 * <p>{@link #validate} needs {@code driver_info.deploy_kernel} and {@code deploy_ramdisk} (URLs the
 * image allowlist accepts that are also safe in an iPXE script, {@link IpxeScript#checkUrl}), both
 * settings, a non-empty {@value AgentCallbackPolicy#ALLOWED_NETWORKS} setting (without one every
 * heartbeat of the agent is refused), and at least one port. Thread-safe; immutable.
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
  private static final Pattern MAC_FILE = Pattern.compile("[0-9a-f]{2}(-[0-9a-f]{2}){5}");

  /** The most {@code pxelinux.cfg} entries {@link #cleanUpRamdisk} looks at. */
  static final int MAX_SCANNED = 10_000;

  /** The largest {@code pxelinux.cfg} file {@link #cleanUpRamdisk} reads, in bytes. */
  static final int MAX_MARKED_SIZE = 64 * 1024;

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
    allowedNetworks();
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
    String marked = marked(script, uuid);
    for (String mac : macs) {
      write(pxelinux.resolve(hexhyp(mac)), marked, node);
    }
    write(dir.resolve("boot.ipxe"), IpxeScript.bootEntry(), node);
  }

  /**
   * Removes what {@link #prepareRamdisk} wrote for the node (not {@code boot.ipxe}, which every
   * node shares): the copies named after the node's current MACs, every other {@code pxelinux.cfg}
   * file carrying the node's marker line (a copy for a port deleted since it was written), and the
   * node's directory. Files already gone, a node without ports and an unset directory setting are
   * fine: there is nothing to remove.
   *
   * @throws DriverException naming the file that could not be removed
   */
  public void cleanUpRamdisk(DriverNode node) {
    Path dir = settings.httpbootDir();
    String uuid = node.uuid().toLowerCase(Locale.ROOT);
    if (dir == null || !UUID.matcher(uuid).matches()) {
      return; // prepareRamdisk refuses both, so it wrote nothing
    }
    Path pxelinux = dir.resolve("pxelinux.cfg");
    for (String mac : node.macs()) {
      if (mac != null && MAC.matcher(mac).matches()) {
        delete(pxelinux.resolve(hexhyp(mac)), node);
      }
    }
    for (Path file : markedFiles(pxelinux, uuid)) {
      delete(file, node);
    }
    Path nodeDir = dir.resolve(uuid);
    if (Files.isDirectory(nodeDir, LinkOption.NOFOLLOW_LINKS)) {
      delete(nodeDir.resolve("config"), node);
      delete(nodeDir, node);
    }
  }

  /** The marker line that ties a {@code pxelinux.cfg} copy to the node that wrote it. */
  static String marker(String uuid) {
    return "# ferrum node " + uuid;
  }

  /** {@code script} with the node's marker line after its first line ({@code #!ipxe}). */
  private static String marked(String script, String uuid) {
    int end = script.indexOf('\n');
    String first = end < 0 ? script + "\n" : script.substring(0, end + 1);
    String rest = end < 0 ? "" : script.substring(end + 1);
    return first + marker(uuid) + "\n" + rest;
  }

  /**
   * The files in {@code pxelinux} that carry the node's marker: at most {@value #MAX_SCANNED}
   * entries are looked at, and only regular files (never through a symbolic link) of at most
   * {@value #MAX_MARKED_SIZE} bytes are read.
   */
  private static List<Path> markedFiles(Path pxelinux, String uuid) {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(pxelinux, LinkOption.NOFOLLOW_LINKS)) {
      return found;
    }
    String marker = marker(uuid);
    int seen = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(pxelinux)) {
      for (Path file : entries) {
        if (++seen > MAX_SCANNED) {
          break;
        }
        if (!MAC_FILE.matcher(file.getFileName().toString()).matches()) {
          continue;
        }
        try {
          BasicFileAttributes attributes =
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (!attributes.isRegularFile() || attributes.size() > MAX_MARKED_SIZE) {
            continue;
          }
          if (readSmall(file).lines().anyMatch(marker::equals)) {
            found.add(file);
          }
        } catch (IOException e) {
          // Gone or unreadable meanwhile: not one this node can tell is its own.
        }
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // An unreadable directory: the copies named after the node's MACs were still removed.
    }
    return found;
  }

  private static String readSmall(Path file) throws IOException {
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            file, java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer buffer = ByteBuffer.allocate(MAX_MARKED_SIZE);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // reads up to the limit
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
  }

  private void allowedNetworks() {
    if (settings.callbacks().networks().isEmpty()) {
      throw new InvalidDriverInfoException(
          "the ipxe boot interface needs the "
              + AgentCallbackPolicy.ALLOWED_NETWORKS
              + " setting (ferrum serve --"
              + AgentCallbackPolicy.ALLOWED_NETWORKS
              + "), the provisioning networks the deploy ramdisk's agent may be reached in;"
              + " without it every heartbeat is refused and the node waits until its timeout");
    }
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
