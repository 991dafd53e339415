package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
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
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

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

      clock.advance(Duration.ofSeconds(61)); // a stops heartbeating, b does not
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

  private static Conductor manual(ConductorEnv env, String name, Clock clock) {
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
