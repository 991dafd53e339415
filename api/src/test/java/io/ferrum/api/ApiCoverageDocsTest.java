package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/api.md's coverage table lists every top-level resource of Ironic's v1 API with its state in
 * Ferrum, and tells the truth: what it calls implemented answers, what it calls not implemented
 * answers the 404 that says so.
 */
class ApiCoverageDocsTest {

  private static final Pattern ROW =
      Pattern.compile("^\\| `/v1/([a-z_]+)` \\| (implemented|not implemented) \\|.*$");

  @Test
  void coverageTable_listsEveryIronicResource_withItsStateInFerrum() throws Exception {
    Map<String, Boolean> documented = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("..", "docs", "api.md"))) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        documented.put(row.group(1), row.group(2).equals("implemented"));
      }
    }
    Map<String, Boolean> served = new LinkedHashMap<>();
    for (IronicResource resource : IronicResource.values()) {
      served.put(resource.path(), resource.implemented());
    }
    assertThat(documented).as("docs/api.md's coverage table").isEqualTo(served);

    try (TestServer api = new TestServer()) {
      for (Map.Entry<String, Boolean> resource : served.entrySet()) {
        Reply reply = api.get("/v1/" + resource.getKey());
        if (resource.getKey().equals("lookup") || resource.getKey().equals("heartbeat")) {
          // The deploy ramdisk's endpoints list nothing: a lookup needs an address, a heartbeat
          // a node and a body.
          Reply ramdisk =
              resource.getKey().equals("lookup")
                  ? reply
                  : api.call("POST", "/v1/heartbeat/some-node", "1.78", "{}");
          assertThat(ramdisk.status()).as(resource.getKey()).isEqualTo(400);
        } else if (resource.getValue()) {
          assertThat(reply.status()).as(resource.getKey()).isEqualTo(200);
        } else {
          assertThat(reply.status()).as(resource.getKey()).isEqualTo(404);
          assertThat(reply.fault()).as(resource.getKey()).contains("Ferrum does not implement");
        }
      }
    }
  }
}
