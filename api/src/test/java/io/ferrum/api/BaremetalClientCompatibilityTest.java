package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ironic's own client, unchanged, drives Ferrum: the Debian {@code baremetal} command (packages
 * python3-ironicclient and python3-openstackclient) against a live API server. Skipped with a
 * reason when the command is missing, unless {@code FERRUM_TEST_REQUIRE} contains {@code baremetal}
 * (as {@code .ci/run} sets it).
 */
class BaremetalClientCompatibilityTest {

  @Test
  void baremetalCli_drivesAFakeNodeThroughItsLifecycle() throws Exception {
    boolean installed = onPath("baremetal");
    String require = System.getenv().getOrDefault("FERRUM_TEST_REQUIRE", "");
    if (!installed && require.toLowerCase(Locale.ROOT).contains("baremetal")) {
      throw new IllegalStateException("the baremetal command is required here but not installed");
    }
    assumeTrue(
        installed,
        "baremetal client not installed (Debian: apt-get install python3-ironicclient"
            + " python3-openstackclient); compatibility test skipped");

    try (TestServer api = new TestServer()) {
      String uuid =
          run(
                  api,
                  "node",
                  "create",
                  "--driver",
                  "fake-hardware",
                  "--name",
                  "compat-1",
                  "-f",
                  "value",
                  "-c",
                  "uuid")
              .trim();
      assertThat(uuid).hasSize(36);
      assertThat(show(api, "provision_state")).isEqualTo("enroll");
      run(api, "node", "manage", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("manageable");
      run(api, "node", "provide", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("available");
      run(api, "node", "deploy", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("active");
      run(api, "node", "power", "off", "compat-1");
      awaitPower(api, "power off");
      run(api, "node", "power", "on", "compat-1");
      awaitPower(api, "power on");
      run(api, "node", "undeploy", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("available");
      assertThat(run(api, "node", "list", "-f", "value", "-c", "Name")).contains("compat-1");
      run(api, "node", "delete", "compat-1");
      assertThat(run(api, "node", "list", "-f", "value", "-c", "Name")).doesNotContain("compat-1");
    }
  }

  private static String show(TestServer api, String field) throws Exception {
    return run(api, "node", "show", "compat-1", "-f", "value", "-c", field).trim();
  }

  private static void awaitPower(TestServer api, String expected) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (show(api, "power_state").equals(expected)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(show(api, "power_state")).isEqualTo(expected);
  }

  private static String run(TestServer api, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("baremetal", "--os-auth-type", "none", "--os-endpoint", api.url));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OS_"));
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s\n%s", command, output).isZero();
    return output;
  }

  private static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, name).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
