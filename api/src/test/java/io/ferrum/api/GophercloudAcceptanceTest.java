package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.driver.BmcNetworkPolicy;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * gophercloud's bare-metal acceptance tests, unchanged: the noauth lane (the Go package {@value
 * #PACKAGE}, build tag {@code acceptance}, {@code IRONIC_ENDPOINT} naming the server's {@code /v1})
 * against a live API server. The sources are Debian's {@code
 * golang-github-gophercloud-gophercloud-dev} (gophercloud 0.12.0 in bookworm) under {@value
 * #GOCODE}, built with Debian's {@code golang-go} in GOPATH mode and offline: no module is fetched,
 * the build cache stays in {@code target/gophercloud}, so only the first run of a build compiles.
 *
 * <p>Every test of the lane must pass, except those in {@link #gaps}: each of those must fail with
 * the text given there, so a gap that closes fails this test until it is taken off the list.
 *
 * <p>Skipped with a reason when {@code go} or the gophercloud sources are missing, unless {@code
 * FERRUM_TEST_REQUIRE} contains {@code gophercloud} (as {@code .ci/run} sets it).
 */
class GophercloudAcceptanceTest {

  static final String GOCODE = "/usr/share/gocode";

  static final String PACKAGE =
      "github.com/gophercloud/gophercloud/acceptance/openstack/baremetal/noauth";

  /** The BMC network of the lane's {@code ipmi} nodes ({@code driver_info.ipmi_address}). */
  private static final String LANE_BMC_NETWORK = "192.168.122.0/24";

  @Test
  void gophercloudNoauthLane_passesAgainstFerrum() throws Exception {
    requireGophercloud();
    try (TestServer api =
        new TestServer(
            new TestServer.Options()
                .conductor(
                    builder ->
                        builder
                            .driverSetting(BmcNetworkPolicy.ALLOWED_NETWORKS, LANE_BMC_NETWORK)
                            .driverSetting(
                                io.ferrum.driver.ImageSourcePolicy.ALLOWED_URL_SCHEMES, "http")))) {
      Map<String, String> gaps = gaps();
      Run run = goTest(api.url + "/v1");

      assertThat(run.results())
          .as("tests that passed; go test said:\n%s", run.text())
          .containsValue("pass");
      List<String> failures = new ArrayList<>();
      run.results()
          .forEach(
              (test, action) -> {
                String output = run.outputs().getOrDefault(test, "");
                String gap = gaps.get(test);
                if (gap == null && !action.equals("pass")) {
                  failures.add(test + ": " + action + "\n" + output);
                } else if (gap != null && action.equals("pass")) {
                  failures.add(test + ": passes now; take it off the gaps here and in docs/api.md");
                } else if (gap != null && !output.contains(gap)) {
                  failures.add(
                      test + ": " + action + " without \"" + gap + "\", its known gap\n" + output);
                }
              });
      assertThat(failures).as("gophercloud tests that failed").isEmpty();
    }
  }

  /**
   * The lane's tests Ferrum fails for a reason outside this module, each with the text of its
   * failure: none today. A test listed here must fail with that text, so a gap that closes fails
   * this test until it is taken off the list.
   */
  private static Map<String, String> gaps() {
    return new LinkedHashMap<>();
  }

  /** What {@code go test -json} reported: each test's last action and its output, and all text. */
  record Run(Map<String, String> results, Map<String, String> outputs, String text) {}

  /** Builds and runs the lane against {@code endpoint}, offline, with the cache in target. */
  private static Run goTest(String endpoint) throws Exception {
    Path work = Path.of("target", "gophercloud").toAbsolutePath();
    Files.createDirectories(work.resolve("gopath"));
    Files.createDirectories(work.resolve("gocache"));
    ProcessBuilder builder =
        new ProcessBuilder(
                "go", "test", "-json", "-count=1", "-timeout=5m", "-tags", "acceptance", PACKAGE)
            .directory(work.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet()
        .removeIf(k -> k.startsWith("GO") || k.startsWith("OS_") || k.startsWith("IRONIC_"));
    env.put("GO111MODULE", "off");
    env.put("GOPATH", work.resolve("gopath") + File.pathSeparator + GOCODE);
    env.put("GOCACHE", work.resolve("gocache").toString());
    env.put("GOPROXY", "off");
    env.put("GOTOOLCHAIN", "local");
    env.put("GOENV", "off");
    env.put("CGO_ENABLED", "0");
    env.put("IRONIC_ENDPOINT", endpoint);
    Process process = builder.start();

    Map<String, String> results = new TreeMap<>();
    Map<String, StringBuilder> outputs = new TreeMap<>();
    StringBuilder text = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.startsWith("{")) {
          text.append(line).append('\n'); // the build's own messages
          continue;
        }
        JsonNode event = TestServer.JSON.readTree(line);
        String test = event.path("Test").asText(null);
        String action = event.path("Action").asText();
        if (action.equals("output")) {
          String output = event.path("Output").asText();
          text.append(output);
          if (test != null) {
            outputs.computeIfAbsent(test, t -> new StringBuilder()).append(output);
          }
        } else if (test != null && List.of("pass", "fail", "skip").contains(action)) {
          results.put(test, action);
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("go test did not end:\n" + text);
    }
    Map<String, String> texts = new TreeMap<>();
    outputs.forEach((test, output) -> texts.put(test, output.toString()));
    return new Run(results, texts, text.toString());
  }

  private static void requireGophercloud() {
    String missing =
        !BaremetalClientCompatibilityTest.onPath("go")
            ? "go is not on PATH"
            : !Files.isDirectory(Path.of(GOCODE, "src", PACKAGE))
                ? "gophercloud's acceptance tests are not in " + GOCODE
                : null;
    String require = System.getenv().getOrDefault("FERRUM_TEST_REQUIRE", "");
    if (missing != null && require.toLowerCase(Locale.ROOT).contains("gophercloud")) {
      throw new IllegalStateException("FERRUM_TEST_REQUIRE names gophercloud, but " + missing);
    }
    assumeTrue(
        missing == null,
        missing
            + " (Debian: apt-get install golang-go golang-github-gophercloud-gophercloud-dev);"
            + " gophercloud acceptance tests skipped");
  }
}
