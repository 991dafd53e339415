package io.ferrum.driver.ipmi;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One OpenIPMI {@code ipmi_sim} BMC on 127.0.0.1, started with the scripts in {@code
 * src/test/resources/ipmi-sim} ({@code start.sh}, {@code stop.sh}; power and boot device are kept
 * in files of its state directory by {@code chassis.sh}). Login {@code admin} / {@code password};
 * it needs cipher suite 3. Test knobs are files in the state directory: {@code fail} makes every
 * chassis command fail, {@code soft_off_delay} ({@code never} or seconds) delays a soft power off.
 *
 * <p>{@link #startOrSkip} skips the test with a reason where {@code ipmi_sim} or {@code ipmitool}
 * is missing (Debian: {@code apt-get install openipmi ipmitool}), unless {@code
 * FERRUM_TEST_REQUIRE} contains {@code ipmi} (as {@code .ci/run} sets it), when it fails instead.
 */
final class IpmiSim implements AutoCloseable {

  static final String USER = "admin";
  static final String PASSWORD = "password";

  final int port;
  final Path state;

  private IpmiSim(int port, Path state) {
    this.port = port;
    this.state = state;
  }

  /** Skips (or fails, when required) unless both programs are installed. */
  static void requireTools() {
    String missing = null;
    for (String program : List.of("ipmi_sim", "ipmitool")) {
      if (!onPath(program)) {
        missing = program + " is not installed (Debian: apt-get install openipmi ipmitool)";
      }
    }
    boolean required =
        System.getenv()
            .getOrDefault("FERRUM_TEST_REQUIRE", "")
            .toLowerCase(Locale.ROOT)
            .contains("ipmi");
    if (missing != null && required) {
      throw new IllegalStateException("ipmi_sim is required here but " + missing);
    }
    assumeTrue(missing == null, missing);
  }

  /** Starts a simulator with its state in {@code state}, powered off. */
  static IpmiSim startOrSkip(Path state) throws Exception {
    requireTools();
    Exception last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freeUdpPort();
      try {
        script("start.sh", Integer.toString(port), state.toString());
        return new IpmiSim(port, state);
      } catch (IOException e) {
        last = e; // the port was taken in between: try another
      }
    }
    throw last;
  }

  /** {@code driver_info} for this BMC. */
  Map<String, Object> driverInfo() {
    Map<String, Object> info = new HashMap<>();
    info.put("ipmi_address", "127.0.0.1");
    info.put("ipmi_port", port);
    info.put("ipmi_username", USER);
    info.put("ipmi_password", PASSWORD);
    info.put("ipmi_cipher_suite", "3");
    info.put("ipmi_timeout", "1");
    info.put("ipmi_retries", "1");
    return info;
  }

  /** The simulated machine's power: true when on. */
  boolean poweredOn() throws IOException {
    return Files.readString(state.resolve("power")).strip().equals("1");
  }

  void power(boolean on) throws IOException {
    Files.writeString(state.resolve("power"), on ? "1\n" : "0\n");
  }

  /** The boot device as the simulator stores it ({@code pxe}, {@code default}, ...). */
  String bootDevice() throws IOException {
    return Files.readString(state.resolve("boot")).strip();
  }

  /** Creates or removes a test knob file. */
  void knob(String name, String value) throws IOException {
    Path file = state.resolve(name);
    if (value == null) {
      Files.deleteIfExists(file);
    } else {
      Files.writeString(file, value + "\n");
    }
  }

  /** The chassis commands the simulator received, one line each ({@code <time> set power 1}). */
  List<String> chassisLog() throws IOException {
    Path log = state.resolve("chassis.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Override
  public void close() throws IOException {
    script("stop.sh", state.toString());
  }

  private static void script(String name, String... args) throws IOException {
    Path dir;
    try {
      dir = Path.of(IpmiSim.class.getResource("/ipmi-sim/" + name).toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> command = new java.util.ArrayList<>(List.of("bash", dir.resolve(name).toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done;
    try {
      done = process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(name + " interrupted", e);
    }
    if (!done) {
      process.destroyForcibly();
      throw new IOException(name + " did not finish within 30 s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(name + " failed: " + out.strip());
    }
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
