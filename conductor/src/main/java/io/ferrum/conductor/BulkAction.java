package io.ferrum.conductor;

import io.ferrum.fsm.PowerRequest;
import java.time.Duration;

/**
 * What a bulk request does to each of its nodes: a provision verb with its arguments, or a power
 * change. Each node's action goes through {@link Conductor#provision} or {@link Conductor#power},
 * exactly as a request for that node alone would.
 *
 * <p>Immutable and thread-safe.
 */
public final class BulkAction {

  private final ProvisionRequest provision;
  private final PowerRequest power;
  private final Duration powerTimeout;

  private BulkAction(ProvisionRequest provision, PowerRequest power, Duration powerTimeout) {
    this.provision = provision;
    this.power = power;
    this.powerTimeout = powerTimeout;
  }

  /**
   * A provision verb for every node, with its arguments (a config drive, clean steps, ...).
   *
   * @throws InvalidParameterException for a missing argument or one the verb does not take
   */
  public static BulkAction provision(ProvisionRequest request) {
    if (request == null) {
      throw new InvalidParameterException("A bulk request needs a verb");
    }
    Conductor.provisionEvent(request);
    return new BulkAction(request, null, null);
  }

  /**
   * A power change for every node: {@code power on}, {@code power off}, {@code rebooting}, {@code
   * soft rebooting} or {@code soft power off}.
   *
   * @param timeout for soft requests, how long the operating system gets; {@code null} for the
   *     default
   * @throws InvalidParameterException for an unknown target or a bad timeout
   */
  public static BulkAction power(String target, Duration timeout) {
    return new BulkAction(null, Conductor.powerRequest(target, timeout), timeout);
  }

  /** The verb as stored and shown: the provision verb, or the power target. */
  public String verb() {
    return provision != null ? provision.verb() : power.apiTarget();
  }

  /** Whether {@code verb}, as stored, is a power target rather than a provision verb. */
  static boolean isPowerVerb(String verb) {
    return PowerRequest.fromApiTarget(verb).isPresent();
  }

  /** Whether this is a power change. */
  public boolean isPower() {
    return power != null;
  }

  /** The power state a power change ends in; {@code null} for a provision verb. */
  String powerTarget() {
    return power == null ? null : power.targetPowerState().value();
  }

  /** Starts the action on one node, as a request for that node alone. */
  ActionHandle start(Conductor conductor, String ident) {
    return provision != null
        ? conductor.provision(ident, provision)
        : conductor.power(ident, power.apiTarget(), powerTimeout);
  }

  @Override
  public String toString() {
    return "BulkAction[" + (provision != null ? provision : verb()) + "]";
  }
}
