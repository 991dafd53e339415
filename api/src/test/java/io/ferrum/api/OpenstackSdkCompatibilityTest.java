package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * openstacksdk's baremetal proxy, unchanged, drives Ferrum through the same endpoints as the {@code
 * baremetal} client test: the script {@code src/test/python/openstacksdk_check.py} against a live
 * API server. Skipped with a reason when Debian's python3-openstacksdk is missing, unless {@code
 * FERRUM_TEST_REQUIRE} contains {@code openstacksdk} (as {@code .ci/run} sets it).
 */
class OpenstackSdkCompatibilityTest {

  @Test
  void openstacksdk_usesEveryEndpointFerrumServes() throws Exception {
    String python = pythonWithOpenstack();
    String require = System.getenv().getOrDefault("FERRUM_TEST_REQUIRE", "");
    if (python == null && require.toLowerCase(Locale.ROOT).contains("openstacksdk")) {
      throw new IllegalStateException("openstacksdk is required here but not installed");
    }
    assumeTrue(
        python != null,
        "openstacksdk not installed (Debian: apt-get install python3-openstacksdk); skipped");

    try (TestServer api = new TestServer()) {
      Path script = Path.of("src", "test", "python", "openstacksdk_check.py");
      ProcessBuilder builder =
          new ProcessBuilder(python, script.toString(), api.url).redirectErrorStream(true);
      builder.environment().keySet().removeIf(k -> k.startsWith("OS_"));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + output);
      }
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).contains("openstacksdk: every check passed");
    }
  }

  /** A Python that imports openstack: Debian's first (a PATH python3 may be another one). */
  private static String pythonWithOpenstack() throws Exception {
    for (String python : List.of("/usr/bin/python3", "python3")) {
      if (python.startsWith("/") && !new File(python).canExecute()) {
        continue;
      }
      try {
        Process probe =
            new ProcessBuilder(python, "-c", "import openstack").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
          return python;
        }
      } catch (java.io.IOException e) {
        // not installed under this name: try the next
      }
    }
    return null;
  }
}
