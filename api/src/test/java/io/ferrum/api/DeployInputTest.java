package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a deploy brings with it ({@code PUT /v1/nodes/{node}/states/provision}, target {@code
 * active} or {@code rebuild}): a config drive, stored in {@code instance_info} and always masked;
 * deploy steps, checked as Ironic checks them and recorded; and the mistakes around both.
 */
class DeployInputTest extends SynchronousServerTest {

  @BeforeEach
  void createNode() throws Exception {
    node("d1");
  }

  private void node(String name) throws Exception {
    Reply created =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"name\": \"" + name + "\"}");
    assertThat(created.status()).isEqualTo(201);
    for (String verb : List.of("manage", "provide")) {
      assertThat(provision(name, "1.78", "{\"target\": \"" + verb + "\"}").status()).isEqualTo(202);
    }
  }

  private Reply provision(String node, String version, String body) throws Exception {
    return api.call("PUT", "/v1/nodes/" + node + "/states/provision", version, body);
  }

  private Node stored(String name) {
    return api.conductor.getNode(name);
  }

  private void assertClientError(Reply reply, int status, String fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.fault()).contains(fault);
  }

  @Test
  void deploy_withAConfigDriveString_storesItInInstanceInfo_maskedEverywhere() throws Exception {
    String drive = "H4sICDw0secret-config-drive-bytes";

    Reply deploy =
        provision("d1", "1.78", "{\"target\": \"active\", \"configdrive\": \"" + drive + "\"}");

    assertThat(deploy.status()).as(deploy.raw().body()).isEqualTo(202);
    assertThat(stored("d1").provisionState()).isEqualTo("active");
    assertThat(stored("d1").instanceInfo()).containsEntry("configdrive", drive);
    Reply shown = api.get("/v1/nodes/d1");
    assertThat(shown.body().get("instance_info").get("configdrive").asText()).isEqualTo("******");
    assertThat(api.get("/v1/nodes/detail").raw().body()).doesNotContain(drive);
    assertThat(api.get("/v1/nodes/d1/history/detail").raw().body()).doesNotContain(drive);
  }

  @Test
  void deploy_withAConfigDriveObject_andDeploySteps_recordsBoth_clearedAtUndeploy()
      throws Exception {
    Reply deploy =
        provision(
            "d1",
            "1.78",
            "{\"target\": \"active\", \"configdrive\": {\"meta_data\": {\"hostname\": \"h\"},"
                + " \"user_data\": \"#cloud-config\", \"vendor_data\": {}}, \"deploy_steps\":"
                + " [{\"interface\": \"deploy\", \"step\": \"write_image\", \"args\": {},"
                + " \"priority\": \"80\"}, {\"interface\": \"bios\", \"step\": \"apply\","
                + " \"args\": {\"settings\": [1]}, \"priority\": 0}]}");

    assertThat(deploy.status()).as(deploy.raw().body()).isEqualTo(202);
    Node node = stored("d1");
    assertThat(node.instanceInfo().get("configdrive"))
        .isEqualTo(
            Map.of(
                "meta_data", Map.of("hostname", "h"),
                "user_data", "#cloud-config",
                "vendor_data", Map.of()));
    assertThat(node.driverInternalInfo().get("user_deploy_steps"))
        .isEqualTo(
            List.of(
                Map.of(
                    "interface", "deploy", "step", "write_image", "args", Map.of(), "priority", 80),
                Map.of(
                    "interface",
                    "bios",
                    "step",
                    "apply",
                    "args",
                    Map.of("settings", List.of(1)),
                    "priority",
                    0)));
    JsonNode shown = api.get("/v1/nodes/d1").body();
    assertThat(shown.get("instance_info").get("configdrive").asText()).isEqualTo("******");
    assertThat(shown.get("driver_internal_info").get("user_deploy_steps")).hasSize(2);

    assertThat(provision("d1", "1.78", "{\"target\": \"deleted\"}").status()).isEqualTo(202);

    assertThat(stored("d1").instanceInfo()).doesNotContainKey("configdrive");
    assertThat(stored("d1").driverInternalInfo()).doesNotContainKey("user_deploy_steps");
  }

  @Test
  void rebuild_withAConfigDrive_replacesTheStoredOne() throws Exception {
    provision("d1", "1.78", "{\"target\": \"active\", \"configdrive\": \"first\"}");

    Reply rebuild =
        provision("d1", "1.78", "{\"target\": \"rebuild\", \"configdrive\": \"second\"}");

    assertThat(rebuild.status()).as(rebuild.raw().body()).isEqualTo(202);
    assertThat(stored("d1").instanceInfo()).containsEntry("configdrive", "second");
  }

  @Test
  void configDriveAndDeploySteps_mistakes_areClientErrors_andChangeNothing() throws Exception {
    String before = stored("d1").toString() + stored("d1").instanceInfo();
    String step = "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}, \"priority\": 1}";

    assertClientError(
        provision("d1", "1.78", "{\"target\": \"manage\", \"configdrive\": \"x\"}"),
        400,
        "Adding a config drive is only supported when setting provision state to active");
    assertClientError(
        provision("d1", "1.34", "{\"target\": \"rebuild\", \"configdrive\": \"x\"}"),
        400,
        "only supported when setting provision state to active");
    assertClientError(
        provision("d1", "1.55", "{\"target\": \"active\", \"configdrive\": {\"meta_data\": {}}}"),
        400,
        "only supported from API version 1.56");
    assertClientError(
        provision("d1", "1.58", "{\"target\": \"active\", \"configdrive\": {\"vendor_data\": {}}}"),
        400,
        "vendor_data is only supported from API version 1.59");
    assertClientError(
        provision("d1", "1.78", "{\"target\": \"active\", \"configdrive\": {\"bogus\": {}}}"),
        400,
        "unknown key \"bogus\"");
    assertClientError(
        provision("d1", "1.78", "{\"target\": \"active\", \"configdrive\": [1]}"),
        400,
        "Invalid configdrive format");
    assertClientError(
        provision("d1", "1.78", "{\"target\": \"active\", \"configdrive\": {\"meta_data\": 1}}"),
        400,
        "meta_data must be an object");
    assertClientError(
        provision("d1", "1.68", "{\"target\": \"active\", \"deploy_steps\": [" + step + "]}"),
        406,
        "deploy_steps");
    assertClientError(
        provision("d1", "1.78", "{\"target\": \"manage\", \"deploy_steps\": [" + step + "]}"),
        400,
        "only valid when setting target provision state to active or rebuild");
    assertClientError(
        provision("d1", "1.78", "{\"target\": \"active\", \"deploy_steps\": {}}"),
        400,
        "must be a JSON array of steps");
    for (String[] bad :
        new String[][] {
          {"{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}}", "needs \"priority\""},
          {"{\"interface\": \"deploy\", \"step\": \"s\", \"priority\": 1}", "needs \"args\""},
          {
            "{\"interface\": \"console\", \"step\": \"s\", \"args\": {}, \"priority\": 1}",
            "\"deploy_steps[0].interface\" must be one of"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"\", \"args\": {}, \"priority\": 1}",
            "\"deploy_steps[0].step\" must be a non-empty string"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": [], \"priority\": 1}",
            "\"deploy_steps[0].args\" must be a JSON object"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}, \"priority\": -1}",
            "\"deploy_steps[0].priority\" must be a whole number"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}, \"priority\": \"1x\"}",
            "\"deploy_steps[0].priority\" must be a whole number"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}, \"priority\": 1.5}",
            "\"deploy_steps[0].priority\" must be a whole number"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\", \"args\": {}, \"priority\": 1, \"x\": 1}",
            "has an unknown field \"x\""
          },
          {"7", "\"deploy_steps[0]\" must be a JSON object"}
        }) {
      assertClientError(
          provision("d1", "1.78", "{\"target\": \"active\", \"deploy_steps\": [" + bad[0] + "]}"),
          400,
          bad[1]);
    }

    assertThat(stored("d1").toString() + stored("d1").instanceInfo()).isEqualTo(before);
    assertThat(stored("d1").provisionState()).isEqualTo("available");
  }

  @Test
  void cleanSteps_areCheckedAsIronicChecksThem_andChangeNothing() throws Exception {
    String before = stored("d1").toString();
    for (String[] bad :
        new String[][] {
          {
            "{\"interface\": \"../../x\", \"step\": \"y\"}",
            "\"clean_steps[0].interface\" must be one of [bios, deploy, management, power, raid]"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"s\"}, {\"interface\": \"console\", \"step\":"
                + " \"s\"}",
            "\"clean_steps[1].interface\" must be one of"
          },
          {
            "{\"interface\": \"deploy\", \"step\": \"\"}",
            "\"clean_steps[0].step\" must be a non-empty string"
          },
          {"{\"interface\": 7, \"step\": \"s\"}", "\"clean_steps[0]\" needs string"},
        }) {
      Reply reply =
          provision("d1", "1.78", "{\"target\": \"clean\", \"clean_steps\": [" + bad[0] + "]}");
      assertClientError(reply, 400, bad[1]);
      assertThat(reply.fault()).doesNotContain("../");
    }
    assertThat(stored("d1").toString()).isEqualTo(before);
  }
}
