package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.StepOutcome;
import io.ferrum.faults.FaultyDataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Several conductors on one database: names, heartbeats judged by the database's clock, takeover of
 * a dead conductor's nodes by exactly one live conductor, fenced writes from a conductor that
 * outlived its death, and no driver call from its jobs once it resumes, the hash ring, and a
 * shutdown that hands nodes back at once.
 */
class MembershipTest {

  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final Duration TIMEOUT = Duration.ofMillis(1500);

  @ConductorTest
  void sameName_whileAlive_refusedWithOneClearLine(ConductorEnv env) {
    assertThatThrownBy(() -> env.newConductor("conductor-1", 2))
        .isInstanceOf(ConductorNameInUseException.class)
        .hasMessageStartingWith("A conductor named conductor-1 is alive: its last heartbeat was")
        .hasMessageContaining("stop it first, or give this one another name");
    assertThat(env.conductor().conductors())
        .filteredOn(c -> c.hostname().equals("conductor-1"))
        .singleElement()
        .satisfies(c -> assertThat(c.alive()).isTrue());
  }

  @ConductorTest
  void deadConductor_itsNodesTakenOverByExactlyOneLiveConductor_withinTimeoutAndAnInterval(
      ConductorEnv env) {
    env.expectRepairs();
    FaultyDataSource link = new FaultyDataSource(env.dataSource());
    Conductor doomed = fast(env, "doomed", link);
    Conductor b = fast(env, "b", null);
    Conductor c = fast(env, "c", null);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Node node =
          doomed.createNode(
              NodeSpec.of(
                      "fake-hardware", Map.of("fake_hang", "deploy.deploy", "fake_hang_ms", "8000"))
                  .withInitialState("available"));
      runInBackground(() -> doomed.provision(node.uuid(), ProvisionRequest.of("active")));
      nodes.add(node);
    }
    ConductorEnv.await(
        "all deploying on doomed",
        () ->
            nodes.stream()
                .map(n -> b.getNode(n.uuid()))
                .allMatch(
                    n ->
                        "doomed".equals(n.reservation())
                            && n.provisionState().equals("deploying")));

    link.setDown(true); // doomed can no longer heartbeat, nor write: to its peers it is dead
    long cut = System.nanoTime();

    try {
      ConductorEnv.await(
          "every node taken over",
          () ->
              nodes.stream()
                  .map(n -> b.getNode(n.uuid()))
                  .allMatch(
                      n -> n.reservation() == null && n.provisionState().equals("deploy failed")));
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + ": " + nodes.stream().map(n -> b.getNode(n.uuid())).toList(), e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - cut);
    assertThat(took).isLessThan(TIMEOUT.plus(INTERVAL).plus(Duration.ofSeconds(10)));
    Map<String, Integer> takenBy = new HashMap<>();
    for (Node node : nodes) {
      Node now = b.getNode(node.uuid());
      assertThat(now.lastError())
          .startsWith(
              "The deploying state can't be resumed: conductor doomed stopped heartbeating");
      List<HistoryEvent> faults =
          b.history(node.uuid()).stream().filter(h -> "fault".equals(h.eventType())).toList();
      assertThat(faults).as("exactly one takeover of %s", node.uuid()).hasSize(1);
      takenBy.merge(faults.get(0).conductor(), 1, Integer::sum);
    }
    assertThat(takenBy.keySet()).isSubsetOf("b", "c", "conductor-1");
    ConductorEnv.await(
        "doomed declared dead",
        () -> b.conductors().stream().anyMatch(i -> i.hostname().equals("doomed") && !i.alive()));

    // doomed comes back: its jobs' late writes are fenced out, and it joins again.
    link.setDown(false);
    ConductorEnv.await(
        "doomed alive again",
        () -> b.conductors().stream().anyMatch(i -> i.hostname().equals("doomed") && i.alive()));
    doomed.close();
    for (Node node : nodes) {
      assertThat(b.getNode(node.uuid()).provisionState())
          .as("nothing doomed wrote after the takeover landed")
          .isEqualTo("deploy failed");
    }
  }

  @ConductorTest
  void pausedPastItsTimeout_itsJobMakesNoDriverCallAfterwards_theNodeStaysAsThePeerLeftIt(
      ConductorEnv env) throws Exception {
    env.expectRepairs();
    FaultyDataSource link = new FaultyDataSource(env.dataSource());
    GatedHardware gated = new GatedHardware();
    // Power sync off, so that every call the hardware sees is the job's.
    Conductor lapsed =
        env.newConductor(
            "lapsed",
            4,
            b ->
                b.dataSource(link)
                    .heartbeat(INTERVAL, TIMEOUT)
                    .hardwareType(gated)
                    .powerSyncInterval(Duration.ZERO));
    Conductor peer = fast(env, "peer", null);
    Node node =
        lapsed.createNode(NodeSpec.of(GatedHardware.NAME, Map.of()).withInitialState("available"));
    ExecutorService own = Executors.newSingleThreadExecutor();
    try {
      Future<Throwable> outcome =
          own.submit(
              () ->
                  ConductorEnv.failure(
                      lapsed.provision(node.uuid(), ProvisionRequest.of("active"))));
      ConductorEnv.await("the deploy is inside boot.prepareInstance", gated.entered::isDone);

      link.setDown(true); // paused: no heartbeat, no write; its peers see it dead
      ConductorEnv.await(
          "the node taken over",
          () -> {
            Node now = peer.getNode(node.uuid());
            return now.reservation() == null && now.provisionState().equals("deploy failed");
          });
      Node takenOver = peer.getNode(node.uuid());

      link.setDown(false); // it resumes, and heartbeats again
      ConductorEnv.await(
          "lapsed alive again",
          () ->
              peer.conductors().stream().anyMatch(i -> i.hostname().equals("lapsed") && i.alive()));
      Instant back = heartbeatOf(peer, "lapsed");
      ConductorEnv.await(
          "lapsed heartbeats once more after it rejoined",
          () -> heartbeatOf(peer, "lapsed").isAfter(back));
      int before = gated.calls.size();
      gated.release.countDown(); // the call it was in returns: its job goes on

      Throwable failure = outcome.get(ConductorEnv.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(gated.calls.subList(before, gated.calls.size()))
          .as("driver calls of the old job after the lapse")
          .isEmpty();
      assertThat(failure)
          .isInstanceOf(DriverException.class)
          .hasMessageContaining("Driver call deploy.deploy refused: conductor lapsed missed its")
          .hasMessageContaining("its peers may have taken node " + node.label() + " over")
          .hasMessageEndingWith("the call was not made");
      assertThat(gated.calls).endsWith("boot.prepareInstance");
      Node after = peer.getNode(node.uuid());
      assertThat(after.reservation()).isNull();
      assertThat(after.provisionState()).isEqualTo("deploy failed");
      assertThat(after.lastError()).isEqualTo(takenOver.lastError());
      assertThat(after.version())
          .as("nothing written after the takeover")
          .isEqualTo(takenOver.version());
    } finally {
      gated.release.countDown();
      own.shutdownNow();
    }
  }

  private static Instant heartbeatOf(Conductor reader, String name) {
    return reader.conductors().stream()
        .filter(i -> i.hostname().equals(name))
        .findFirst()
        .orElseThrow()
        .heartbeatAt();
  }

  /**
   * A hardware type that records every call, and whose {@code boot.prepareInstance} waits until the
   * test releases it.
   */
  static final class GatedHardware
      implements HardwareType, PowerInterface, BootInterface, DeployInterface {
    static final String NAME = "gated";
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> entered = new CompletableFuture<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public PowerInterface power() {
      return this;
    }

    @Override
    public BootInterface boot() {
      return this;
    }

    @Override
    public DeployInterface deploy() {
      return this;
    }

    @Override
    public DriverPowerState getPowerState(DriverNode node) {
      calls.add("power.getPowerState");
      return DriverPowerState.POWER_OFF;
    }

    @Override
    public void setPowerState(
        DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
      calls.add("power.setPowerState");
    }

    @Override
    public void reboot(DriverNode node, boolean soft, Duration timeout) {
      calls.add("power.reboot");
    }

    @Override
    public void prepareInstance(DriverNode node) {
      calls.add("boot.prepareInstance");
      entered.complete(null);
      try {
        release.await(ConductorEnv.WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void cleanUpInstance(DriverNode node) {
      calls.add("boot.cleanUpInstance");
    }

    @Override
    public StepOutcome deploy(DriverNode node) {
      calls.add("deploy.deploy");
      return StepOutcome.DONE;
    }

    @Override
    public void tearDown(DriverNode node) {
      calls.add("deploy.tearDown");
    }
  }

  @ConductorTest
  void replacedWhileItLookedDead_standsDown_refusesWork_recoversNothing(ConductorEnv env) {
    FaultyDataSource link = new FaultyDataSource(env.dataSource());
    AtomicBoolean stoodDown = new AtomicBoolean();
    Conductor zombie =
        env.newConductor(
            "twin",
            2,
            b ->
                b.dataSource(link)
                    .heartbeat(INTERVAL, TIMEOUT)
                    .onStandDown(() -> stoodDown.set(true)));
    Node node =
        zombie.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));

    link.setDown(true);
    ConductorEnv.await(
        "the twin looks dead",
        () ->
            env.conductor().conductors().stream()
                .anyMatch(i -> i.hostname().equals("twin") && !i.alive()));
    Conductor replacement = fast(env, "twin", null);
    link.setDown(false);

    ConductorEnv.await("the old twin stands down", stoodDown::get);
    assertThatThrownBy(() -> zombie.provision(node.uuid(), ProvisionRequest.of("active")))
        .isInstanceOf(NoFreeWorkerException.class)
        .hasMessageContaining("replaced by another process under its name");
    assertThat(
            ConductorEnv.finish(replacement.provision(node.uuid(), ProvisionRequest.of("active")))
                .provisionState())
        .isEqualTo("active");
  }

  @ConductorTest
  void ring_eachNodeHasOneOwner_allAgree_andAShutdownHandsItsNodesBackAtOnce(ConductorEnv env) {
    Conductor a = fast(env, "a", null);
    Conductor b = fast(env, "b", null);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      nodes.add(a.createNode(NodeSpec.of("fake-hardware", Map.of())));
    }
    ConductorEnv.await(
        "everyone sees everyone",
        () ->
            List.of(a, b, env.conductor()).stream()
                .allMatch(c -> owners(c, nodes).keySet().size() == 3));
    Map<String, Integer> owners = owners(a, nodes);
    assertThat(owners(b, nodes)).isEqualTo(owners);
    assertThat(owners(env.conductor(), nodes)).isEqualTo(owners);
    assertThat(owners.keySet()).containsExactlyInAnyOrder("a", "b", "conductor-1");

    b.close();

    // b left: the others see it at their next heartbeat, not after the timeout.
    ConductorEnv.await(
        "b's nodes mapped to the others",
        () ->
            !owners(a, nodes).containsKey("b") && !owners(env.conductor(), nodes).containsKey("b"));
    assertThat(a.conductors())
        .filteredOn(i -> i.hostname().equals("b"))
        .singleElement()
        .satisfies(i -> assertThat(i.alive()).isFalse());
  }

  @ConductorTest
  void stopping_leavesTheRingAtOnce_keepsItsNodesWhileItsJobsFinish_thenFreesItsName(
      ConductorEnv env) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        env.pool() == ConductorEnv.Pool.REAL, "jobs run beside close() only on a real pool");
    Conductor a =
        env.newConductor(
            "draining",
            4,
            b -> b.heartbeat(INTERVAL, TIMEOUT).shutdownDeadline(Duration.ofSeconds(30)));
    Conductor peer = fast(env, "peer", null);
    // Each call of this node's driver takes 2 s: powering on outlasts the heartbeat timeout.
    Node node =
        a.createNode(
            NodeSpec.of("fake-hardware", Map.of("fake_delay_ms", "2000"))
                .withInitialState("available"));
    ActionHandle powering = a.power(node.uuid(), "power on", null);
    ConductorEnv.await(
        "a powers the node on", () -> "draining".equals(peer.getNode(node.uuid()).reservation()));

    Thread closing = new Thread(a::close, "closing a");
    closing.start();
    ConductorEnv.await(
        "a left the ring",
        () ->
            peer.conductors().stream()
                .anyMatch(i -> i.hostname().equals("draining") && !i.alive()));
    Thread.sleep(TIMEOUT.plus(INTERVAL.multipliedBy(5)).toMillis());
    assertThat(peer.takeOverDeadConductors()).as("a still heartbeats while it drains").isZero();
    assertThat(peer.getNode(node.uuid()).reservation()).isEqualTo("draining");

    closing.join(Duration.ofSeconds(30).toMillis());
    assertThat(closing.isAlive()).isFalse();
    Node done = ConductorEnv.finish(powering);
    assertThat(done.powerState()).isEqualTo("power on");
    Node after = peer.getNode(node.uuid());
    assertThat(after.reservation()).isNull();
    assertThat(after.lastError()).isNull();
    assertThat(after.powerState()).isEqualTo("power on");

    // A clean stop frees the name at once: no waiting for the heartbeat to age.
    Conductor again = fast(env, "draining", null);
    assertThat(again.name()).isEqualTo("draining");
  }

  @ConductorTest
  void restartAfterAKill_waitsOutThePreviousInstance_butNotALiveOne(ConductorEnv env) {
    env.expectRepairs();
    FaultyDataSource link = new FaultyDataSource(env.dataSource());
    Conductor killed = fast(env, "restarted", link);
    Node node =
        killed.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Task held = killed.tasks().acquire(node.uuid(), "held when killed", LockMode.EXCLUSIVE);
    link.setDown(true); // killed: no more heartbeats, nothing given back

    assertThatThrownBy(() -> fast(env, "restarted", null))
        .as("without waiting, a name that looks alive is refused")
        .isInstanceOf(ConductorNameInUseException.class);
    long start = System.nanoTime();
    Conductor restarted =
        env.newConductor(
            "restarted", 4, b -> b.heartbeat(INTERVAL, TIMEOUT).waitForPreviousInstance(true));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(restarted.getNode(node.uuid()).reservation())
        .as("its start-up pass took back what the killed instance held")
        .isNull();
    held.close();

    assertThatThrownBy(
            () ->
                env.newConductor(
                    "restarted",
                    4,
                    b -> b.heartbeat(INTERVAL, TIMEOUT).waitForPreviousInstance(true)))
        .as("an instance that heartbeats while we wait is alive")
        .isInstanceOf(ConductorNameInUseException.class);
  }

  @ConductorTest
  void soleConductor_takesItsNameBackAtOnce(ConductorEnv env) {
    env.expectRepairs();
    FaultyDataSource link = new FaultyDataSource(env.dataSource());
    Conductor killed =
        env.newConductor(
            "sole",
            2,
            b -> b.dataSource(link).heartbeat(Duration.ofSeconds(10), Duration.ofHours(1)));
    Node node =
        killed.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Task held = killed.tasks().acquire(node.uuid(), "held when killed", LockMode.EXCLUSIVE);
    link.setDown(true);

    Conductor restarted =
        env.newConductor(
            "sole",
            2,
            b -> b.heartbeat(Duration.ofSeconds(10), Duration.ofHours(1)).soleConductor(true));
    assertThat(restarted.getNode(node.uuid()).reservation()).isNull();
    held.close();
  }

  @ConductorTest
  void conductorGroup_nodesOfAGroupRunOnlyOnThatGroupsConductors(ConductorEnv env) {
    Conductor rack = env.newConductor("rack-a", 2, b -> b.conductorGroup("Rack-A"));
    Node node = env.createNode(Map.of());
    Node grouped =
        env.conductor()
            .updateNode(node.uuid(), List.of(PatchOperation.replace("/conductor_group", "RACK-A")));

    assertThat(grouped.conductorGroup()).isEqualTo("rack-a");
    ConductorEnv.await(
        "the group's ring is known", () -> "rack-a".equals(env.conductor().conductorFor(grouped)));
    assertThat(rack.conductorGroup()).isEqualTo("rack-a");
    assertThatThrownBy(
            () ->
                env.conductor()
                    .updateNode(
                        node.uuid(), List.of(PatchOperation.replace("/conductor_group", "a b"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("conductor_group");
  }

  private static Map<String, Integer> owners(Conductor conductor, List<Node> nodes) {
    Map<String, Integer> owners = new HashMap<>();
    for (Node node : nodes) {
      String owner = conductor.conductorFor(node);
      if (owner != null) {
        owners.merge(owner, 1, Integer::sum);
      }
    }
    return owners;
  }

  private static Conductor fast(ConductorEnv env, String name, FaultyDataSource link) {
    return env.newConductor(
        name,
        8,
        b -> {
          b.heartbeat(INTERVAL, TIMEOUT);
          if (link != null) {
            b.dataSource(link);
          }
        });
  }

  private static void runInBackground(Runnable action) {
    Thread thread =
        new Thread(
            () -> {
              try {
                action.run();
              } catch (RuntimeException e) {
                // the test checks the nodes, not this call
              }
            });
    thread.setDaemon(true);
    thread.start();
  }
}
