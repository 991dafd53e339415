package io.ferrum.conductor;

import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.util.List;
import java.util.Set;

/**
 * What the conductor records in a node's {@code driver_internal_info} about the deploy ramdisk's
 * agent running on it, under Ironic's keys, and the states in which an agent may run. Stateless.
 */
final class AgentRecord {

  /** Where the agent listens: its normalized callback URL. */
  static final String URL = "agent_url";

  /** The token the agent received at lookup and must send with every heartbeat. */
  static final String TOKEN = "agent_secret_token";

  /** The version the agent reported. */
  static final String VERSION = "agent_version";

  /** When the last heartbeat arrived (ISO-8601, UTC). */
  static final String LAST_HEARTBEAT = "agent_last_heartbeat";

  /** The certificate (PEM) the agent's TLS endpoint presents, if it sent one. */
  static final String VERIFY_CA = "agent_verify_ca";

  /** Every key above: removed together once no agent may run on the node. */
  static final List<String> KEYS = List.of(URL, TOKEN, VERSION, LAST_HEARTBEAT, VERIFY_CA);

  /**
   * States in which an agent is expected on the node, so it may look the node up and its heartbeats
   * are recorded: Ironic's lookup-allowed states.
   */
  static final Set<String> AGENT_STATES =
      Set.of(
          ProvisionState.DEPLOYING.value(),
          ProvisionState.WAIT_CALL_BACK.value(),
          ProvisionState.CLEANING.value(),
          ProvisionState.CLEAN_WAIT.value(),
          ProvisionState.INSPECTING.value(),
          ProvisionState.INSPECT_WAIT.value(),
          ProvisionState.RESCUING.value(),
          ProvisionState.RESCUE_WAIT.value(),
          ProvisionState.SERVICING.value(),
          ProvisionState.SERVICE_WAIT.value());

  /**
   * Wait states a heartbeat continues (an inspection is continued by its inspection data, not by a
   * heartbeat).
   */
  static final Set<String> CONTINUED_STATES =
      Set.of(
          ProvisionState.WAIT_CALL_BACK.value(),
          ProvisionState.CLEAN_WAIT.value(),
          ProvisionState.RESCUE_WAIT.value(),
          ProvisionState.SERVICE_WAIT.value());

  private AgentRecord() {}

  /**
   * Whether an agent may still run on a node in {@code state}: not in a stable state ({@code
   * available}, {@code active}, ...) nor in a failure state ({@code deploy failed}, ...).
   */
  static boolean mayRun(String state) {
    if (ProvisionMachine.DEFINITION.isStable(state)) {
      return false;
    }
    return ProvisionState.fromValue(state)
        .map(s -> !ProvisionMachine.FAILURE_STATES.contains(s))
        .orElse(false);
  }
}
