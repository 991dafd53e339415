package io.ferrum.testkit.conductor;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.driver.HardwareType;
import io.ferrum.faults.FaultyDataSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * What {@link ConductorCheck} hands to the code that builds the conductor under check, for one run:
 * the database (wrapped in a {@link FaultyDataSource}), the notification sink the check reads, and
 * the hardware type (wrapped in a {@link FaultyHardware}). The conductor must use all three; {@link
 * #builder()} wires them, with settings fit for a check, into a builder to customize.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataSource the run's fresh database, with injected faults
 * @param notificationSink the sink whose notifications the check reads (it may wrap it)
 * @param hardwareType the hardware type of the run's nodes, with injected faults
 * @param name the conductor's name
 * @param callDeadline the deadline {@link #builder()} gives every driver call; a hanging call
 *     blocks longer
 */
public record ConductorWiring(
    DataSource dataSource,
    NotificationSink notificationSink,
    HardwareType hardwareType,
    String name,
    Duration callDeadline) {

  /** The hardware interfaces whose calls get {@link #callDeadline()}. */
  public static final List<String> INTERFACES =
      List.of("power", "management", "boot", "deploy", "clean", "inspect", "rescue", "validate");

  /** Checks that every part is present. */
  public ConductorWiring {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(notificationSink, "notificationSink");
    Objects.requireNonNull(hardwareType, "hardwareType");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(callDeadline, "callDeadline");
  }

  /**
   * A builder wired to this run: its data source, sink, hardware type and name, 8 workers, no
   * periodic threads (the check runs the periodic tasks itself), a lock wait of 50 ms, an
   * unknown-outcome wait of 200 ms, the call deadline for every interface, a sole conductor (no
   * peer can declare it dead) and a shutdown deadline of 5 s. Change what you like, but keep the
   * data source, sink and hardware type, or the check sees nothing.
   */
  public Conductor.Builder builder() {
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(dataSource)
            .name(name)
            .hardwareType(hardwareType)
            .notificationSink(notificationSink)
            .workers(8)
            .periodicTasks(false)
            .recoveryInterval(Duration.ZERO)
            .timeoutCheckInterval(Duration.ZERO)
            .powerSyncInterval(Duration.ZERO)
            .lockWait(Duration.ofMillis(50))
            .unknownOutcomeWait(Duration.ofMillis(200))
            .soleConductor(true)
            .shutdownDeadline(Duration.ofSeconds(5));
    for (String hardwareInterface : INTERFACES) {
      builder.driverCallTimeout(hardwareInterface, callDeadline);
    }
    return builder;
  }
}
