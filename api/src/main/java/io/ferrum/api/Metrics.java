package io.ferrum.api;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Notification;
import io.ferrum.conductor.NotificationSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's Prometheus metrics (Micrometer): nodes by provision and power state, transitions and
 * failures by event, action durations, lock acquisitions and waits, worker pool use, API requests
 * by status. Transitions are counted from the conductor's notifications, so this is also a {@link
 * NotificationSink}. Thread-safe.
 */
public final class Metrics implements NotificationSink {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private volatile Conductor conductor;
  private MultiGauge byProvisionState;
  private MultiGauge byPowerState;

  /** Starts reporting on {@code target}'s nodes, locks and workers. */
  public void bind(Conductor target) {
    this.conductor = target;
    Gauge.builder("ferrum_workers_busy", target, c -> c.workers().active())
        .description("Worker threads running node work")
        .register(registry);
    Gauge.builder("ferrum_workers_capacity", target, c -> c.workers().capacity())
        .description("Worker threads available")
        .register(registry);
    FunctionCounter.builder("ferrum_locks_acquired", target, c -> c.lockStats().acquired())
        .description("Exclusive node locks taken")
        .register(registry);
    FunctionCounter.builder("ferrum_locks_refused", target, c -> c.lockStats().refused())
        .description("Lock requests refused because the node stayed busy")
        .register(registry);
    FunctionCounter.builder("ferrum_lock_wait_seconds", target, c -> c.lockStats().waitSeconds())
        .description("Total time spent acquiring exclusive locks")
        .register(registry);
    FunctionCounter.builder("ferrum_driver_calls_abandoned", target, c -> c.driverCallsAbandoned())
        .description("Driver calls abandoned at their deadline (each failed its operation)")
        .register(registry);
    Gauge.builder("ferrum_driver_calls_stuck", target, c -> c.driverCallsStuck())
        .description("Abandoned driver calls whose thread has still not returned")
        .register(registry);
    FunctionCounter.builder("ferrum_nodes_repaired", target, c -> c.nodesRepaired())
        .description("Nodes reservation recovery repaired since the start")
        .register(registry);
    byProvisionState =
        MultiGauge.builder("ferrum_nodes")
            .description("Nodes by provision state")
            .register(registry);
    byPowerState =
        MultiGauge.builder("ferrum_nodes_power")
            .description("Nodes by power state")
            .register(registry);
  }

  /**
   * Counts one API request. The method label takes the standard methods as they are and every other
   * string a client sends as {@code other}, so clients can not make label values without bound.
   */
  void request(String method, int status, long nanos) {
    Timer.builder("ferrum_api_requests")
        .tags("method", methodLabel(method), "status", Integer.toString(status))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /**
   * {@code method} if it is one of HTTP's standard methods (RFC 9110, plus PATCH), else "other".
   */
  static String methodLabel(String method) {
    return METHODS.contains(method) ? method : "other";
  }

  @Override
  public void emit(Notification notification) {
    String type = notification.eventType();
    String status = notification.status();
    Object event = notification.payload().get("event");
    String key = notification.nodeUuid() + (type.contains("power_set") ? "/power" : "/provision");
    if (type.contains(".provision_set.")) {
      Counter.builder("ferrum_transitions")
          .tags("event", String.valueOf(event), "status", status)
          .register(registry)
          .increment();
    } else if (type.contains(".power_set.")) {
      Counter.builder("ferrum_power_changes")
          .tags(
              "to_power", String.valueOf(notification.payload().get("to_power")), "status", status)
          .register(registry)
          .increment();
    } else {
      return;
    }
    if (status.equals("error")) {
      Counter.builder("ferrum_failures")
          .tags("kind", type.contains("power_set") ? "power" : "provision")
          .register(registry)
          .increment();
    }
    if (status.equals("start")) {
      started.put(key, System.nanoTime());
    } else if (status.equals("end") || status.equals("error")) {
      Long start = started.remove(key);
      if (start != null) {
        Timer.builder("ferrum_action_duration")
            .tags("kind", type.contains("power_set") ? "power" : "provision", "outcome", status)
            .register(registry)
            .record(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /** The Prometheus text exposition, with node counts read now. */
  String scrape() {
    Conductor target = conductor;
    if (target != null) {
      byProvisionState.register(
          rows(target.countNodesBy("provision_state"), "provision_state"), true);
      byPowerState.register(rows(target.countNodesBy("power_state"), "power_state"), true);
    }
    return registry.scrape();
  }

  private static List<MultiGauge.Row<?>> rows(Map<String, Long> counts, String tag) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((value, count) -> rows.add(MultiGauge.Row.of(Tags.of(tag, value), count)));
    return rows;
  }
}
