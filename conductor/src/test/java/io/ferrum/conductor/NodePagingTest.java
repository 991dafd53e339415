package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Paging through nodes with markers, for every sort key, both directions, with and without a
 * filter: every node comes exactly once, in order, whatever the page size; nodes without a name
 * sort first (last when descending).
 */
class NodePagingTest {

  @ConductorTest(periodicTasks = false)
  void everySortKey_pagesCoverEveryNodeOnce_inOrder(ConductorEnv env) {
    Random random = new Random(7);
    Conductor conductor = env.conductor();
    for (int i = 0; i < 40; i++) {
      NodeSpec spec =
          NodeSpec.of(i % 3 == 0 ? "fake-hardware" : "fake-hardware", Map.of())
              .withInitialState(i % 4 == 0 ? "available" : "enroll");
      if (random.nextInt(4) != 0) {
        spec = spec.withName("n-" + (char) ('a' + random.nextInt(26)) + "-" + i);
      }
      conductor.createNode(spec);
    }
    for (String sort : List.of("id", "uuid", "name", "created_at", "provision_state", "driver")) {
      for (boolean descending : new boolean[] {false, true}) {
        for (String state : new String[] {null, "available"}) {
          List<Node> all =
              conductor
                  .listNodes(new NodeQuery(state, null, null, 1000, null, sort, descending))
                  .nodes();
          for (int limit : new int[] {1, 3, 7}) {
            List<String> paged = new ArrayList<>();
            String marker = null;
            do {
              NodePage page =
                  conductor.listNodes(
                      new NodeQuery(state, null, null, limit, marker, sort, descending));
              page.nodes().forEach(n -> paged.add(n.uuid()));
              marker = page.nextMarker();
            } while (marker != null);
            assertThat(paged)
                .as(
                    "sort %s %s, state %s, pages of %d",
                    sort, descending ? "desc" : "asc", state, limit)
                .containsExactlyElementsOf(all.stream().map(Node::uuid).toList());
          }
          Set<String> unique = new HashSet<>(all.stream().map(Node::uuid).toList());
          assertThat(unique).hasSameSizeAs(all);
          if (sort.equals("name") && state == null) {
            Node edge = descending ? all.get(all.size() - 1) : all.get(0);
            assertThat(edge.name())
                .as("nameless nodes at the %s", descending ? "end" : "start")
                .isNull();
          }
        }
      }
    }
  }
}
