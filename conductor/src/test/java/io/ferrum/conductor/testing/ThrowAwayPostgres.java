package io.ferrum.conductor.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary directory, on a free port), which the
 * test may stop and start: the database going away for real, not a simulation. Needs PostgreSQL's
 * server binaries ({@code initdb}, {@code pg_ctl}); a test using it skips when they are absent,
 * unless {@code FERRUM_TEST_REQUIRE} names {@code postgres}. Run as root, the cluster belongs to
 * the {@code postgres} user. Not thread-safe.
 */
public final class ThrowAwayPostgres implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asRoot;

  private ThrowAwayPostgres(Path bin, Path dir, int port, boolean asRoot) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asRoot = asRoot;
  }

  /** Creates and starts a cluster, or skips the test when PostgreSQL's binaries are missing. */
  public static ThrowAwayPostgres start() throws Exception {
    Path bin = findBin();
    if (bin == null) {
      String reason = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed";
      if (TestDatabases.postgresRequired()) {
        throw new IllegalStateException(
            "PostgreSQL is required here (FERRUM_TEST_REQUIRE) but: " + reason);
      }
      Assumptions.abort(reason);
    }
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("ferrum-pg-");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ThrowAwayPostgres pg = new ThrowAwayPostgres(bin, dir, port, asRoot);
    if (asRoot) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    pg.pg("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres");
    pg.startServer();
    return pg;
  }

  /** The JDBC URL of the cluster's {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** Starts the server again after {@link #stop()}. */
  public void startServer() throws Exception {
    pg(
        "pg_ctl",
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("log").toString(),
        "-w",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
        "start");
  }

  /** Stops the server the hard way (immediate shutdown: connections drop, nothing is flushed). */
  public void stop() throws Exception {
    pg("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } catch (Exception e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void pg(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private static Path findBin() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(p -> p.toString().toLowerCase(Locale.ROOT)))
          .orElse(null);
    }
  }
}
