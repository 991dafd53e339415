package io.ferrum.cli;

import io.ferrum.cli.api.ApiServer;
import io.ferrum.cli.api.BasicAuth;
import io.ferrum.cli.api.Metrics;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.LoggingNotificationSink;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferrum serve}: the conductor plus the Ironic-compatible HTTP API, in one process. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the conductor and the Ironic-compatible HTTP API until stopped (Ctrl-C or SIGTERM:"
          + " running work finishes within the shutdown timeout, every reservation is released).",
      "",
      "By default the database is an embedded H2 file in the data directory, created and"
          + " migrated on first start; give --db-url jdbc:postgresql://... to share PostgreSQL"
          + " between several conductors.",
      "",
      "Every option can also be set with an environment variable FERRUM_<OPTION> (e.g."
          + " FERRUM_DB_URL, FERRUM_PORT) or a line 'option = value' in the --config file;"
          + " the command line wins over the environment, which wins over the file.",
      ""
    })
final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: 127.0.0.1).")
  String bind;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on (default: 6385, Ironic's).")
  String port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory for the embedded database (default: ./data).")
  String dataDir;

  @Option(
      names = "--db-url",
      paramLabel = "JDBC_URL",
      description = "Database URL (default: the H2 file in the data directory).")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-password",
      paramLabel = "PASSWORD",
      description = "Database password; prefer FERRUM_DB_PASSWORD. Never printed.")
  String dbPassword;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Conductor name, written into node reservations (default: host name).")
  String name;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Worker threads for node work (default: 16).")
  String workers;

  @Option(
      names = "--auth-file",
      paramLabel = "FILE",
      description = "htpasswd file with bcrypt hashes (htpasswd -B): require HTTP basic auth.")
  String authFile;

  @Option(
      names = "--insecure-no-auth",
      description = "Allow a non-loopback --bind without --auth-file.")
  boolean insecureNoAuth;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "SECONDS",
      description = "How long running work may finish at shutdown (default: 60).")
  String shutdownTimeout;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file of 'option = value' lines (default: FERRUM_CONFIG, if set).")
  Path config;

  private final Map<String, String> environment;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile Runnable onStarted = () -> {};

  ServeCommand() {
    this(System.getenv());
  }

  ServeCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  /** For tests: what to run once serving, and how to stop. */
  void onStarted(Runnable action) {
    this.onStarted = action;
  }

  /** Stops a running serve, as SIGTERM does. */
  void stop() {
    stop.countDown();
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path configFile = config != null ? config : pathOrNull(environment.get("FERRUM_CONFIG"));
    Settings settings = Settings.load(environment, configFile);
    String host = settings.get("bind", bind, "127.0.0.1");
    int listenPort = number(settings.get("port", port, "6385"), "port", 0, 65535);
    int workerCount = number(settings.get("workers", workers, "16"), "workers", 1, 10_000);
    int shutdownSeconds =
        number(
            settings.get("shutdown-timeout", shutdownTimeout, "60"), "shutdown-timeout", 0, 86_400);
    String auth = settings.get("auth-file", authFile, null);
    boolean noAuthOk =
        insecureNoAuth || Boolean.parseBoolean(settings.get("insecure-no-auth", null, "false"));
    InetAddress address = InetAddress.getByName(host);
    if (auth == null && !address.isLoopbackAddress() && !noAuthOk) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "refusing to listen on "
              + host
              + " without authentication: give --auth-file, or"
              + " --insecure-no-auth if this network is trusted");
    }
    BasicAuth basicAuth = auth == null ? null : BasicAuth.load(Path.of(auth));
    String url = settings.get("db-url", dbUrl, null);
    Path data = Path.of(settings.get("data-dir", dataDir, "data")).toAbsolutePath().normalize();
    FileChannel lockChannel = null;
    FileLock dataLock = null;
    String databaseLabel;
    if (url == null) {
      Files.createDirectories(data);
      lockChannel =
          FileChannel.open(
              data.resolve("ferrum.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        dataLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        dataLock = null;
      }
      if (dataLock == null) {
        lockChannel.close();
        throw new IllegalStateException(
            "another ferrum serve is already using the data directory "
                + data
                + "; stop it first, or give this one its own --data-dir");
      }
      url = "jdbc:h2:file:" + data.resolve("ferrum") + ";AUTO_SERVER=FALSE";
      databaseLabel = "H2 file " + data.resolve("ferrum.mv.db") + " (embedded)";
    } else {
      databaseLabel = url.replaceAll("password=[^&;]*", "password=******");
    }
    ConnectionPool pool =
        Databases.pooled(
            url,
            settings.get("db-user", dbUser, null),
            settings.get("db-password", dbPassword, null),
            Math.max(10, workerCount + 4));
    Metrics metrics = new Metrics();
    LoggingNotificationSink logging = new LoggingNotificationSink();
    try (Conductor conductor =
            Conductor.builder()
                .dataSource(pool)
                .notificationSink(
                    notification -> {
                      logging.emit(notification);
                      metrics.emit(notification);
                    })
                .name(settings.get("name", name, null))
                .workers(workerCount)
                .shutdownDeadline(Duration.ofSeconds(shutdownSeconds))
                .build();
        ApiServer server =
            new ApiServer(
                conductor, new InetSocketAddress(address, listenPort), basicAuth, 16, metrics)) {
      metrics.bind(conductor);
      server.start();
      installSignalHandlers();
      String endpoint = "http://" + hostForUrl(server.address()) + ":" + server.address().getPort();
      out.println(
          "Ferrum conductor \""
              + conductor.name()
              + "\" serving the Ironic API (1.1 to 1.78) on "
              + endpoint);
      out.println("  database: " + databaseLabel);
      out.println("  drivers:  " + String.join(", ", conductor.drivers()));
      out.println("  metrics:  " + endpoint + "/metrics");
      out.println("  auth:     " + (basicAuth == null ? "none" : "HTTP basic (" + auth + ")"));
      out.println("Try:");
      out.println("  curl -s " + endpoint + "/v1/nodes -H 'X-OpenStack-Ironic-API-Version: 1.78'");
      out.println("  baremetal --os-auth-type none --os-endpoint " + endpoint + " node list");
      out.println("Stop with Ctrl-C.");
      out.flush();
      onStarted.run();
      stop.await();
      out.println("Stopping: finishing running work (up to " + shutdownSeconds + " s)...");
      out.flush();
    } finally {
      pool.close();
      if (dataLock != null) {
        dataLock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }

  @SuppressWarnings("restriction")
  private void installSignalHandlers() {
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
      } catch (IllegalArgumentException e) {
        // Signal not available on this platform; Ctrl-C then ends the JVM the hard way.
      }
    }
  }

  private int number(String value, String option, int min, int max) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--"
              + option
              + " must be a whole number from "
              + min
              + " to "
              + max
              + ", not '"
              + value
              + "'");
    }
  }

  private static Path pathOrNull(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static String hostForUrl(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
