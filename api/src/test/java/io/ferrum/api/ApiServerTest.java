package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

/** The HTTP API over real HTTP: every endpoint, status code and error. */
class ApiServerTest {

  private TestServer api;

  @BeforeEach
  void start() throws Exception {
    api = new TestServer();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private String create(String name) throws Exception {
    Reply created =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"name\": \"" + name + "\"}");
    assertThat(created.status()).isEqualTo(201);
    return created.body().get("uuid").asText();
  }

  private void provision(String node, String target) throws Exception {
    Reply reply =
        api.call(
            "PUT",
            "/v1/nodes/" + node + "/states/provision",
            "1.78",
            "{\"target\": \"" + target + "\"}");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    awaitRest(node);
  }

  /** Waits until the node's provision work ended (no target), failing after 30 s. */
  private void awaitRest(String node) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!api.get("/v1/nodes/" + node).body().get("target_provision_state").isNull()) {
      assertThat(System.nanoTime())
          .as("node %s still working after 30 s", node)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void discovery_rootAndV1_carryVersionHeaders() throws Exception {
    Reply root = api.call("GET", "/", null, null);
    Reply v1 = api.call("GET", "/v1", null, null);

    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body().get("default_version").get("version").asText()).isEqualTo("1.78");
    assertThat(root.body().get("default_version").get("min_version").asText()).isEqualTo("1.1");
    assertThat(v1.body().get("id").asText()).isEqualTo("v1");
    assertThat(v1.body().get("nodes").get(0).get("href").asText()).isEqualTo(api.url + "/v1/nodes");
    assertThat(v1.header("X-OpenStack-Ironic-API-Minimum-Version")).isEqualTo("1.1");
    assertThat(v1.header("X-OpenStack-Ironic-API-Maximum-Version")).isEqualTo("1.78");
    assertThat(v1.header("Openstack-Request-Id")).startsWith("req-");
  }

  @Test
  void versions_noHeaderIs11_outOfRangeOrMalformedIs406() throws Exception {
    assertThat(api.call("GET", "/v1/nodes", null, null).header("X-OpenStack-Ironic-API-Version"))
        .isEqualTo("1.1");
    assertThat(
            api.call("GET", "/v1/nodes", "latest", null).header("X-OpenStack-Ironic-API-Version"))
        .isEqualTo("1.78");

    Reply tooNew = api.call("GET", "/v1/nodes", "1.99", null);
    assertThat(tooNew.status()).isEqualTo(406);
    assertThat(tooNew.header("X-OpenStack-Ironic-API-Version")).isNull();
    assertThat(tooNew.header("X-OpenStack-Ironic-API-Maximum-Version")).isEqualTo("1.78");
    assertThat(tooNew.fault())
        .isEqualTo(
            "Version 1.99 was requested but the minor version is not supported by this service."
                + " The supported version range is: [1.1, 1.78].");
    assertThat(api.call("GET", "/v1/nodes", "2.1", null).status()).isEqualTo(406);
    assertThat(api.call("GET", "/v1/nodes", "one", null).status()).isEqualTo(406);
  }

  @Test
  void createShowListDelete_roundTrip() throws Exception {
    Reply created =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"name\": \"n1\", \"driver_info\": {\"ipmi_password\":"
                + " \"s3cret\", \"ipmi_address\": \"10.1.1.1\"}}");
    String uuid = created.body().get("uuid").asText();

    assertThat(created.header("Location")).isEqualTo(api.url + "/v1/nodes/" + uuid);
    assertThat(created.body().get("provision_state").asText()).isEqualTo("enroll");
    assertThat(created.body().get("driver_info").get("ipmi_password").asText()).isEqualTo("******");
    assertThat(created.raw().body()).doesNotContain("s3cret");
    assertThat(api.get("/v1/nodes/n1").body().get("uuid").asText()).isEqualTo(uuid);
    Reply list = api.get("/v1/nodes");
    assertThat(list.body().get("nodes").get(0).fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "uuid",
            "instance_uuid",
            "maintenance",
            "name",
            "power_state",
            "provision_state",
            "links");
    assertThat(api.get("/v1/nodes/detail").body().get("nodes").get(0).has("driver_info")).isTrue();
    assertThat(api.get("/v1/nodes?fields=uuid,driver").body().get("nodes").get(0).fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("uuid", "driver", "links");
    assertThat(api.call("DELETE", "/v1/nodes/n1", "1.78", null).status()).isEqualTo(204);
    assertThat(api.get("/v1/nodes/n1").status()).isEqualTo(404);
  }

  @Test
  void createBeforeVersion111_startsAvailable_andNamesNeed15() throws Exception {
    Reply old = api.call("POST", "/v1/nodes", "1.10", "{\"driver\": \"fake-hardware\"}");
    assertThat(old.body().get("provision_state").asText()).isEqualTo("available");
    assertThat(old.body().has("name")).as("name appears in 1.5").isTrue();
    assertThat(
            api.call("POST", "/v1/nodes", "1.4", "{\"driver\": \"fake-hardware\", \"name\": \"x\"}")
                .status())
        .isEqualTo(406);
    create("named");
    assertThat(api.call("GET", "/v1/nodes/named", null, null).status())
        .as("names are not looked up before 1.5")
        .isEqualTo(404);
    assertThat(
            api.call("GET", "/v1/nodes/" + old.body().get("uuid").asText(), null, null)
                .body()
                .has("name"))
        .isFalse();
  }

  @Test
  void pagination_nextLinkWalksEveryNode() throws Exception {
    for (int i = 0; i < 5; i++) {
      create("p" + i);
    }
    int seen = 0;
    String path = "/v1/nodes?limit=2";
    while (path != null) {
      Reply page = api.get(path);
      seen += page.body().get("nodes").size();
      path =
          page.body().has("next")
              ? page.body().get("next").asText().substring(api.url.length())
              : null;
    }
    assertThat(seen).isEqualTo(5);
    assertThat(api.get("/v1/nodes?provision_state=enroll&limit=1").body().get("nodes")).hasSize(1);
    assertThat(api.get("/v1/nodes?limit=0").status()).isEqualTo(400);
    assertThat(api.get("/v1/nodes?sort_dir=up").status()).isEqualTo(400);
    assertThat(api.get("/v1/nodes?colour=red").status()).isEqualTo(400);
    assertThat(api.get("/v1/nodes?fields=uuid,secret").status()).isEqualTo(400);
  }

  @Test
  void provisionAndPower_202_thenVisibleStates() throws Exception {
    String uuid = create("n2");

    Reply manage =
        api.call("PUT", "/v1/nodes/n2/states/provision", "1.78", "{\"target\": \"manage\"}");
    assertThat(manage.status()).isEqualTo(202);
    assertThat(manage.raw().body()).isEmpty();
    assertThat(manage.header("Location")).isEqualTo(api.url + "/v1/nodes/n2/states");
    String state = api.get("/v1/nodes/n2").body().get("provision_state").asText();
    assertThat(state).isIn("verifying", "manageable");
    awaitRest("n2");
    provision("n2", "provide");
    provision("n2", "active");
    assertThat(api.get("/v1/nodes/n2/states").body().get("provision_state").asText())
        .isEqualTo("active");

    assertThat(
            api.call("PUT", "/v1/nodes/n2/states/power", "1.78", "{\"target\": \"power off\"}")
                .status())
        .isEqualTo(202);
    assertThat(
            api.call("PUT", "/v1/nodes/n2/states/power", "1.26", "{\"target\": \"soft power off\"}")
                .status())
        .isEqualTo(406);
    assertThat(
            api.call(
                    "PUT",
                    "/v1/nodes/n2/states/power",
                    "1.78",
                    "{\"target\": \"power on\", \"timeout\": 0}")
                .status())
        .isEqualTo(400);
    assertThat(api.call("PUT", "/v1/nodes/n2/states/power", "1.78", "{\"target\": \"up\"}").fault())
        .startsWith("\"up\" is not a valid power target");
    Reply history = api.get("/v1/nodes/" + uuid + "/history");
    assertThat(history.body().get("history").size()).isGreaterThanOrEqualTo(6);
    assertThat(api.call("GET", "/v1/nodes/n2/history", "1.77", null).status()).isEqualTo(406);
  }

  @Test
  void provisionErrors_areClientErrorsWithIronicMessages() throws Exception {
    String uuid = create("n3");

    Reply wrong =
        api.call("PUT", "/v1/nodes/n3/states/provision", "1.78", "{\"target\": \"active\"}");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.fault())
        .isEqualTo(
            "The requested action \"deploy\" can not be performed on node \"n3\" while it is in"
                + " state \"enroll\".");
    assertThat(
            api.call("PUT", "/v1/nodes/n3/states/provision", "1.78", "{\"target\": \"fly\"}")
                .status())
        .isEqualTo(400);
    assertThat(
            api.call(
                    "PUT",
                    "/v1/nodes/" + uuid + "/states/provision",
                    "1.3",
                    "{\"target\": \"manage\"}")
                .status())
        .isEqualTo(406);
    assertThat(
            api.call("PUT", "/v1/nodes/n3/states/provision", "1.78", "{\"target\": \"unhold\"}")
                .status())
        .as("beyond 1.78")
        .isEqualTo(406);
    assertThat(api.call("PUT", "/v1/nodes/n3/states/provision", "1.78", "{\"target\": 7}").status())
        .isEqualTo(400);
    assertThat(
            api.call(
                    "PUT",
                    "/v1/nodes/n3/states/provision",
                    "1.78",
                    "{\"target\": \"manage\", \"x\": 1}")
                .status())
        .isEqualTo(400);
    assertThat(api.get("/v1/nodes/" + uuid).body().get("provision_state").asText())
        .isEqualTo("enroll");
  }

  @Test
  void badBodies_are4xxNamingTheProblem_neverA500() throws Exception {
    assertThat(api.call("POST", "/v1/nodes", "1.78", "{\"driver\": ").fault())
        .startsWith("Malformed JSON");
    assertThat(api.call("POST", "/v1/nodes", "1.78", "[1]").fault())
        .isEqualTo("The request body must be a JSON object");
    assertThat(api.call("POST", "/v1/nodes", "1.78", "{\"driver\": 5}").fault())
        .isEqualTo("\"driver\" must be a string");
    assertThat(api.call("POST", "/v1/nodes", "1.78", "{}").fault())
        .isEqualTo("Missing mandatory field \"driver\"");
    assertThat(
            api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"fake-hardware\", \"chassis\": 1}")
                .fault())
        .startsWith("Unknown attribute for node: \"chassis\"");
    assertThat(
            api.call(
                    "POST",
                    "/v1/nodes",
                    "1.78",
                    "{\"driver\": \"fake-hardware\", \"uuid\": \"nope\"}")
                .fault())
        .isEqualTo("\"nope\" is not a valid UUID");
    assertThat(api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"snmp\"}").status())
        .isEqualTo(400);
    assertThat(
            api.call(
                    "POST",
                    "/v1/nodes",
                    "1.78",
                    "{\"driver\": \"fake-hardware\", \"driver_info\": []}")
                .status())
        .isEqualTo(400);
    assertThat(api.call("POST", "/v1/nodes", "1.78", "x".repeat((1 << 20) + 10)).status())
        .isEqualTo(413);
    assertThat(api.call("POST", "/v1/nodes", "1.78", "driver=x", "text/plain", null).status())
        .isEqualTo(415);
    create("dup");
    Reply duplicate =
        api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"fake-hardware\", \"name\": \"dup\"}");
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.fault()).isEqualTo("A node with name dup already exists.");
    assertThat(api.get("/v1/nodes").body().get("nodes")).hasSize(1);
  }

  @Test
  void patch_jsonPatch_andItsErrors() throws Exception {
    create("n4");

    Reply patched =
        api.call(
            "PATCH",
            "/v1/nodes/n4",
            "1.78",
            "[{\"op\": \"add\", \"path\": \"/extra/rack\", \"value\": \"r1\"},"
                + " {\"op\": \"replace\", \"path\": \"/name\", \"value\": \"n5\"}]");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.body().get("extra").get("rack").asText()).isEqualTo("r1");
    assertThat(patched.body().get("name").asText()).isEqualTo("n5");
    assertThat(api.call("PATCH", "/v1/nodes/n5", "1.78", "{}").status()).isEqualTo(400);
    assertThat(
            api.call(
                    "PATCH",
                    "/v1/nodes/n5",
                    "1.78",
                    "[{\"op\": \"replace\", \"path\": \"/uuid\", \"value\": 1}]")
                .status())
        .isEqualTo(400);
    assertThat(
            api.call("PATCH", "/v1/nodes/n5", "1.78", "[{\"op\": \"add\", \"path\": \"/extra/a\"}]")
                .fault())
        .isEqualTo("Patch operation \"add\" needs a \"value\"");
  }

  @Test
  void maintenanceValidateDrivers_andRouting() throws Exception {
    create("n6");

    assertThat(
            api.call("PUT", "/v1/nodes/n6/maintenance", "1.78", "{\"reason\": \"disk\"}").status())
        .isEqualTo(202);
    Reply node = api.get("/v1/nodes/n6");
    assertThat(node.body().get("maintenance").asBoolean()).isTrue();
    assertThat(node.body().get("maintenance_reason").asText()).isEqualTo("disk");
    assertThat(api.call("DELETE", "/v1/nodes/n6/maintenance", "1.78", null).status())
        .isEqualTo(202);
    assertThat(api.get("/v1/nodes/n6").body().get("maintenance").asBoolean()).isFalse();
    Reply validate = api.get("/v1/nodes/n6/validate");
    assertThat(validate.body().get("power").get("result").asBoolean()).isTrue();
    Reply drivers = api.get("/v1/drivers");
    assertThat(drivers.body().get("drivers").get(0).get("name").asText())
        .isEqualTo("fake-hardware");
    assertThat(drivers.body().get("drivers").get(0).get("hosts").get(0).asText())
        .isEqualTo("api-test");
    assertThat(api.get("/v1/drivers/snmp").status()).isEqualTo(404);
    assertThat(api.get("/v1/chassis").status()).isEqualTo(404);
    Reply wrongMethod = api.call("POST", "/v1/nodes/n6/states", "1.78", "{}");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Allow")).isEqualTo("GET");
  }

  @Test
  void busyNode_409_fullPool_503WithRetryAfter() throws Exception {
    api.close();
    SynchronousWorkerPool stopped = new SynchronousWorkerPool(1);
    stopped.shutdown(java.time.Duration.ZERO); // refuses every job, as a full pool does
    api = new TestServer(stopped, null);
    create("n7");

    Reply full =
        api.call("PUT", "/v1/nodes/n7/states/provision", "1.78", "{\"target\": \"manage\"}");
    assertThat(full.status()).isEqualTo(503);
    assertThat(full.header("Retry-After")).isNull();
    assertThat(api.get("/v1/nodes/n7").body().get("provision_state").asText()).isEqualTo("enroll");
    try (var task =
        api.conductor.tasks().acquire("n7", "hold", io.ferrum.conductor.LockMode.EXCLUSIVE)) {
      Reply locked =
          api.call(
              "PATCH",
              "/v1/nodes/n7",
              "1.78",
              "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]");
      assertThat(locked.status()).isEqualTo(409);
      assertThat(locked.fault()).contains("is locked by host api-test");
    }
  }

  @Test
  void basicAuth_required_401WithChallenge() throws Exception {
    api.close();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("htpasswd", "");
    java.nio.file.Files.writeString(
        file, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)).replace("$2a$", "$2y$") + "\n");
    api = new TestServer(null, BasicAuth.load(file));
    String good =
        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));
    String bad =
        "Basic " + Base64.getEncoder().encodeToString("admin:no".getBytes(StandardCharsets.UTF_8));

    Reply anonymous = api.call("GET", "/v1/nodes", "1.78", null, "application/json", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Basic realm=\"ferrum\"");
    assertThat(api.call("GET", "/v1/nodes", "1.78", null, "application/json", bad).status())
        .isEqualTo(401);
    assertThat(api.call("GET", "/v1/nodes", "1.78", null, "application/json", good).status())
        .isEqualTo(200);
  }

  @Test
  void metrics_prometheusText_countsNodesTransitionsLocksAndRequests() throws Exception {
    api.close();
    api = new TestServer(null, null, new Metrics());
    create("m1");
    provision("m1", "manage");

    Reply scrape = api.call("GET", "/metrics", null, null, "application/json", null);
    String text = scrape.raw().body();

    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.header("Content-Type")).startsWith("text/plain");
    assertThat(text)
        .contains("ferrum_nodes{provision_state=\"manageable\"} 1.0")
        .contains("ferrum_nodes_power{power_state=\"power off\"} 1.0")
        .contains("ferrum_transitions_total{event=\"manage\",status=\"start\"} 1.0")
        .contains("ferrum_transitions_total{event=\"done\",status=\"end\"} 1.0")
        .contains("ferrum_action_duration_seconds_count{kind=\"provision\",outcome=\"end\"} 1")
        .contains("ferrum_locks_acquired_total")
        .contains("ferrum_workers_capacity")
        .contains("ferrum_api_requests_seconds_count{method=\"POST\",status=\"201\"} 1");
  }

  @Test
  void metrics_unknownMethods_shareOneLabelValue() throws Exception {
    api.close();
    api = new TestServer(null, null, new Metrics());
    for (String method : new String[] {"BREW", "WHEN", "X-Y-Z", "get"}) {
      TestServer.RawReply reply =
          api.raw(
              (method + " /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(reply.status()).as(method).isBetween(400, 499);
    }
    api.get("/v1/nodes");

    // Each request is counted right after its answer went out: wait until all five are in (the
    // GET's too), for up to 30 s on a loaded machine.
    String text = "";
    long until = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (!(text.contains("status=\"405\"} 4")
            && text.contains("ferrum_api_requests_seconds_count{method=\"GET\",status=\"200\"}"))
        && System.nanoTime() < until) {
      text = api.call("GET", "/metrics", null, null, "application/json", null).raw().body();
      Thread.sleep(10);
    }

    assertThat(text)
        .contains("ferrum_api_requests_seconds_count{method=\"other\",status=\"405\"} 4")
        .contains("ferrum_api_requests_seconds_count{method=\"GET\",status=\"200\"}")
        .doesNotContain("BREW", "WHEN", "X-Y-Z", "method=\"get\"");
  }
}
