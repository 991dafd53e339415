package io.ferrum.examples.labcontroller;

import io.ferrum.examples.labcontroller.Leases.LeaseState;
import io.ferrum.examples.labcontroller.Leases.Team;
import io.ferrum.testkit.DriverConformance;
import io.ferrum.testkit.MachineCheck;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lab's own machine and its own hardware type pass Ferrum's testkit, in a few lines each. */
class LabTestkitTest {

  @Test
  void leaseMachine_passesMachineCheck() {
    MachineCheck.of(Leases.MACHINE.definition())
        .finalStates(
            LeaseState.RETURNED.name(), LeaseState.REFUSED.name(), LeaseState.FAILED.name())
        .context(() -> new Team("storage", 1))
        .run()
        .assertPassed();
  }

  @Test
  void pduHardware_passesTheConformanceSuite() {
    DriverConformance.of(new PduHardware(Set.of(3)))
        .driverInfo(Map.of("pdu_outlet", "1"))
        .instanceInfo(Map.of("image_source", "debian-12"))
        .malformed("pdu_outlet", "99")
        .run()
        .assertPassed();
  }
}
