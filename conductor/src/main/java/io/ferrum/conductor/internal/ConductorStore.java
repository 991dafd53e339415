package io.ferrum.conductor.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for the {@code conductors} table: registration, heartbeats and the view of who is alive. The
 * times that decide whether a conductor is alive are given by the caller: the database's own clock
 * ({@link #databaseNow}) in production, never a conductor's own. Stateless and thread-safe.
 */
public final class ConductorStore {

  private ConductorStore() {}

  /**
   * One conductor's row.
   *
   * @param hostname its name
   * @param conductorGroup its conductor group ({@code ""}: the default)
   * @param online whether it registered and has not left or been declared dead
   * @param hardwareTypes the hardware types it enables, comma-separated
   * @param instanceId the process instance that registered last
   * @param startedAt when that instance registered
   * @param heartbeatAt its last heartbeat, on the database's clock
   * @param createdAt when the name first registered
   * @param heartbeatTimeoutMillis how old its heartbeat may be before it counts as dead, or {@code
   *     null} when it did not say
   */
  public record Row(
      String hostname,
      String conductorGroup,
      boolean online,
      String hardwareTypes,
      String instanceId,
      Instant startedAt,
      Instant heartbeatAt,
      Instant createdAt,
      Long heartbeatTimeoutMillis) {}

  private static final String COLUMNS =
      "hostname, conductor_group, online, hardware_types, instance_id, started_at, heartbeat_at,"
          + " created_at, heartbeat_timeout_ms";

  /**
   * The database's clock, now: the time of the statement, not of the transaction's start (which on
   * PostgreSQL may be older by however long the transaction waited for a lock).
   */
  public static Instant databaseNow(Handle handle, Dialect dialect) {
    String now = dialect == Dialect.POSTGRESQL ? "clock_timestamp()" : "CURRENT_TIMESTAMP";
    return handle.createQuery("SELECT " + now).map((rs, ctx) -> Sql.instant(rs, 1)).one();
  }

  /** The row of {@code hostname}, locked for the rest of the transaction. */
  public static Optional<Row> findForUpdate(Handle handle, String hostname) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM conductors WHERE hostname = :me FOR UPDATE")
        .bind("me", hostname)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** The row of {@code hostname}. */
  public static Optional<Row> find(Handle handle, String hostname) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM conductors WHERE hostname = :me")
        .bind("me", hostname)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /** Every row, by name. */
  public static List<Row> all(Handle handle) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM conductors ORDER BY hostname")
        .map((rs, ctx) -> row(rs))
        .list();
  }

  /** Registers (or registers again) {@code hostname} as online, heartbeating now. */
  public static void register(
      Handle handle,
      String hostname,
      String group,
      String instanceId,
      String hardwareTypes,
      long heartbeatTimeoutMillis,
      Instant now) {
    int updated =
        handle
            .createUpdate(
                "UPDATE conductors SET online = TRUE, conductor_group = :group, hardware_types ="
                    + " :types, instance_id = :instance, started_at = :now, heartbeat_at = :now,"
                    + " heartbeat_timeout_ms = :timeout WHERE hostname = :me")
            .bind("me", hostname)
            .bind("group", group)
            .bind("types", hardwareTypes)
            .bind("instance", instanceId)
            .bind("timeout", heartbeatTimeoutMillis)
            .bind("now", Sql.timestamp(now))
            .execute();
    if (updated == 0) {
      handle
          .createUpdate(
              "INSERT INTO conductors (hostname, conductor_group, online, hardware_types,"
                  + " instance_id, started_at, heartbeat_at, created_at, heartbeat_timeout_ms)"
                  + " VALUES (:me, :group, TRUE, :types, :instance, :now, :now, :now, :timeout)")
          .bind("me", hostname)
          .bind("group", group)
          .bind("types", hardwareTypes)
          .bind("instance", instanceId)
          .bind("timeout", heartbeatTimeoutMillis)
          .bind("now", Sql.timestamp(now))
          .execute();
    }
  }

  /**
   * Heartbeats for the instance {@code instanceId} of {@code hostname}, marking it a member of the
   * hash rings ({@code online}) or not (it is leaving: its jobs finish, peers no longer hash nodes
   * to it, but its reservations are live).
   *
   * @return whether the heartbeat was recorded: false if another instance holds the name, or it was
   *     declared dead
   */
  public static boolean heartbeat(
      Handle handle, String hostname, String instanceId, boolean online, Instant now) {
    return handle
            .createUpdate(
                "UPDATE conductors SET heartbeat_at = :now, online = :online WHERE hostname = :me"
                    + " AND instance_id = :instance")
            .bind("me", hostname)
            .bind("instance", instanceId)
            .bind("online", online)
            .bind("now", Sql.timestamp(now))
            .execute()
        == 1;
  }

  /**
   * Takes the name back for the instance {@code instanceId}, heartbeating now, if no instance holds
   * it (this one was declared dead and came back).
   */
  public static boolean rejoin(Handle handle, String hostname, String instanceId, Instant now) {
    return handle
            .createUpdate(
                "UPDATE conductors SET online = TRUE, instance_id = :instance, heartbeat_at = :now"
                    + " WHERE hostname = :me AND instance_id IS NULL")
            .bind("me", hostname)
            .bind("instance", instanceId)
            .bind("now", Sql.timestamp(now))
            .execute()
        == 1;
  }

  /**
   * The instance stopped cleanly: it holds nothing, so the name is free at once and its peers have
   * nothing to take over.
   */
  public static void unregister(Handle handle, String hostname, String instanceId) {
    handle
        .createUpdate(
            "UPDATE conductors SET online = FALSE, instance_id = NULL WHERE hostname = :me AND"
                + " instance_id = :instance")
        .bind("me", hostname)
        .bind("instance", instanceId)
        .execute();
  }

  /**
   * Declares {@code hostname}'s instance dead, if its heartbeat is still older than {@code cutoff}
   * (an instance that came back meanwhile stays): it is offline and holds the name no more.
   */
  public static boolean declareDead(Handle handle, String hostname, Instant cutoff) {
    return handle
            .createUpdate(
                "UPDATE conductors SET online = FALSE, instance_id = NULL WHERE hostname = :dead"
                    + " AND instance_id IS NOT NULL AND heartbeat_at < :cutoff")
            .bind("dead", hostname)
            .bind("cutoff", Sql.timestamp(cutoff))
            .execute()
        == 1;
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString(1),
        rs.getString(2),
        rs.getBoolean(3),
        rs.getString(4),
        rs.getString(5),
        Sql.instant(rs, 6),
        Sql.instant(rs, 7),
        Sql.instant(rs, 8),
        (Long) rs.getObject(9, Long.class));
  }
}
