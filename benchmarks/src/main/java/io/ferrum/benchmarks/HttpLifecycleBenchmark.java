package io.ferrum.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end over HTTP: starts {@code ferrum serve} as its own process (embedded H2 in a fresh data
 * directory), then drives N fake-hardware nodes through create, manage, provide, deploy and
 * undeploy with C concurrent clients, waiting for each step by polling the node every 10 ms, after
 * W warm-up lifecycles (default 2,000). Reports nodes per second, the server's CPU seconds per node
 * lifecycle (from /proc), and, in a second single-client run, the p50 and p95 of the provision PUT.
 * With {@code -Dferrum.ironic=M} it then runs the same workload with M nodes against Ironic
 * (Debian's python3-ironic) on the same machine and prints the ratio of the two servers' CPU per
 * lifecycle.
 *
 * <p>Run (after {@code mvn -B -q package -DskipTests}): {@code java -cp
 * benchmarks/target/benchmarks.jar io.ferrum.benchmarks.HttpLifecycleBenchmark [nodes] [clients]
 * [warm-up]}.
 */
public final class HttpLifecycleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[][] STEPS = {
    {"manage", "manageable"},
    {"provide", "available"},
    {"active", "active"},
    {"deleted", "available"}
  };

  private final HttpClient http = HttpClient.newHttpClient();
  private final java.util.concurrent.atomic.AtomicLong requests =
      new java.util.concurrent.atomic.AtomicLong();
  private final String url;
  private final String server;

  private HttpLifecycleBenchmark(String url, String server) {
    this.url = url;
    this.server = server;
  }

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path jar = Path.of(System.getProperty("ferrum.jar", "cli/target/ferrum.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn -B -q package -DskipTests first");
    }
    // -Dferrum.ironic=N: the same workload against Ironic afterwards, N nodes (see ironic()).
    String ironicNodes = System.getProperty("ferrum.ironic");
    String ironicVersion = ironicNodes == null ? null : ironicVersion();

    Server ferrum = ferrum(jar, freePort(), clients);
    Result ours;
    List<Long> puts = Collections.synchronizedList(new ArrayList<>());
    try {
      ours = ferrum.measure(nodes, clients, warmUp, true);
      ferrum.bench.lifecycles(200, 1, "lat", puts);
    } catch (Exception e) {
      ferrum.fail();
      throw e;
    }
    ferrum.stop();
    ours.print("Ferrum", clients);
    List<Long> sorted = new ArrayList<>(puts);
    Collections.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "provision PUT, one client (%d requests): p50 %.2f ms, p95 %.2f ms%n",
        sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6,
        sorted.get((int) (sorted.size() * 0.95)) / 1e6);

    if (ironicNodes != null) {
      int count = Integer.parseInt(ironicNodes);
      Server ironic = ironic(freePort());
      Result theirs;
      try {
        theirs = ironic.measure(count, clients, Math.max(5, count / 10), false);
      } catch (Exception e) {
        ironic.fail();
        throw e;
      }
      ironic.stop();
      theirs.print("Ironic " + ironicVersion, clients);
      System.out.printf(
          Locale.ROOT,
          "Ferrum used %.0f times less server CPU per node lifecycle than Ironic %s%n",
          theirs.cpuMs() / ours.cpuMs(),
          ironicVersion);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * {@code ferrum serve} on embedded H2 in a fresh data directory, 32 workers; every client runs on
   * this host's address, so the per-client connection limit is raised to the clients' number.
   */
  private static Server ferrum(Path jar, int port, int clients) throws IOException {
    Path data = Files.createTempDirectory("ferrum-bench");
    List<String> command = new ArrayList<>(List.of("java"));
    // Extra options for the server's JVM (a profiler, a heap size), split on spaces.
    String serverJvm = System.getProperty("ferrum.serverJvm", "").trim();
    if (!serverJvm.isEmpty()) {
      command.addAll(List.of(serverJvm.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--port",
            Integer.toString(port),
            "--data-dir",
            data.toString(),
            "--workers",
            "32",
            "--http-max-connections-per-client",
            Integer.toString(Math.max(32, 2 * clients))));
    // Extra options for ferrum serve, split on spaces; {data} is the fresh data directory.
    String serveArgs = System.getProperty("ferrum.serveArgs", "").trim();
    if (!serveArgs.isEmpty()) {
      for (String arg : serveArgs.split("\\s+")) {
        command.add(arg.replace("{data}", data.toString()));
      }
    }
    return Server.start("ferrum serve", command, data, port);
  }

  /**
   * Ironic as Debian bookworm packages it (python3-ironic 21.4), the way its standalone guide runs
   * it: one process with API and conductor ({@code rpc_transport = none}), no authentication,
   * fake-hardware, SQLite in a fresh directory, everything else at its defaults (automated cleaning
   * on, as in Ferrum).
   */
  private static Server ironic(int port) throws IOException, InterruptedException {
    Path data = Files.createTempDirectory("ironic-bench");
    Path config = data.resolve("ironic.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "[DEFAULT]",
            "auth_strategy = noauth",
            "host = bench",
            "rpc_transport = none",
            "enabled_hardware_types = fake-hardware",
            "enabled_boot_interfaces = fake",
            "enabled_deploy_interfaces = fake",
            "enabled_management_interfaces = fake",
            "enabled_power_interfaces = fake",
            "enabled_inspect_interfaces = no-inspect,fake",
            "enabled_vendor_interfaces = no-vendor,fake",
            "enabled_network_interfaces = noop",
            "default_network_interface = noop",
            "use_stderr = true",
            "[api]",
            "host_ip = 127.0.0.1",
            "port = " + port,
            "api_workers = 1",
            "[database]",
            "connection = sqlite:///" + data.resolve("ironic.sqlite"),
            "[dhcp]",
            "dhcp_provider = none",
            ""));
    Process schema =
        new ProcessBuilder(
                IRONIC_PYTHON,
                "-c",
                "from ironic.cmd.dbsync import main; main()",
                "--config-file",
                config.toString(),
                "create_schema")
            .redirectOutput(data.resolve("dbsync.log").toFile())
            .redirectErrorStream(true)
            .start();
    if (schema.waitFor() != 0) {
      throw new IllegalStateException(
          "ironic-dbsync failed: " + Files.readString(data.resolve("dbsync.log")));
    }
    return Server.start(
        "Ironic",
        List.of(
            IRONIC_PYTHON,
            "-c",
            "from ironic.cmd.singleprocess import main; main()",
            "--config-file",
            config.toString()),
        data,
        port);
  }

  private static final String IRONIC_PYTHON =
      System.getProperty("ferrum.ironicPython", "/usr/bin/python3");

  /** Ironic's version, or a clear stop if it cannot be imported. */
  private static String ironicVersion() throws IOException, InterruptedException {
    Process probe =
        new ProcessBuilder(
                IRONIC_PYTHON,
                "-c",
                "from ironic import version; print(version.version_info.release_string())")
            .redirectErrorStream(true)
            .start();
    String output = new String(probe.getInputStream().readAllBytes()).trim();
    if (probe.waitFor() != 0) {
      System.err.println(
          "-Dferrum.ironic: "
              + IRONIC_PYTHON
              + " cannot import Ironic (Debian: apt-get install python3-ironic; another Python"
              + " with -Dferrum.ironicPython=PATH):\n"
              + output);
      System.exit(2);
    }
    return output;
  }

  /** A server process under measurement, with its data directory and a client for it. */
  private static final class Server {
    final String name;
    final Process process;
    final Path data;
    final HttpLifecycleBenchmark bench;

    private Server(String name, Process process, Path data, HttpLifecycleBenchmark bench) {
      this.name = name;
      this.process = process;
      this.data = data;
      this.bench = bench;
    }

    static Server start(String name, List<String> command, Path data, int port) throws IOException {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(data.resolve("server.log").toFile())
              .redirectErrorStream(true)
              .start();
      return new Server(
          name, process, data, new HttpLifecycleBenchmark("http://127.0.0.1:" + port, name));
    }

    /** Warm-up, then the measured run; {@code hooks}: run the before/after commands around it. */
    Result measure(int nodes, int clients, int warmUp, boolean hooks) throws Exception {
      bench.awaitUp(name, process);
      // Warm-up, not measured: until the JIT has compiled the hot paths, its compiler threads
      // use more CPU than the requests themselves.
      bench.lifecycles(warmUp, clients, "warm", new ArrayList<>());
      long pid = process.pid();
      // -Dferrum.beforeRun / -Dferrum.afterRun: shell commands run around the measured run (not
      // the warm-up), {pid} replaced by the server's: to start and stop a profiler, say.
      if (hooks) {
        hook("ferrum.beforeRun", pid);
      }
      double[] cpuBefore = cpuSeconds(process);
      Map<String, Double> threadsBefore = threadSeconds(pid);
      long requestsBefore = bench.requests.get();
      long start = System.nanoTime();
      bench.lifecycles(nodes, clients, "run", new ArrayList<>());
      double wall = (System.nanoTime() - start) / 1e9;
      double[] cpuAfter = cpuSeconds(process);
      Map<String, Double> threadsAfter = threadSeconds(pid);
      long sent = bench.requests.get() - requestsBefore;
      if (hooks) {
        hook("ferrum.afterRun", pid);
      }
      Map<String, Double> threads = new TreeMap<>();
      threadsAfter.forEach(
          (group, seconds) -> {
            double used = seconds - threadsBefore.getOrDefault(group, 0.0);
            if (used > 0) {
              threads.put(group, used);
            }
          });
      double user = cpuAfter[0] - cpuBefore[0];
      double system = cpuAfter[1] - cpuBefore[1];
      return new Result(
          nodes / wall,
          (user + system) * 1000 / nodes,
          system / (user + system),
          (double) sent / nodes,
          threads,
          nodes);
    }

    void stop() throws Exception {
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
      deleteTree(data); // a run leaves tens of megabytes of database and log behind
    }

    /** Kept for the post-mortem: the database and the server's log. */
    void fail() throws InterruptedException {
      System.err.println(name + "'s output is in " + data.resolve("server.log"));
      process.destroy();
      process.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** What one measured run cost the server. */
  private record Result(
      double nodesPerSecond,
      double cpuMs,
      double kernelShare,
      double requestsPerLifecycle,
      Map<String, Double> threads,
      int nodes) {

    void print(String server, int clients) {
      if (Boolean.getBoolean("ferrum.threads")) {
        // -Dferrum.threads=true: where the server's CPU went, by thread group.
        threads.forEach(
            (group, seconds) ->
                System.out.printf(
                    Locale.ROOT,
                    "  %-28s %6.3f ms per lifecycle%n",
                    group,
                    seconds * 1000 / nodes));
      }
      // A JIT's share, where the server has one (a JVM's compiler threads).
      double jitMs = compilerSeconds(threads) * 1000 / nodes;
      System.out.printf(
          Locale.ROOT,
          "%s, %d nodes, %d clients: %.1f nodes/s, server CPU %.2f ms per node lifecycle"
              + " (%.0f%% of it in the kernel; %.1f requests per lifecycle, %.3f ms CPU per request%s)%n",
          server,
          nodes,
          clients,
          nodesPerSecond,
          cpuMs,
          100 * kernelShare,
          requestsPerLifecycle,
          cpuMs / requestsPerLifecycle,
          jitMs > 0
              ? String.format(Locale.ROOT, "; JIT compiler threads %.2f ms of it", jitMs)
              : "");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Runs {@code count} lifecycles on {@code clients} threads, node names starting with {@code
   * prefix}; prints progress to standard error every tenth of the way.
   */
  private void lifecycles(int count, int clients, String prefix, List<Long> putNanos)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + "-" + i;
        futures.add(pool.submit(() -> lifecycle(name, putNanos)));
      }
      long start = System.nanoTime();
      int step = Math.max(1, count / 10);
      for (int done = 1; done <= count; done++) {
        futures.get(done - 1).get();
        if (done % step == 0 || done == count) {
          System.err.printf(
              Locale.ROOT,
              "%s, %s: %d/%d lifecycles (%.0f s)%n",
              server,
              PHASES.getOrDefault(prefix, prefix),
              done,
              count,
              (System.nanoTime() - start) / 1e9);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static final Map<String, String> PHASES =
      Map.of("warm", "warm-up", "run", "measured run", "lat", "single-client PUT timing");

  private Void lifecycle(String name, List<Long> putNanos) throws Exception {
    send("POST", "/v1/nodes", "{\"driver\": \"fake-hardware\", \"name\": \"" + name + "\"}", 201);
    for (String[] step : STEPS) {
      long start = System.nanoTime();
      int status =
          send(
              "PUT",
              "/v1/nodes/" + name + "/states/provision",
              "{\"target\": \"" + step[0] + "\"}",
              0);
      putNanos.add(System.nanoTime() - start);
      if (status != 202) {
        throw new IllegalStateException(name + ": " + step[0] + " answered " + status);
      }
      awaitState(name, step[1]);
    }
    return null;
  }

  private void awaitState(String name, String state) throws Exception {
    for (int i = 0; i < 6000; i++) {
      JsonNode node =
          JSON.readTree(
              get("/v1/nodes/" + name + "?fields=provision_state,target_provision_state"));
      if (node.get("provision_state").asText().equals(state)
          && node.get("target_provision_state").isNull()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(name + " never reached " + state);
  }

  private int send(String method, String path, String body, int expected) throws Exception {
    requests.incrementAndGet();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("X-OpenStack-Ironic-API-Version", "1.78")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (expected != 0 && response.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response.statusCode();
  }

  private String get(String path) throws Exception {
    requests.incrementAndGet();
    return http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .header("X-OpenStack-Ironic-API-Version", "1.78")
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void awaitUp(String name, Process process) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try {
        get("/");
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(name + " did not start at " + url);
  }

  private static void hook(String property, long pid) throws Exception {
    String command = System.getProperty(property);
    if (command == null) {
      return;
    }
    command = command.replace("{pid}", Long.toString(pid));
    Process shell = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String output = new String(shell.getInputStream().readAllBytes());
    if (shell.waitFor() != 0) {
      throw new IllegalStateException(property + ": " + command + " failed: " + output);
    }
  }

  /**
   * CPU seconds per thread group of process {@code pid} (thread names with digits removed), from
   * /proc (Linux); threads that ended are not counted.
   */
  private static Map<String, Double> threadSeconds(long pid) throws IOException {
    Map<String, Double> groups = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          double[] used = statSeconds(task.resolve("stat"));
          groups.merge(name, used[0] + used[1], Double::sum);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return groups;
  }

  /** CPU seconds of the JIT compiler threads (C1, C2) among {@code threadSeconds}'s groups. */
  private static double compilerSeconds(Map<String, Double> groups) {
    return groups.entrySet().stream()
        .filter(group -> group.getKey().contains("CompilerThre"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /** User and system CPU seconds of a process and the processes it started, from /proc (Linux). */
  private static double[] cpuSeconds(Process process) throws IOException {
    double[] total = statSeconds(Path.of("/proc/" + process.pid() + "/stat"));
    for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
      try {
        double[] used = statSeconds(Path.of("/proc/" + child.pid() + "/stat"));
        total[0] += used[0];
        total[1] += used[1];
      } catch (IOException e) {
        // it ended meanwhile
      }
    }
    return total;
  }

  /** User and system CPU seconds from a process's or thread's /proc stat file. */
  private static double[] statSeconds(Path stat) throws IOException {
    String text = Files.readString(stat);
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    // utime and stime, in ticks of USER_HZ (100 on Linux)
    return new double[] {Long.parseLong(fields[11]) / 100.0, Long.parseLong(fields[12]) / 100.0};
  }
}
