package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.api.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;

/** {@code /v1/ferrum/bulk}: one request id for a verb sent to many nodes; every node reported. */
class BulkResourceTest {

  private TestServer api;

  @BeforeEach
  void start() throws Exception {
    api = new TestServer();
    node("d1", List.of("manage", "provide"));
    node("d2", List.of());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void node(String name, List<String> verbs) throws Exception {
    Reply created =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"name\": \"" + name + "\"}");
    assertThat(created.status()).isEqualTo(201);
    for (String verb : verbs) {
      assertThat(
              api.call(
                      "PUT",
                      "/v1/nodes/" + name + "/states/provision",
                      "1.78",
                      "{\"target\": \"" + verb + "\"}")
                  .status())
          .isEqualTo(202);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (api.get("/v1/nodes/" + name).body().get("target_provision_state").isTextual()) {
        assertThat(System.nanoTime()).as("node %s settles", name).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }

  private Reply post(String body) throws Exception {
    return api.call("POST", "/v1/ferrum/bulk", "1.78", body);
  }

  private JsonNode awaitFinished(String id) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Reply reply = api.get("/v1/ferrum/bulk/" + id);
      assertThat(reply.status()).isEqualTo(200);
      if (reply.body().get("state").asText().equals("finished")) {
        return reply.body();
      }
      assertThat(System.nanoTime()).as("request %s finishes", id).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void post_deploy_answers202WithTheId_andGetReportsEveryNode() throws Exception {
    String drive = "H4sICDw0secret-config-drive-bytes";

    Reply taken =
        post(
            "{\"verb\": \"deploy\", \"nodes\": [\"d1\", \"d2\", \"ghost\"], \"args\":"
                + " {\"configdrive\": \""
                + drive
                + "\"}}");

    assertThat(taken.status()).as(taken.raw().body()).isEqualTo(202);
    String id = taken.body().get("request_id").asText();
    assertThat(taken.header("Location")).isEqualTo(api.url + "/v1/ferrum/bulk/" + id);
    assertThat(taken.body().get("links").get(0).get("href").asText())
        .isEqualTo(api.url + "/v1/ferrum/bulk/" + id);
    JsonNode done = awaitFinished(id);
    assertThat(done.get("verb").asText()).isEqualTo("deploy");
    assertThat(done.get("conductor").asText()).isEqualTo("api-test");
    assertThat(done.get("counts").toString())
        .isEqualTo("{\"total\":3,\"pending\":0,\"success\":1,\"error\":2}");
    JsonNode nodes = done.get("nodes");
    assertThat(nodes.get(0).get("node").asText()).isEqualTo("d1");
    assertThat(nodes.get(0).get("uuid").asText()).isEqualTo(api.conductor.getNode("d1").uuid());
    assertThat(nodes.get(0).get("state").asText()).isEqualTo("active");
    assertThat(nodes.get(0).get("result").asText()).isEqualTo("success");
    assertThat(nodes.get(0).get("error").isNull()).isTrue();
    assertThat(nodes.get(1).get("state").asText()).isEqualTo("enroll");
    assertThat(nodes.get(1).get("result").asText()).isEqualTo("error");
    assertThat(nodes.get(1).get("error").asText()).contains("enroll");
    assertThat(nodes.get(2).toString())
        .isEqualTo(
            "{\"node\":\"ghost\",\"uuid\":null,\"state\":null,\"result\":\"error\","
                + "\"error\":\"Node ghost could not be found.\"}");
    assertThat(api.conductor.getNode("d1").instanceInfo()).containsEntry("configdrive", drive);
    assertThat(api.get("/v1/ferrum/bulk/" + id).raw().body()).doesNotContain(drive);
  }

  @Test
  void post_power_takesAPowerTarget() throws Exception {
    Reply taken = post("{\"verb\": \"power off\", \"nodes\": [\"d1\", \"d2\"]}");

    assertThat(taken.status()).as(taken.raw().body()).isEqualTo(202);
    JsonNode done = awaitFinished(taken.body().get("request_id").asText());
    assertThat(done.get("counts").get("success").asInt()).isEqualTo(2);
    assertThat(done.get("nodes").get(1).get("state").asText()).isEqualTo("power off");
  }

  @Test
  void post_badInput_is400NamingTheField() throws Exception {
    assertFault(post("{\"nodes\": [\"d1\"]}"), 400, "Missing mandatory field \"verb\"");
    assertFault(post("{\"verb\": \"deploy\"}"), 400, "Missing mandatory field \"nodes\"");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": \"d1\"}"),
        400,
        "\"nodes\" must be a JSON array of node names or UUIDs");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": [\"d1\", 7]}"),
        400,
        "nodes[1] must be a string: a node name or UUID");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": []}"),
        400,
        "nodes: a bulk request needs at least one node");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": [\"d1\", \"d2\", \"d1\"]}"),
        400,
        "nodes[2] repeats nodes[0] (d1); name each node once");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": [\"../../etc\"]}"),
        400,
        "nodes[0] must be a node UUID or a name");
    assertFault(
        post("{\"verb\": \"explode\", \"nodes\": [\"d1\"]}"),
        400,
        "\"explode\" is not a valid verb; valid verbs: the provision targets abort, active, adopt,"
            + " clean, deleted, deploy, inspect, manage, provide, rebuild, rescue, service,"
            + " undeploy, unhold, unrescue, and the power targets");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": [\"d1\"], \"extra\": 1}"),
        400,
        "Unknown attribute for bulk request: \"extra\"");
    assertFault(
        post("{\"verb\": \"manage\", \"nodes\": [\"d1\"], \"args\": {\"configdrive\": \"x\"}}"),
        400,
        "Unknown argument for \"manage\": args.configdrive; this verb takes none");
    assertFault(
        post("{\"verb\": \"clean\", \"nodes\": [\"d1\"]}"),
        400,
        "Manual cleaning needs args.clean_steps");
    assertFault(
        post("{\"verb\": \"rescue\", \"nodes\": [\"d1\"]}"),
        400,
        "Rescue needs args.rescue_password");
    assertFault(
        post(
            "{\"verb\": \"power on\", \"nodes\": [\"d1\"], \"args\": {\"timeout\": 9223372036854775807}}"),
        400,
        "args.timeout must be a whole number of seconds from 1 to 2147483647");
    assertFault(
        post(
            "{\"verb\": \"clean\", \"nodes\": [\"d1\"], \"args\": {\"clean_steps\":"
                + " [{\"interface\": \"../../x\", \"step\": \"y\"}]}}"),
        400,
        "\"args.clean_steps[0].interface\" must be one of [bios, deploy, management, power, raid]");
    assertFault(
        post("{\"verb\": \"power on\", \"nodes\": [\"d1\"], \"args\": {\"timeout\": -1}}"),
        400,
        "args.timeout must be a whole number of seconds from 1 to 2147483647");
    assertFault(
        post("{\"verb\": \"deploy\", \"nodes\": [\"d1\"], \"args\": []}"),
        400,
        "\"args\" must be a JSON object");
    assertFault(
        post("{\"verb\": \"deploy\", \"verb\": \"manage\", \"nodes\": [\"d1\"]}"), 400, "verb");
    assertFault(
        api.call("POST", "/v1/ferrum/bulk", "1.1", "{\"verb\": \"deploy\", \"nodes\": [\"d1\"]}"),
        406,
        "The \"deploy\" verb needs API version 1.73 or later");
    assertThat(api.conductor.getNode("d1").provisionState()).isEqualTo("available");
  }

  @Test
  void get_unknownOrMalformedId_is404() throws Exception {
    assertFault(
        api.get("/v1/ferrum/bulk/0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b"),
        404,
        "Bulk request 0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b could not be found.");
    assertFault(
        api.get("/v1/ferrum/bulk/%3Cscript%3E"),
        404,
        "Bulk request ids are UUIDs; no request has that id.");
    assertThat(api.call("DELETE", "/v1/ferrum/bulk/x", "1.78", null).status()).isEqualTo(405);
  }

  @Test
  void withBasicAuth_bothEndpointsNeedCredentials(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("htpasswd");
    Files.writeString(file, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)) + "\n");
    String good =
        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
    String body = "{\"verb\": \"power off\", \"nodes\": [\"x1\", \"x2\"]}";
    try (TestServer secured = new TestServer(new TestServer.Options().auth(BasicAuth.load(file)))) {
      assertThat(
              secured
                  .call("POST", "/v1/ferrum/bulk", "1.78", body, "application/json", null)
                  .status())
          .isEqualTo(401);
      Reply taken = secured.call("POST", "/v1/ferrum/bulk", "1.78", body, "application/json", good);
      assertThat(taken.status()).as(taken.raw().body()).isEqualTo(202);
      String path = "/v1/ferrum/bulk/" + taken.body().get("request_id").asText();
      assertThat(secured.call("GET", path, "1.78", null, "application/json", null).status())
          .isEqualTo(401);
      assertThat(secured.call("GET", path, "1.78", null, "application/json", good).status())
          .isEqualTo(200);
    }
  }

  private static void assertFault(Reply reply, int status, String fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.fault()).contains(fault);
  }
}
