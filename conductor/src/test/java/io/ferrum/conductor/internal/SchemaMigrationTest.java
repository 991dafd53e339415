package io.ferrum.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrum.conductor.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The migrations build the same schema on an empty H2 and an empty PostgreSQL database. */
class SchemaMigrationTest {

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void migrate_emptyDatabase_createsEveryTableAndColumn(TestDatabases.Kind kind) throws Exception {
    skipUnlessAvailable(kind);
    try (TestDatabases.Fresh db = TestDatabases.create(kind)) {
      assertThat(Migrations.migrate(db.dataSource())).isEqualTo(11);
      assertThat(Migrations.migrate(db.dataSource())).as("idempotent").isZero();

      try (Connection c = db.dataSource().getConnection()) {
        Map<String, Integer> nodes = columns(c, "nodes");
        assertThat(nodes)
            .containsKeys(
                "id",
                "uuid",
                "name",
                "driver",
                "driver_info",
                "driver_internal_info",
                "instance_info",
                "properties",
                "extra",
                "provision_state",
                "target_provision_state",
                "provision_updated_at",
                "power_state",
                "target_power_state",
                "reservation",
                "last_error",
                "maintenance",
                "maintenance_reason",
                "fault",
                "conductor_affinity",
                "created_at",
                "updated_at",
                "version");
        for (String state :
            new String[] {
              "provision_state", "target_provision_state", "power_state", "target_power_state"
            }) {
          assertThat(nodes.get(state)).as("%s fits Ironic's 15 characters", state).isEqualTo(15);
        }
        assertThat(nodes).containsKeys("deadline_at", "reservation_token", "conductor_group");
        assertThat(columns(c, "conductors"))
            .containsKeys(
                "hostname",
                "conductor_group",
                "online",
                "instance_id",
                "started_at",
                "heartbeat_at",
                "heartbeat_timeout_ms");
        assertThat(columns(c, "node_history"))
            .containsKeys(
                "uuid",
                "node_id",
                "conductor",
                "event_type",
                "event",
                "from_state",
                "to_state",
                "target_state",
                "severity",
                "message",
                "exception_class",
                "duration_ms",
                "created_at");
        assertThat(uniqueIndexColumns(c, "node_history"))
            .as("V3: history UUIDs are not indexed; only the primary key is unique")
            .containsExactly("id");
        assertThat(uniqueIndexColumns(c, "nodes")).contains("uuid", "name");
        assertThat(nodes)
            .as("V6: Ironic's descriptive fields")
            .containsKeys(NodeAttributeColumns.NAMES.toArray(String[]::new));
        assertThat(nodes.get("resource_class")).isEqualTo(80);
        assertThat(columns(c, "ports"))
            .containsKeys(
                "uuid",
                "address",
                "node_id",
                "portgroup_id",
                "pxe_enabled",
                "local_link_connection",
                "physical_network",
                "is_smartnic",
                "extra");
        assertThat(uniqueIndexColumns(c, "ports")).contains("uuid", "address");
        assertThat(columns(c, "portgroups"))
            .containsKeys("uuid", "name", "address", "node_id", "mode", "properties", "extra");
        assertThat(uniqueIndexColumns(c, "portgroups")).contains("uuid", "name", "address");
        assertThat(columns(c, "conductors"))
            .containsKeys("hostname", "online", "hardware_types", "heartbeat_at", "created_at");
        assertThat(columns(c, "allocations"))
            .as("V9: allocations")
            .containsKeys(
                "uuid",
                "name",
                "node_id",
                "state",
                "last_error",
                "resource_class",
                "traits",
                "candidate_nodes",
                "owner",
                "extra",
                "conductor_affinity");
        assertThat(uniqueIndexColumns(c, "allocations")).contains("uuid", "name", "node_id");
        assertThat(nodes).containsKeys("instance_uuid", "allocation_uuid");
        assertThat(uniqueIndexColumns(c, "nodes")).contains("instance_uuid", "allocation_uuid");
        assertThat(columns(c, "bulk_requests"))
            .as("V10: bulk requests and their nodes' results")
            .containsKeys("uuid", "verb", "conductor", "instance_id", "node_count", "created_at");
        assertThat(columns(c, "bulk_request_nodes"))
            .containsKeys(
                "request_id", "seq", "ident", "node_uuid", "state", "target", "result", "error");
        assertThat(nodes)
            .as("V11: a node's target and current RAID configuration")
            .containsKeys("target_raid_config", "raid_config");
        try (java.sql.Statement insert = c.createStatement()) {
          insert.executeUpdate(
              "INSERT INTO nodes (uuid, driver, driver_info, driver_internal_info, instance_info,"
                  + " properties, extra, provision_state, created_at) VALUES ('u-raid',"
                  + " 'fake-hardware', '{}', '{}', '{}', '{}', '{}', 'enroll', CURRENT_TIMESTAMP)");
          try (ResultSet row =
              insert.executeQuery(
                  "SELECT target_raid_config, raid_config FROM nodes WHERE uuid = 'u-raid'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).as("a row that names neither has none").isEqualTo("{}");
            assertThat(row.getString(2)).isEqualTo("{}");
          }
        }
      }
    }
  }

  private static Map<String, Integer> columns(Connection c, String table) throws Exception {
    DatabaseMetaData meta = c.getMetaData();
    Map<String, Integer> columns = new LinkedHashMap<>();
    for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
      try (ResultSet rs = meta.getColumns(null, c.getSchema(), name, null)) {
        while (rs.next()) {
          columns.put(
              rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("COLUMN_SIZE"));
        }
      }
    }
    assertThat(columns).as("table %s exists", table).isNotEmpty();
    return columns;
  }

  private static java.util.Set<String> uniqueIndexColumns(Connection c, String table)
      throws Exception {
    java.util.Set<String> columns = new java.util.TreeSet<>();
    for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
      try (ResultSet rs = c.getMetaData().getIndexInfo(null, c.getSchema(), name, true, false)) {
        while (rs.next()) {
          if (rs.getString("COLUMN_NAME") != null) {
            columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return columns;
  }

  private static void skipUnlessAvailable(TestDatabases.Kind kind) {
    if (kind == TestDatabases.Kind.POSTGRES && TestDatabases.postgresUnavailable() != null) {
      if (TestDatabases.postgresRequired()) {
        throw new IllegalStateException(TestDatabases.postgresUnavailable());
      }
      assumeTrue(false, TestDatabases.postgresUnavailable());
    }
  }
}
