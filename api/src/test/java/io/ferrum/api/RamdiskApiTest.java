package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.LockMode;
import io.ferrum.conductor.SynchronousWorkerPool;
import io.ferrum.conductor.Task;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/** The deploy ramdisk's endpoints: {@code GET /v1/lookup} and {@code POST /v1/heartbeat/{node}}. */
class RamdiskApiTest {

  private static final String MAC = "52:54:00:12:34:56";
  private static final String AGENT = "http://192.0.2.10:9999";

  private TestServer api;

  private void start(BasicAuth auth) throws Exception {
    TestServer.Options options = new TestServer.Options();
    options.workers = new SynchronousWorkerPool();
    options.auth = auth;
    options.conductor(b -> b.driverSetting("agent-allowed-networks", "192.0.2.0/24"));
    api = new TestServer(options);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** A fake-hardware node "n1" waiting in wait call-back, with a port; its UUID. */
  private String waitingNode() {
    var conductor = api.conductor();
    String uuid =
        conductor
            .createNode(
                io.ferrum.conductor.NodeSpec.of(
                    "fake-hardware", java.util.Map.of("fake_wait", "deploy.deploy")))
            .uuid();
    conductor.ports().create(io.ferrum.conductor.PortSpec.of(MAC, uuid));
    for (String verb : java.util.List.of("manage", "provide", "active")) {
      await(conductor.provision(uuid, io.ferrum.conductor.ProvisionRequest.of(verb)));
    }
    assertThat(conductor.getNode(uuid).provisionState()).isEqualTo("wait call-back");
    return uuid;
  }

  private static void await(io.ferrum.conductor.ActionHandle handle) {
    try {
      handle.await(java.time.Duration.ofSeconds(30));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Reply lookup(String query, String version) throws Exception {
    return api.call("GET", "/v1/lookup" + query, version, null);
  }

  private Reply heartbeat(String node, String version, String body) throws Exception {
    return api.call("POST", "/v1/heartbeat/" + node, version, body);
  }

  private static String beat(String url, String token) {
    return "{\"callback_url\": \"" + url + "\", \"agent_token\": \"" + token + "\"}";
  }

  @Test
  void lookup_answersIronicsShape_withTheTokenOnce() throws Exception {
    start(null);
    String uuid = waitingNode();

    Reply first = lookup("?addresses=" + MAC + ",junk", "1.22");

    assertThat(first.status()).as(first.raw().body()).isEqualTo(200);
    JsonNode node = first.body().get("node");
    assertThat(node.get("uuid").asText()).isEqualTo(uuid);
    assertThat(node.has("properties")).isTrue();
    assertThat(node.has("instance_info")).isTrue();
    assertThat(node.get("driver_internal_info").get("agent_secret_token").asText())
        .isEqualTo("******");
    assertThat(node.get("links").get(0).get("href").asText()).endsWith("/v1/nodes/" + uuid);
    JsonNode config = first.body().get("config");
    String token = config.get("agent_token").asText();
    assertThat(token).hasSizeGreaterThanOrEqualTo(43);
    assertThat(config.get("agent_token_required").asBoolean()).isTrue();
    assertThat(config.get("heartbeat_timeout").asInt()).isPositive();

    Reply second = lookup("?node_uuid=" + uuid, "1.78");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body().get("config").get("agent_token").asText()).isEqualTo("******");

    Reply show = api.call("GET", "/v1/nodes/" + uuid, "1.78", null);
    assertThat(show.body().get("driver_internal_info").get("agent_secret_token").asText())
        .isEqualTo("******");
    assertThat(show.raw().body()).doesNotContain(token);
    Reply list = api.call("GET", "/v1/nodes/detail", "1.78", null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.raw().body()).doesNotContain(token);
    Reply history = api.call("GET", "/v1/nodes/" + uuid + "/history", "1.78", null);
    assertThat(history.raw().body()).doesNotContain(token);
  }

  @Test
  void lookup_refusesOldVersionsUnknownParametersAndMissingAddresses() throws Exception {
    start(null);
    String uuid = waitingNode();

    assertThat(lookup("?addresses=" + MAC, "1.21").status()).isEqualTo(404);
    assertThat(lookup("?addresses=" + MAC, null).status()).isEqualTo(404);
    Reply unknown = lookup("?addresses=" + MAC + "&node=x", "1.78");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.fault()).contains("Unknown query parameter");
    Reply incomplete = lookup("?addresses=junk", "1.78");
    assertThat(incomplete.status()).isEqualTo(400);
    assertThat(incomplete.fault())
        .isEqualTo("At least one of 'addresses' and 'node_uuid' parameters is required");
    assertThat(lookup("?node_uuid=nope", "1.78").status()).isEqualTo(400);
    Reply missing = lookup("?addresses=52:54:00:00:00:01", "1.78");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.fault()).isEqualTo("Resource could not be found.");
    assertThat(api.call("POST", "/v1/lookup", "1.78", "{}").status()).isEqualTo(405);
    assertThat(api.conductor().getNode(uuid).driverInternalInfo()).isEmpty();
  }

  @Test
  void heartbeat_withTheToken_continuesTheDeploy() throws Exception {
    start(null);
    String uuid = waitingNode();
    String token =
        lookup("?addresses=" + MAC, "1.78").body().get("config").get("agent_token").asText();

    Reply accepted =
        heartbeat(
            uuid,
            "1.78",
            "{\"callback_url\": \""
                + AGENT
                + "\", \"agent_token\": \""
                + token
                + "\", \"agent_version\": \"10.1.0\", \"agent_status\": \"start\","
                + " \"agent_status_message\": \"ok\"}");

    assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
    assertThat(accepted.raw().body()).isEmpty();
    assertThat(api.conductor().getNode(uuid).provisionState()).isEqualTo("active");
    assertThat(api.conductor().getNode(uuid).driverInternalInfo()).isEmpty();
  }

  @Test
  void heartbeat_refusesBadTokensHostileFieldsAndLockedNodes() throws Exception {
    start(null);
    String uuid = waitingNode();
    String token =
        lookup("?addresses=" + MAC, "1.78").body().get("config").get("agent_token").asText();

    assertThat(heartbeat(uuid, "1.21", beat(AGENT, token)).status()).isEqualTo(404);
    Reply wrong = heartbeat(uuid, "1.78", beat(AGENT, "x" + token));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.fault()).isEqualTo("Invalid or missing agent token received.");
    assertThat(heartbeat(uuid, "1.78", "{\"callback_url\": \"" + AGENT + "\"}").status())
        .isEqualTo(401);
    Reply outside = heartbeat(uuid, "1.78", beat("http://198.51.100.1:9999", token));
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.fault()).contains("agent-allowed-networks");
    Reply extra =
        heartbeat(
            uuid,
            "1.78",
            "{\"callback_url\": \"" + AGENT + "\", \"agent_token\": \"" + token + "\", \"x\": 1}");
    assertThat(extra.status()).isEqualTo(400);
    assertThat(extra.fault()).contains("Unknown attribute");
    Reply oldVersion =
        heartbeat(
            uuid,
            "1.35",
            "{\"callback_url\": \""
                + AGENT
                + "\", \"agent_token\": \""
                + token
                + "\", \"agent_version\": \"1\"}");
    assertThat(oldVersion.status()).isEqualTo(400);
    Reply badStatus =
        heartbeat(
            uuid,
            "1.78",
            "{\"callback_url\": \""
                + AGENT
                + "\", \"agent_token\": \""
                + token
                + "\", \"agent_status\": \"sideways\"}");
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(heartbeat(uuid, "1.78", "{\"callback_url\": 5}").status()).isEqualTo(400);
    assertThat(heartbeat(uuid, "1.78", "[]").status()).isEqualTo(400);
    assertThat(heartbeat("nowhere", "1.78", beat(AGENT, token)).status()).isEqualTo(404);

    try (Task held = api.conductor().tasks().acquire(uuid, "test holds", LockMode.EXCLUSIVE)) {
      assertThat(heartbeat(uuid, "1.78", beat(AGENT, token)).status()).isEqualTo(409);
    }

    assertThat(api.conductor().getNode(uuid).provisionState()).isEqualTo("wait call-back");
    assertThat(api.conductor().getNode(uuid).driverInternalInfo()).doesNotContainKey("agent_url");
  }

  @Test
  void withBasicAuth_onlyTheRamdiskEndpointsAnswerWithoutCredentials() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("htpasswd", "");
    java.nio.file.Files.writeString(
        file, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)).replace("$2a$", "$2y$") + "\n");
    start(BasicAuth.load(file));
    String uuid = waitingNode();

    Reply found = lookup("?addresses=" + MAC, "1.78");
    assertThat(found.status()).isEqualTo(200);
    String token = found.body().get("config").get("agent_token").asText();
    assertThat(heartbeat(uuid, "1.78", beat(AGENT, "wrong")).status()).isEqualTo(401);
    assertThat(api.call("GET", "/v1/nodes/" + uuid, "1.78", null).status()).isEqualTo(401);
    assertThat(api.call("GET", "/v1/lookup/x", "1.78", null).status()).isEqualTo(401);
    assertThat(api.call("GET", "/v1/heartbeat/" + uuid, "1.78", null).status()).isEqualTo(401);
    assertThat(heartbeat(uuid, "1.78", beat(AGENT, token)).status()).isEqualTo(202);
    String good =
        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
    Reply show = api.call("GET", "/v1/nodes/" + uuid, "1.78", null, "application/json", good);
    assertThat(show.status()).isEqualTo(200);
    assertThat(show.body().get("provision_state").asText()).isEqualTo("active");
  }

  @Test
  void maintenance_canBeSetAndUnsetWhileTheNodeWaitsForItsAgent() throws Exception {
    start(null);
    String uuid = waitingNode();
    TestServer.Reply patch =
        api.call(
            "PATCH",
            "/v1/nodes/" + uuid,
            "1.78",
            "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]");
    assertThat(patch.status()).as("a patch still waits for the transition").isEqualTo(409);

    TestServer.Reply on =
        api.call(
            "PUT", "/v1/nodes/" + uuid + "/maintenance", "1.78", "{\"reason\": \"rack work\"}");

    assertThat(on.status()).as(on.raw().body()).isEqualTo(202);
    var node = api.conductor().getNode(uuid);
    assertThat(node.maintenance()).isTrue();
    assertThat(node.maintenanceReason()).isEqualTo("rack work");
    assertThat(node.provisionState()).isEqualTo("wait call-back");
    TestServer.Reply off = api.call("DELETE", "/v1/nodes/" + uuid + "/maintenance", "1.78", null);
    assertThat(off.status()).isEqualTo(202);
    assertThat(api.conductor().getNode(uuid).maintenance()).isFalse();
    assertThat(api.conductor().getNode(uuid).maintenanceReason()).isNull();
  }
}
