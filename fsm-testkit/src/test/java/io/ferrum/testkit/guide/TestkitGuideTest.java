package io.ferrum.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.NotificationSink;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.fake.FakeHardware;
import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import io.ferrum.testkit.Budget;
import io.ferrum.testkit.CheckResult;
import io.ferrum.testkit.Choices;
import io.ferrum.testkit.DriverConformance;
import io.ferrum.testkit.MachineCheck;
import io.ferrum.testkit.Report;
import io.ferrum.testkit.Violation;
import io.ferrum.testkit.conductor.ConductorCheck;
import io.ferrum.testkit.conductor.ConductorWiring;
import io.ferrum.testkit.sim.Simulation;
import io.ferrum.testkit.sim.SimulationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/testkit.md, run as written. Each {@code tag::name[]} region below appears in
 * the guide word for word, as does the report text asserted here; {@link
 * #guide_quotesTheseRegionsExactly()} fails when they drift apart.
 */
class TestkitGuideTest {

  // tag::machine[]
  static final MachineDefinition ORDER =
      MachineDefinition.builder("order")
          .stableState("cart")
          .transientState("paying", "paid")
          .stableState("paid")
          .stableState("shipped")
          .stableState("cancelled")
          .initialState("cart")
          .transition("cart", "checkout", "paying")
          .transition("paying", "done", "paid")
          .transition("paying", "fail", "cart")
          .transition("paid", "ship", "shipped")
          .transition("paid", "cancel", "cancelled")
          .build();

  // end::machine[]

  @Test
  void orderMachine_finalStatesDeclared_passes() {
    // tag::check[]
    MachineCheck.of(ORDER).finalStates("shipped", "cancelled").run().assertPassed();
    // end::check[]
  }

  @Test
  void orderMachine_finalStatesForgotten_reportsDeadEnds() {
    // tag::report[]
    Report report = MachineCheck.of(ORDER).budget(new Budget(200, 30, 42)).run();
    System.out.println(report);
    // end::report[]

    assertThat(report.passed()).isFalse();
    assertThat(report.toString()).isEqualTo(REPORT);
  }

  /** What {@code orderMachine_finalStatesForgotten_reportsDeadEnds} prints. */
  static final String REPORT =
      """
      machine "order": 1 of 7 checks failed
        PASSED  every state is reachable: 5 states
        FAILED  no dead ends: stable state "shipped" is a dead end: no event leaves it, and it is \
      not declared final (sequence: checkout, done, ship); stable state "cancelled" is a dead end: \
      no event leaves it, and it is not declared final (sequence: checkout, done, cancel)
        PASSED  transient states have a way out: the table and 200 random walks of up to 30 events
        SKIPPED wait states have fail and abort edges: no wait states declared \
      (MachineCheck.waitStates)
        PASSED  target rules: the table and 200 random walks of up to 30 events
        PASSED  transitions follow the table: 200 random walks of up to 30 events
        PASSED  refused events change nothing: 200 random walks of up to 30 events
        violation of "no dead ends" in state "shipped": stable state "shipped" is a dead end: no \
      event leaves it, and it is not declared final; sequence from the initial state: checkout, \
      done, ship
        violation of "no dead ends" in state "cancelled": stable state "cancelled" is a dead end: \
      no event leaves it, and it is not declared final; sequence from the initial state: \
      checkout, done, cancel
        replay with ferrum.testkit.seed=42 (e.g. mvn -Dferrum.testkit.seed=42)
      """;

  // tag::guarded[]
  /** A refund's context: whether a manager signed it off. */
  static final class Refund {
    boolean signedOff;
  }

  static final MachineDefinition REFUND =
      MachineDefinition.builder("refund", Refund.class)
          .stableState("requested")
          .transientState("paying out", "refunded")
          .stableState("refunded")
          .initialState("requested")
          .transition("requested", "sign off", "requested")
          .then(refund -> refund.signedOff = true)
          .transition("requested", "pay", "paying out")
          .transition("paying out", "done", "refunded")
          .when("signed off", refund -> refund.signedOff)
          .build();

  // end::guarded[]

  @Test
  void refundMachine_stuckBehindItsGuard_isFoundAndShrunk() {
    // tag::guardedCheck[]
    Report report = MachineCheck.of(REFUND).context(Refund::new).finalStates("refunded").run();
    Violation violation = report.violations().get(0);
    // violation.state() == "paying out", violation.events() == [pay]
    // end::guardedCheck[]

    assertThat(violation.state()).isEqualTo("paying out");
    assertThat(violation.events()).containsExactly("pay");
    assertThat(violation.toString()).isEqualTo(GUARDED);
  }

  /** What the refund check's violation says. */
  static final String GUARDED =
      "transient state \"paying out\" has no way out here: guards refuse every event that leaves"
          + " it [done]; sequence from the initial state: pay";

  @Test
  void provisionMachine_withWaitStates_passes() {
    // tag::ironic[]
    List<String> waitStates =
        ProvisionMachine.WAIT_STATES.stream().map(ProvisionState::value).toList();
    MachineCheck.of(ProvisionMachine.DEFINITION)
        .waitStates(waitStates, "fail", "abort")
        .run()
        .assertPassed();
    // end::ironic[]
  }

  @Test
  void orderMachine_drivenByOwnChoices_passes() {
    // tag::choices[]
    Random random = new Random(7); // or numbers generated by any property-testing engine
    for (int walk = 0; walk < 100; walk++) {
      List<Integer> numbers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        numbers.add(random.nextInt(1_000));
      }
      MachineCheck.of(ORDER)
          .finalStates("shipped", "cancelled")
          .run(Choices.of(numbers), numbers.size())
          .assertPassed();
    }
    // end::choices[]
  }

  // tag::driver[]
  /** Smart plugs that switch a machine's power; driver_info.plug_address names the plug. */
  static final class PlugHardware implements HardwareType, PowerInterface {
    private final Map<String, DriverPowerState> plugs = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return "plug";
    }

    @Override
    public PowerInterface power() {
      return this;
    }

    @Override
    public Map<String, String> driverProperties() {
      return Map.of("plug_address", "The plug's address. Required.");
    }

    @Override
    public void validate(DriverNode node) {
      node.requireInfo("plug_address");
    }

    @Override
    public DriverPowerState getPowerState(DriverNode node) {
      return plugs.getOrDefault(plug(node), DriverPowerState.POWER_OFF);
    }

    @Override
    public void setPowerState(
        DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
      plugs.put(plug(node), target);
    }

    @Override
    public void reboot(DriverNode node, boolean soft, Duration timeout) {
      plugs.put(plug(node), DriverPowerState.POWER_ON);
    }

    private String plug(DriverNode node) {
      String address = node.requireInfo("plug_address");
      if (address.startsWith("unplugged")) {
        throw new DriverException("plug " + address + " does not answer");
      }
      return address;
    }
  }

  // end::driver[]

  @Test
  void plugHardware_passesTheConformanceSuite() {
    // tag::conformance[]
    Report report =
        DriverConformance.of(new PlugHardware())
            .driverInfo(Map.of("plug_address", "plug-7"))
            .unreachable(Map.of("plug_address", "unplugged-1"))
            .callTimeout(Duration.ofSeconds(5))
            .run();
    report.assertPassed();
    // end::conformance[]

    assertThat(report.check(DriverConformance.BOOT_DEVICE).orElseThrow().message())
        .startsWith("no management interface");
  }

  @Test
  void conductor_defaults_passes() {
    // tag::conductor[]
    ConductorCheck.of(wiring -> wiring.builder().workers(4))
        .budget(new Budget(3, 40, 11))
        .run()
        .assertPassed();
    // end::conductor[]
  }

  @Test
  void conductor_withPlugHardware_passes() {
    // tag::conductorPlug[]
    ConductorCheck.of(ConductorWiring::builder)
        .hardwareType(
            PlugHardware::new, // a fresh one per run: the plugs keep state
            List.of(Map.of("plug_address", "plug-1"), Map.of("plug_address", "unplugged-2")))
        .budget(new Budget(3, 40, 12))
        .run()
        .assertPassed();
    // end::conductorPlug[]
  }

  @Test
  void conductor_sinkThatLosesAnEnd_fails() {
    // tag::conductorBug[]
    Report report =
        ConductorCheck.of(
                wiring -> {
                  NotificationSink checked = wiring.notificationSink();
                  AtomicBoolean lostOne = new AtomicBoolean();
                  return wiring
                      .builder()
                      .notificationSink(
                          n -> {
                            if (n.eventType().endsWith("provision_set.end")
                                && lostOne.compareAndSet(false, true)) {
                              return; // the bug: the first end of a change is lost
                            }
                            checked.emit(n);
                          });
                })
            .faults(false)
            .budget(new Budget(5, 30, 42))
            .run();
    System.out.println(report);
    // end::conductorBug[]

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .contains("every start has its end or error");
    assertThat(report.toString()).contains("replay with -Dferrum.testkit.seed=42 (run ");
  }

  @Test
  void conductorSimulation_passesAndReplays() {
    // tag::simulation[]
    try (Simulation simulation =
        Simulation.builder(FakeHardware::new).conductors(3).nodes(6).steps(50).build()) {
      SimulationResult result = simulation.search(1, 5); // seeds 1 to 5
      assertThat(result.passed()).as(result.report()).isTrue();
      // The same seed runs the same interleaving to the same end.
      assertThat(simulation.run(3).trace()).isEqualTo(simulation.run(3).trace());
    }
    // end::simulation[]
  }

  @Test
  void simulation_withPlugHardware_passes() {
    // tag::simulationPlug[]
    try (Simulation simulation =
        Simulation.builder(PlugHardware::new) // a fresh one per run: the plugs keep state
            .driverInfo(Map.of("plug_address", "plug-1"))
            .driverInfo(Map.of("plug_address", "plug-2"))
            .build()) {
      SimulationResult result = simulation.search(1, 5);
      assertThat(result.passed()).as(result.report()).isTrue();
    }
    // end::simulationPlug[]
  }

  // The guide's smart plugs keep each plug's power: what the simulation section says of them.

  private final List<Simulation> simulations = new ArrayList<>();

  private Simulation simulation(Simulation.Builder builder) {
    Simulation simulation = builder.build();
    simulations.add(simulation);
    return simulation;
  }

  @AfterEach
  void closeSimulations() {
    simulations.forEach(Simulation::close);
  }

  private static Simulation.Builder plugs(Simulation.Builder builder) {
    return builder
        .conductors(3)
        .nodes(6)
        .steps(50)
        .driverInfo(Map.of("plug_address", "plug-a"))
        .driverInfo(Map.of("plug_address", "plug-b"));
  }

  @Test
  void aStatefulHardwareTypeFromASupplier_replaysASeedExactlyAfterASearch() {
    SimulationResult fresh = simulation(plugs(Simulation.builder(PlugHardware::new))).run(8);
    Simulation searched = simulation(plugs(Simulation.builder(PlugHardware::new)));
    searched.search(1, 7);
    SimulationResult replayed = searched.run(8);

    assertThat(replayed.trace()).isEqualTo(fresh.trace());
    assertThat(replayed.violation()).isEqualTo(fresh.violation());
    // The one instance of builder(HardwareType) carries the plugs' power from run to run: the
    // same replay then differs, as builder(HardwareType) documents.
    PlugHardware shared = new PlugHardware();
    Simulation reused = simulation(plugs(Simulation.builder(shared)));
    reused.search(1, 7);
    assertThat(reused.run(8).trace()).isNotEqualTo(fresh.trace());
  }

  @Test
  void aHardwareTypeThatRefusesEveryDriverInfo_isRefusedAtBuild() {
    // The default driver_info is empty, which the plugs refuse.
    assertThatThrownBy(() -> Simulation.builder(PlugHardware::new).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hardware type \"plug\" refuses every driver_info given")
        .hasMessageContaining("driver_info {}: driver_info is missing \"plug_address\"")
        .hasMessageContaining("Simulation.Builder.driverInfo(...)");
    assertThatThrownBy(
            () ->
                Simulation.builder(new PlugHardware())
                    .driverInfo(Map.of("address", "plug-a"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("driver_info {address=plug-a}: driver_info is missing");
    // One accepted driver_info among refused ones is enough.
    simulation(
        Simulation.builder(PlugHardware::new)
            .driverInfo(Map.of())
            .driverInfo(Map.of("plug_address", "plug-a")));
  }

  @Test
  void guide_quotesTheseRegionsExactly() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/ferrum/testkit/guide/TestkitGuideTest.java"),
            StandardCharsets.UTF_8);
    String guide = Files.readString(Path.of("../docs/testkit.md"), StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL)
            .matcher(source);
    List<String> tags = new ArrayList<>();
    while (region.find()) {
      tags.add(region.group(1));
      assertThat(guide).as("region %s", region.group(1)).contains(dedent(region.group(2)));
    }
    assertThat(tags)
        .containsExactly(
            "machine",
            "check",
            "report",
            "guarded",
            "guardedCheck",
            "ironic",
            "choices",
            "driver",
            "conformance",
            "conductor",
            "conductorPlug",
            "conductorBug",
            "simulation",
            "simulationPlug");
    assertThat(guide).as("the report").contains(REPORT);
    assertThat(guide).as("the refund's violation").contains(GUARDED);
  }

  private static String dedent(String text) {
    List<String> lines = text.lines().toList();
    int indent =
        lines.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return String.join(
        "\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
  }
}
