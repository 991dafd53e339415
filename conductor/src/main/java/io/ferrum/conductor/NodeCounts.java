package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many nodes are in each provision state and each power state, without scanning the nodes table
 * per question: counted once at start and again every reconciliation, and kept up to date in
 * between by this conductor's own committed writes. With one conductor the counts are exact; with
 * several, another conductor's changes show at the next reconciliation.
 *
 * <p>Thread-safe.
 */
final class NodeCounts {

  private final ConductorContext ctx;
  private volatile Map<String, AtomicLong> provision = new ConcurrentHashMap<>();
  private volatile Map<String, AtomicLong> power = new ConcurrentHashMap<>();

  NodeCounts(ConductorContext ctx) {
    this.ctx = ctx;
  }

  /** Counts every node again from the database. */
  void reconcile() {
    Map<String, Long> provisionRows =
        ctx.withHandle("count nodes", h -> NodeStore.countBy(h, "provision_state"));
    Map<String, Long> powerRows =
        ctx.withHandle("count nodes", h -> NodeStore.countBy(h, "power_state"));
    provision = counters(provisionRows);
    power = counters(powerRows);
  }

  /** The counts of {@code provision_state} or {@code power_state} ({@code "none"}: unknown). */
  Map<String, Long> by(String column) {
    Map<String, AtomicLong> counts =
        switch (column) {
          case "provision_state" -> provision;
          case "power_state" -> power;
          default -> throw new IllegalArgumentException("cannot count nodes by " + column);
        };
    Map<String, Long> out = new TreeMap<>();
    counts.forEach(
        (state, count) -> {
          long n = count.get();
          if (n > 0) {
            out.put(state, n);
          }
        });
    return out;
  }

  /** A node was created, committed. */
  void created(Node node) {
    add(provision, node.provisionState(), 1);
    add(power, key(node.powerState()), 1);
  }

  /** A node was deleted, committed. */
  void deleted(Node node) {
    add(provision, node.provisionState(), -1);
    add(power, key(node.powerState()), -1);
  }

  /** A write that set {@code columns} on {@code before} committed. */
  void written(Node before, Map<String, Object> columns) {
    if (columns.containsKey("provision_state")) {
      Object after = columns.get("provision_state");
      if (!java.util.Objects.equals(after, before.provisionState())) {
        add(provision, before.provisionState(), -1);
        add(provision, (String) after, 1);
      }
    }
    if (columns.containsKey("power_state")) {
      Object after = columns.get("power_state");
      if (!java.util.Objects.equals(after, before.powerState())) {
        add(power, key(before.powerState()), -1);
        add(power, key((String) after), 1);
      }
    }
  }

  private static void add(Map<String, AtomicLong> counts, String state, long delta) {
    if (state != null) {
      counts.computeIfAbsent(state, s -> new AtomicLong()).addAndGet(delta);
    }
  }

  private static String key(String powerState) {
    return powerState == null ? "none" : powerState;
  }

  private static Map<String, AtomicLong> counters(Map<String, Long> rows) {
    Map<String, AtomicLong> out = new ConcurrentHashMap<>();
    rows.forEach((state, n) -> out.put(state, new AtomicLong(n)));
    return out;
  }
}
