package io.ferrum.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ferrum fsm}: the state machines Ferrum drives nodes through. */
@Command(
    name = "fsm",
    mixinStandardHelpOptions = true,
    description = "Show the state machines Ferrum drives nodes through.",
    subcommands = {FsmExportCommand.class, FsmDocsCommand.class})
final class FsmCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing a subcommand: export or docs");
  }
}
