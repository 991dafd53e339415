package io.ferrum.driver.agent;

import io.ferrum.driver.RaidInterface;

/**
 * Ironic's {@code agent} RAID interface: a target RAID configuration is checked against Ironic's
 * RAID schema (the {@link RaidInterface} default; Ironic's agent RAID interface adds no rule of its
 * own, the agent's hardware managers check the rest when they build the volumes). The conductor
 * stores an accepted target; building it on the hardware is the clean step {@code raid
 * create_configuration} run by the agent, which Ferrum does not run yet, so the node's current RAID
 * configuration stays empty. Stateless.
 */
public final class AgentRaid implements RaidInterface {

  /** Ironic's name of this implementation. */
  public static final String NAME = "agent";
}
