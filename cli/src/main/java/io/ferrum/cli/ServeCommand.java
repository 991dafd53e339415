package io.ferrum.cli;

import io.ferrum.api.ApiServer;
import io.ferrum.api.BasicAuth;
import io.ferrum.api.HttpLimits;
import io.ferrum.api.Metrics;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.LoggingNotificationSink;
import io.ferrum.conductor.PowerSyncPolicy;
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
          + " the command line wins over the environment, which wins over the file. An"
          + " unknown name or a line that is not 'option = value' or a # comment stops the"
          + " start with an error naming the line; a FERRUM_* variable that names no option"
          + " (FERRUM_CONFIG, FERRUM_URL, FERRUM_USER, FERRUM_PASSWORD and FERRUM_JAVA_OPTS"
          + " aside) is named in one warning line at start.",
      "",
      "Nothing an API user sends reaches a program, a file or the network unless an allowlist"
          + " below permits it. Lists are comma-separated; an empty value on the command line"
          + " (--image-allowed-dirs '') allows nothing. See docs/security.md.",
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

  @Option(
      names = "--db-durability",
      paramLabel = "disk|process",
      description =
          "For the embedded H2 database: 'disk' (default) forces every commit to the disk before"
              + " the API answers, so it survives the machine crashing; 'process' hands it to the"
              + " operating system, which survives the daemon being killed but not the machine"
              + " crashing, for less CPU. PostgreSQL's own settings decide for PostgreSQL.")
  String dbDurability;

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
      names = "--conductor-group",
      paramLabel = "GROUP",
      description =
          "This conductor's conductor group: it runs the periodic work of nodes of that group"
              + " (default: the default group, \"\").")
  String conductorGroup;

  @Option(
      names = "--heartbeat-interval",
      paramLabel = "SECONDS",
      description = "How often this conductor heartbeats in the database (default: 10).")
  String heartbeatInterval;

  @Option(
      names = "--heartbeat-timeout",
      paramLabel = "SECONDS",
      description =
          "How old a heartbeat may be before its conductor counts as dead and the others take"
              + " its nodes over (default: 60).")
  String heartbeatTimeout;

  @Option(
      names = "--power-sync-interval",
      paramLabel = "SECONDS",
      description =
          "How often every node's power state is read from its hardware and compared with the"
              + " stored one (default: 120; 0 turns the sync off).")
  String powerSyncInterval;

  @Option(
      names = "--power-sync-concurrency",
      paramLabel = "N",
      description =
          "Power reads a sync runs at once, each holding a thread while its BMC answers"
              + " (default: 1000: 100,000 nodes whose BMCs answer in a second take about 100 s).")
  String powerSyncConcurrency;

  @Option(
      names = "--power-sync-batch-size",
      paramLabel = "N",
      description = "Nodes a sync reads from the database at a time (default: 1000).")
  String powerSyncBatchSize;

  @Option(
      names = "--power-sync-policy",
      paramLabel = "observe|enforce",
      description =
          "What the power sync does when the hardware disagrees with the stored power state:"
              + " 'observe' (default) records what the hardware says; 'enforce' pushes the stored"
              + " state back to the hardware.")
  String powerSyncPolicy;

  @Option(
      names = "--callback-timeout",
      paramLabel = "SECONDS",
      description =
          "How long a node may wait for a callback (wait call-back, clean wait, ...) before it"
              + " fails (default: 1800).")
  String callbackTimeout;

  @Option(
      names = "--timeout-check-interval",
      paramLabel = "SECONDS",
      description =
          "How often nodes whose callback wait expired are looked for (default: 60; 0 turns the"
              + " check off).")
  String timeoutCheckInterval;

  @Option(
      names = "--recovery-interval",
      paramLabel = "SECONDS",
      description =
          "How often reservations and nodes left behind by this conductor's failed work are"
              + " looked for and repaired (default: 15; 0 turns the periodic pass off).")
  String recoveryInterval;

  @Option(
      names = "--driver-call-timeout",
      paramLabel = "INTERFACE=SECONDS,...",
      description =
          "Deadlines of driver calls per hardware interface (power, management, boot, deploy,"
              + " clean, inspect, rescue) or of configuration checks (validate); a call past its"
              + " deadline fails its operation and frees the node (default:"
              + " validate=10,power=60,management=60,boot=600,deploy=1800,clean=1800,"
              + "inspect=1800,rescue=1800).")
  String driverCallTimeout;

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
      names = "--libvirt-allowed-uris",
      paramLabel = "URIS",
      description =
          "libvirt connection URIs nodes may use (default: qemu:///system,"
              + "test:///default). An entry's host may be *.domain; parameters written in an entry"
              + " are allowed with exactly that value.")
  String libvirtAllowedUris;

  @Option(
      names = "--libvirt-allowed-uri-params",
      paramLabel = "NAMES",
      description =
          "libvirt URI parameters nodes may set to any value, e.g. no_tty (default: none)."
              + " Parameters such as command, socket, netcat, keyfile, pkipath and known_hosts"
              + " name programs, sockets and key files on this host.")
  String libvirtAllowedUriParams;

  @Option(
      names = "--image-allowed-dirs",
      paramLabel = "DIRS",
      description =
          "Absolute directories image files (instance_info.image_source) may be in (default:"
              + " /var/lib/ferrum/images).")
  String imageAllowedDirs;

  @Option(
      names = "--image-allowed-pools",
      paramLabel = "POOLS",
      description = "Storage pools images may be taken from as POOL/VOLUME (default: none).")
  String imageAllowedPools;

  @Option(
      names = "--image-allowed-url-schemes",
      paramLabel = "SCHEMES",
      description =
          "URL schemes images may be named by, e.g. https: deploy_kernel, deploy_ramdisk and"
              + " image_source of agent-based nodes, which the machine fetches (default: none).")
  String imageAllowedUrlSchemes;

  @Option(
      names = "--bmc-allowed-networks",
      paramLabel = "CIDRS",
      description =
          "Networks the BMCs of bare-metal nodes (driver_info.ipmi_address, the host of"
              + " redfish_address) may be in, as CIDR"
              + " blocks or addresses, e.g. 10.1.0.0/16 (default: none; no BMC can be reached"
              + " until the management networks are named).")
  String bmcAllowedNetworks;

  @Option(
      names = "--agent-allowed-networks",
      paramLabel = "CIDRS",
      description =
          "Networks deploy ramdisk agents may report as their address (the callback_url of a"
              + " heartbeat), as CIDR blocks or addresses, e.g. 10.2.0.0/16: the provisioning"
              + " networks (default: none; no agent is heard until they are named).")
  String agentAllowedNetworks;

  @Option(
      names = "--httpboot-dir",
      paramLabel = "DIR",
      description =
          "Absolute directory where the ipxe boot interface writes the iPXE scripts of nodes;"
              + " the operator's HTTP server serves it to the machines (default: none).")
  String httpbootDir;

  @Option(
      names = "--agent-api-url",
      paramLabel = "URL",
      description =
          "The URL deploy ramdisks reach this server's API at, e.g. http://10.2.0.1:6385"
              + " (default: none).")
  String agentApiUrl;

  @Option(
      names = "--ipmi-min-command-interval",
      paramLabel = "SECONDS",
      description =
          "Seconds between two ipmitool commands to one BMC, which many BMCs need (default: 5);"
              + " commands to different BMCs do not wait for each other.")
  String ipmiMinCommandInterval;

  @Option(
      names = "--ipmitool-path",
      paramLabel = "PROGRAM",
      description = "The ipmitool program: a name on PATH or an absolute path (default: ipmitool).")
  String ipmitoolPath;

  @Option(
      names = "--redfish-allowed-schemes",
      paramLabel = "SCHEMES",
      description =
          "URL schemes driver_info.redfish_address may use: https, http (default: https only;"
              + " plain http sends BMC passwords in the clear).")
  String redfishAllowedSchemes;

  @Option(
      names = "--fake-fault-injection",
      paramLabel = "true|false",
      description =
          "Whether fake-hardware nodes may carry the driver_info keys that make calls fail or hang"
              + " (fake_fail, fake_hang, ..., and fake_delay_ms over 5000), for testing (default:"
              + " false: an API user could make the conductor's driver threads hang).")
  String fakeFaultInjection;

  @Option(
      names = "--http-workers",
      paramLabel = "N",
      description = "API requests processed at once (default: 16).")
  String httpWorkers;

  @Option(
      names = "--http-queue",
      paramLabel = "N",
      description = "Received API requests that may wait for a worker; more get 503 (default: 64).")
  String httpQueue;

  @Option(
      names = "--http-max-connections",
      paramLabel = "N",
      description =
          "Requests being received or answered at once; further connections are closed"
              + " (default: 256).")
  String httpMaxConnections;

  @Option(
      names = "--http-max-connections-per-client",
      paramLabel = "N",
      description =
          "Requests one client address may have being received or answered at once; its further"
              + " connections are closed at once, without an answer, so one client cannot take"
              + " every connection (default: 32).")
  String httpMaxConnectionsPerClient;

  @Option(
      names = "--http-read-timeout",
      paramLabel = "SECONDS",
      description =
          "How long a client may take to send a whole request, headers and body (default: 30).")
  String httpReadTimeout;

  @Option(
      names = "--http-idle-timeout",
      paramLabel = "SECONDS",
      description = "How long a kept-alive connection may wait for its next request (default: 30).")
  String httpIdleTimeout;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file of 'option = value' lines (default: FERRUM_CONFIG, if set).")
  Path config;

  private final Map<String, String> environment;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean replaced;
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
    Settings settings;
    try {
      settings = Settings.load(environment, configFile, settingNames());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    java.util.List<String> strays = Settings.unknownVariables(environment, settingNames());
    if (!strays.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "ferrum serve: warning: ignoring environment variables that are no setting of ferrum"
              + " serve: "
              + String.join(", ", strays)
              + " (see ferrum serve --help)");
      err.flush();
    }
    String host = settings.get("bind", bind, "127.0.0.1");
    int listenPort = number(settings.get("port", port, "6385"), "port", 0, 65535);
    int workerCount = number(settings.get("workers", workers, "16"), "workers", 1, 10_000);
    int shutdownSeconds =
        number(
            settings.get("shutdown-timeout", shutdownTimeout, "60"), "shutdown-timeout", 0, 86_400);
    int heartbeatSeconds =
        number(
            settings.get("heartbeat-interval", heartbeatInterval, "10"),
            "heartbeat-interval",
            1,
            3_600);
    int heartbeatTimeoutSeconds =
        number(
            settings.get("heartbeat-timeout", heartbeatTimeout, "60"),
            "heartbeat-timeout",
            heartbeatSeconds + 1,
            86_400);
    int syncSeconds =
        number(
            settings.get("power-sync-interval", powerSyncInterval, "120"),
            "power-sync-interval",
            0,
            86_400);
    int syncConcurrency =
        number(
            settings.get("power-sync-concurrency", powerSyncConcurrency, "1000"),
            "power-sync-concurrency",
            1,
            100_000);
    int syncBatch =
        number(
            settings.get("power-sync-batch-size", powerSyncBatchSize, "1000"),
            "power-sync-batch-size",
            1,
            100_000);
    int callbackSeconds =
        number(
            settings.get("callback-timeout", callbackTimeout, "1800"),
            "callback-timeout",
            1,
            7 * 86_400);
    int timeoutCheckSeconds =
        number(
            settings.get("timeout-check-interval", timeoutCheckInterval, "60"),
            "timeout-check-interval",
            0,
            86_400);
    int recoverySeconds =
        number(
            settings.get("recovery-interval", recoveryInterval, "15"),
            "recovery-interval",
            0,
            86_400);
    Map<String, Duration> driverDeadlines =
        driverDeadlines(settings.get("driver-call-timeout", driverCallTimeout, ""));
    String policyName =
        settings
            .get("power-sync-policy", powerSyncPolicy, "observe")
            .trim()
            .toLowerCase(java.util.Locale.ROOT);
    PowerSyncPolicy syncPolicy =
        switch (policyName) {
          case "observe" -> PowerSyncPolicy.OBSERVE;
          case "enforce" -> PowerSyncPolicy.ENFORCE;
          default ->
              throw new CommandLine.ParameterException(
                  spec.commandLine(),
                  "--power-sync-policy must be observe or enforce, not '" + policyName + "'");
        };
    String durabilityName = settings.get("db-durability", dbDurability, "disk");
    Databases.Durability durability =
        switch (durabilityName) {
          case "disk" -> Databases.Durability.DISK;
          case "process" -> Databases.Durability.PROCESS;
          default ->
              throw new CommandLine.ParameterException(
                  spec.commandLine(),
                  "--db-durability must be disk or process, not '" + durabilityName + "'");
        };
    String auth = settings.get("auth-file", authFile, null);
    boolean noAuthOk = insecureNoAuth || bool(settings.get("insecure-no-auth", null, "false"));
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
    HttpLimits httpLimits =
        new HttpLimits(
            number(
                settings.get("http-max-connections", httpMaxConnections, "256"),
                "http-max-connections",
                1,
                10_000),
            number(settings.get("http-workers", httpWorkers, "16"), "http-workers", 1, 1_000),
            number(settings.get("http-queue", httpQueue, "64"), "http-queue", 0, 100_000),
            Duration.ofSeconds(
                number(
                    settings.get("http-read-timeout", httpReadTimeout, "30"),
                    "http-read-timeout",
                    1,
                    3_600)),
            Duration.ofSeconds(
                number(
                    settings.get("http-idle-timeout", httpIdleTimeout, "30"),
                    "http-idle-timeout",
                    1,
                    3_600)),
            HttpLimits.defaults().maxBodyBytes(),
            number(
                settings.get(
                    "http-max-connections-per-client",
                    httpMaxConnectionsPerClient,
                    Integer.toString(HttpLimits.DEFAULT_MAX_CONNECTIONS_PER_CLIENT)),
                "http-max-connections-per-client",
                1,
                10_000));
    Map<String, String> driverSettings = new java.util.LinkedHashMap<>();
    for (String[] setting :
        new String[][] {
          {"libvirt-allowed-uris", libvirtAllowedUris},
          {"libvirt-allowed-uri-params", libvirtAllowedUriParams},
          {"image-allowed-dirs", imageAllowedDirs},
          {"image-allowed-pools", imageAllowedPools},
          {"image-allowed-url-schemes", imageAllowedUrlSchemes},
          {"bmc-allowed-networks", bmcAllowedNetworks},
          {"agent-allowed-networks", agentAllowedNetworks},
          {"httpboot-dir", httpbootDir},
          {"agent-api-url", agentApiUrl},
          {"ipmi-min-command-interval", ipmiMinCommandInterval},
          {"ipmitool-path", ipmitoolPath},
          {"redfish-allowed-schemes", redfishAllowedSchemes}
        }) {
      String value = settings.get(setting[0], setting[1], null);
      if (value != null) {
        driverSettings.put(setting[0], value);
      }
    }
    checkAgentSettings(driverSettings);
    driverSettings.put(
        "fake-fault-injection", settings.get("fake-fault-injection", fakeFaultInjection, "false"));
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
      databaseLabel =
          "H2 file "
              + data.resolve("ferrum.mv.db")
              + " (embedded; commits "
              + (durability == Databases.Durability.DISK
                  ? "forced to disk"
                  : "handed to the operating system")
              + ")";
    } else {
      databaseLabel = url.replaceAll("password=[^&;]*", "password=******");
    }
    ConnectionPool pool =
        Databases.pooled(
            url,
            settings.get("db-user", dbUser, null),
            settings.get("db-password", dbPassword, null),
            Math.max(10, workerCount + 4),
            durability);
    Metrics metrics = new Metrics();
    LoggingNotificationSink logging = new LoggingNotificationSink();
    Conductor.Builder builder = Conductor.builder();
    driverSettings.forEach(builder::driverSetting);
    driverDeadlines.forEach(builder::driverCallTimeout);
    try (Conductor conductor =
            builder
                .dataSource(pool)
                .notificationSink(
                    notification -> {
                      logging.emit(notification);
                      metrics.emit(notification);
                    })
                .name(settings.get("name", name, null))
                .conductorGroup(settings.get("conductor-group", conductorGroup, ""))
                .powerSyncInterval(Duration.ofSeconds(syncSeconds))
                .powerSync(syncPolicy, 3)
                .callbackTimeout(Duration.ofSeconds(callbackSeconds))
                .timeoutCheckInterval(Duration.ofSeconds(timeoutCheckSeconds))
                .recoveryInterval(Duration.ofSeconds(recoverySeconds))
                .soleConductor(dataLock != null)
                .waitForPreviousInstance(true)
                .powerSyncConcurrency(syncConcurrency, syncBatch)
                .heartbeat(
                    Duration.ofSeconds(heartbeatSeconds),
                    Duration.ofSeconds(heartbeatTimeoutSeconds))
                .onStandDown(
                    () -> {
                      replaced = true;
                      stop.countDown();
                    })
                .workers(workerCount)
                .shutdownDeadline(Duration.ofSeconds(shutdownSeconds))
                .build();
        ApiServer server =
            new ApiServer(
                conductor,
                new InetSocketAddress(address, listenPort),
                basicAuth,
                httpLimits,
                metrics)) {
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
    if (replaced) {
      spec.commandLine()
          .getErr()
          .println(
              "ferrum serve: another conductor registered under this name while this one looked"
                  + " dead; stopped");
      return 1;
    }
    out.println("Stopped.");
    out.flush();
    return 0;
  }

  /**
   * Refuses a {@code httpboot-dir} that is not an absolute path and an {@code agent-api-url} that
   * is not a plain http(s) URL, before anything starts.
   */
  private void checkAgentSettings(Map<String, String> driverSettings) {
    String dir = driverSettings.get("httpboot-dir");
    if (dir != null && !dir.isEmpty()) {
      boolean absolute;
      try {
        absolute = Path.of(dir).isAbsolute();
      } catch (java.nio.file.InvalidPathException e) {
        absolute = false;
      }
      if (!absolute) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--httpboot-dir must be an absolute directory, not '" + dir + "'");
      }
    }
    String url = driverSettings.get("agent-api-url");
    if (url != null && !url.isEmpty()) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--agent-api-url must be an http or https URL with a host and no user, query or"
                + " fragment, not '"
                + url
                + "'");
      }
    }
  }

  /** Parses {@code interface=seconds,...}; names and ranges are checked here, before any start. */
  private Map<String, Duration> driverDeadlines(String value) {
    Map<String, Duration> out = new java.util.LinkedHashMap<>();
    java.util.Set<String> known =
        java.util.Set.of(
            "validate", "power", "management", "boot", "deploy", "clean", "inspect", "rescue");
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String iface = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
      if (eq < 0 || !known.contains(iface)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--driver-call-timeout takes INTERFACE=SECONDS entries, INTERFACE one of "
                + new java.util.TreeSet<>(known)
                + ", not '"
                + entry.trim()
                + "'");
      }
      out.put(
          iface,
          Duration.ofSeconds(
              number(entry.substring(eq + 1), "driver-call-timeout " + iface, 1, 86_400)));
    }
    return out;
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

  /** The names a config file may set: every option but --config, --help and --version. */
  private java.util.Set<String> settingNames() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (CommandLine.Model.OptionSpec option : spec.options()) {
      String name = option.longestName().replaceFirst("^--", "");
      if (!name.equals("config") && !name.equals("help") && !name.equals("version")) {
        names.add(name);
      }
    }
    return names;
  }

  private boolean bool(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--insecure-no-auth must be true or false, not '" + value + "'");
    };
  }

  private static Path pathOrNull(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static String hostForUrl(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
