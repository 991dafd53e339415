package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.PowerInterface;
import io.ferrum.fsm.ProvisionEvent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a developer embedding the conductor uses beside the verbs: listeners, typed requests, an
 * unchecked wait, a three-method hardware type, drivers from the thread's class loader.
 */
class EmbedderApiTest {

  /** A hardware type that only powers machines: name and power, nothing else written. */
  public static final class PowerOnly implements HardwareType, PowerInterface {
    private volatile DriverPowerState state = DriverPowerState.POWER_OFF;

    @Override
    public String name() {
      return "power-only";
    }

    @Override
    public PowerInterface power() {
      return this;
    }

    @Override
    public DriverPowerState getPowerState(DriverNode node) {
      return state;
    }

    @Override
    public void setPowerState(
        DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
      state = target;
    }

    @Override
    public void reboot(DriverNode node, boolean soft, Duration timeout) {
      state = DriverPowerState.POWER_ON;
    }
  }

  @ConductorTest
  void subscribe_filteredListenersHearTheirNotifications_untilClosed(ConductorEnv env)
      throws Exception {
    List<Notification> starts = new CopyOnWriteArrayList<>();
    List<Notification> all = new CopyOnWriteArrayList<>();
    Conductor conductor = env.conductor();
    AutoCloseable startsOnly =
        conductor.subscribe(n -> n.eventType().endsWith(".start"), starts::add);
    AutoCloseable everything = conductor.subscribe(n -> true, all::add);
    AutoCloseable broken =
        conductor.subscribe(
            n -> true,
            n -> {
              throw new IllegalStateException("a broken listener");
            });
    Node node = env.createNode(Map.of());

    ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));
    everything.close();
    ConductorEnv.finish(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));

    assertThat(starts)
        .extracting(Notification::eventType)
        .containsExactly(
            "baremetal.node.provision_set.start", "baremetal.node.provision_set.start");
    assertThat(all)
        .extracting(Notification::eventType)
        .containsExactly(
            "baremetal.node.create.end",
            "baremetal.node.provision_set.start",
            "baremetal.node.provision_set.end");
    startsOnly.close();
    broken.close();
  }

  @ConductorTest
  void powerNotifications_carryThePreviousState(ConductorEnv env) {
    Node node = env.nodeIn("manageable", Map.of());

    ConductorEnv.finish(env.conductor().power(node.uuid(), "power on", null));

    assertThat(env.notifications().forNode(node.uuid()))
        .filteredOn(n -> n.eventType().startsWith("baremetal.node.power_set."))
        .allSatisfy(
            n -> assertThat(n.payload()).containsEntry("previous_power_state", "power off"));
  }

  @Test
  void provisionRequest_typedEvents_andTyposCaughtAtOnce() {
    assertThat(ProvisionRequest.of(ProvisionEvent.DEPLOY).verb()).isEqualTo("deploy");
    assertThat(ProvisionRequest.of(ProvisionEvent.DELETE).verb()).isEqualTo("undeploy");
    assertThat(ProvisionRequest.of(ProvisionEvent.MANAGE).verb()).isEqualTo("manage");
    assertThatThrownBy(() -> ProvisionRequest.of("deplyo"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Unknown provision verb \"deplyo\"");
    assertThatThrownBy(() -> ProvisionRequest.of(ProvisionEvent.DONE))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("the conductor fires it itself");
  }

  @ConductorTest
  void join_returnsTheNode_orThrowsUnchecked(ConductorEnv env) {
    Node ok = env.nodeIn("available", Map.of());
    Node broken = env.nodeIn("available", Map.of("fake_fail", "deploy.deploy"));

    assertThat(
            env.conductor()
                .provision(ok.uuid(), ProvisionRequest.of(ProvisionEvent.DEPLOY))
                .join(Duration.ofSeconds(30))
                .provisionState())
        .isEqualTo("active");
    assertThatThrownBy(
            () ->
                env.conductor()
                    .provision(broken.uuid(), ProvisionRequest.of("deploy"))
                    .join(Duration.ofSeconds(30)))
        .isInstanceOf(WorkFailedException.class)
        .hasMessageContaining("fake deploy.deploy failed");
  }

  @ConductorTest
  void threeMethodHardwareType_managesAndPowers_refusesWhatItCannotDo(ConductorEnv env) {
    Conductor conductor =
        env.newConductor("power-only-conductor", 2, b -> b.hardwareType(new PowerOnly()));
    Node node = conductor.createNode(NodeSpec.of("power-only", Map.of()));

    assertThat(
            conductor
                .provision(node.uuid(), ProvisionRequest.of("manage"))
                .join(Duration.ofSeconds(30))
                .provisionState())
        .isEqualTo("manageable");
    assertThat(
            conductor
                .power(node.uuid(), "power on", null)
                .join(Duration.ofSeconds(30))
                .powerState())
        .isEqualTo("power on");
    assertThat(conductor.validate(node.uuid()).get("deploy").reason())
        .isEqualTo(
            "Hardware type power-only has no deploy interface (deploy.validate is not supported)");
    conductor.updateNode(node.uuid(), List.of(PatchOperation.replace("/maintenance", true)));
    conductor.deleteNode(node.uuid());
  }

  @ConductorTest
  void hardwareTypes_foundThroughTheThreadsContextClassLoader(ConductorEnv env, @TempDir Path dir)
      throws Exception {
    Path services = dir.resolve("META-INF/services/io.ferrum.driver.HardwareType");
    Files.createDirectories(services.getParent());
    Files.writeString(services, PowerOnly.class.getName() + "\n");
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader plugins =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Thread.currentThread().setContextClassLoader(plugins);
      Conductor conductor = env.newConductor("plugins", 2);
      assertThat(conductor.drivers()).contains("power-only", "fake-hardware");
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }
}
