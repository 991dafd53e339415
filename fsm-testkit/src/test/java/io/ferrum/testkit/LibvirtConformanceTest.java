package io.ferrum.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrum.driver.libvirt.LibvirtHardware;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * The libvirt hardware type passes the conformance suite against libvirt's built-in test driver
 * ({@code test:///default}, no daemon). Skipped with a reason where libvirt is not installed,
 * unless {@code FERRUM_TEST_REQUIRE} contains {@code libvirt}, when it fails instead.
 */
class LibvirtConformanceTest {

  private static final String URI = "test:///default";

  /** Held open while the suite runs: the test driver forgets its domains when the last closes. */
  private Connect libvirt;

  private String domain;

  @BeforeEach
  void defineDomain() throws Exception {
    libvirt = connectOrSkip();
    domain = "conformance-" + UUID.randomUUID().toString().substring(0, 8);
    libvirt.domainDefineXML(
        "<domain type='test'><name>"
            + domain
            + "</name><memory unit='MiB'>1024</memory><vcpu>1</vcpu>"
            + "<os><type arch='x86_64'>hvm</type><boot dev='network'/></os></domain>");
  }

  @AfterEach
  void undefineDomain() throws Exception {
    if (libvirt == null) {
      return;
    }
    var defined = libvirt.domainLookupByName(domain);
    if (defined.isActive() == 1) {
      defined.destroy();
    }
    defined.undefine();
    libvirt.close();
  }

  @Test
  void libvirtHardware_passesEveryCheck() {
    Report report =
        DriverConformance.of(new LibvirtHardware())
            .driverInfo(Map.of("libvirt_uri", URI, "libvirt_domain", domain))
            .instanceInfo(Map.of("image_source", "/var/lib/ferrum/images/" + domain + ".qcow2"))
            .unreachable(Map.of("libvirt_domain", "no-such-" + domain))
            .malformed("libvirt_uri", "qemu+ssh://elsewhere/system")
            .run();

    report.assertPassed();
    assertThat(report.checks())
        .extracting(CheckResult::status)
        .containsOnly(CheckResult.Status.PASSED);
  }

  private static Connect connectOrSkip() {
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
