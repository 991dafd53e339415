package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.faults.FaultyDataSource;
import io.ferrum.faults.FaultyDataSource.When;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What an allocation's job does when a statement it runs fails, with an {@link Error}, a {@link
 * RuntimeException} or a database failure: the allocation always settles, in error with last_error
 * or active on a node that is really its own; no node is left reserved or half claimed, and none
 * stays {@code allocating}. Periodic tasks run, recovery included, as in production.
 */
class AllocationFaultsTest {

  private static final Duration WAIT = ConductorEnv.WAIT;

  /** The statements of an allocation's job, by a fragment of their SQL. */
  private enum Step {
    /** Reading the allocation at the start of the job. */
    READ("WHERE a.id = ?"),
    /** Listing the candidate nodes. */
    CANDIDATES("'error' AND instance_uuid IS NULL AND allocation_uuid IS NULL"),
    /** The conditional update that claims the node. */
    CLAIM("SET allocation_uuid = ?, instance_uuid = ?"),
    /** The conditional update that makes the allocation active, in the claim's transaction. */
    ACTIVATE("SET node_id = ?, state = ?"),
    /**
     * Recording the failure: the same conditional update as {@link #ACTIVATE}, with no node; the
     * cases that strike it find no node, so it is the only one of its kind in their job.
     */
    FAIL("SET node_id = ?, state = ?");

    final String sql;

    Step(String sql) {
      this.sql = sql;
    }
  }

  /** A fault and the state the allocation must settle in. */
  private record Case(
      Step step,
      When when,
      String thrown,
      Supplier<Throwable> failure,
      boolean nodeExists,
      String expectedState,
      String expectedErrorPart) {

    @Override
    public String toString() {
      return thrown + " " + when + " " + step;
    }
  }

  private static Supplier<Throwable> assertion() {
    return () -> new AssertionError("injected assertion");
  }

  private static Supplier<Throwable> outOfMemory() {
    return () -> new OutOfMemoryError("injected out of memory");
  }

  private static Supplier<Throwable> runtime() {
    return () -> new IllegalStateException("injected bug");
  }

  private static final List<Case> CASES =
      List.of(
          // Anything but the database failing is a bug that trying again would meet again: the
          // allocation ends in error, naming it.
          new Case(Step.READ, When.BEFORE, "Error", assertion(), true, "error", "AssertionError"),
          new Case(
              Step.READ, When.BEFORE, "Error", outOfMemory(), true, "error", "OutOfMemoryError"),
          new Case(
              Step.READ,
              When.BEFORE,
              "RuntimeException",
              runtime(),
              true,
              "error",
              "IllegalStateException"),
          new Case(
              Step.CANDIDATES, When.BEFORE, "Error", assertion(), true, "error", "AssertionError"),
          new Case(
              Step.CANDIDATES,
              When.AFTER,
              "RuntimeException",
              runtime(),
              true,
              "error",
              "IllegalStateException"),
          // Inside the claim's transaction: rolled back, the node stays free.
          new Case(Step.CLAIM, When.AFTER, "Error", outOfMemory(), true, "error", "OutOfMemory"),
          new Case(Step.ACTIVATE, When.AFTER, "Error", assertion(), true, "error", "Assertion"),
          new Case(
              Step.ACTIVATE,
              When.BEFORE_COMMIT,
              "RuntimeException",
              runtime(),
              true,
              "error",
              "IllegalStateException"),
          // The claim landed, then its caller saw a failure: the allocation is active on the node
          // (the failure's record only applies to an allocation still in progress).
          new Case(Step.ACTIVATE, When.AFTER_COMMIT, "Error", assertion(), true, "active", null),
          // Recording the failure fails: recovery processes the allocation again.
          new Case(Step.FAIL, When.BEFORE, "Error", assertion(), false, "error", "no available"),
          new Case(
              Step.FAIL,
              When.BEFORE,
              "RuntimeException",
              runtime(),
              false,
              "error",
              "no available"),
          // The database failing: the read is retried by recovery, a failed claim is an error.
          new Case(Step.READ, When.BEFORE, "database", null, true, "active", null),
          new Case(Step.CLAIM, When.BEFORE_COMMIT, "database", null, true, "error", "Unexpected"),
          new Case(Step.ACTIVATE, When.AFTER_COMMIT, "database", null, true, "active", null),
          new Case(Step.FAIL, When.BEFORE, "database", null, false, "error", "no available"));

  @ConductorTest
  void aFailureAtAnyStatementOfTheJob_settlesTheAllocation_andLeavesNoNodeHalfClaimed(
      ConductorEnv env) {
    Allocations allocations = env.conductor().allocations();
    FaultyDataSource database = env.database(true);
    int n = 0;
    for (Case c : CASES) {
      String resourceClass = "rc-" + n++;
      Node node = c.nodeExists() ? node(env, resourceClass) : null;
      if (node != null) {
        powered(env, node);
      }
      if (c.failure() == null) {
        database.fail(c.step().sql, c.when(), 1);
      } else {
        database.throwAt(c.step().sql, c.when(), 1, c.failure());
      }

      Allocation created = allocations.allocate(AllocationSpec.of(resourceClass));
      Allocation done = allocations.await(created.uuid(), WAIT);

      assertThat(done.state()).as("%s: %s", c, done).isEqualTo(c.expectedState());
      assertThat(database.allStruck()).as("%s: the fault struck", c).isTrue();
      if (c.expectedState().equals(Allocation.ERROR)) {
        assertThat(done.lastError()).as("%s", c).contains(c.expectedErrorPart());
        assertThat(done.nodeUuid()).as("%s", c).isNull();
      } else {
        assertThat(done.nodeUuid()).as("%s", c).isEqualTo(node.uuid());
      }
      if (node != null) {
        Node after = env.conductor().getNode(node.uuid());
        String owner = done.state().equals(Allocation.ACTIVE) ? done.uuid() : null;
        assertThat(after.allocationUuid()).as("%s: node's allocation", c).isEqualTo(owner);
        assertThat(after.instanceUuid()).as("%s: node's instance", c).isEqualTo(owner);
      }
      database.clearFaults();
    }
    assertConsistent(env);
  }

  @ConductorTest
  void anErrorAtEveryReadOfTheAllocation_endsItInError_insteadOfRetryingForever(ConductorEnv env) {
    Node node = node(env, "gold");
    powered(env, node);
    Allocations allocations = env.conductor().allocations();
    FaultyDataSource database = env.database(true);
    database.throwAt(Step.READ.sql, When.BEFORE, Integer.MAX_VALUE, assertion());

    Allocation done =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);
    database.clearFaults();

    assertThat(done.state()).as("%s", done).isEqualTo(Allocation.ERROR);
    assertThat(done.lastError())
        .isEqualTo(
            "Failed to process allocation "
                + done.uuid()
                + ": Unexpected exception during allocation: AssertionError: injected"
                + " assertion.");
    assertThat(env.conductor().getNode(node.uuid()).allocationUuid()).isNull();
    assertConsistent(env);
  }

  /**
   * No allocation is in progress, every node's allocation is an active allocation on it, every
   * active allocation's node names it back, and no node is reserved.
   */
  private static void assertConsistent(ConductorEnv env) {
    env.awaitIdle();
    List<Map<String, Object>> rows =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT a.uuid, a.state, a.last_error, n.allocation_uuid, n.reservation"
                                + " FROM allocations a LEFT JOIN nodes n ON n.id = a.node_id")
                        .mapToMap()
                        .list());
    for (Map<String, Object> row : rows) {
      assertThat(row.get("state")).as("%s", row).isNotEqualTo(Allocation.ALLOCATING);
      if (Allocation.ACTIVE.equals(row.get("state"))) {
        assertThat(row.get("allocation_uuid")).as("%s", row).isEqualTo(row.get("uuid"));
      } else {
        assertThat(row.get("allocation_uuid")).as("%s: no node", row).isNull();
        assertThat((String) row.get("last_error")).as("%s", row).isNotBlank();
      }
    }
    List<Map<String, Object>> claimed =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT n.uuid, n.allocation_uuid, a.state, n.reservation FROM nodes n"
                                + " LEFT JOIN allocations a ON a.uuid = n.allocation_uuid")
                        .mapToMap()
                        .list());
    for (Map<String, Object> row : claimed) {
      assertThat(row.get("reservation")).as("%s: reserved", row).isNull();
      if (row.get("allocation_uuid") != null) {
        assertThat(row.get("state")).as("%s: half claimed", row).isEqualTo(Allocation.ACTIVE);
      }
    }
  }

  /** Waits until {@code node} has a power state: allocations skip nodes without one. */
  private static void powered(ConductorEnv env, Node node) {
    ConductorEnv.await(
        "a power state for " + node.uuid(),
        () -> {
          env.conductor().syncPowerStates();
          return env.conductor().getNode(node.uuid()).powerState() != null;
        });
  }

  /** An available fake node of {@code resourceClass}. */
  private static Node node(ConductorEnv env, String resourceClass) {
    return env.conductor()
        .createNode(
            NodeSpec.of(FakeHardware.NAME, Map.of())
                .withName("n-" + UUID.randomUUID().toString().substring(0, 8))
                .withInitialState("available")
                .withAttributes(NodeAttributes.of(resourceClass, null, null, null)));
  }
}
