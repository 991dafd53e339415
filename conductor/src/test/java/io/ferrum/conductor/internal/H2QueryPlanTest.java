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
 * On H2, the embedded default, a page of a list reads one page of an index in order: the plan says
 * "index sorted", so H2 stops after the page instead of reading and sorting every matching row.
 */
class H2QueryPlanTest {

  private static TestDatabases.Fresh db;
  private static Jdbi jdbi;

  @BeforeAll
  static void fleet() throws Exception {
    db = TestDatabases.create(TestDatabases.Kind.H2);
    Migrations.migrate(db.dataSource());
    jdbi = Jdbi.create(db.dataSource());
    jdbi.useHandle(
        h -> {
          h.execute(
              "INSERT INTO nodes (uuid, name, driver, driver_info, driver_internal_info,"
                  + " instance_info, properties, extra, provision_state, maintenance, created_at,"
                  + " version) SELECT RANDOM_UUID(), 'node-' || X, CASE WHEN MOD(X, 3) = 0 THEN"
                  + " 'libvirt' ELSE 'fake-hardware' END, '{}', '{}', '{}', '{}', '{}', CASE WHEN"
                  + " MOD(X, 2) = 0 THEN 'active' ELSE 'available' END, MOD(X, 50) = 0,"
                  + " CURRENT_TIMESTAMP, 0 FROM SYSTEM_RANGE(1, 20000)");
          h.execute("ANALYZE");
        });
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void filteredPagesByIdAndEverySortKey_readAnIndexInOrder() {
    String marker =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT uuid FROM nodes ORDER BY id LIMIT 1 OFFSET 500")
                    .mapTo(String.class)
                    .one());
    List<NodeQuery> queries = new ArrayList<>();
    for (boolean descending : new boolean[] {false, true}) {
      for (String after : new String[] {null, marker}) {
        for (NodeQuery filter :
            List.of(
                NodeQuery.all().inState("active"),
                new NodeQuery(null, "fake-hardware", null, 100, null, "id", false),
                new NodeQuery(null, null, false, 100, null, "id", false),
                NodeQuery.all().inConductorGroup(""))) {
          NodeQuery query =
              new NodeQuery(
                  filter.provisionState(),
                  filter.driver(),
                  filter.maintenance(),
                  100,
                  after,
                  "id",
                  descending);
          queries.add(
              filter.conductorGroup() == null
                  ? query
                  : query.inConductorGroup(filter.conductorGroup()));
        }
        for (String sort : List.of("id", "uuid", "name", "created_at", "driver")) {
          queries.add(new NodeQuery(null, null, null, 100, after, sort, descending));
        }
      }
    }
    List<String> sorted = new ArrayList<>();
    for (NodeQuery query : queries) {
      List<String> lines = jdbi.withHandle(h -> NodeStore.explainList(h, query));
      String plan = String.join("\n", lines);
      if (!plan.contains("index sorted")) {
        sorted.add(query + ":\n" + plan);
      }
    }
    assertThat(sorted).as("pages that read and sort every matching row").isEmpty();
  }

  @Test
  void powerSyncBatch_readsOneBatchOfAnIndexInOrder() {
    List<String> lines =
        jdbi.withHandle(
            h ->
                NodeStore.explainPowerSyncBatch(
                    h, List.of("deploying", "cleaning", "enroll"), 5000, 1000));
    String plan = String.join("\n", lines);

    assertThat(plan).as(plan).contains("index sorted");
  }
}
