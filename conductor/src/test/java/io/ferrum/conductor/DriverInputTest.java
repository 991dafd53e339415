package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InspectInterface;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RescueInterface;
import io.ferrum.driver.fake.FakeHardware;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The conductor puts every node it creates or updates through its hardware type's input check (the
 * operator's allowlists), and validate reports a refusal on every interface.
 */
class DriverInputTest {

  /** The fake driver, plus an allowlist: {@code driver_info.target} must start with its prefix. */
  static final class GuardedHardware implements HardwareType {
    private final FakeHardware fake = new FakeHardware();
    final AtomicReference<DriverSettings> settings = new AtomicReference<>();
    private volatile String prefix = "/allowed/";

    @Override
    public String name() {
      return "guarded";
    }

    @Override
    public void configure(DriverSettings given) {
      settings.set(given);
      prefix = given.get("guarded-prefix", prefix);
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("guarded-prefix: \"" + prefix + "\" is not absolute");
      }
    }

    @Override
    public void checkInput(DriverNode node) {
      Object target = node.driverInfo().get("target");
      if (target != null && !target.toString().startsWith(prefix)) {
        throw InvalidDriverInfoException.notAllowed(
            "driver_info.target", target.toString(), "it is not under " + prefix);
      }
    }

    @Override
    public PowerInterface power() {
      return fake;
    }

    @Override
    public ManagementInterface management() {
      return fake;
    }

    @Override
    public DeployInterface deploy() {
      return fake;
    }

    @Override
    public BootInterface boot() {
      return fake;
    }

    @Override
    public InspectInterface inspect() {
      return fake;
    }

    @Override
    public CleanInterface clean() {
      return fake;
    }

    @Override
    public RescueInterface rescue() {
      return fake;
    }
  }

  private static Conductor guarded(ConductorEnv env, GuardedHardware hardware) {
    return env.newConductor("guarded-1", 4, b -> b.hardwareType(hardware));
  }

  @ConductorTest
  void create_refusedValue_is400WithTheDriversReason_andNothingIsStored(ConductorEnv env) {
    Conductor conductor = guarded(env, new GuardedHardware());

    assertThatThrownBy(
            () -> conductor.createNode(NodeSpec.of("guarded", Map.of("target", "/etc/shadow"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("driver_info.target \"/etc/shadow\" is not allowed: it is not under /allowed/")
        .hasCauseInstanceOf(InvalidDriverInfoException.class);
    assertThat(conductor.listNodes(NodeQuery.all()).nodes()).isEmpty();
    assertThat(conductor.createNode(NodeSpec.of("guarded", Map.of("target", "/allowed/x"))))
        .isNotNull();
  }

  @ConductorTest
  void update_refusedValueOrDriverChange_isRefused_andTheNodeIsUnchanged(ConductorEnv env) {
    Conductor conductor = guarded(env, new GuardedHardware());
    Node node = conductor.createNode(NodeSpec.of("guarded", Map.of("target", "/allowed/x")));
    Node fake =
        conductor.createNode(NodeSpec.of(FakeHardware.NAME, Map.of("target", "/etc/shadow")));

    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    node.uuid(), List.of(PatchOperation.replace("/driver_info/target", "/etc"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("is not allowed");
    assertThatThrownBy(
            () ->
                conductor.updateNode(
                    fake.uuid(), List.of(PatchOperation.replace("/driver", "guarded"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("\"/etc/shadow\" is not allowed");
    assertThat(conductor.getNode(node.uuid())).isEqualTo(node);
    assertThat(conductor.getNode(fake.uuid())).isEqualTo(fake);
  }

  @ConductorTest
  void validate_refusedStoredValue_failsEveryInterfaceWithTheReason(ConductorEnv env) {
    GuardedHardware lenient = new GuardedHardware();
    Conductor before =
        env.newConductor(
            "lenient", 4, b -> b.hardwareType(lenient).driverSetting("guarded-prefix", "/"));
    Node node = before.createNode(NodeSpec.of("guarded", Map.of("target", "/etc/shadow")));
    Conductor conductor = guarded(env, new GuardedHardware());

    Map<String, InterfaceValidation> results = conductor.validate(node.uuid());

    assertThat(results).hasSize(11);
    for (String driven : io.ferrum.driver.HardwareInterfaces.DRIVEN) {
      assertThat(results.get(driven).result()).as(driven).isFalse();
      assertThat(results.get(driven).reason()).as(driven).contains("it is not under /allowed/");
    }
  }

  @ConductorTest
  void builder_passesTheOperatorsSettings_andRefusesSettingsADriverCannotUse(ConductorEnv env) {
    GuardedHardware hardware = new GuardedHardware();
    env.newConductor(
        "configured",
        4,
        b ->
            b.hardwareType(hardware)
                .driverSetting("guarded-prefix", "/srv/")
                .driverSetting("x", "y"));

    assertThat(hardware.settings.get().names()).containsExactly("guarded-prefix", "x");
    assertThatThrownBy(
            () ->
                env.newConductor(
                    "misconfigured",
                    4,
                    b ->
                        b.hardwareType(new GuardedHardware())
                            .driverSetting("guarded-prefix", "srv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Hardware type \"guarded\": guarded-prefix: \"srv\" is not absolute");
  }
}
