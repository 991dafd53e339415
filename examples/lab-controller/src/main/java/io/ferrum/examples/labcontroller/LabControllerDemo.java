package io.ferrum.examples.labcontroller;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.examples.labcontroller.Leases.LeaseState;
import io.ferrum.examples.labcontroller.Leases.Team;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * The lab controller at work: three machines on a PDU whose third outlet is broken; team "storage"
 * (quota 1) leases a machine, is refused a second one, returns the first; team "ml" leases the
 * machine on the broken outlet and sees the deploy fail.
 */
public final class LabControllerDemo {

  private static final Duration WAIT = Duration.ofMinutes(1);

  private LabControllerDemo() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out));
  }

  /** Runs the demonstration, printing to {@code out}; returns the exit code. */
  public static int run(PrintStream out) throws Exception {
    Path data = Files.createTempDirectory("lab-controller");
    PduHardware pdu = new PduHardware(Set.of(3));
    try (ConnectionPool db =
            Databases.pooled("jdbc:h2:file:" + data.resolve("lab"), null, null, 8);
        Conductor conductor =
            Conductor.builder()
                .dataSource(db)
                .name("lab")
                .hardwareType(pdu)
                .enabledHardwareTypes(Set.of("lab-pdu"))
                .driverSetting(PduHardware.OUTLETS_SETTING, "3")
                .build();
        LabController lab = new LabController(conductor, out)) {
      for (int outlet = 1; outlet <= 3; outlet++) {
        Node node =
            conductor.createNode(
                NodeSpec.of("lab-pdu", Map.of("pdu_outlet", String.valueOf(outlet)))
                    .withName("bench-" + outlet));
        conductor.provision(node.uuid(), ProvisionRequest.of("manage")).join(WAIT);
        conductor.provision(node.uuid(), ProvisionRequest.of("provide")).join(WAIT);
      }
      out.println("3 machines available");

      Team storage = new Team("storage", 1);
      Team ml = new Team("ml", 2);
      lab.request(storage, "bench-1", "debian-12");
      LeaseState first = lab.awaitStable("bench-1", WAIT);
      LeaseState second = lab.request(storage, "bench-2", "debian-12");
      out.printf(
          "bench-1 %s with %s on its disk; bench-2 %s (storage holds %d of 1)%n",
          first, pdu.disk(1), second, storage.held());

      lab.request(ml, "bench-3", "ubuntu-24.04");
      LeaseState broken = lab.awaitStable("bench-3", WAIT);
      out.printf(
          "bench-3 %s: %s (ml holds %d of 2)%n",
          broken, conductor.getNode("bench-3").lastError(), ml.held());

      lab.release("bench-1");
      LeaseState returned = lab.awaitStable("bench-1", WAIT);
      Node bench1 = conductor.getNode("bench-1");
      out.printf(
          "bench-1 %s: node %s, %s, disk %s (storage holds %d of 1)%n",
          returned,
          bench1.provisionState(),
          bench1.powerState(),
          pdu.disk(1) == null ? "blank" : "not blank",
          storage.held());
      boolean ok =
          first == LeaseState.READY
              && second == LeaseState.REFUSED
              && broken == LeaseState.FAILED
              && returned == LeaseState.RETURNED
              && storage.held() == 0
              && ml.held() == 0;
      out.println(ok ? "Every lease ended as the lab's rules say." : "A lease went wrong.");
      return ok ? 0 : 1;
    } finally {
      try (var files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
