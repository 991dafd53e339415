package io.ferrum.examples.labcontroller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverSettings;
import io.ferrum.examples.labcontroller.Leases.LeaseEvent;
import io.ferrum.examples.labcontroller.Leases.LeaseState;
import io.ferrum.examples.labcontroller.Leases.Team;
import io.ferrum.fsm.EnumInstance;
import io.ferrum.fsm.InvalidTransitionException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}
