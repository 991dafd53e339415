package io.ferrum.driver.libvirt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.libvirt.Connect;

/** Access to libvirt's test driver for tests, or a skip with the reason when it is missing. */
final class TestLibvirt {

  /** The test driver's shared state, as every test of this module uses it. */
  static final String URI = "test:///default";

  private TestLibvirt() {}

  /**
   * A connection to {@link #URI}; the test is skipped with a reason where libvirt is not installed,
   * unless {@code FERRUM_TEST_REQUIRE} contains {@code libvirt} (as {@code .ci/run} sets it), when
   * it fails instead.
   */
  static Connect connectOrSkip() {
    String reason = null;
    Connect connect = null;
    try {
      connect = new Connect(URI);
    } catch (Throwable e) {
      reason = "libvirt is not installed (Debian: apt-get install libvirt0): " + e;
    }
    boolean required =
        System.getenv()
            .getOrDefault("FERRUM_TEST_REQUIRE", "")
            .toLowerCase(Locale.ROOT)
            .contains("libvirt");
    if (reason != null && required) {
      throw new IllegalStateException("libvirt is required here but: " + reason);
    }
    assumeTrue(reason == null, reason);
    return connect;
  }
}
