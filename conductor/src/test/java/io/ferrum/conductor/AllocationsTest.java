package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.faults.FaultyDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Allocations: a node picked by resource class, traits, candidates and owner; its instance and
 * allocation set; freed on delete; never one node for two allocations, however many race, on one
 * conductor or two.
 */
class AllocationsTest {

  private static final Duration WAIT = ConductorEnv.WAIT;

  @ConductorTest
  void allocate_picksTheMatchingNode_andAssociatesIt(ConductorEnv env) {
    Node gold = node(env, "gold", List.of("CUSTOM_FAST"), null);
    node(env, "gold", List.of(), null);
    node(env, "silver", List.of("CUSTOM_FAST"), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();

    Allocation created =
        allocations.allocate(
            AllocationSpec.of("gold").withTraits(List.of("CUSTOM_FAST")).withName("web-1"));
    Allocation done = allocations.await(created.uuid(), WAIT);

    assertThat(done.state()).isEqualTo(Allocation.ACTIVE);
    assertThat(done.nodeUuid()).isEqualTo(gold.uuid());
    assertThat(done.lastError()).isNull();
    assertThat(allocations.get("web-1")).isEqualTo(done);
    assertThat(allocations.ofNode(gold.uuid())).isEqualTo(done);
    Node node = env.conductor().getNode(gold.uuid());
    assertThat(node.allocationUuid()).isEqualTo(done.uuid());
    assertThat(node.instanceUuid()).isEqualTo(done.uuid());
    assertThat(node.reservation()).isNull();
  }

  @ConductorTest
  void allocate_nothingMatches_endsInErrorWithTheReason(ConductorEnv env) {
    node(env, "gold", List.of(), null);
    Node unpowered = node(env, "bronze", List.of(), null);
    powerSync(env);
    Node inMaintenance = node(env, "iron", List.of(), null);
    Allocations allocations = env.conductor().allocations();

    Allocation noClass =
        allocations.await(allocations.allocate(AllocationSpec.of("tin")).uuid(), WAIT);
    Allocation noTrait =
        allocations.await(
            allocations
                .allocate(AllocationSpec.of("gold").withTraits(List.of("CUSTOM_GPU")))
                .uuid(),
            WAIT);
    Allocation noCandidate =
        allocations.await(
            allocations
                .allocate(
                    AllocationSpec.of("gold").withCandidateNodes(List.of(inMaintenance.uuid())))
                .uuid(),
            WAIT);
    Allocation noOwner =
        allocations.await(
            allocations.allocate(AllocationSpec.of("gold").withOwner("project-x")).uuid(), WAIT);
    assertThat(unpowered.powerState()).isNull();

    assertThat(noClass.state()).isEqualTo(Allocation.ERROR);
    assertThat(noClass.nodeUuid()).isNull();
    assertThat(noClass.lastError())
        .isEqualTo(
            "Failed to process allocation "
                + noClass.uuid()
                + ": no available nodes match the resource class tin.");
    assertThat(noTrait.lastError())
        .endsWith("no suitable nodes have the requested traits CUSTOM_GPU.");
    assertThat(noCandidate.lastError())
        .endsWith("none of the requested nodes are available and match the resource class gold.");
    assertThat(noOwner.state()).isEqualTo(Allocation.ERROR);
  }

  @ConductorTest
  void allocate_followsOwnerAndCandidates(ConductorEnv env) {
    node(env, "gold", List.of(), null);
    Node owned = node(env, "gold", List.of(), "project-x");
    Node named = node(env, "gold", List.of(), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();

    Allocation byOwner =
        allocations.await(
            allocations.allocate(AllocationSpec.of("gold").withOwner("project-x")).uuid(), WAIT);
    Allocation byCandidate =
        allocations.await(
            allocations
                .allocate(AllocationSpec.of("gold").withCandidateNodes(List.of(named.name())))
                .uuid(),
            WAIT);

    assertThat(byOwner.nodeUuid()).isEqualTo(owned.uuid());
    assertThat(byCandidate.nodeUuid()).isEqualTo(named.uuid());
    assertThat(byCandidate.candidateNodes()).containsExactly(named.uuid());
  }

  @ConductorTest
  void allocate_refusesBadInput_namingTheField(ConductorEnv env) {
    Allocations allocations = env.conductor().allocations();
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      tooMany.add("CUSTOM_T" + i);
    }

    assertThatThrownBy(() -> allocations.allocate(AllocationSpec.of(null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("resource_class");
    assertThatThrownBy(() -> allocations.allocate(AllocationSpec.of("x".repeat(81))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("resource_class");
    assertThatThrownBy(
            () -> allocations.allocate(AllocationSpec.of("gold").withTraits(List.of("fast"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("traits: Invalid trait \"fast\"");
    assertThatThrownBy(() -> allocations.allocate(AllocationSpec.of("gold").withTraits(tooMany)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("traits: at most 50");
    assertThatThrownBy(
            () ->
                allocations.allocate(
                    AllocationSpec.of("gold").withCandidateNodes(List.of("ghost"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("candidate_nodes: Node ghost could not be found.");
    assertThatThrownBy(
            () ->
                allocations.allocate(
                    AllocationSpec.of("gold")
                        .withCandidateNodes(Collections.nCopies(1001, "ghost"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("candidate_nodes: at most 1000");
    assertThatThrownBy(() -> allocations.allocate(AllocationSpec.of("gold").withName("a b")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("allocation name");
    assertThatThrownBy(
            () ->
                allocations.allocate(
                    new AllocationSpec("not-a-uuid", null, "gold", null, null, null, null)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("not a valid UUID");
    allocations.allocate(AllocationSpec.of("gold").withName("taken"));
    assertThatThrownBy(() -> allocations.allocate(AllocationSpec.of("gold").withName("taken")))
        .isInstanceOf(NodeConflictException.class)
        .hasMessage("An allocation with name taken already exists.");
    String uuid = UUID.randomUUID().toString();
    allocations.allocate(new AllocationSpec(uuid, null, "gold", null, null, null, null));
    assertThatThrownBy(
            () ->
                allocations.allocate(
                    new AllocationSpec(
                        uuid.toUpperCase(java.util.Locale.ROOT),
                        null,
                        "gold",
                        null,
                        null,
                        null,
                        null)))
        .isInstanceOf(NodeConflictException.class)
        .hasMessage("An allocation with UUID " + uuid + " already exists.");
    assertThat(allocations.list(AllocationQuery.all()).items()).hasSize(2);
  }

  @ConductorTest
  void delete_freesTheNode_butNotAnActiveOneOutsideMaintenance(ConductorEnv env) {
    Node node = node(env, "gold", List.of(), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();
    Allocation first =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);
    assertThat(first.nodeUuid()).isEqualTo(node.uuid());

    allocations.delete(first.uuid());

    Node freed = env.conductor().getNode(node.uuid());
    assertThat(freed.allocationUuid()).isNull();
    assertThat(freed.instanceUuid()).isNull();
    assertThatThrownBy(() -> allocations.get(first.uuid()))
        .isInstanceOf(NodeNotFoundException.class);

    Allocation second =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);
    assertThat(second.nodeUuid()).isEqualTo(node.uuid());
    ConductorEnv.finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));
    assertThatThrownBy(() -> allocations.delete(second.uuid()))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageContaining("because the node is active");
    env.conductor().updateNode(node.uuid(), List.of(PatchOperation.replace("/maintenance", true)));
    allocations.delete(second.uuid());
    assertThat(env.conductor().getNode(node.uuid()).instanceUuid()).isNull();
  }

  @ConductorTest
  void undeploy_deletesTheAllocation_andTheNodeCanBeAllocatedAgain(ConductorEnv env) {
    Node node = node(env, "gold", List.of(), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();
    Allocation first =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);
    ConductorEnv.finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("active")));

    Node undeployed =
        ConductorEnv.finish(env.conductor().provision(node.uuid(), ProvisionRequest.of("deleted")));

    assertThat(undeployed.provisionState()).isEqualTo("available");
    assertThat(undeployed.allocationUuid()).isNull();
    assertThat(undeployed.instanceUuid()).isNull();
    assertThatThrownBy(() -> allocations.get(first.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
    Allocation second =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);
    assertThat(second.nodeUuid()).isEqualTo(node.uuid());
  }

  @ConductorTest
  void deleteNode_withAnAllocation_onlyInMaintenance_andTheAllocationGoesWithIt(ConductorEnv env) {
    Node node = node(env, "gold", List.of(), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();
    Allocation allocation =
        allocations.await(allocations.allocate(AllocationSpec.of("gold")).uuid(), WAIT);

    assertThatThrownBy(() -> env.conductor().deleteNode(node.uuid()))
        .isInstanceOf(NodeConflictException.class)
        .hasMessageContaining("is associated with instance " + allocation.uuid());
    env.conductor().updateNode(node.uuid(), List.of(PatchOperation.replace("/maintenance", true)));
    env.conductor().deleteNode(node.uuid());

    assertThatThrownBy(() -> allocations.get(allocation.uuid()))
        .isInstanceOf(NodeNotFoundException.class);
  }

  @ConductorTest
  void update_listAndPages(ConductorEnv env) {
    Allocations allocations = env.conductor().allocations();
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uuids.add(
          allocations
              .await(
                  allocations.allocate(AllocationSpec.of(i == 0 ? "gold" : "silver")).uuid(), WAIT)
              .uuid());
    }

    Allocation renamed =
        allocations.update(
            uuids.get(0),
            List.of(
                PatchOperation.add("/name", "renamed"), PatchOperation.add("/extra/rack", "r4")));

    assertThat(renamed.name()).isEqualTo("renamed");
    assertThat(renamed.extra()).containsEntry("rack", "r4");
    assertThatThrownBy(
            () ->
                allocations.update(
                    uuids.get(0), List.of(PatchOperation.replace("/resource_class", "x"))))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(
            () -> allocations.update(uuids.get(1), List.of(PatchOperation.add("/name", "renamed"))))
        .isInstanceOf(NodeConflictException.class);
    assertThat(
            allocations
                .list(new AllocationQuery(null, "silver", "error", null, 10, null, "id", false))
                .items())
        .extracting(Allocation::uuid)
        .containsExactly(uuids.get(1), uuids.get(2));
    Page<Allocation> first =
        allocations.list(new AllocationQuery(null, null, null, null, 2, null, "id", true));
    Page<Allocation> second =
        allocations.list(
            new AllocationQuery(null, null, null, null, 2, first.nextMarker(), "id", true));
    assertThat(first.items())
        .extracting(Allocation::uuid)
        .containsExactly(uuids.get(2), uuids.get(1));
    assertThat(second.items()).extracting(Allocation::uuid).containsExactly(uuids.get(0));
    assertThat(second.nextMarker()).isNull();
    assertThatThrownBy(
            () ->
                allocations.list(
                    new AllocationQuery(null, null, "bogus", null, 10, null, "id", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("state");
  }

  @ConductorTest
  void list_pagesByANullableKey_bothWays_andNamesWhatItRefuses(ConductorEnv env) {
    Allocations allocations = env.conductor().allocations();
    List<String> byName = new ArrayList<>(); // unnamed first: a missing name sorts as ""
    for (String name : new String[] {null, "a", "b", "c"}) {
      AllocationSpec spec = AllocationSpec.of("tin").withOwner(name == null ? "p2" : "p1");
      Allocation created = allocations.allocate(name == null ? spec : spec.withName(name));
      byName.add(allocations.await(created.uuid(), WAIT).uuid());
    }

    assertThat(walk(allocations, "name", false)).containsExactlyElementsOf(byName);
    List<String> descending = new ArrayList<>(byName);
    Collections.reverse(descending);
    assertThat(walk(allocations, "name", true)).containsExactlyElementsOf(descending);
    assertThat(
            allocations
                .list(new AllocationQuery(null, null, null, "p2", 10, null, null, false))
                .items())
        .extracting(Allocation::uuid)
        .containsExactly(byName.get(0));
    assertThatThrownBy(
            () ->
                allocations.list(
                    new AllocationQuery(null, null, null, null, 10, null, "traits", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(
            "Unknown sort key \"traits\"; use one of [created_at, id, name, owner,"
                + " resource_class, state, updated_at, uuid]");
    assertThatThrownBy(
            () ->
                allocations.list(new AllocationQuery(null, null, null, null, 0, null, "id", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("limit must be between 1 and 1000, not 0");
    assertThatThrownBy(
            () ->
                allocations.list(
                    new AllocationQuery(null, null, null, null, 10, "nope", "id", false)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("marker \"nope\" is not a UUID of the listing");
  }

  /** Every allocation's UUID, read one page of one at a time. */
  private static List<String> walk(Allocations allocations, String sortKey, boolean descending) {
    List<String> seen = new ArrayList<>();
    String marker = null;
    do {
      Page<Allocation> page =
          allocations.list(
              new AllocationQuery(null, null, null, null, 1, marker, sortKey, descending));
      page.items().forEach(allocation -> seen.add(allocation.uuid()));
      marker = page.nextMarker();
    } while (marker != null && seen.size() < 10);
    return seen;
  }

  @ConductorTest
  void manyAllocationsRacing_neverOneNodeTwice_theRestInError(ConductorEnv env) throws Exception {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(node(env, "gold", List.of(), null).uuid());
    }
    powerSync(env);

    List<Allocation> outcomes = race(env, List.of(env.conductor()), 12);

    assertExclusive(outcomes, nodes, 4);
    // Requests refused for want of a worker left nothing behind.
    assertThat(env.conductor().allocations().list(AllocationQuery.all()).items()).hasSize(12);
  }

  @ConductorTest
  void twoConductorsRacing_neverOneNodeTwice(ConductorEnv env) throws Exception {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      nodes.add(node(env, "gold", List.of(), null).uuid());
    }
    powerSync(env);
    Conductor second = env.newConductor("conductor-2", 8);

    List<Allocation> outcomes = race(env, List.of(env.conductor(), second), 16);

    assertExclusive(outcomes, nodes, 5);
  }

  @ConductorTest(periodicTasks = false)
  void recover_finishesAllocationsLeftInProgress_ownAndOfDeadConductors(ConductorEnv env) {
    Node a = node(env, "gold", List.of(), null);
    Node b = node(env, "gold", List.of(), null);
    powerSync(env);
    String own = leftInProgress(env, env.conductor().name());
    String orphan = leftInProgress(env, "conductor-gone");
    String unmatched = leftInProgress(env, null);
    Allocations allocations = env.conductor().allocations();
    assertThat(allocations.get(own).state()).isEqualTo(Allocation.ALLOCATING);

    int resumed = allocations.recover();

    assertThat(resumed).isEqualTo(3);
    Set<String> taken = new HashSet<>();
    for (String uuid : List.of(own, orphan, unmatched)) {
      Allocation done = allocations.await(uuid, WAIT);
      assertThat(done.settled()).as("allocation %s settled", uuid).isTrue();
      if (done.nodeUuid() != null) {
        taken.add(done.nodeUuid());
      }
    }
    assertThat(taken).containsExactlyInAnyOrder(a.uuid(), b.uuid());
    assertThat(allocations.recover()).isZero();
  }

  @ConductorTest(periodicTasks = false)
  void restart_resumesWhatThePreviousRunLeftInProgress(ConductorEnv env) {
    node(env, "gold", List.of(), null);
    powerSync(env);
    String left = leftInProgress(env, "conductor-2");

    Conductor restarted = env.newConductor("conductor-2", 8);

    Allocation done = restarted.allocations().await(left, WAIT);
    assertThat(done.state()).isEqualTo(Allocation.ACTIVE);
  }

  @ConductorTest(periodicTasks = false)
  void databaseDownWhileClaiming_leftInProgress_untilRecoveryFinishesIt(ConductorEnv env) {
    Node node = node(env, "gold", List.of(), null);
    powerSync(env);
    Allocations allocations = env.conductor().allocations();
    FaultyDataSource database = env.database(true);
    database.failAndGoDown("SET allocation_uuid", FaultyDataSource.When.BEFORE);

    String uuid = allocations.allocate(AllocationSpec.of("gold")).uuid();
    ConductorEnv.await("the fault to strike", database::allStruck);
    env.awaitIdle();

    assertThat(stateOf(env, uuid)).as("neither claimed nor failed").isEqualTo("allocating");
    env.database(true);
    assertThat(allocations.recover()).isEqualTo(1);
    Allocation done = allocations.await(uuid, WAIT);
    assertThat(done.state()).isEqualTo(Allocation.ACTIVE);
    assertThat(done.nodeUuid()).isEqualTo(node.uuid());
  }

  @ConductorTest(periodicTasks = false)
  void deadConductorHoldingTheNode_itsAllocationsWaitForTheTakeover_thenGetTheNode(
      ConductorEnv env) {
    env.expectRepairs();
    ManualPeriodicTasksTest.ManualClock clock = new ManualPeriodicTasksTest.ManualClock();
    Conductor survivor = ManualPeriodicTasksTest.manual(env, "survivor", clock);
    ManualPeriodicTasksTest.manual(env, "doomed", clock);
    Node left = node(env, "gold", List.of(), null);
    Node wanted = node(env, "gold", List.of(), null);
    powerSync(env);
    // doomed dies in the middle of work on both nodes (a slow driver call), with an allocation
    // naming one of them in progress.
    reserve(env, left, "doomed");
    reserve(env, wanted, "doomed");
    String leftByDoomed = leftInProgress(env, "doomed", List.of(left.uuid()));
    Allocations allocations = survivor.allocations();

    // doomed's heartbeat ages past the timeout; the survivor's own heartbeats go on.
    clock.advance(Duration.ofSeconds(31));
    survivor.heartbeat();
    clock.advance(Duration.ofSeconds(31));
    survivor.heartbeat();
    assertThat(survivor.conductors())
        .filteredOn(c -> c.hostname().equals("doomed"))
        .singleElement()
        .satisfies(c -> assertThat(c.alive()).isFalse());

    // Before the takeover: doomed's allocation stays doomed's, and a new one naming a node doomed
    // holds waits past the lock wait instead of failing.
    assertThat(allocations.recover()).isZero();
    String fresh =
        allocations
            .allocate(AllocationSpec.of("gold").withCandidateNodes(List.of(wanted.uuid())))
            .uuid();
    env.awaitIdle();
    assertThat(stateOf(env, leftByDoomed)).isEqualTo(Allocation.ALLOCATING);
    assertThat(stateOf(env, fresh)).isEqualTo(Allocation.ALLOCATING);

    // The takeover frees doomed's nodes, then both allocations get theirs.
    assertThat(survivor.takeOverDeadConductors()).isEqualTo(2);

    Allocation taken = allocations.await(leftByDoomed, WAIT);
    assertThat(taken.state()).as("%s", taken).isEqualTo(Allocation.ACTIVE);
    assertThat(taken.nodeUuid()).isEqualTo(left.uuid());
    Allocation waited = allocations.await(fresh, WAIT);
    assertThat(waited.state()).as("%s", waited).isEqualTo(Allocation.ACTIVE);
    assertThat(waited.nodeUuid()).isEqualTo(wanted.uuid());
  }

  // ---- helpers ----

  /** Reserves {@code node} under {@code conductor}'s name, as a task of its would. */
  private static void reserve(ConductorEnv env, Node node, String conductor) {
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE nodes SET reservation = :c, reservation_token = 424242 WHERE"
                            + " uuid = :u")
                    .bind("c", conductor)
                    .bind("u", node.uuid())
                    .execute());
  }

  /** Starts {@code count} allocations at once on threads of their own, across {@code on}. */
  private static List<Allocation> race(ConductorEnv env, List<Conductor> on, int count)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Allocation>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Conductor conductor = on.get(i % on.size());
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
                Allocation created = null;
                while (created == null) {
                  try {
                    created = conductor.allocations().allocate(AllocationSpec.of("gold"));
                  } catch (NoFreeWorkerException busy) {
                    // A client's 503: nothing was created; it tries again.
                    Thread.onSpinWait();
                  }
                }
                return conductor.allocations().await(created.uuid(), WAIT);
              },
              ConcurrentTests.OWN_THREAD));
    }
    start.countDown();
    List<Allocation> outcomes = new ArrayList<>();
    for (CompletableFuture<Allocation> future : futures) {
      outcomes.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    return outcomes;
  }

  private static void assertExclusive(List<Allocation> outcomes, Set<String> nodes, int winners) {
    List<String> taken = new ArrayList<>();
    for (Allocation outcome : outcomes) {
      assertThat(outcome.settled()).as("settled: %s", outcome).isTrue();
      if (outcome.state().equals(Allocation.ACTIVE)) {
        taken.add(outcome.nodeUuid());
      } else {
        assertThat(outcome.lastError()).as("last_error of %s", outcome.uuid()).isNotBlank();
        assertThat(outcome.nodeUuid()).isNull();
      }
    }
    assertThat(taken).as("nodes taken").doesNotHaveDuplicates().hasSize(winners);
    assertThat(new HashSet<>(taken)).isEqualTo(nodes);
  }

  private static String stateOf(ConductorEnv env, String uuid) {
    return env.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT state FROM allocations WHERE uuid = :u")
                    .bind("u", uuid)
                    .mapTo(String.class)
                    .one());
  }

  /** Inserts an allocation as a conductor that died while processing it would leave it. */
  private static String leftInProgress(ConductorEnv env, String conductor) {
    return leftInProgress(env, conductor, List.of());
  }

  /** The same, naming {@code candidates} (node UUIDs). */
  private static String leftInProgress(
      ConductorEnv env, String conductor, List<String> candidates) {
    String uuid = UUID.randomUUID().toString();
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO allocations (uuid, state, resource_class, traits,"
                            + " candidate_nodes, extra, conductor_affinity, created_at) VALUES"
                            + " (:u, 'allocating', 'gold', '[]', :n, '{}', :c,"
                            + " CURRENT_TIMESTAMP)")
                    .bind("u", uuid)
                    .bind("n", io.ferrum.conductor.internal.Json.writeStrings(candidates))
                    .bind("c", conductor)
                    .execute());
    return uuid;
  }

  /** An available fake node of {@code resourceClass} with {@code traits} and {@code owner}. */
  private static Node node(
      ConductorEnv env, String resourceClass, List<String> traits, String owner) {
    Node node =
        env.conductor()
            .createNode(
                NodeSpec.of(FakeHardware.NAME, Map.of())
                    .withName("n-" + UUID.randomUUID().toString().substring(0, 8))
                    .withInitialState("available")
                    .withAttributes(NodeAttributes.of(resourceClass, owner, null, null)));
    if (!traits.isEmpty()) {
      env.conductor().traits().set(node.uuid(), traits);
    }
    return node;
  }

  /** Gives every node the power state its hardware reports: allocations skip unknown ones. */
  private static void powerSync(ConductorEnv env) {
    env.conductor().syncPowerStates();
  }
}
