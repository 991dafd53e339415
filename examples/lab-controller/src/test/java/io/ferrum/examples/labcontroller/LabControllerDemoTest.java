package io.ferrum.examples.labcontroller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.InvalidStateRequestedException;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.driver.DriverSettings;
import io.ferrum.examples.labcontroller.Leases.LeaseEvent;
import io.ferrum.examples.labcontroller.Leases.LeaseState;
import io.ferrum.examples.labcontroller.Leases.Team;
import io.ferrum.fsm.EnumInstance;
import io.ferrum.fsm.InvalidTransitionException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabControllerDemoTest {

  @Test
  void demo_everyLeaseEndsAsTheRulesSay() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code = LabControllerDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("lease storage/bench-1: REQUESTED --APPROVE--> PROVISIONING")
        .contains("lease storage/bench-1: PROVISIONING --DEPLOYED--> READY")
        .contains("lease storage/bench-2: REQUESTED --APPROVE--> REFUSED")
        .contains(
            "bench-1 READY with debian-12 on its disk; bench-2 REFUSED (storage holds 1 of 1)")
        .contains("lease ml/bench-3: PROVISIONING --DEPLOY_FAILED--> FAILED")
        .contains("PDU outlet 3 did not switch on")
        .contains("lease storage/bench-1: RELEASING --RELEASED--> RETURNED")
        .contains("bench-1 RETURNED: node available, power off, disk blank (storage holds 0 of 1)")
        .endsWith("Every lease ended as the lab's rules say.\n");
  }

  @Test
  void leaseMachine_quotaGuardsApproval_andTheTableRefusesTheRest() {
    Team team = new Team("t", 1);
    EnumInstance<LeaseState, LeaseEvent, Team> first =
        Leases.MACHINE.newInstance(LeaseState.REQUESTED, null, team);
    EnumInstance<LeaseState, LeaseEvent, Team> second =
        Leases.MACHINE.newInstance(LeaseState.REQUESTED, null, team);

    assertThat(first.fire(LeaseEvent.APPROVE).to()).isEqualTo(LeaseState.PROVISIONING);
    assertThat(second.fire(LeaseEvent.APPROVE).to()).isEqualTo(LeaseState.REFUSED);
    assertThat(team.held()).isEqualTo(1);
    assertThatThrownBy(() -> first.fire(LeaseEvent.RELEASE))
        .isInstanceOf(InvalidTransitionException.class);
    assertThat(first.state()).isEqualTo(LeaseState.PROVISIONING);
    first.fire(LeaseEvent.DEPLOY_FAILED);
    assertThat(team.held()).isZero();
  }

  @Test
  void pdu_refusesAnOutletTheOperatorDidNotWire() {
    PduHardware pdu = new PduHardware(Set.of());
    pdu.configure(DriverSettings.of(Map.of(PduHardware.OUTLETS_SETTING, "2")));

    assertThatThrownBy(
            () ->
                pdu.checkInput(
                    new io.ferrum.driver.DriverNode(
                        "u", "n", "lab-pdu", Map.of("pdu_outlet", "7"), Map.of(), Map.of())))
        .hasMessageContaining("pdu_outlet must be an outlet from 1 to 2");
    assertThatThrownBy(
            () -> pdu.configure(DriverSettings.of(Map.of(PduHardware.OUTLETS_SETTING, "-1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lab-pdu-outlets must be a positive number");
  }

  @Test
  void controller_quotaHoldsUnderConcurrentRequests_andARefusedDeployGivesItBack(@TempDir Path dir)
      throws Exception {
    try (ConnectionPool db = Databases.pooled("jdbc:h2:file:" + dir.resolve("lab"), null, null, 8);
        Conductor conductor =
            Conductor.builder()
                .dataSource(db)
                .name("lab-test")
                .hardwareType(new PduHardware(Set.of()))
                .enabledHardwareTypes(Set.of("lab-pdu"))
                .build();
        LabController lab =
            new LabController(
                conductor,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      Duration wait = Duration.ofMinutes(1);
      for (int outlet = 1; outlet <= 7; outlet++) {
        String uuid =
            conductor
                .createNode(
                    NodeSpec.of("lab-pdu", Map.of("pdu_outlet", String.valueOf(outlet)))
                        .withName("n" + outlet))
                .uuid();
        if (outlet < 7) {
          conductor.provision(uuid, ProvisionRequest.of("manage")).join(wait);
          conductor.provision(uuid, ProvisionRequest.of("provide")).join(wait);
        }
      }
      Team team = new Team("t", 1);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<LeaseState>> results = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(6);
      try {
        for (int n = 1; n <= 6; n++) {
          String node = "n" + n;
          results.add(
              clients.submit(
                  () -> {
                    start.await();
                    return lab.request(team, node, "img");
                  }));
        }
        start.countDown();
        long approved = 0;
        for (var result : results) {
          approved += result.get() == LeaseState.PROVISIONING ? 1 : 0;
        }
        assertThat(approved).isEqualTo(1);
        assertThat(team.held()).isEqualTo(1);
      } finally {
        clients.shutdownNow();
      }

      // n7 is still enrolled: the conductor refuses the deploy, and the quota comes back.
      Team other = new Team("o", 1);
      assertThatThrownBy(() -> lab.request(other, "n7", "img"))
          .isInstanceOf(InvalidStateRequestedException.class);
      assertThat(other.held()).isZero();
      assertThatThrownBy(() -> lab.awaitStable("n7", wait))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("No lease holds node n7");
    }
  }
}
