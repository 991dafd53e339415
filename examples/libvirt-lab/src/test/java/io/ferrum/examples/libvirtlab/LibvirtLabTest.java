package io.ferrum.examples.libvirtlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/** The lab runs end to end (where libvirt is installed; mandatory under .ci/run). */
class LibvirtLabTest {

  @Test
  void lab_takesEveryDomainRoundTheLifecycle() throws Exception {
    String reason = null;
    try {
      new Connect("test:///default").close();
    } catch (Throwable e) {
      reason = "libvirt is not installed (Debian: apt-get install libvirt0): " + e;
    }
    if (reason != null
        && System.getenv()
            .getOrDefault("FERRUM_TEST_REQUIRE", "")
            .toLowerCase(Locale.ROOT)
            .contains("libvirt")) {
      throw new IllegalStateException(reason);
    }
    assumeTrue(reason == null, reason);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int code = LibvirtLab.run(2, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isZero();
    assertThat(out)
        .contains("manage    verifying -> manageable, power power off")
        .contains("deploy    deploying -> active, power power on")
        .contains("undeploy  deleting -> available, power power off")
        .contains("found 2 vCPU, 1024 MiB")
        .endsWith("All nodes went round and are available.\n");
  }
}
