package io.ferrum.driver.ipmi;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code ipmitool} against one BMC. The program gets an argument list (never a shell), a
 * minimal environment ({@code PATH}, {@code LC_ALL=C}) and no input; the password goes through a
 * file readable by the conductor's user only ({@code -f}) in a private directory that is deleted
 * after the call, never through the command line, where every user of the host could read it.
 * Output goes to files in the same directory and is read back, at most {@value #MAX_OUTPUT} bytes
 * of each.
 *
 * <p>A run past its deadline (derived from the node's {@code ipmi_timeout} and {@code
 * ipmi_retries}) is killed and reported as a {@link DriverTimeoutException}; a failure is reported
 * by {@link IpmiErrors}. Thread-safe: every call has its own directory and process.
 */
final class Ipmitool {

  private static final int MAX_OUTPUT = 64 * 1024;

  private final String program;

  /** Runs {@code program} (a name found on {@code PATH}, or an absolute path). */
  Ipmitool(String program) {
    this.program = program;
  }

  /**
   * Runs {@code command} (e.g. {@code chassis power status}) against the BMC of {@code info} at
   * {@code address} (already checked against the operator's allowlist) and returns its standard
   * output.
   *
   * @param what the action in words, for messages ("power on")
   * @throws DriverException (or a subclass) saying what the BMC answered
   */
  String run(IpmiInfo info, InetAddress address, String what, List<String> command) {
    Path dir;
    try {
      dir =
          Files.createTempDirectory(
              "ferrum-ipmi-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new DriverException("cannot create a private temporary directory for ipmitool", e);
    }
    try {
      return run(info, address, what, command, dir);
    } finally {
      delete(dir);
    }
  }

  private String run(
      IpmiInfo info, InetAddress address, String what, List<String> command, Path dir) {
    List<String> args = new ArrayList<>();
    args.add(program);
    args.add("-I");
    args.add(info.lanplus() ? "lanplus" : "lan");
    args.add("-H");
    args.add(address.getHostAddress());
    args.add("-p");
    args.add(Integer.toString(info.port()));
    args.add("-L");
    args.add(info.privLevel());
    args.add("-R");
    args.add(Integer.toString(info.retries()));
    args.add("-N");
    args.add(Integer.toString(info.timeoutSeconds()));
    if (info.cipherSuite() != null) {
      args.add("-C");
      args.add(Integer.toString(info.cipherSuite()));
    }
    if (info.username() != null) {
      args.add("-U");
      args.add(info.username());
    }
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    try {
      if (info.password() != null) {
        Path secret = dir.resolve("password");
        Files.createFile(
            secret,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, info.password() + "\n", StandardCharsets.UTF_8);
        args.add("-f");
        args.add(secret.toString());
      }
    } catch (IOException e) {
      throw new DriverException("cannot write the BMC password file for ipmitool", e);
    }
    // -v makes ipmitool say why a session failed (wrong password or no answer); the chatter it
    // adds goes to stderr and is filtered by IpmiErrors.
    args.add("-v");
    args.addAll(command);

    ProcessBuilder builder = new ProcessBuilder(args);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("LC_ALL", "C");
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    long deadlineSeconds = (info.retries() + 1L) * info.timeoutSeconds() * 2 + 5;
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new DriverException(
          "cannot run " + program + " (Debian: apt-get install ipmitool): " + e.getMessage(), e);
    }
    boolean done;
    try {
      done = process.waitFor(deadlineSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted during " + what + " on BMC " + info.bmc(), e);
    }
    if (!done) {
      process.destroyForcibly();
      throw new DriverTimeoutException(
          "BMC "
              + info.bmc()
              + " did not complete "
              + what
              + " within "
              + deadlineSeconds
              + " s; ipmitool was stopped");
    }
    String stdout = read(out);
    String stderr = read(err);
    IpmiErrors.check(info, what, process.exitValue(), stderr);
    return stdout;
  }

  private static String read(Path file) {
    try {
      byte[] bytes;
      try (var in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_OUTPUT);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // Nothing else can be done; the directory is private to this user.
    }
  }
}
