package io.ferrum.testkit.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.InMemoryNotificationSink;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.faults.FaultyDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The fault injectors, and a failure the conductor check found, kept as a case of its own. */
class FaultInjectionPartsTest {

  @Test
  void faultyDataSource_failsTheChosenStatementOnce_andGoesDownOnCommand() throws SQLException {
    try (ConductorCheck.Database db = ConductorCheck.h2()) {
      FaultyDataSource faulty = new FaultyDataSource(db.dataSource());
      faulty.fail("SELECT 2", FaultyDataSource.When.BEFORE, 1);
      try (Connection c = faulty.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        assertThatThrownBy(() -> s.execute("SELECT 2"))
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("08006");
        s.execute("SELECT 2");
      }
      assertThat(faulty.injected()).isEqualTo(1);
      faulty.setDown(true);
      assertThatThrownBy(faulty::getConnection)
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("08001");
    }
  }

  @Test
  void faultyHardware_failsTheChosenCallWithTheChosenFailure() {
    FaultyHardware hardware = new FaultyHardware(fake(), Duration.ofMillis(50));
    hardware.failNext("power.reboot"::equals, FaultyHardware.Failure.ERROR, 1);
    hardware.failNext("power.setPowerState"::equals, FaultyHardware.Failure.HANG, 1);

    assertThat(hardware.name()).isEqualTo(FakeHardware.NAME);
    assertThatThrownBy(() -> hardware.power().reboot(null, false, null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("power.reboot");
    assertThatThrownBy(() -> hardware.power().setPowerState(null, null, false, null))
        .isInstanceOf(io.ferrum.driver.DriverTimeoutException.class)
        .hasMessageContaining("hang");
    assertThat(hardware.struck()).isEqualTo(2);
  }

  /**
   * Found by the conductor check: a power change whose driver throws an {@link Error}, then throws
   * again when the failure reads the power state back, left its node locked until reservation
   * recovery, because the read-back caught only exceptions.
   */
  @Test
  void powerChangeFailingWithErrors_isRecorded_andFreesTheNodeWithoutRecovery() throws Exception {
    FaultyHardware hardware = new FaultyHardware(fake(), Duration.ofSeconds(1));
    InMemoryNotificationSink sink = new InMemoryNotificationSink();
    try (ConductorCheck.Database db = ConductorCheck.h2();
        Conductor conductor =
            new ConductorWiring(
                    new FaultyDataSource(db.dataSource()),
                    sink,
                    hardware,
                    "regression",
                    Duration.ofSeconds(5))
                .builder()
                .build()) {
      Node node = conductor.createNode(NodeSpec.of(FakeHardware.NAME, Map.of()));
      hardware.failNext("power.setPowerState"::equals, FaultyHardware.Failure.ERROR, 1);
      hardware.failNext("power.getPowerState"::equals, FaultyHardware.Failure.ERROR, 1);

      ActionHandle off = conductor.power(node.uuid(), "power off", null);
      assertThatThrownBy(() -> off.await(Duration.ofSeconds(20)))
          .isInstanceOf(ExecutionException.class);

      Node after = conductor.getNode(node.uuid());
      assertThat(after.reservation()).isNull();
      assertThat(after.targetPowerState()).isNull();
      assertThat(after.powerState()).isEqualTo("error");
      assertThat(after.lastError()).contains("injected error in power.setPowerState");
      assertThat(conductor.nodesRepaired()).isZero();
      assertThat(sink.forNode(node.uuid()))
          .extracting(n -> n.eventType())
          .endsWith("baremetal.node.power_set.start", "baremetal.node.power_set.error");
    }
  }

  private static HardwareType fake() {
    return java.util.ServiceLoader.load(HardwareType.class).stream()
        .map(java.util.ServiceLoader.Provider::get)
        .filter(t -> t.name().equals(FakeHardware.NAME))
        .findFirst()
        .orElseThrow();
  }
}
