package io.ferrum.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ferrum completion}: prints a bash/zsh completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash (and zsh) completion script for ferrum.",
      "Use: source <(./ferrum completion)"
    })
final class CompletionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().print(AutoComplete.bash("ferrum", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
  }
}
