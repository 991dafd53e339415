package io.ferrum.examples.libvirtlab;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.ProvisionRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.libvirt.Connect;

/**
 * A small lab: defines a few domains on libvirt's test driver ({@code test:///default}, no daemon
 * needed), enrolls each as a Ferrum node with the {@code libvirt} driver, and takes them through
 * manage, inspect, provide, deploy, power off, power on, reboot and undeploy with an embedded
 * conductor, printing every step.
 *
 * <p>Run: {@code mvn -B -q package -DskipTests && java -jar
 * examples/libvirt-lab/target/libvirt-lab.jar [domains]} (needs libvirt's client library: Debian
 * {@code libvirt0}).
 */
public final class LibvirtLab {

  private static final String URI = "test:///default";

  private LibvirtLab() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.exit(run(count, System.out));
  }

  /** Runs the lab on {@code count} domains; returns 0 when every node ended available. */
  static int run(int count, PrintStream out) throws Exception {
    Connect libvirt = new Connect(URI);
    String lab = "lab-" + UUID.randomUUID().toString().substring(0, 6);
    List<String> domains = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = lab + "-vm" + i;
      libvirt.domainDefineXML(
          "<domain type='test'><name>"
              + name
              + "</name><memory unit='MiB'>"
              + (512 * i)
              + "</memory><vcpu>"
              + i
              + "</vcpu><os><type arch='x86_64'>hvm</type>"
              + "<boot dev='network'/></os></domain>");
      domains.add(name);
    }
    out.println("Defined " + count + " domains on " + URI + ": " + String.join(", ", domains));
    ConnectionPool db =
        Databases.pooled("jdbc:h2:mem:" + lab + ";DB_CLOSE_DELAY=-1", null, null, 8);
    int failures = 0;
    try (Conductor conductor =
        Conductor.builder()
            .dataSource(db)
            .name(lab)
            .notificationSink(NotificationSink.none())
            .build()) {
      for (String domain : domains) {
        Node node =
            conductor.createNode(
                NodeSpec.of("libvirt", Map.of("libvirt_uri", URI, "libvirt_domain", domain))
                    .withName(domain)
                    .withInstanceInfo(
                        Map.of("image_source", "/var/lib/ferrum/images/" + domain + ".qcow2")));
        out.println(domain + ": enrolled (" + node.provisionState() + ")");
        try {
          step(out, domain, "manage", conductor.provision(domain, ProvisionRequest.of("manage")));
          Node inspected =
              step(
                  out,
                  domain,
                  "inspect",
                  conductor.provision(domain, ProvisionRequest.of("inspect")));
          out.println(
              domain
                  + ":   found "
                  + inspected.properties().get("cpus")
                  + " vCPU, "
                  + inspected.properties().get("memory_mb")
                  + " MiB");
          step(out, domain, "provide", conductor.provision(domain, ProvisionRequest.of("provide")));
          step(out, domain, "deploy", conductor.provision(domain, ProvisionRequest.of("deploy")));
          step(out, domain, "power off", conductor.power(domain, "power off", null));
          step(out, domain, "power on", conductor.power(domain, "power on", null));
          step(out, domain, "reboot", conductor.power(domain, "rebooting", null));
          Node done =
              step(
                  out,
                  domain,
                  "undeploy",
                  conductor.provision(domain, ProvisionRequest.of("undeploy")));
          if (!done.provisionState().equals("available")) {
            failures++;
          }
        } catch (Exception e) {
          failures++;
          out.println(domain + ": FAILED: " + e.getMessage());
        }
      }
    } finally {
      db.close();
      for (String domain : domains) {
        var d = libvirt.domainLookupByName(domain);
        if (d.isActive() == 1) {
          d.destroy();
        }
        d.undefine();
      }
      libvirt.close();
    }
    out.println(
        failures == 0 ? "All nodes went round and are available." : failures + " node(s) failed.");
    return failures == 0 ? 0 : 1;
  }

  private static Node step(PrintStream out, String domain, String what, ActionHandle handle)
      throws Exception {
    long start = System.nanoTime();
    Node applied = handle.applied();
    Node done = handle.await(Duration.ofMinutes(1));
    out.printf(
        "%s: %-9s %s -> %s, power %s (%.0f ms)%n",
        domain,
        what,
        applied.provisionState(),
        done.provisionState(),
        done.powerState(),
        (System.nanoTime() - start) / 1e6);
    return done;
  }
}
