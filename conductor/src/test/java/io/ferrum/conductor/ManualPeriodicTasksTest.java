package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverPowerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A conductor whose periodic tasks are turned off starts no thread for them, and its embedder runs
 * them, with a clock of its own for heartbeats: what a deterministic simulation needs.
 */
class ManualPeriodicTasksTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    // Starts at the real time, so the cell's own conductor (on the database's clock) sees these
    // conductors' heartbeats as fresh for as long as a test runs.
    private volatile Instant now = Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @ConductorTest
  void periodicTasksOff_noThreads_andTheEmbedderDrivesTakeoverWithItsOwnClock(ConductorEnv env) {
    ManualClock clock = new ManualClock();
    Conductor a = manual(env, "manual-a", clock);
    Conductor b = manual(env, "manual-b", clock);

    Set<String> threads =
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(n -> n.startsWith("manual-"))
            .collect(Collectors.toSet());
    assertThat(threads).as("threads of the manual conductors").isEmpty();

    Node node = a.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Task held = a.tasks().acquire(node.uuid(), "held by a", LockMode.EXCLUSIVE);
    try {
      b.heartbeat();
      assertThat(b.takeOverDeadConductors()).as("a is alive").isZero();

      // a stops heartbeating; b heartbeats every 30 s.
      clock.advance(Duration.ofSeconds(30));
      b.heartbeat();
      assertThat(b.takeOverDeadConductors()).as("a's heartbeat is 30 s old").isZero();
      clock.advance(Duration.ofSeconds(31));
      b.heartbeat();
      assertThat(b.takeOverDeadConductors()).isEqualTo(1);

      Node after = b.getNode(node.uuid());
      assertThat(after.reservation()).isNull();
      assertThat(b.conductors())
          .filteredOn(c -> c.hostname().equals("manual-a"))
          .singleElement()
          .satisfies(c -> assertThat(c.alive()).isFalse());
      env.expectRepairs();
    } finally {
      held.close(); // fenced: changes nothing
    }
    assertThat(b.getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void afterADatabaseOutage_theFirstConductorBack_takesNobodyOver(ConductorEnv env) {
    ManualClock clock = new ManualClock();
    Conductor a = manual(env, "outage-a", clock);
    Conductor b = manual(env, "outage-b", clock);
    Node node = a.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Task held = a.tasks().acquire(node.uuid(), "held by a", LockMode.EXCLUSIVE);
    try {
      // Nobody can heartbeat for 61 s (the database is down); then b gets through first.
      clock.advance(Duration.ofSeconds(61));
      b.heartbeat();
      assertThat(b.takeOverDeadConductors())
          .as("b's own heartbeats were not healthy for a whole timeout: it judges nobody")
          .isZero();
      clock.advance(Duration.ofSeconds(1));
      a.heartbeat();
      for (int i = 0; i < 4; i++) {
        clock.advance(Duration.ofSeconds(20));
        a.heartbeat();
        b.heartbeat();
        assertThat(b.takeOverDeadConductors()).as("a heartbeats again").isZero();
      }
      assertThat(b.getNode(node.uuid()).reservation()).isEqualTo("outage-a");
    } finally {
      held.close();
    }
    assertThat(b.getNode(node.uuid()).reservation()).isNull();
  }

  @ConductorTest
  void aConductorWhoseHeartbeatIsOld_makesNoDriverCall_untilItHeartbeatsAgain(ConductorEnv env) {
    ManualClock clock = new ManualClock();
    Conductor a = manual(env, "fenced-a", clock);
    Node node = a.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));

    clock.advance(Duration.ofSeconds(31)); // past half the timeout: peers may soon take a over
    Throwable refused = ConductorEnv.failure(a.power(node.uuid(), "power on", null));
    assertThat(refused)
        .hasMessageContaining(
            "refused: conductor fenced-a has not heartbeated in the database for 31 s")
        .hasMessageEndingWith(
            "until a heartbeat succeeds it refuses every driver call, so the job that asked fails;"
                + " the call was not made");
    Node after = a.getNode(node.uuid());
    assertThat(after.powerState()).isNotEqualTo("power on");
    assertThat(after.reservation()).isNull();
    assertThat(after.lastError()).contains("has not heartbeated");

    a.heartbeat();
    assertThat(ConductorEnv.finish(a.power(node.uuid(), "power on", null)).powerState())
        .isEqualTo("power on");
  }

  @ConductorTest
  void aConductorThatMissedAWholeTimeout_fencesTheTasksItHadThen_forGood(ConductorEnv env) {
    ManualClock clock = new ManualClock();
    Conductor a = manual(env, "lapsed-a", clock);
    Node node = a.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Node other = a.createNode(NodeSpec.of("fake-hardware", Map.of()).withInitialState("available"));
    Task old = a.tasks().acquire(node.uuid(), "held across the pause", LockMode.EXCLUSIVE);
    try {
      clock.advance(Duration.ofSeconds(61)); // paused past its timeout: it may have been taken over
      a.heartbeat(); // it resumes, and its heartbeat succeeds

      String refusal =
          "Driver call power.setPowerState refused: conductor lapsed-a missed its heartbeat for 61"
              + " s (its peers take over the nodes of a conductor silent for 60 s); its peers may"
              + " have taken node "
              + node.label()
              + " over; the call was not made";
      assertThatThrownBy(() -> powerOn(old))
          .isInstanceOf(DriverException.class)
          .hasMessage(refusal);
      old.driver().power().validate(old.driverNode()); // configuration checks are not refused

      assertThat(ConductorEnv.finish(a.power(other.uuid(), "power on", null)).powerState())
          .as("work that started after the pause acts")
          .isEqualTo("power on");
      clock.advance(Duration.ofSeconds(10));
      a.heartbeat();
      assertThatThrownBy(() -> powerOn(old))
          .as("still fenced after the next heartbeats")
          .hasMessage(refusal);
    } finally {
      old.close();
    }
    Node after = a.getNode(node.uuid());
    assertThat(after.reservation()).isNull();
    assertThat(after.powerState()).isNotEqualTo("power on");
  }

  private static void powerOn(Task task) {
    task.driver()
        .power()
        .setPowerState(task.driverNode(), DriverPowerState.POWER_ON, false, Duration.ZERO);
  }

  /**
   * A conductor without periodic tasks whose heartbeats (every 10 s, dead after 60 s) are judged by
   * {@code clock}.
   */
  static Conductor manual(ConductorEnv env, String name, Clock clock) {
    return env.newConductor(
        name,
        2,
        builder ->
            builder
                .periodicTasks(false)
                .livenessClock(clock)
                .heartbeat(Duration.ofSeconds(10), Duration.ofSeconds(60)));
  }
}
