package io.ferrum.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.ProvisionRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One conductor with a large fleet: how long a power sync sweep takes when every BMC answers a
 * power read in {@code L} ms, and what it costs (CPU, heap, GC pauses during the sweep); how long a
 * page of nodes takes for every sort and filter the API offers; node counts for {@code /metrics};
 * start-up with the fleet in place; and lifecycles per second on top of it.
 *
 * <p>Usage: {@code ScaleBenchmark N L [h2|pg] [CONCURRENCY]}, e.g. {@code ScaleBenchmark 100000
 * 1000 h2}. PostgreSQL comes from {@code FERRUM_BENCH_PG_URL} (default the local server), in a
 * schema of its own that is dropped afterwards; H2 is a file in a temporary directory, with commits
 * forced to disk as {@code ferrum serve} does. The fleet is inserted in bulk, already {@code
 * available} and {@code power off} as the fake driver reports, so a sweep changes nothing and
 * measures pure reading. Progress goes to standard error.
 */
public final class ScaleBenchmark {

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ScaleBenchmark NODES LATENCY_MS [h2|pg] [CONCURRENCY]");
      System.exit(2);
    }
    int nodes = Integer.parseInt(args[0]);
    int latency = Integer.parseInt(args[1]);
    String database = args.length > 2 ? args[2] : "h2";
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    run(nodes, latency, database, concurrency);
  }

  /** Runs the whole benchmark and prints one line per measure; returns the sweep's duration. */
  static Duration run(int nodes, int latency, String database, int concurrency) throws Exception {
    Target target = Target.of(database);
    try (target) {
      progress("building %,d nodes on %s", nodes, database);
      long built = System.nanoTime();
      insertFleet(target.url, nodes, latency);
      progress("built in %.1f s", seconds(System.nanoTime() - built));

      long startup = System.nanoTime();
      try (ConnectionPool pool = Databases.pooled(target.url, null, null, 40);
          Conductor conductor =
              Conductor.builder()
                  .dataSource(pool)
                  .name("scale")
                  .workers(32)
                  .notificationSink(NotificationSink.none())
                  .powerSyncInterval(Duration.ZERO)
                  .timeoutCheckInterval(Duration.ZERO)
                  .powerSyncConcurrency(concurrency, 1000)
                  .build()) {
        double startupSeconds = seconds(System.nanoTime() - startup);
        System.out.printf(
            "%s, %,d nodes: start-up %.2f s (migrations checked, recovery pass, counts)%n",
            database, nodes, startupSeconds);

        Duration sweep = sweep(conductor, nodes, latency, concurrency);
        pages(conductor, database);
        counts(conductor, database);
        lifecycles(conductor, database);
        return sweep;
      }
    }
  }

  private static Duration sweep(Conductor conductor, int nodes, int latency, int concurrency) {
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    System.gc();
    GcPauses pauses = GcPauses.start();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long before = usedHeap(heap, false);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long start = System.nanoTime();
    progress("sweeping %,d nodes, %d ms per power read, %d at once", nodes, latency, concurrency);
    int changed = conductor.syncPowerStates();
    long elapsed = System.nanoTime() - start;
    long cpu = os.getProcessCpuTime() - cpu0;
    long peak = usedHeap(heap, true);
    pauses.stop();
    System.out.printf(
        "power sync of %,d nodes at %d ms per read, %d at once: %.1f s (%,d changed), CPU %.1f s"
            + " (%.2f cores on average), heap %d MB before, %d MB peak, GC pauses: %d, longest"
            + " %d ms, total %d ms%n",
        nodes,
        latency,
        concurrency,
        seconds(elapsed),
        changed,
        cpu / 1e9,
        cpu / (double) elapsed,
        before >> 20,
        peak >> 20,
        pauses.count.get(),
        pauses.longest.get(),
        pauses.total.get());
    return Duration.ofNanos(elapsed);
  }

  private static void pages(Conductor conductor, String database) {
    for (String sort : List.of("id", "uuid", "name", "created_at", "provision_state", "driver")) {
      for (NodeQuery filter :
          List.of(
              NodeQuery.all(),
              NodeQuery.all().inState("active"),
              new NodeQuery(null, "fake-hardware", null, 100, null, "id", false),
              new NodeQuery(null, null, true, 100, null, "id", false))) {
        long[] times = new long[30];
        String marker = null;
        for (int i = 0; i < times.length; i++) {
          NodeQuery query =
              new NodeQuery(
                  filter.provisionState(),
                  filter.driver(),
                  filter.maintenance(),
                  100,
                  marker,
                  sort,
                  false);
          long t = System.nanoTime();
          var page = conductor.listNodes(query);
          times[i] = System.nanoTime() - t;
          marker = page.nextMarker();
          if (marker == null) {
            times = Arrays.copyOf(times, i + 1);
            break;
          }
        }
        Arrays.sort(times);
        System.out.printf(
            "%s page of 100, sort %s, filter %s: p50 %.2f ms, p95 %.2f ms%n",
            database,
            sort,
            describe(filter),
            times[times.length / 2] / 1e6,
            times[(int) Math.ceil(times.length * 0.95) - 1] / 1e6);
      }
    }
  }

  private static void counts(Conductor conductor, String database) {
    long[] times = new long[200];
    for (int i = 0; i < times.length; i++) {
      long t = System.nanoTime();
      conductor.countNodesBy("provision_state");
      conductor.countNodesBy("power_state");
      times[i] = System.nanoTime() - t;
    }
    Arrays.sort(times);
    System.out.printf(
        "%s node counts for /metrics (both gauges): p50 %.3f ms, p95 %.3f ms%n",
        database, times[100] / 1e6, times[190] / 1e6);
  }

  private static void lifecycles(Conductor conductor, String database) throws Exception {
    int count = 200;
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      uuids.add(
          conductor
              .createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"))
              .uuid());
    }
    ExecutorService clients = Executors.newFixedThreadPool(4);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String uuid : uuids) {
        done.add(
            clients.submit(
                () -> {
                  finish(conductor.provision(uuid, ProvisionRequest.of("active")));
                  finish(conductor.provision(uuid, ProvisionRequest.of("deleted")));
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      clients.shutdown();
    }
    double elapsed = seconds(System.nanoTime() - start);
    System.out.printf(
        "%s deploy+undeploy cycles with the fleet in place, 4 clients: %.1f per second%n",
        database, count / elapsed);
  }

  private static void finish(ActionHandle handle) throws Exception {
    handle.await(Duration.ofMinutes(5));
  }

  private static String describe(NodeQuery query) {
    if (query.provisionState() != null) {
      return "provision_state=" + query.provisionState();
    }
    if (query.driver() != null) {
      return "driver=" + query.driver();
    }
    if (query.maintenance() != null) {
      return "maintenance=" + query.maintenance();
    }
    return "none";
  }

  /** Inserts {@code count} available, powered-off fake nodes in batches. */
  private static void insertFleet(String url, int count, int latency) throws Exception {
    try (ConnectionPool pool = Databases.pooled(url, null, null, 2);
        Conductor migrate =
            Conductor.builder()
                .dataSource(pool)
                .name("scale-setup")
                .powerSyncInterval(Duration.ZERO)
                .timeoutCheckInterval(Duration.ZERO)
                .build();
        Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      String driverInfo = "{\"fake_delay_ms\":\"" + latency + "\"}";
      OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO nodes (uuid, name, driver, driver_info, driver_internal_info,"
                  + " instance_info, properties, extra, provision_state, power_state, maintenance,"
                  + " created_at, provision_updated_at, version) VALUES (?, ?, 'fake-hardware', ?,"
                  + " '{}', '{}', '{}', '{}', ?, 'power off', ?, ?, ?, 0)")) {
        for (int i = 0; i < count; i++) {
          insert.setString(1, UUID.randomUUID().toString());
          insert.setString(2, i % 10 == 0 ? null : "scale-" + i);
          insert.setString(3, driverInfo);
          insert.setString(4, i % 20 == 0 ? "active" : "available");
          insert.setBoolean(5, false);
          insert.setObject(6, now.minusSeconds(i));
          insert.setObject(7, now);
          insert.addBatch();
          if ((i + 1) % 5000 == 0 || i == count - 1) {
            insert.executeBatch();
            c.commit();
            if ((i + 1) % 20000 == 0) {
              progress("%,d nodes", i + 1);
            }
          }
        }
      }
      // A database that grew to this size over time has statistics for its planner; one filled
      // a moment ago does not until autovacuum comes by, and would plan pages on guesses.
      c.setAutoCommit(true);
      try (Statement analyze = c.createStatement()) {
        analyze.execute(url.startsWith("jdbc:postgresql:") ? "ANALYZE nodes" : "ANALYZE");
      }
    }
  }

  private static long usedHeap(List<MemoryPoolMXBean> pools, boolean peak) {
    return pools.stream().mapToLong(p -> (peak ? p.getPeakUsage() : p.getUsage()).getUsed()).sum();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void progress(String format, Object... args) {
    System.err.printf("[scale] " + format + "%n", args);
  }

  /** Where the fleet lives: a fresh H2 file or a fresh PostgreSQL schema. */
  private static final class Target implements AutoCloseable {
    final String url;
    private final Runnable cleanup;

    private Target(String url, Runnable cleanup) {
      this.url = url;
      this.cleanup = cleanup;
    }

    static Target of(String database) throws Exception {
      if (database.equals("h2")) {
        Path dir = Files.createTempDirectory("ferrum-scale");
        return new Target(
            "jdbc:h2:file:" + dir.resolve("ferrum"),
            () -> {
              try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
              } catch (java.io.IOException e) {
                // left behind in the temporary directory
              }
            });
      }
      if (!database.equals("pg")) {
        throw new IllegalArgumentException("database must be h2 or pg, not " + database);
      }
      String server =
          System.getenv()
              .getOrDefault(
                  "FERRUM_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
      String schema = "ferrum_scale_" + UUID.randomUUID().toString().substring(0, 8);
      exec(server, "CREATE SCHEMA " + schema);
      return new Target(
          server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema,
          () -> {
            try {
              exec(server, "DROP SCHEMA " + schema + " CASCADE");
            } catch (Exception e) {
              System.err.println("could not drop schema " + schema + ": " + e.getMessage());
            }
          });
    }

    private static void exec(String url, String sql) throws Exception {
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    @Override
    public void close() {
      cleanup.run();
    }
  }

  /** The GC pauses seen between start and stop. */
  private static final class GcPauses {
    final AtomicLong count = new AtomicLong();
    final AtomicLong longest = new AtomicLong();
    final AtomicLong total = new AtomicLong();
    private final List<Runnable> removers = new ArrayList<>();

    static GcPauses start() {
      GcPauses pauses = new GcPauses();
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        // Concurrent collectors report whole cycles, most of which run beside the application,
        // on beans of their own: only pauses count.
        if (gc.getName().endsWith("Cycles")) {
          continue;
        }
        if (gc instanceof NotificationEmitter emitter) {
          javax.management.NotificationListener listener =
              (notification, handback) -> {
                if (notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  var info =
                      GarbageCollectionNotificationInfo.from(
                          (CompositeData) notification.getUserData());
                  // The benchmark's own System.gc() before the sweep is not the sweep's.
                  if ("System.gc()".equals(info.getGcCause())) {
                    return;
                  }
                  if (info.getGcAction().contains("Minor")
                      || info.getGcAction().contains("Major")
                      || info.getGcAction().contains("end of")) {
                    long ms = info.getGcInfo().getDuration();
                    pauses.count.incrementAndGet();
                    pauses.total.addAndGet(ms);
                    pauses.longest.accumulateAndGet(ms, Math::max);
                  }
                }
              };
          emitter.addNotificationListener(listener, null, null);
          pauses.removers.add(
              () -> {
                try {
                  emitter.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException e) {
                  // gone already
                }
              });
        }
      }
      return pauses;
    }

    void stop() {
      removers.forEach(Runnable::run);
    }
  }
}
