package io.ferrum.driver.libvirt;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** libvirt URIs: only the operator's, with no parameter that names a program, socket or file. */
class LibvirtUriPolicyTest {

  private static final String FIELD = "driver_info.libvirt_uri";

  private static void allowed(LibvirtUriPolicy policy, String uri) {
    assertThatCode(() -> policy.check(FIELD, uri)).as(uri).doesNotThrowAnyException();
  }

  private static void refused(LibvirtUriPolicy policy, String uri, String why) {
    assertThatThrownBy(() -> policy.check(FIELD, uri))
        .as(uri)
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageStartingWith(FIELD)
        .hasMessageContaining(why);
  }

  @Test
  void defaults_allowTheLocalHypervisorAndTheTestDriverOnly() {
    LibvirtUriPolicy policy = LibvirtUriPolicy.defaults();

    allowed(policy, "qemu:///system");
    allowed(policy, "test:///default");
    // A session daemon would be started for the conductor's user: only if the operator says so.
    refused(policy, "qemu:///session", "matches no entry");
    // libvirt hands a scheme it does not know in this spelling to its remote driver.
    refused(policy, "QEMU:///system", "lower-case");
    refused(policy, "Test:///default", "lower-case");
    refused(policy, "TEST:///default", "lower-case");
    refused(policy, "qemu+ssh://host/system", "matches no entry of libvirt-allowed-uris");
    refused(policy, "qemu+ext:///system", "matches no entry");
    refused(policy, "xen:///system", "matches no entry");
    refused(policy, "test:///etc/shadow", "matches no entry");
    refused(policy, "qemu:///system/", "normalized");
  }

  @Test
  void parametersNamingProgramsSocketsOrFiles_areRefused() {
    LibvirtUriPolicy policy = LibvirtUriPolicy.defaults();

    for (String uri :
        List.of(
            "qemu:///system?command=/tmp/x.sh",
            "qemu:///system?socket=/tmp/evil.sock",
            "qemu:///system?netcat=/tmp/nc",
            "qemu:///system?keyfile=/etc/shadow",
            "qemu:///system?pkipath=/etc",
            "qemu:///system?known_hosts=/etc/shadow",
            "qemu:///system?no_verify=1",
            "qemu:///system?COMMAND=/tmp/x.sh",
            "qemu:///system?comm%61nd=/tmp/x.sh",
            "qemu:///system?no_tty=1;command=/tmp/x.sh")) {
      refused(policy, uri, "is not in libvirt-allowed-uri-params (empty)");
    }
    refused(policy, "qemu:///system?a=1&a=2", "given twice");
    refused(policy, "qemu:///system?x=%zz", "it is not a URI");
    refused(policy, "qemu:///system?x=%0a", "control character");
  }

  @Test
  void pathsAndOddForms_areRefusedBeforeMatching() {
    LibvirtUriPolicy policy =
        LibvirtUriPolicy.from(DriverSettings.of(Map.of("libvirt-allowed-uris", "test:///default")));

    refused(policy, "test:///../../etc/hostname", "normalized");
    refused(policy, "test:///default/..", "normalized");
    refused(policy, "test:///./default", "normalized");
    refused(policy, "test:////default", "normalized");
    refused(policy, "test:///%64efault", "normalized");
    refused(policy, "test:///default#x", "fragment");
    refused(policy, "test:///default\\..", "backslash");
    refused(policy, "test:///de fault", "spaces");
    refused(policy, "test:default", "form driver[+transport]://[host]/path");
    refused(policy, "qemu+ssh://user:pw@host/system", "user part");
    refused(policy, "qemu+ssh://-oProxyCommand=x/system", "host");
    refused(policy, "/etc/shadow", "form driver");
    refused(policy, "x".repeat(2000), "longer than");
    assertThatThrownBy(() -> policy.check(FIELD, 5))
        .hasMessage(FIELD + " must be a non-empty string");
  }

  @Test
  void operatorEntries_hostsWildcardsUsersPortsAndPinnedParameters() {
    LibvirtUriPolicy policy =
        LibvirtUriPolicy.from(
            DriverSettings.of(
                Map.of(
                    "libvirt-allowed-uris",
                    "qemu+ssh://ferrum@*.lab.example/system, qemu+tls://hv1.example:16514/system,"
                        + " qemu+ssh://hv2.example/system?keyfile=/etc/ferrum/id_ed25519",
                    "libvirt-allowed-uri-params",
                    "no_tty")));

    allowed(policy, "qemu+ssh://ferrum@a.lab.example/system");
    allowed(policy, "qemu+ssh://ferrum@a.lab.example/system?no_tty=1");
    refused(policy, "qemu+ssh://root@a.lab.example/system", "matches no entry");
    refused(policy, "qemu+ssh://ferrum@lab.example/system", "matches no entry");
    refused(policy, "qemu+ssh://ferrum@a.lab.example.evil/system", "matches no entry");
    allowed(policy, "qemu+tls://hv1.example:16514/system");
    refused(policy, "qemu+tls://hv1.example/system", "matches no entry");
    allowed(policy, "qemu+ssh://hv2.example/system?keyfile=/etc/ferrum/id_ed25519");
    allowed(policy, "qemu+ssh://hv2.example/system");
    refused(
        policy,
        "qemu+ssh://hv2.example/system?keyfile=/etc/shadow",
        "parameter \"keyfile\" is not in libvirt-allowed-uri-params (no_tty) and not pinned");
  }

  @Test
  void badEntries_areRefusedWhenConfigured() {
    for (String entry : List.of("qemu:///../system", "not a uri", "qemu+ssh://*/system", "x")) {
      assertThatThrownBy(
              () -> LibvirtUriPolicy.from(DriverSettings.of(Map.of("libvirt-allowed-uris", entry))))
          .as(entry)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("libvirt-allowed-uris: \"" + entry + "\"");
    }
    assertThatThrownBy(
            () ->
                LibvirtUriPolicy.from(
                    DriverSettings.of(Map.of("libvirt-allowed-uri-params", "bad name"))))
        .hasMessageStartingWith("libvirt-allowed-uri-params:");
  }
}
