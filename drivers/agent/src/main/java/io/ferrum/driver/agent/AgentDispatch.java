package io.ferrum.driver.agent;

import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.RaidInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Interfaces that choose, on every call, between the agent-based implementation and a hardware
 * type's own one by the node's choice ({@link DriverNode#chosen}): {@code boot_interface} {@value
 * IpxeBoot#NAME}, {@code deploy_interface} {@value DirectDeploy#NAME}, {@code raid_interface}
 * {@value AgentRaid#NAME}; cleaning goes through the agent ({@link AgentClean}) for nodes whose
 * {@code deploy_interface} is {@value DirectDeploy#NAME}. Any other choice, or none, keeps the
 * hardware type's own implementation, so nodes that did not choose an agent-based interface behave
 * as before. Stateless; the agent's interfaces are read through a supplier so a hardware type can
 * replace them when it is configured.
 */
public final class AgentDispatch {

  private AgentDispatch() {}

  /**
   * {@code supported} with {@value IpxeBoot#NAME} added to boot, {@value DirectDeploy#NAME} to
   * deploy and {@value AgentRaid#NAME} to raid, each after the existing names (so the defaults stay
   * first).
   */
  public static Map<String, List<String>> withAgent(Map<String, List<String>> supported) {
    Map<String, List<String>> out = new LinkedHashMap<>(supported);
    add(out, "boot", IpxeBoot.NAME);
    add(out, "deploy", DirectDeploy.NAME);
    add(out, "raid", AgentRaid.NAME);
    return Collections.unmodifiableMap(out);
  }

  private static void add(Map<String, List<String>> map, String key, String name) {
    List<String> names = new ArrayList<>(map.getOrDefault(key, List.of()));
    if (!names.contains(name)) {
      names.add(name);
    }
    map.put(key, List.copyOf(names));
  }

  /** Boot: {@link IpxeBoot} for nodes that chose it, else {@code own}. */
  public static BootInterface boot(Supplier<AgentInterfaces> agent, BootInterface own) {
    return new BootInterface() {
      private BootInterface pick(DriverNode node) {
        return IpxeBoot.NAME.equals(node.chosen("boot")) ? agent.get().boot() : own;
      }

      @Override
      public void validate(DriverNode node) {
        pick(node).validate(node);
      }

      @Override
      public void prepareInstance(DriverNode node) {
        pick(node).prepareInstance(node);
      }

      @Override
      public void cleanUpInstance(DriverNode node) {
        pick(node).cleanUpInstance(node);
      }
    };
  }

  /** Deploy: {@link DirectDeploy} for nodes that chose it, else {@code own}. */
  public static DeployInterface deploy(Supplier<AgentInterfaces> agent, DeployInterface own) {
    return new DeployInterface() {
      private DeployInterface pick(DriverNode node) {
        return DirectDeploy.NAME.equals(node.chosen("deploy")) ? agent.get().deploy() : own;
      }

      @Override
      public void validate(DriverNode node) {
        pick(node).validate(node);
      }

      @Override
      public StepOutcome deploy(DriverNode node) {
        return pick(node).deploy(node);
      }

      @Override
      public StepOutcome continueDeploy(DriverNode node) {
        return pick(node).continueDeploy(node);
      }

      @Override
      public void tearDown(DriverNode node) {
        pick(node).tearDown(node);
      }

      /**
       * {@link DirectDeploy#cleanUp} for nodes that chose it; else {@code own}'s, where a refusal
       * (an interface that supports nothing set nothing up) means nothing to undo.
       */
      @Override
      public void cleanUp(DriverNode node) {
        DeployInterface picked = pick(node);
        if (picked == own) {
          nothingToUndo(() -> own.cleanUp(node));
        } else {
          picked.cleanUp(node);
        }
      }

      @Override
      public void takeOver(DriverNode node) {
        pick(node).takeOver(node);
      }

      @Override
      public StepOutcome service(DriverNode node, List<Step> steps) {
        return pick(node).service(node, steps);
      }
    };
  }

  /**
   * RAID: {@link AgentRaid} for nodes that chose it, or whose choice the caller does not say (the
   * conductor calls a RAID interface only for nodes that chose one other than {@code no-raid}, and
   * {@value AgentRaid#NAME} is the only one these hardware types offer); {@code own} for any other
   * choice.
   */
  public static RaidInterface raid(Supplier<AgentInterfaces> agent, RaidInterface own) {
    return new RaidInterface() {
      private RaidInterface pick(DriverNode node) {
        String chosen = node.chosen("raid");
        return chosen == null || AgentRaid.NAME.equals(chosen) ? agent.get().raid() : own;
      }

      @Override
      public void validate(DriverNode node) {
        pick(node).validate(node);
      }

      @Override
      public void validateRaidConfig(DriverNode node, Map<String, Object> config) {
        pick(node).validateRaidConfig(node, config);
      }
    };
  }

  /**
   * Cleaning: {@link AgentClean} for nodes that deploy {@value DirectDeploy#NAME}, else {@code
   * own}.
   */
  public static CleanInterface clean(Supplier<AgentInterfaces> agent, CleanInterface own) {
    return new CleanInterface() {
      private CleanInterface pick(DriverNode node) {
        return DirectDeploy.NAME.equals(node.chosen("deploy")) ? agent.get().clean() : own;
      }

      @Override
      public void validate(DriverNode node) {
        pick(node).validate(node);
      }

      @Override
      public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
        return pick(node).clean(node, steps, automated);
      }

      @Override
      public StepOutcome continueClean(DriverNode node) {
        return pick(node).continueClean(node);
      }

      /**
       * {@link AgentClean#tearDownCleaning} for nodes that deploy {@value DirectDeploy#NAME}; else
       * {@code own}'s, where a refusal (an interface that supports nothing set nothing up) means
       * nothing to undo.
       */
      @Override
      public void tearDownCleaning(DriverNode node) {
        CleanInterface picked = pick(node);
        if (picked == own) {
          nothingToUndo(() -> own.tearDownCleaning(node));
        } else {
          picked.tearDownCleaning(node);
        }
      }
    };
  }

  /** Runs {@code undo}; a hardware type's interface that refuses every call has nothing to undo. */
  private static void nothingToUndo(Runnable undo) {
    try {
      undo.run();
    } catch (UnsupportedDriverOperationException e) {
      // The interface supports nothing, so it set nothing up.
    }
  }
}
