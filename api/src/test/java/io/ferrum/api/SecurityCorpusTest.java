package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.api.TestServer.RawReply;
import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeQuery;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and hostile input, case by case: each answer has the expected 4xx status and Ironic's error
 * envelope naming what is wrong, no stack trace or class name, nothing changed in the database, and
 * the server answers normally afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityCorpusTest {

  private TestServer api;
  private String node;

  /**
   * One request and what must come back.
   *
   * @param fault text the error message must contain
   */
  record Case(
      String name,
      String method,
      String path,
      String version,
      String body,
      int status,
      String fault) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Case post(String name, String body, int status, String fault) {
    return new Case(name, "POST", "/v1/nodes", "1.78", body, status, fault);
  }

  private static Case patch(String name, String body, String fault) {
    return new Case(name, "PATCH", "/v1/nodes/corpus-1", "1.78", body, 400, fault);
  }

  private static Case get(String name, String path, int status, String fault) {
    return new Case(name, "GET", path, "1.78", null, status, fault);
  }

  private static Case version(String name, String header) {
    return new Case(name, "GET", "/v1/nodes", header, null, 406, "");
  }

  private static Case provision(String name, String body, String fault) {
    return new Case(name, "PUT", "/v1/nodes/corpus-1/states/provision", "1.78", body, 400, fault);
  }

  private static Case power(String name, String body, String fault) {
    return new Case(name, "PUT", "/v1/nodes/corpus-1/states/power", "1.78", body, 400, fault);
  }

  private static String libvirt(String driverInfo) {
    return "{\"driver\": \"libvirt\", \"driver_info\": " + driverInfo + "}";
  }

  Stream<Case> cases() {
    String fake = "{\"driver\": \"fake-hardware\"";
    return Stream.of(
        // strict JSON
        post("trailing garbage", fake + "} trailing", 400, "trailing data after the JSON value"),
        post("two documents", fake + "}" + fake + "}", 400, "trailing data"),
        post("duplicate key", fake + ", \"driver\": \"libvirt\"}", 400, "Duplicate field 'driver'"),
        post(
            "duplicate nested key",
            fake + ", \"driver_info\": {\"a\": 1, \"a\": 2}}",
            400,
            "Duplicate field 'a'"),
        post(
            "infinite number",
            fake + ", \"properties\": {\"memory_mb\": 1e999999999}}",
            400,
            "\"properties.memory_mb\": number out of range"),
        post(
            "negative infinity",
            fake + ", \"extra\": {\"x\": [1, -1e400]}}",
            400,
            "\"extra.x[1]\": number out of range"),
        post(
            "integer beyond 64 bits",
            fake + ", \"properties\": {\"n\": 123456789012345678901234567890}}",
            400,
            "\"properties.n\": number out of range"),
        post(
            "NaN",
            fake + ", \"properties\": {\"n\": NaN}}",
            400,
            "Malformed JSON: the request body holds a number that is not finite (NaN) (line 1,"),
        post(
            "-Infinity",
            fake + ", \"properties\": {\"n\": -Infinity}}",
            400,
            "a number that is not finite (-Infinity)"),
        post(
            "a block comment",
            fake + ", /* note */ \"extra\": {}}",
            400,
            "Malformed JSON: comments are not allowed (line 1, column"),
        post(
            "a line comment",
            fake + ", // note\n \"extra\": {}}",
            400,
            "Malformed JSON: comments are not allowed (line 1, column"),
        post(
            "a plus sign",
            fake + ", \"properties\": {\"n\": +1}}",
            400,
            "Malformed JSON: a number may not start with a plus sign"),
        post(
            "5,000 digits",
            fake + ", \"properties\": {\"n\": 0." + "9".repeat(5000) + "}}",
            400,
            "The request body holds a number longer than 400 characters (line 1, column"),
        post(
            "a 100,000-character key",
            fake + ", \"extra\": {\"" + "k".repeat(100_000) + "\": 1}}",
            400,
            "The request body holds a key longer than 50000 characters (line 1, column"),
        post(
            "a thousand digits",
            fake + ", \"properties\": {\"n\": " + "9".repeat(1000) + "}}",
            400,
            "The request body holds a number longer than 400 characters"),
        post("NUL in a value", fake + ", \"extra\": {\"a\": \"b\\u0000c\"}}", 400, "NUL"),
        post("NUL in a key", fake + ", \"extra\": {\"a\\u0000\": 1}}", 400, "NUL"),
        post(
            "lone high surrogate in a value",
            fake + ", \"extra\": {\"a\": \"x\\ud800y\"}}",
            400,
            "\"extra.a\" holds a lone UTF-16 surrogate"),
        post(
            "lone high surrogate in a key",
            fake + ", \"extra\": {\"k\\ud800\": 1}}",
            400,
            "surrogate"),
        post(
            "lone low surrogate in a key",
            fake + ", \"extra\": {\"\\udc00\": 1}}",
            400,
            "surrogate"),
        post(
            "surrogates in the wrong order",
            fake + ", \"description\": \"\\udc00\\ud800\"}",
            400,
            "\"description\" holds a lone UTF-16 surrogate"),
        post(
            "lone surrogate in a name",
            fake + ", \"name\": \"n\\ud800\"}",
            400,
            "\"name\" holds a lone UTF-16 surrogate"),
        post(
            "lone surrogate at the end of an array",
            fake + ", \"properties\": {\"l\": [\"ok\", \"\\ud83d\"]}}",
            400,
            "\"properties.l[1]\" holds a lone UTF-16 surrogate"),
        post(
            "nested too deep",
            fake + ", \"extra\": " + "{\"a\": ".repeat(100) + "1" + "}".repeat(100) + "}",
            400,
            "The request body nests deeper than 32 levels (line 1, column"),
        post("unterminated", "[", 400, "Malformed JSON"),
        post("empty body", "", 400, "needs a JSON body"),
        post("a string, not an object", "\"fake-hardware\"", 400, "must be a JSON object"),
        post("driver not a string", "{\"driver\": 5}", 400, "\"driver\" must be a string"),
        post("bad name", fake + ", \"name\": \"a b\"}", 400, "is not a valid node name"),
        post("unknown field", fake + ", \"bogus\": 1}", 400, "Unknown attribute for node"),
        post("unknown driver", "{\"driver\": \"nope\"}", 400, "Driver \"nope\" is not enabled"),
        post("driver_info an array", fake + ", \"driver_info\": []}", 400, "must be a JSON object"),
        post("bad uuid", fake + ", \"uuid\": \"not-a-uuid\"}", 400, "is not a valid UUID"),
        // versions
        version("major overflow", "99999999999999999999.1"),
        version("minor overflow", "1.99999999999999999999"),
        version("no minor", "1."),
        version("garbage", "latest2"),
        // provision and power
        provision(
            "clean step args an array",
            "{\"target\": \"clean\", \"clean_steps\": [{\"interface\": \"deploy\", \"step\":"
                + " \"erase\", \"args\": [1, 2]}]}",
            "\"clean_steps[0].args\" must be a JSON object"),
        provision(
            "clean steps not an array",
            "{\"target\": \"clean\", \"clean_steps\": {}}",
            "must be a JSON array of steps"),
        provision(
            "clean step with an unknown field",
            "{\"target\": \"clean\", \"clean_steps\": [{\"interface\": \"deploy\", \"step\":"
                + " \"erase\", \"priority\": 1}]}",
            "\"clean_steps[0]\" has an unknown field \"priority\""),
        provision("unknown verb", "{\"target\": \"bogus\"}", "is not a valid provision state"),
        provision("unknown field", "{\"target\": \"manage\", \"x\": 1}", "Unknown attribute"),
        power(
            "infinite timeout",
            "{\"target\": \"power on\", \"timeout\": 1e999}",
            "\"timeout\": number out of range"),
        power(
            "huge timeout",
            "{\"target\": \"power on\", \"timeout\": 99999999999}",
            "timeout must be a whole number of seconds from 1 to 2147483647"),
        power(
            "negative timeout",
            "{\"target\": \"power on\", \"timeout\": -1}",
            "timeout must be a whole number of seconds from 1 to 2147483647"),
        power("null target", "{\"target\": null}", "Missing mandatory field \"target\""),
        // PATCH
        patch("not an array", "{\"op\": \"replace\"}", "must be a non-empty JSON array"),
        patch(
            "maintenance not a boolean",
            "[{\"op\": \"replace\", \"path\": \"/maintenance\", \"value\": \"maybe\"}]",
            "maintenance must be true or false"),
        patch(
            "unsupported operation",
            "[{\"op\": \"move\", \"path\": \"/name\", \"value\": \"x\"}]",
            "Unsupported patch operation"),
        patch(
            "read-only field",
            "[{\"op\": \"replace\", \"path\": \"/uuid\", \"value\": \"x\"}]",
            "can not be patched"),
        patch(
            "missing parent",
            "[{\"op\": \"add\", \"path\": \"/driver_info/a/b/c\", \"value\": 1}]",
            "there is no object"),
        patch(
            "NUL in a reason",
            "[{\"op\": \"replace\", \"path\": \"/maintenance_reason\", \"value\": \"a\\u0000b\"}]",
            "NUL"),
        patch(
            "lone surrogate in a patch value",
            "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": \"\\ud800\"}]",
            "holds a lone UTF-16 surrogate"),
        patch(
            "unknown driver",
            "[{\"op\": \"replace\", \"path\": \"/driver\", \"value\": \"nope\"}]",
            "is not enabled"),
        // paths and queries
        get("NUL in the path", "/v1/nodes/a%00b", 400, "Control characters"),
        get(
            "zero limit",
            "/v1/nodes?limit=0",
            400,
            "limit must be a whole number of at least 1 (the most a page holds is "),
        get("negative limit", "/v1/nodes?limit=-1", 400, "a larger limit reads as "),
        get("limit not a number", "/v1/nodes?limit=1e3", 400, "not \"1e3\""),
        get("unknown sort key", "/v1/nodes?sort_key=driver_info", 400, "Unknown sort key"),
        get("unknown parameter", "/v1/nodes?bogus=1", 400, "Unknown query parameter"),
        get("unknown marker", "/v1/nodes?marker=nope", 400, "marker"),
        get("maintenance not a boolean", "/v1/nodes?maintenance=maybe", 400, "true or false"),
        get("unknown field", "/v1/nodes?fields=password", 400, "are not valid"),
        get("parameter twice", "/v1/nodes?limit=1&limit=2", 400, "is given twice"),
        get("unknown node", "/v1/nodes/does-not-exist", 404, "could not be found"),
        get("unknown resource", "/v2/nodes", 404, "could not be found"),
        new Case("wrong method", "DELETE", "/v1/nodes", "1.78", null, 405, "Method not allowed"),
        // what reaches the host
        post(
            "libvirt ext transport running a program",
            libvirt(
                "{\"libvirt_uri\": \"qemu+ext:///system?command=/tmp/x.sh\","
                    + " \"libvirt_domain\": \"d\"}"),
            400,
            "libvirt-allowed-uris"),
        post(
            "libvirt test driver reading a file",
            libvirt("{\"libvirt_uri\": \"test:///etc/shadow\", \"libvirt_domain\": \"d\"}"),
            400,
            "is not allowed: it matches no entry of libvirt-allowed-uris"),
        post(
            "libvirt path traversal",
            libvirt("{\"libvirt_uri\": \"test:///../../etc/hostname\", \"libvirt_domain\": \"d\"}"),
            400,
            "a path must be normalized"),
        post(
            "libvirt ssh key file",
            libvirt(
                "{\"libvirt_uri\": \"qemu+ssh://h/system?keyfile=/etc/shadow\","
                    + " \"libvirt_domain\": \"d\"}"),
            400,
            "is not allowed"),
        post(
            "ipmi address that is an option",
            "{\"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\": \"-oProxyCommand=x\"}}",
            400,
            "driver_info.ipmi_address"),
        post(
            "ipmi BMC outside the allowed networks",
            "{\"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\": \"127.0.0.1\"}}",
            400,
            "bmc-allowed-networks"),
        post(
            "ipmi port that smuggles an argument",
            "{\"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\": \"127.0.0.1\","
                + " \"ipmi_port\": \"623 -P x\"}}",
            400,
            "driver_info.ipmi_port"),
        post(
            "ipmi user name with a space",
            "{\"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\": \"127.0.0.1\","
                + " \"ipmi_username\": \"root -P x\"}}",
            400,
            "driver_info.ipmi_username"),
        post(
            "redfish address reading a file",
            "{\"driver\": \"redfish\", \"driver_info\": {\"redfish_address\":"
                + " \"file:///etc/shadow\"}}",
            400,
            "driver_info.redfish_address must use https"),
        post(
            "redfish BMC outside the allowed networks",
            "{\"driver\": \"redfish\", \"driver_info\": {\"redfish_address\":"
                + " \"https://169.254.169.254\"}}",
            400,
            "bmc-allowed-networks"),
        post(
            "redfish CA bundle path",
            "{\"driver\": \"redfish\", \"driver_info\": {\"redfish_address\":"
                + " \"https://bmc.example.com\", \"redfish_verify_ca\": \"/etc/shadow\"}}",
            400,
            "redfish_verify_ca must be true or false"),
        post(
            "image outside the allowed directories",
            "{\"driver\": \"libvirt\", \"driver_info\": {\"libvirt_uri\": \"test:///default\","
                + " \"libvirt_domain\": \"d\"}, \"instance_info\": {\"image_source\":"
                + " \"/etc/shadow\"}}",
            400,
            "image-allowed-dirs"),
        new Case(
            "PATCH to a file URI",
            "PATCH",
            "/v1/nodes/lv-1",
            "1.78",
            "[{\"op\": \"replace\", \"path\": \"/driver_info/libvirt_uri\", \"value\":"
                + " \"test:///etc/shadow\"}]",
            400,
            "libvirt-allowed-uris"),
        new Case(
            "PATCH to an image outside the allowed directories",
            "PATCH",
            "/v1/nodes/lv-1",
            "1.78",
            "[{\"op\": \"add\", \"path\": \"/instance_info/image_source\", \"value\":"
                + " \"/etc/shadow\"}]",
            400,
            "image-allowed-dirs"));
  }

  @BeforeAll
  void start() throws Exception {
    api = new TestServer(new SynchronousWorkerPool(), null);
    Node corpus =
        api.conductor.createNode(
            NodeSpec.of("fake-hardware", Map.of("ipmi_password", "s3cret")).withName("corpus-1"));
    node = corpus.uuid();
    api.conductor.createNode(
        NodeSpec.of("libvirt", Map.of("libvirt_uri", "test:///default", "libvirt_domain", "d"))
            .withName("lv-1"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  /** Every node with its history: what must not change. */
  private String snapshot() {
    List<String> state = new ArrayList<>();
    for (Node n : api.conductor.listNodes(NodeQuery.all()).nodes()) {
      state.add(n.toString() + n.driverInfo() + n.instanceInfo() + n.version());
      state.add(api.conductor.history(n.uuid()).toString());
    }
    return String.join("\n", state);
  }

  private void assertHealthy() throws Exception {
    assertThat(api.call("GET", "/", null, null).status()).isEqualTo(200);
    assertThat(api.get("/v1/nodes/" + node).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInput_isA4xxInIronicsEnvelope_andChangesNothing(Case c) throws Exception {
    String before = snapshot();

    Reply reply = api.call(c.method(), c.path(), c.version(), c.body());

    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(c.status());
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    JsonNode inner = TestServer.JSON.readTree(reply.body().get("error_message").asText());
    if (c.status() == 406) {
      assertThat(inner.get("code").asInt()).isEqualTo(406);
    } else {
      assertThat(inner.get("faultcode").asText()).isEqualTo("Client");
    }
    assertThat(reply.fault()).contains(c.fault());
    assertThat(reply.raw().body())
        .doesNotContain("Exception", "io.ferrum", "java.", "\tat ", "s3cret")
        .as("the parser's class and feature names stay out of the answer")
        .doesNotContain("`", "StreamReadConstraints", "JsonReadFeature", "Feature '", "ALLOW_");
    assertThat(snapshot()).isEqualTo(before);
    assertHealthy();
  }

  @Test
  void limitBeyondAnyNumber_readsAsTheLargestPage_asALimitOfThousandsDoes() throws Exception {
    Reply huge = api.get("/v1/nodes?limit=99999999999999999999");
    Reply large = api.get("/v1/nodes?limit=5000");

    assertThat(huge.status()).as(huge.raw().body()).isEqualTo(200);
    assertThat(huge.body().get("nodes")).isEqualTo(large.body().get("nodes"));
  }

  private static byte[] manyHeaders(int count) {
    StringBuilder request = new StringBuilder("GET /v1/nodes HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < count; i++) {
      request.append("X-Many-").append(i).append(": 1\r\n");
    }
    return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void oversizedBody_is413_beforeTheBodyIsRead() throws Exception {
    String before = snapshot();

    RawReply reply =
        api.raw(
            ("POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000\r\n\r\n{")
                .getBytes(StandardCharsets.ISO_8859_1));

    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.body()).contains("error_message").contains("larger than 1048576 bytes");
    assertThat(snapshot()).isEqualTo(before);
    assertHealthy();
  }

  @Test
  void surrogateEncodedAsUtf8Bytes_is400_andStoresNothing() throws Exception {
    String before = snapshot();
    byte[] head =
        "{\"driver\": \"fake-hardware\", \"extra\": {\"a\": \"".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
    // U+D800 written as if it were a character (CESU-8 / "WTF-8"): not valid UTF-8.
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    byte[] body = new byte[head.length + surrogate.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(surrogate, 0, body, head.length, surrogate.length);
    System.arraycopy(tail, 0, body, head.length + surrogate.length, tail.length);
    byte[] request =
        ("POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-OpenStack-Ironic-API-Version: 1.78\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] whole = new byte[request.length + body.length];
    System.arraycopy(request, 0, whole, 0, request.length);
    System.arraycopy(body, 0, whole, request.length, body.length);

    RawReply reply = api.raw(whole);

    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.body()).contains("error_message").doesNotContain("Exception");
    assertThat(snapshot()).isEqualTo(before);
    assertHealthy();
  }

  @Test
  void brokenHttp_isRefusedByTheServer_whichStaysHealthy() throws Exception {
    String before = snapshot();
    List<byte[]> requests =
        List.of(
            "HELLO\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            "GET /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1),
            "GET /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1),
            "GET /v1/nodes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1),
            ("GET /v1/nodes HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1),
            manyHeaders(150),
            "GET /v1/nodes\u0000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            "GET /v1/nodes/%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            "GET /v1/nodes?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));

    for (byte[] request : requests) {
      RawReply reply = api.raw(request);

      // The JDK server answers these itself (a 4xx or 501, or closing the connection); it never
      // reaches the API, never answers 2xx or 500.
      assertThat(reply.status())
          .as(new String(request, 0, Math.min(60, request.length), StandardCharsets.ISO_8859_1))
          .satisfiesAnyOf(
              status -> assertThat(status).isEqualTo(-1),
              status -> assertThat(status).isBetween(400, 499),
              status -> assertThat(status).isEqualTo(501));
      assertHealthy();
    }
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void validate_nodeStoredWithAFileUri_failsEveryInterfaceNamingTheRule() throws Exception {
    // A node stored before the allowlist existed (here: by a conductor that allowed the URI).
    String uri = "test:///etc/hostname";
    String stored;
    try (Conductor lenient =
        Conductor.builder()
            .dataSource(api.pool)
            .name("lenient")
            .driverSetting("libvirt-allowed-uris", uri)
            .timeoutCheckInterval(java.time.Duration.ZERO)
            .powerSyncInterval(java.time.Duration.ZERO)
            .build()) {
      stored =
          lenient
              .createNode(NodeSpec.of("libvirt", Map.of("libvirt_uri", uri, "libvirt_domain", "d")))
              .uuid();
    }

    Reply validate = api.get("/v1/nodes/" + stored + "/validate");

    assertThat(validate.status()).isEqualTo(200);
    assertThat(validate.body().size()).isEqualTo(11);
    for (String driven : io.ferrum.driver.HardwareInterfaces.DRIVEN) {
      JsonNode result = validate.body().get(driven);
      assertThat(result.get("result").asBoolean()).isFalse();
      assertThat(result.get("reason").asText())
          .contains("driver_info.libvirt_uri \"" + uri + "\" is not allowed")
          .contains("libvirt-allowed-uris");
    }
  }
}
