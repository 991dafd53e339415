package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferrum.conductor.AgentLookup;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.conductor.PortSpec;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ipmi} node with the agent-based interfaces ({@code ipxe}, {@code direct}) through its
 * whole life on a real conductor: an {@code ipmi_sim} BMC for power and boot devices, and a
 * simulated deploy ramdisk agent that looks the node up, heartbeats and runs the commands the
 * conductor sends, as Ironic's agent does.
 */
class IpmiAgentLifecycleTest {

  private static final String MAC = "52:54:00:aa:bb:01";
  private static final String IMAGE = "https://images.example/disk.raw";
  private static final String SHA256 = "a".repeat(64);

  @TempDir Path dir;

  private IpmiSim sim;
  private ConnectionPool pool;
  private Conductor conductor;
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    sim = IpmiSim.startOrSkip(dir.resolve("bmc"));
    agent = new Agent();
    pool =
        Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 8);
    conductor = newConductor();
  }

  private Conductor newConductor() {
    return Conductor.builder()
        .dataSource(pool)
        .name("agent-test")
        .workerPool(new SynchronousWorkerPool())
        .notificationSink(NotificationSink.none())
        .driverSetting("bmc-allowed-networks", "127.0.0.1/32")
        .driverSetting("ipmi-min-command-interval", "0")
        .driverSetting("agent-allowed-networks", "127.0.0.1/32")
        .driverSetting("httpboot-dir", dir.resolve("httpboot").toString())
        .driverSetting("agent-api-url", "http://192.0.2.1:6385")
        .driverSetting("image-allowed-url-schemes", "https")
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (conductor != null) {
      conductor.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void enrolledNode_isCleanedDeployedAndUndeployed_throughItsAgent() throws Exception {
    String uuid = enrolled();

    Node node = await(conductor.provision(uuid, ProvisionRequest.of("manage")));
    assertThat(node.provisionState()).isEqualTo("manageable");

    // provide: automated cleaning boots the ramdisk from the network and waits for its agent.
    node = await(conductor.provision(uuid, ProvisionRequest.of("provide")));
    assertThat(node.provisionState()).isEqualTo("clean wait");
    assertThat(sim.poweredOn()).isTrue();
    assertThat(node.powerState()).as("read when the wait began").isEqualTo("power on");
    assertThat(sim.bootDevice()).isEqualTo("pxe");
    Path script = dir.resolve("httpboot/pxelinux.cfg/52-54-00-aa-bb-01");
    assertThat(script).content().contains("https://images.example/ipa.kernel");

    String token = agent.boots(uuid);
    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("clean wait");
    assertThat(agent.commands())
        .extracting(c -> c.get("command_name"))
        .containsExactly("execute_clean_step");
    agent.finishAll();
    agent.heartbeat(uuid, token);

    node = conductor.getNode(uuid);
    assertThat(node.provisionState()).as(node.lastError()).isEqualTo("available");
    assertThat(node.driverInternalInfo()).doesNotContainKeys("agent_url", "agent_secret_token");
    assertThat(script).doesNotExist();

    // deploy: the ramdisk again, then the image written by the agent, then the disk.
    conductor.updateNode(
        uuid,
        List.of(
            PatchOperation.add("/instance_info/image_source", IMAGE),
            PatchOperation.add("/instance_info/image_checksum", SHA256)));
    node = await(conductor.provision(uuid, ProvisionRequest.of("active")));
    assertThat(node.provisionState()).isEqualTo("wait call-back");
    assertThat(sim.bootDevice()).isEqualTo("pxe");

    String second = agent.boots(uuid);
    assertThat(second).as("a new ramdisk run gets a new token").isNotEqualTo(token);
    Map<String, Object> prepare = agent.commands().get(agent.commands().size() - 1);
    assertThat(prepare.get("command_name")).isEqualTo("prepare_image");
    assertThat(prepare.get("command_params").toString()).contains(IMAGE).contains(SHA256);
    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("wait call-back");

    agent.heartbeat(uuid, second);
    assertThat(conductor.getNode(uuid).provisionState())
        .as("the image is still being written")
        .isEqualTo("wait call-back");
    agent.finishAll();
    agent.heartbeat(uuid, second);

    node = conductor.getNode(uuid);
    assertThat(node.provisionState()).as(node.lastError()).isEqualTo("active");
    assertThat(node.powerState()).isEqualTo("power on");
    assertThat(sim.poweredOn()).isTrue();
    assertThat(sim.bootDevice()).as("the simulator's name for the hard disk").isEqualTo("default");
    assertThat(conductor.management().bootDevice(uuid).bootDevice()).isEqualTo("disk");
    assertThat(node.driverInternalInfo()).doesNotContainKeys("agent_url", "agent_secret_token");

    // A stale agent of the finished run can no longer drive the node.
    assertThat(agent.tryHeartbeat(uuid, second)).contains("Invalid or missing agent token");

    // undeploy: cleaning through a fresh agent, back to available.
    node = await(conductor.provision(uuid, ProvisionRequest.of("deleted")));
    assertThat(node.provisionState()).isEqualTo("clean wait");
    String third = agent.boots(uuid);
    agent.finishAll();
    agent.heartbeat(uuid, third);
    node = conductor.getNode(uuid);
    assertThat(node.provisionState()).as(node.lastError()).isEqualTo("available");
    assertThat(node.reservation()).isNull();
  }

  @Test
  void aFailedImageWrite_failsTheDeploy_withTheAgentsError_andLeavesNoLock() throws Exception {
    String uuid = enrolled();
    await(conductor.provision(uuid, ProvisionRequest.of("manage")));
    await(conductor.provision(uuid, ProvisionRequest.of("provide")));
    String cleaning = agent.boots(uuid);
    agent.finishAll();
    agent.heartbeat(uuid, cleaning);
    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("available");
    conductor.updateNode(
        uuid,
        List.of(
            PatchOperation.add("/instance_info/image_source", IMAGE),
            PatchOperation.add("/instance_info/image_checksum", SHA256)));

    await(conductor.provision(uuid, ProvisionRequest.of("active")));
    String run = agent.boots(uuid);
    agent.fail("Image checksum mismatch");
    agent.heartbeat(uuid, run);

    Node node = conductor.getNode(uuid);
    assertThat(node.provisionState()).isEqualTo("deploy failed");
    assertThat(node.lastError()).contains("Image checksum mismatch");
    assertThat(node.reservation()).isNull();
    assertThat(node.driverInternalInfo()).doesNotContainKeys("agent_url", "agent_secret_token");
  }

  @Test
  void aManualCleaning_goesOnAcrossAConductorRestart_withTheStepsItWasAsked() throws Exception {
    String uuid = enrolled();
    await(conductor.provision(uuid, ProvisionRequest.of("manage")));
    List<io.ferrum.driver.Step> steps =
        List.of(
            new io.ferrum.driver.Step("raid", "delete_configuration", Map.of()),
            new io.ferrum.driver.Step("deploy", "erase_devices", Map.of("zap", true)));
    Node node = await(conductor.provision(uuid, ProvisionRequest.clean(steps)));
    assertThat(node.provisionState()).isEqualTo("clean wait");
    assertThat(node.driverInternalInfo()).containsKey("clean_steps");

    // The conductor stops while the ramdisk boots; a new one (same database) carries on.
    conductor.close();
    conductor = newConductor();
    String token = agent.boots(uuid);
    assertThat(agent.commands())
        .extracting(c -> c.get("command_params").toString())
        .singleElement()
        .asString()
        .contains("delete_configuration");
    agent.finishAll();
    agent.heartbeat(uuid, token);
    assertThat(agent.commands()).hasSize(2);
    assertThat(agent.commands().get(1).get("command_params").toString())
        .contains("erase_devices")
        .contains("zap");
    agent.finishAll();
    agent.heartbeat(uuid, token);

    node = conductor.getNode(uuid);
    assertThat(node.provisionState()).as(node.lastError()).isEqualTo("manageable");
    assertThat(node.driverInternalInfo())
        .doesNotContainKeys("clean_steps", "agent_url", "agent_secret_token");
    assertThat(node.reservation()).isNull();
  }

  /** An enrolled ipmi node on the simulator, with a port and the agent-based interfaces. */
  private String enrolled() {
    Map<String, Object> info = new HashMap<>(sim.driverInfo());
    info.put("deploy_kernel", "https://images.example/ipa.kernel");
    info.put("deploy_ramdisk", "https://images.example/ipa.initramfs");
    Node node = conductor.createNode(NodeSpec.of("ipmi", info));
    conductor.ports().create(PortSpec.of(MAC, node.uuid()));
    conductor.updateNode(
        node.uuid(),
        List.of(
            PatchOperation.add("/boot_interface", "ipxe"),
            PatchOperation.add("/deploy_interface", "direct")));
    return node.uuid();
  }

  private static Node await(io.ferrum.conductor.ActionHandle handle) throws Exception {
    return handle.await(Duration.ofMinutes(1));
  }

  /**
   * A deploy ramdisk's agent: it looks its node up by MAC (getting the run's token), heartbeats
   * with the address it listens on, and keeps the commands the conductor sends, each RUNNING until
   * the test ends it.
   */
  private final class Agent implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final HttpServer server;
    private final List<Map<String, Object>> commands = new ArrayList<>();
    private volatile String token;

    Agent() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.setExecutor(executor);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The ramdisk comes up (a new run, with no commands yet): lookup, then the first heartbeat;
     * returns the run's token.
     */
    String boots(String uuid) {
      synchronized (this) {
        commands.clear();
      }
      AgentLookup found = conductor.lookup(List.of(MAC), null);
      assertThat(found.uuid()).isEqualTo(uuid);
      token = found.agentToken();
      assertThat(token).isNotEqualTo("******");
      heartbeat(uuid, token);
      return token;
    }

    void heartbeat(String uuid, String with) {
      io.ferrum.conductor.ActionHandle handle =
          conductor.agentHeartbeat(uuid, url(), with, "9.0.0");
      if (handle != null) {
        try {
          handle.await(Duration.ofMinutes(1));
        } catch (Exception e) {
          // The node's failure is what the test reads.
        }
      }
    }

    String tryHeartbeat(String uuid, String with) {
      try {
        conductor.agentHeartbeat(uuid, url(), with, "9.0.0");
        return "accepted";
      } catch (RuntimeException e) {
        return e.getMessage();
      }
    }

    synchronized List<Map<String, Object>> commands() {
      return List.copyOf(commands);
    }

    synchronized void finishAll() {
      for (Map<String, Object> command : commands) {
        command.put("command_status", "SUCCEEDED");
      }
    }

    synchronized void fail(String error) {
      Map<String, Object> last = commands.get(commands.size() - 1);
      last.put("command_status", "FAILED");
      last.put("command_error", Map.of("type", "ImageChecksumError", "message", error));
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || token == null || !query.contains("agent_token=" + token)) {
          send(exchange, 401, Map.of("faultstring", "bad agent_token"));
          return;
        }
        if (exchange.getRequestMethod().equals("POST")) {
          JsonNode body = json.readTree(exchange.getRequestBody());
          String name = body.path("name").asText();
          Map<String, Object> command = new LinkedHashMap<>();
          synchronized (this) {
            command.put("id", "cmd-" + commands.size());
            command.put("command_name", name.substring(name.indexOf('.') + 1));
            command.put("command_params", body.path("params"));
            command.put("command_status", "RUNNING");
            command.put("command_error", null);
            command.put("command_result", null);
            commands.add(command);
            send(exchange, 200, command);
          }
        } else {
          synchronized (this) {
            send(exchange, 200, Map.of("commands", commands));
          }
        }
      }
    }

    private void send(HttpExchange exchange, int status, Object value) throws IOException {
      byte[] body = json.writeValueAsBytes(value);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
