package io.ferrum.examples.labcontroller;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.Notification;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.examples.labcontroller.Leases.LeaseEvent;
import io.ferrum.examples.labcontroller.Leases.LeaseState;
import io.ferrum.examples.labcontroller.Leases.Team;
import io.ferrum.fsm.EnumInstance;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A controller of the lab's own, built on an embedded conductor: teams lease lab machines; the
 * controller keeps each lease in the lab's {@link Leases#MACHINE} and asks the conductor to deploy
 * and undeploy the leased node. It learns how the conductor's work ended from the conductor's
 * notifications, through a filtered listener, and turns them into lease events.
 *
 * <p>Thread-safe: requests come from the caller's threads, notifications from the conductor's
 * workers; each lease instance is used under its own lock.
 */
public final class LabController implements AutoCloseable {

  private final Conductor conductor;
  private final PrintStream out;
  private final Map<String, EnumInstance<LeaseState, LeaseEvent, Team>> leases =
      new ConcurrentHashMap<>();
  private final AutoCloseable subscription;

  /** A controller whose leases are printed to {@code out} as they move. */
  public LabController(Conductor conductor, PrintStream out) {
    this.conductor = conductor;
    this.out = out;
    // Only the ends of provisioning work on leased nodes: the rest is not this controller's.
    this.subscription =
        conductor.subscribe(
            n ->
                n.eventType().startsWith("baremetal.node.provision_set.")
                    && !"start".equals(n.status())
                    && leases.containsKey(n.nodeUuid()),
            this::onProvisionEnd);
  }

  /**
   * A team asks for {@code node} with {@code image} on it: approved within the team's quota, then
   * deployed by the conductor.
   *
   * @return the lease's state after approval: {@code PROVISIONING} or {@code REFUSED}
   */
  public LeaseState request(Team team, String node, String image) {
    String uuid = conductor.getNode(node).uuid();
    EnumInstance<LeaseState, LeaseEvent, Team> lease =
        Leases.MACHINE.newInstance(LeaseState.REQUESTED, null, team);
    lease.addListener(
        t ->
            out.printf(
                "lease %s/%s: %s --%s--> %s%n", team.name, node, t.from(), t.event(), t.to()));
    // The quota guard and the action that takes from it must see the team as one step: two
    // requests of one team at once would otherwise both pass the guard.
    synchronized (team) {
      lease.fire(LeaseEvent.APPROVE);
    }
    if (lease.state() != LeaseState.PROVISIONING) {
      return lease.state();
    }
    EnumInstance<LeaseState, LeaseEvent, Team> held = leases.putIfAbsent(uuid, lease);
    if (held != null && !held.isStable()) {
      giveUp(lease);
      throw new IllegalStateException("Node " + node + " is already leased");
    }
    leases.put(uuid, lease);
    try {
      conductor.updateNode(uuid, List.of(PatchOperation.add("/instance_info/image_source", image)));
      conductor.provision(uuid, ProvisionRequest.of("active"));
    } catch (RuntimeException e) {
      // The conductor refused (the node is not available, locked, ...): nothing was deployed,
      // so the lease ends here and the team gets its quota back.
      leases.remove(uuid, lease);
      giveUp(lease);
      throw e;
    }
    return LeaseState.PROVISIONING;
  }

  private static void giveUp(EnumInstance<LeaseState, LeaseEvent, Team> lease) {
    synchronized (lease) {
      lease.fire(LeaseEvent.DEPLOY_FAILED);
      lease.notifyAll();
    }
  }

  /** The team is done with {@code node}: the conductor undeploys and cleans it. */
  public void release(String node) {
    String uuid = conductor.getNode(node).uuid();
    EnumInstance<LeaseState, LeaseEvent, Team> lease = leases.get(uuid);
    if (lease == null) {
      throw new IllegalArgumentException("No lease holds node " + node);
    }
    synchronized (lease) {
      lease.fire(LeaseEvent.RELEASE);
    }
    conductor.provision(uuid, ProvisionRequest.of("deleted"));
  }

  /**
   * Waits until the lease of {@code node} is in a stable state, for at most {@code timeout}.
   *
   * @return that state
   * @throws IllegalStateException if it is still moving after {@code timeout}
   */
  public LeaseState awaitStable(String node, Duration timeout) throws InterruptedException {
    EnumInstance<LeaseState, LeaseEvent, Team> lease = leases.get(conductor.getNode(node).uuid());
    if (lease == null) {
      throw new IllegalArgumentException("No lease holds node " + node);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lease) {
      while (!lease.isStable()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "The lease of " + node + " is still " + lease.state() + " after " + timeout);
        }
        lease.wait(Math.max(1, left / 1_000_000));
      }
      return lease.state();
    }
  }

  private void onProvisionEnd(Notification notification) {
    EnumInstance<LeaseState, LeaseEvent, Team> lease = leases.get(notification.nodeUuid());
    Object provisionState = notification.payload().get("provision_state");
    synchronized (lease) {
      LeaseEvent event = eventFor(lease.state(), String.valueOf(provisionState));
      if (event != null) {
        lease.fire(event);
        lease.notifyAll();
      }
    }
  }

  /** The lease event a node's provision state means while the lease is in {@code lease}. */
  private static LeaseEvent eventFor(LeaseState lease, String provisionState) {
    if (lease == LeaseState.PROVISIONING) {
      return switch (provisionState) {
        case "active" -> LeaseEvent.DEPLOYED;
        case "deploy failed" -> LeaseEvent.DEPLOY_FAILED;
        default -> null;
      };
    }
    if (lease == LeaseState.RELEASING && "available".equals(provisionState)) {
      return LeaseEvent.RELEASED;
    }
    return null;
  }

  @Override
  public void close() throws Exception {
    subscription.close();
  }
}
