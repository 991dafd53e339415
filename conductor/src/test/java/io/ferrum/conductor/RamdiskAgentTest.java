package io.ferrum.conductor;

import static io.ferrum.conductor.testing.ConductorEnv.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import io.ferrum.driver.DriverNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A deploy ramdisk's agent: lookup, token, heartbeats that continue nodes, and forgetting. */
class RamdiskAgentTest {

  private static final String MAC = "52:54:00:aa:bb:01";
  private static final String AGENT = "http://192.0.2.10:9999";

  private static Conductor agents(ConductorEnv env) {
    return env.newConductor(
        "agents", 4, b -> b.driverSetting("agent-allowed-networks", "192.0.2.0/24"));
  }

  /** A node waiting in wait call-back for its agent, with a port. */
  private static Node waiting(ConductorEnv env, Conductor conductor, String mac) {
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    conductor.ports().create(PortSpec.of(mac, node.uuid()));
    Node wait = finish(conductor.provision(node.uuid(), ProvisionRequest.of("active")));
    assertThat(wait.provisionState()).isEqualTo("wait call-back");
    return wait;
  }

  private static Object internal(Conductor conductor, Node node, String key) {
    return conductor.getNode(node.uuid()).driverInternalInfo().get(key);
  }

  @ConductorTest
  void lookupByMac_issuesTheTokenOnce_laterLookupsSeeItMasked(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);

    AgentLookup first =
        conductor.lookup(List.of("not-a-mac", "52-54-00-AA-BB-01", "52:54:00:ff:ff:ff"), null);

    assertThat(first.uuid()).isEqualTo(node.uuid());
    assertThat(first.tokenIssued()).isTrue();
    assertThat(first.agentToken()).hasSizeGreaterThanOrEqualTo(43).matches("[A-Za-z0-9_-]+");
    assertThat(first.driverInternalInfo()).containsEntry("agent_secret_token", Secrets.MASK);
    assertThat(first.heartbeatTimeoutSeconds()).isPositive();
    assertThat(internal(conductor, node, "agent_secret_token")).isEqualTo(first.agentToken());
    assertThat(conductor.getNode(node.uuid()).reservation()).isNull();

    AgentLookup again = conductor.lookup(List.of(MAC), null);
    assertThat(again.agentToken()).isEqualTo(Secrets.MASK);
    assertThat(again.tokenIssued()).isFalse();
    assertThat(internal(conductor, node, "agent_secret_token"))
        .as("the token the first lookup gave stays")
        .isEqualTo(first.agentToken());
  }

  @ConductorTest
  void lookupByUuid_mustAgreeWithTheAddresses(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    Node other = waiting(env, conductor, "52:54:00:aa:bb:02");

    assertThat(conductor.lookup(null, node.uuid().toUpperCase()).uuid()).isEqualTo(node.uuid());
    assertThat(conductor.lookup(List.of(MAC, "52:54:00:00:00:99"), node.uuid()).uuid())
        .isEqualTo(node.uuid());
    assertThatThrownBy(() -> conductor.lookup(List.of("52:54:00:aa:bb:02"), node.uuid()))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Resource could not be found.");
    assertThatThrownBy(() -> conductor.lookup(List.of(MAC, "52:54:00:aa:bb:02"), null))
        .as("addresses of two nodes")
        .isInstanceOf(NodeNotFoundException.class);
    assertThat(internal(conductor, other, "agent_secret_token")).isNull();
  }

  @ConductorTest
  void lookup_findsNoNodeWhereNoAgentIsExpected_andNeedsAnAddressOrUuid(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = env.nodeIn("available", Map.of());
    conductor.ports().create(PortSpec.of(MAC, node.uuid()));

    assertThatThrownBy(() -> conductor.lookup(List.of(MAC), null))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Resource could not be found.");
    assertThatThrownBy(() -> conductor.lookup(null, node.uuid()))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Resource could not be found.");
    assertThatThrownBy(() -> conductor.lookup(List.of("junk", ""), null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("At least one of 'addresses' and 'node_uuid' parameters is required");
    assertThatThrownBy(() -> conductor.lookup(null, "not-a-uuid"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("node_uuid");
    String[] many = new String[RamdiskAgents.MAX_ADDRESSES + 1];
    Arrays.fill(many, MAC);
    assertThatThrownBy(() -> conductor.lookup(List.of(many), null))
        .isInstanceOf(InvalidParameterException.class);
    assertThat(internal(conductor, node, "agent_secret_token")).isNull();
  }

  @ConductorTest
  void heartbeat_continuesTheWaitingDeploy_andActiveForgetsTheAgent(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    String token = conductor.lookup(List.of(MAC), null).agentToken();

    ActionHandle handle =
        conductor.agentHeartbeat(node.uuid(), "http://192.0.2.10:9999/", token, "10.1.0");

    assertThat(handle).isNotNull();
    Node done = finish(handle);
    assertThat(done.provisionState()).isEqualTo("active");
    assertThat(env.notifications().forNode(node.uuid()).toString()).doesNotContain(token);
    assertThat(conductor.history(node.uuid()).toString()).doesNotContain(token);
    Map<String, Object> internal = conductor.getNode(node.uuid()).driverInternalInfo();
    assertThat(internal)
        .doesNotContainKeys(
            "agent_url", "agent_secret_token", "agent_version", "agent_last_heartbeat");
    assertThat(
            conductor.history(node.uuid()).stream()
                .anyMatch(
                    e -> "wait call-back".equals(e.fromState()) && "resume".equals(e.event())))
        .isTrue();
    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, token, "10.1.0"))
        .as("the old ramdisk's token no longer counts")
        .isInstanceOf(InvalidAgentTokenException.class);
  }

  @ConductorTest
  void heartbeat_inMaintenance_isRecordedButDoesNotContinue(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    String token = conductor.lookup(List.of(MAC), node.uuid()).agentToken();
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE nodes SET maintenance = TRUE WHERE uuid = :u")
                    .bind("u", node.uuid())
                    .execute());

    assertThat(conductor.agentHeartbeat(node.uuid(), AGENT, token, null)).isNull();

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("wait call-back");
    assertThat(after.driverInternalInfo())
        .containsEntry("agent_url", AGENT)
        .containsKey("agent_last_heartbeat")
        .doesNotContainKey("agent_version");
    assertThat(after.reservation()).isNull();
  }

  @ConductorTest
  void heartbeat_refusesAWrongOrMissingToken_andAnAgentOutsideTheAllowlist(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, "anything", null))
        .as("no token issued yet")
        .isInstanceOf(InvalidAgentTokenException.class);
    String token = conductor.lookup(List.of(MAC), null).agentToken();

    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, token + "x", null))
        .isInstanceOf(InvalidAgentTokenException.class)
        .hasMessage("Invalid or missing agent token received.")
        .satisfies(e -> assertThat(((FerrumException) e).kind()).isEqualTo(ErrorKind.UNAUTHORIZED));
    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, null, null))
        .isInstanceOf(InvalidAgentTokenException.class);
    assertThatThrownBy(
            () -> conductor.agentHeartbeat(node.uuid(), "http://198.51.100.7:9999", token, null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("agent-allowed-networks");
    assertThatThrownBy(
            () -> conductor.agentHeartbeat(node.uuid(), "http://192.0.2.10:9999/x?y", token, null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("callback_url");
    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, token, "1\n2"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("agent_version");
    assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, token, "x".repeat(65)))
        .isInstanceOf(InvalidParameterException.class);

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("wait call-back");
    assertThat(after.driverInternalInfo()).doesNotContainKeys("agent_url", "agent_last_heartbeat");
  }

  @ConductorTest
  void heartbeat_ofALockedNode_isRefusedWithNothingWritten(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    String token = conductor.lookup(List.of(MAC), null).agentToken();

    try (Task held = conductor.tasks().acquire(node.uuid(), "test holds", LockMode.EXCLUSIVE)) {
      assertThatThrownBy(() -> conductor.agentHeartbeat(node.uuid(), AGENT, token, null))
          .isInstanceOf(NodeLockedException.class);
    }

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("wait call-back");
    assertThat(after.driverInternalInfo()).doesNotContainKey("agent_url");
    Node done = finish(conductor.agentHeartbeat(node.uuid(), AGENT, token, null));
    assertThat(done.provisionState()).as("the next heartbeat goes through").isEqualTo("active");
  }

  @ConductorTest
  void heartbeat_fromAnAgentThatMoved_isRefused(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = env.nodeIn("available", Map.of("fake_wait", "deploy.deploy"));
    conductor.ports().create(PortSpec.of(MAC, node.uuid()));
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("active")));
    String token = conductor.lookup(List.of(MAC), null).agentToken();
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE nodes SET maintenance = TRUE WHERE uuid = :u")
                    .bind("u", node.uuid())
                    .execute());
    conductor.agentHeartbeat(node.uuid(), AGENT, token, null);

    assertThatThrownBy(
            () -> conductor.agentHeartbeat(node.uuid(), "http://192.0.2.11:9999", token, null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Detected change in ramdisk provided \"callback_url\"");
    assertThat(internal(conductor, node, "agent_url")).isEqualTo(AGENT);
  }

  @ConductorTest
  void heartbeat_inAStateWithoutAnAgent_isIgnored(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    String token = conductor.lookup(List.of(MAC), null).agentToken();
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE nodes SET provision_state = 'deploy hold' WHERE uuid = :u")
                    .bind("u", node.uuid())
                    .execute());

    assertThat(conductor.agentHeartbeat(node.uuid(), AGENT, token, "10.1.0")).isNull();

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("deploy hold");
    assertThat(after.driverInternalInfo())
        .containsEntry("agent_secret_token", token)
        .doesNotContainKeys("agent_url", "agent_version", "agent_last_heartbeat");
    // Put back the state the node's history records, which the matrix checks after each test.
    env.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE nodes SET provision_state = 'wait call-back' WHERE uuid = :u")
                    .bind("u", node.uuid())
                    .execute());
  }

  @ConductorTest
  void abortingTheWait_forgetsTheAgent(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    conductor.lookup(List.of(MAC), null);

    Node failed = finish(conductor.provision(node.uuid(), ProvisionRequest.of("abort")));

    assertThat(failed.provisionState()).isEqualTo("deploy failed");
    assertThat(conductor.getNode(node.uuid()).driverInternalInfo())
        .doesNotContainKey("agent_secret_token");
  }

  /** fake-hardware under another name, remembering the node its deploy was continued with. */
  private static final class Watching implements io.ferrum.driver.HardwareType {
    final io.ferrum.driver.fake.FakeHardware fake = new io.ferrum.driver.fake.FakeHardware();
    final java.util.concurrent.atomic.AtomicReference<DriverNode> continued =
        new java.util.concurrent.atomic.AtomicReference<>();

    @Override
    public String name() {
      return "watching";
    }

    @Override
    public io.ferrum.driver.PowerInterface power() {
      return fake.power();
    }

    @Override
    public io.ferrum.driver.BootInterface boot() {
      return fake.boot();
    }

    @Override
    public io.ferrum.driver.CleanInterface clean() {
      return fake.clean();
    }

    @Override
    public io.ferrum.driver.DeployInterface deploy() {
      io.ferrum.driver.DeployInterface inner = fake.deploy();
      return new io.ferrum.driver.DeployInterface() {
        @Override
        public void validate(DriverNode node) {
          inner.validate(node);
        }

        @Override
        public io.ferrum.driver.StepOutcome deploy(DriverNode node) {
          return io.ferrum.driver.StepOutcome.WAIT;
        }

        @Override
        public io.ferrum.driver.StepOutcome continueDeploy(DriverNode node) {
          continued.set(node);
          return io.ferrum.driver.StepOutcome.DONE;
        }

        @Override
        public void tearDown(DriverNode node) {
          inner.tearDown(node);
        }
      };
    }
  }

  // The cell's own conductor does not know the "watching" type, so its periodic tasks stay off.
  @ConductorTest(periodicTasks = false)
  void continuedDeploy_seesWhereTheAgentListens(ConductorEnv env) {
    Watching watching = new Watching();
    Conductor conductor =
        env.newConductor(
            "agents",
            4,
            b -> b.hardwareType(watching).driverSetting("agent-allowed-networks", "192.0.2.0/24"));
    Node node = conductor.createNode(NodeSpec.of("watching", Map.of()));
    conductor.ports().create(PortSpec.of(MAC, node.uuid()));
    for (String verb : List.of("manage", "provide", "active")) {
      finish(conductor.provision(node.uuid(), ProvisionRequest.of(verb)));
    }
    String token = conductor.lookup(List.of(MAC), null).agentToken();

    finish(conductor.agentHeartbeat(node.uuid(), "http://192.0.2.10:9999/", token, "10.1.0"));

    DriverNode seen = watching.continued.get();
    assertThat(seen).isNotNull();
    assertThat(seen.driverInternalInfo())
        .containsEntry("agent_url", AGENT)
        .containsEntry("agent_version", "10.1.0")
        .containsEntry("agent_secret_token", token);
    assertThat(seen.macs()).containsExactly(MAC);
    assertThat(seen.chosen("deploy")).isEqualTo("watching");
    assertThat(conductor.getNode(node.uuid()).provisionState()).isEqualTo("active");
  }

  @ConductorTest
  void driverNode_carriesInternalInfoInterfacesAndPortMacs(ConductorEnv env) {
    Conductor conductor = agents(env);
    Node node = waiting(env, conductor, MAC);
    conductor.ports().create(PortSpec.of("52:54:00:AA:BB:0F", node.uuid()));
    conductor.lookup(List.of(MAC), null);

    try (Task task = conductor.tasks().acquire(node.uuid(), "read", LockMode.SHARED)) {
      DriverNode seen = task.driverNode();
      assertThat(seen.macs()).containsExactlyInAnyOrder(MAC, "52:54:00:aa:bb:0f");
      assertThat(seen.driverInternalInfo()).containsKey("agent_secret_token");
      assertThat(seen.chosen("deploy")).isNotNull();
      assertThat(seen.chosen("power")).isNotNull();
    }
  }
}
