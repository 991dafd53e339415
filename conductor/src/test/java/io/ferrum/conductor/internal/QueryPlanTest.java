package io.ferrum.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With 100,000 nodes on PostgreSQL, every list the API offers (each sort key, each filter (the
 * conductor group's too), first page and later pages, both directions) and the queries of recovery
 * and start-up are planned on an index, never a scan of the nodes table.
 */
class QueryPlanTest {

  private static TestDatabases.Fresh db;
  private static Jdbi jdbi;

  @BeforeAll
  static void fleet() throws Exception {
    TestDatabases.assumePostgres();
    db = TestDatabases.create(TestDatabases.Kind.POSTGRES);
    Migrations.migrate(db.dataSource());
    jdbi = Jdbi.create(db.dataSource());
    jdbi.useHandle(
        h -> {
          // In slices: each statement stays well within the connection's socket timeout (10 s)
          // on a loaded machine.
          for (int slice = 0; slice < 10; slice++) {
            h.execute(
                "INSERT INTO nodes (uuid, name, driver, driver_info, driver_internal_info,"
                    + " instance_info, properties, extra, provision_state, maintenance, created_at,"
                    + " version, conductor_affinity) SELECT md5(i::text)::uuid::text, CASE WHEN i % 10"
                    + " = 0 THEN NULL ELSE 'node-' || i END, CASE WHEN i % 3 = 0 THEN 'libvirt' ELSE"
                    + " 'fake-hardware' END, '{}', '{}', '{}', '{}', '{}', (ARRAY['available',"
                    + " 'active', 'manageable', 'enroll', 'deploy failed'])[1 + i % 5], i % 50 = 0,"
                    + " now() - (i || ' seconds')::interval, 0, 'c' || (i % 3) FROM"
                    + " generate_series(?, ?) i",
                slice * 10_000 + 1, (slice + 1) * 10_000);
          }
          h.execute("UPDATE nodes SET conductor_group = 'rack-a' WHERE id % 1000 = 7");
          h.execute("ANALYZE nodes");
        });
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void everyListPage_usesAnIndex() {
    List<String> marker =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT uuid FROM nodes WHERE name IS NOT NULL ORDER BY id LIMIT 1 OFFSET 500")
                    .mapTo(String.class)
                    .list());
    String nullNameMarker =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT uuid FROM nodes WHERE name IS NULL ORDER BY id LIMIT 1")
                    .mapTo(String.class)
                    .one());
    List<String> scans = new ArrayList<>();
    for (String sort : List.of("id", "uuid", "name", "created_at", "provision_state", "driver")) {
      for (boolean descending : new boolean[] {false, true}) {
        for (NodeQuery filter :
            List.of(
                NodeQuery.all(),
                NodeQuery.all().inState("active"),
                new NodeQuery(null, "libvirt", null, 1000, null, "id", false),
                new NodeQuery(null, null, true, 1000, null, "id", false),
                NodeQuery.all().inConductorGroup("rack-a"))) {
          for (String after : new String[] {null, marker.get(0), nullNameMarker}) {
            NodeQuery query =
                new NodeQuery(
                        filter.provisionState(),
                        filter.driver(),
                        filter.maintenance(),
                        1000,
                        after,
                        sort,
                        descending)
                    .inConductorGroup(filter.conductorGroup());
            List<String> lines = jdbi.withHandle(h -> NodeStore.explainList(h, query));
            String plan = String.join("\n", lines);
            if (plan.contains("Seq Scan on nodes")) {
              scans.add(query + ":\n" + plan);
            }
          }
        }
      }
    }
    assertThat(scans).as("list queries planned as a scan of the nodes table").isEmpty();
  }

  @Test
  void aPageDeepIntoASharedSortKey_startsAtTheMarker_insteadOfFilteringEveryEarlierRow() {
    // A fifth of the nodes share each provision state: the marker sits 10,000 rows into them.
    String marker =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT uuid FROM nodes WHERE provision_state = 'active' ORDER BY id"
                            + " LIMIT 1 OFFSET 10000")
                    .mapTo(String.class)
                    .one());
    for (boolean descending : new boolean[] {false, true}) {
      NodeQuery query = new NodeQuery(null, null, null, 100, marker, "provision_state", descending);
      List<String> lines = jdbi.withHandle(h -> NodeStore.explainAnalyzeList(h, query));
      String plan = String.join("\n", lines);
      assertThat(plan).as(plan).doesNotContain("Rows Removed by Filter");
    }
  }

  @Test
  void conductorGroupFilter_readsTheGroupsIndex_notEveryNode() {
    // Without an index of its own, a page of one group walks the id index over every node and
    // filters: no "Seq Scan", but as costly.
    for (boolean descending : new boolean[] {false, true}) {
      NodeQuery query =
          new NodeQuery(null, null, null, 1000, null, "id", descending).inConductorGroup("rack-a");

      List<String> lines = jdbi.withHandle(h -> NodeStore.explainList(h, query));
      String plan = String.join("\n", lines);

      assertThat(plan).as(query.toString()).contains("nodes_conductor_group_idx");
    }
  }

  @Test
  void recoveryAndStartupQueries_useAnIndex() {
    for (String sql :
        List.of(
            "EXPLAIN SELECT id, uuid, reservation_token FROM nodes WHERE reservation = 'c1' ORDER"
                + " BY id",
            "EXPLAIN SELECT id FROM nodes WHERE reservation IS NULL AND conductor_affinity = 'c1'"
                + " AND (provision_state IN ('deploying', 'cleaning') OR target_power_state IS"
                + " NOT NULL) ORDER BY id")) {
      List<String> lines = jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
      String plan = String.join("\n", lines);
      assertThat(plan).as(sql).doesNotContain("Seq Scan on nodes");
    }
  }
}
