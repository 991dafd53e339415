package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferrum node power on|off|reboot|soft-off|soft-reboot NODE}. */
@Command(name = "power", mixinStandardHelpOptions = true, description = "Change a node's power.")
final class NodePowerCommand implements Callable<Integer> {

  /** What the user types, and the API target it stands for. */
  private static final Map<String, String> ACTIONS =
      Map.of(
          "on", "power on",
          "off", "power off",
          "reboot", "rebooting",
          "soft-off", "soft power off",
          "soft-reboot", "soft rebooting");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      completionCandidates = ActionNames.class,
      description = "One of: on, off, reboot, soft-off, soft-reboot.")
  String action;

  @Parameters(index = "1", paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "For soft actions: how long the operating system gets (at least 1).")
  Integer timeout;

  /** Completion candidates for ACTION. */
  static final class ActionNames extends java.util.ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ActionNames() {
      super(java.util.List.of("on", "off", "reboot", "soft-off", "soft-reboot"));
    }
  }

  @Override
  public Integer call() {
    String target = ACTIONS.get(action);
    if (target == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown power action '"
              + action
              + "'; expected one of on, off, reboot, soft-off,"
              + " soft-reboot");
    }
    ClientOptions.positive(spec.commandLine(), "--timeout", timeout);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", target);
    if (timeout != null) {
      body.put("timeout", timeout);
    }
    client.client().put("/v1/nodes/" + ApiClient.encode(node) + "/states/power", body);
    spec.commandLine().getOut().println("Requested " + target + " of node " + node);
    return 0;
  }
}
