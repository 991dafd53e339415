package io.ferrum.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ferrum node}: a client for a running {@code ferrum serve}. The provision verbs are added
 * in {@link Ferrum#newCommandLine()}, one {@link NodeVerbCommand} each.
 */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Manage nodes through a running 'ferrum serve' (see --url).",
    subcommands = {
      NodeCreateCommand.class,
      NodeListCommand.class,
      NodeShowCommand.class,
      NodeSetCommand.class,
      NodeUnsetCommand.class,
      NodeDeleteCommand.class,
      NodePowerCommand.class,
      NodeHistoryCommand.class,
      NodeMaintenanceCommand.class
    })
final class NodeCommand implements Runnable {

  /** Provision verbs as commands: command name, API target, the state --wait waits for. */
  static final String[][] VERBS = {
    {"manage", "manage", "manageable"},
    {"provide", "provide", "available"},
    {"deploy", "active", "active"},
    {"undeploy", "deleted", "available"},
    {"rebuild", "rebuild", "active"},
    {"inspect", "inspect", "manageable"},
    {"clean", "clean", "manageable"},
    {"abort", "abort", null},
    {"adopt", "adopt", "active"},
    {"rescue", "rescue", "rescue"},
    {"unrescue", "unrescue", "active"},
    // No "service": the API serves microversions up to 1.78 and service needs 1.87.
  };

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing a subcommand (see 'ferrum node --help')");
  }
}
