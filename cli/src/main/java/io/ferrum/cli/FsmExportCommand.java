package io.ferrum.cli;

import io.ferrum.fsm.export.ExportFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferrum fsm export}: prints a machine as DOT, Mermaid or JSON. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Print a state machine as DOT, Mermaid or JSON on standard output.",
      "The JSON form lists every state (stable or transient, with its target) and every"
          + " transition (from, event, to, action)."
    })
final class FsmExportCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-m", "--machine"},
      defaultValue = "provision",
      description = "Which machine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  BuiltInMachine machine;

  @Option(
      names = {"-f", "--format"},
      defaultValue = "json",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ExportFormat format;

  @Override
  public void run() {
    spec.commandLine().getOut().print(format.write(machine.definition()));
    spec.commandLine().getOut().flush();
  }
}
