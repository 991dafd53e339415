package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.fake.FakeHardware;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A deploy or cleaning that ends badly (its work fails, its callback times out, it is aborted) has
 * the driver undo what it set up: {@code DeployInterface.cleanUp} after a deploy, {@code
 * CleanInterface.tearDownCleaning} after a cleaning. One that ends well does not.
 */
class RamdiskCleanupTest {

  @ConductorTest
  void aDeployWhoseWorkFails_isCleanedUp(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    String uuid = available(conductor, Map.of("deploy", "fail"));

    Throwable failure =
        ConductorEnv.failure(conductor.provision(uuid, ProvisionRequest.of("active")));

    assertThat(failure).hasMessageContaining("deploy failed on purpose");
    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("deploy failed");
    assertThat(type.undone).containsExactly("deploy.cleanUp " + uuid);
  }

  @ConductorTest
  void aCleaningWhoseWorkFails_isTornDown(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    Node node = conductor.createNode(NodeSpec.of("remembering", Map.of("clean", "fail")));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));

    ConductorEnv.failure(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));

    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("clean failed");
    assertThat(type.undone).containsExactly("clean.tearDownCleaning " + node.uuid());
  }

  @ConductorTest
  void abortingAWaitingCleaningOrDeploy_undoesIt(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    Node cleaning = conductor.createNode(NodeSpec.of("remembering", Map.of("clean", "wait")));
    finish(conductor.provision(cleaning.uuid(), ProvisionRequest.of("manage")));
    finish(conductor.provision(cleaning.uuid(), ProvisionRequest.of("provide")));
    assertThat(conductor.getNode(cleaning.uuid()).provisionState()).isEqualTo("clean wait");
    String deploying = available(conductor, Map.of("deploy", "wait"));
    finish(conductor.provision(deploying, ProvisionRequest.of("active")));
    assertThat(conductor.getNode(deploying).provisionState()).isEqualTo("wait call-back");

    finish(conductor.provision(cleaning.uuid(), ProvisionRequest.of("abort")));
    finish(conductor.provision(deploying, ProvisionRequest.of("abort")));

    assertThat(conductor.getNode(cleaning.uuid()).provisionState()).isEqualTo("clean failed");
    assertThat(conductor.getNode(deploying).provisionState()).isEqualTo("deploy failed");
    assertThat(type.undone)
        .containsExactly(
            "clean.tearDownCleaning " + cleaning.uuid(), "deploy.cleanUp " + deploying);
  }

  @ConductorTest
  void aCallbackTimeout_undoesTheDeploy_inAWorker(ConductorEnv env) throws Exception {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMillis(200));
    String uuid = available(conductor, Map.of("deploy", "wait"));
    finish(conductor.provision(uuid, ProvisionRequest.of("active")));

    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (type.undone.isEmpty() && System.nanoTime() < until) {
      conductor.checkTimeouts();
      Thread.sleep(50);
    }

    Node node = conductor.getNode(uuid);
    assertThat(node.provisionState()).isEqualTo("deploy failed");
    assertThat(node.lastError()).startsWith("Timeout reached while waiting for callback");
    assertThat(type.undone).containsExactly("deploy.cleanUp " + uuid);
    until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (conductor.getNode(uuid).reservation() != null && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(conductor.getNode(uuid).reservation()).isNull();
  }

  @ConductorTest
  void deploysAndCleaningsThatEndWell_undoNothing(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    String uuid = available(conductor, Map.of());
    finish(conductor.provision(uuid, ProvisionRequest.of("active")));
    finish(conductor.provision(uuid, ProvisionRequest.of("deleted")));

    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("available");
    assertThat(type.undone).isEmpty();
  }

  @ConductorTest
  void aCleanUpThatThrowsAnError_keepsTheDeploysReason_andLeavesNoLock(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    String uuid = available(conductor, Map.of("deploy", "fail", "undo", "error"));

    ConductorEnv.failure(conductor.provision(uuid, ProvisionRequest.of("active")));

    Node node = conductor.getNode(uuid);
    assertThat(node.provisionState()).isEqualTo("deploy failed");
    assertThat(node.lastError()).contains("deploy failed on purpose").doesNotContain("undo");
    assertThat(node.reservation()).isNull();
    assertThat(type.undone).containsExactly("deploy.cleanUp " + uuid);
  }

  @ConductorTest
  void theRecordOfCleanStepsFailsToWrite_theCleaningFailsUndone_andLeavesNoLock(ConductorEnv env) {
    Remembering type = new Remembering();
    Conductor conductor = conductor(env, type, Duration.ofMinutes(30));
    Node node = conductor.createNode(NodeSpec.of("remembering", Map.of("clean", "wait")));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));
    env.database(true)
        .fail(
            sql ->
                sql.startsWith("UPDATE nodes SET")
                    && sql.contains("driver_internal_info")
                    && !sql.contains("provision_state"),
            io.ferrum.faults.FaultyDataSource.When.BEFORE,
            1);

    ConductorEnv.failure(
        conductor.provision(
            node.uuid(),
            ProvisionRequest.clean(List.of(new Step("deploy", "erase_devices", Map.of())))));

    Node after = conductor.getNode(node.uuid());
    assertThat(env.database(true).injected()).isEqualTo(1);
    assertThat(after.provisionState()).isEqualTo("clean failed");
    assertThat(after.reservation()).isNull();
    assertThat(after.driverInternalInfo()).doesNotContainKey("clean_steps");
    assertThat(type.undone).containsExactly("clean.tearDownCleaning " + node.uuid());
  }

  private static Conductor conductor(ConductorEnv env, Remembering type, Duration callback) {
    return env.newConductor("undoing", 4, b -> b.hardwareType(type).callbackTimeout(callback));
  }

  private static String available(Conductor conductor, Map<String, Object> info) {
    Node node = conductor.createNode(NodeSpec.of("remembering", info));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("available");
    return node.uuid();
  }

  /**
   * Powers like the fake driver; deploys and cleans as {@code driver_info.deploy} and {@code clean}
   * say ({@code wait}, {@code fail}, else done); remembers every undo.
   */
  static final class Remembering implements HardwareType {
    final FakeHardware fake = new FakeHardware();
    final List<String> undone = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "remembering";
    }

    @Override
    public PowerInterface power() {
      return fake.power();
    }

    @Override
    public BootInterface boot() {
      return fake.boot();
    }

    @Override
    public DeployInterface deploy() {
      return new DeployInterface() {
        @Override
        public void validate(DriverNode node) {}

        @Override
        public StepOutcome deploy(DriverNode node) {
          return outcome(node, "deploy");
        }

        @Override
        public void tearDown(DriverNode node) {}

        @Override
        public void cleanUp(DriverNode node) {
          undone.add("deploy.cleanUp " + node.uuid());
          if ("error".equals(node.info("undo"))) {
            throw new LinkageError("undo hit an Error");
          }
        }
      };
    }

    @Override
    public CleanInterface clean() {
      return new CleanInterface() {
        @Override
        public void validate(DriverNode node) {}

        @Override
        public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
          return outcome(node, "clean");
        }

        @Override
        public void tearDownCleaning(DriverNode node) {
          undone.add("clean.tearDownCleaning " + node.uuid());
        }
      };
    }

    private static StepOutcome outcome(DriverNode node, String what) {
      String mode = node.info(what);
      if ("fail".equals(mode)) {
        throw new DriverException(what + " failed on purpose");
      }
      return "wait".equals(mode) ? StepOutcome.WAIT : StepOutcome.DONE;
    }
  }
}
